//! Kafka transactions (KIP-98, kafka-semantics.md §B.10): the wire protocol between a
//! transactional producer, its transaction coordinator and the partition leaders, and the
//! coordinator's state machine. The producer's side lives in `producer/transaction.rs`, the
//! partition's (markers, last stable offset) in the broker.

pub mod coordinator;
pub mod facts;
pub mod protocol;

/// The producer id the coordinator hands out for the scenario's `transactional.id` (and the
/// one an idempotent producer gets without a transactional id).
pub const PRODUCER_ID: u64 = 1_000;
