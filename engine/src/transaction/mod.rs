//! Kafka transactions (KIP-98, kafka-semantics.md §B.10): the wire protocol between a
//! transactional producer, its transaction coordinator and the partition leaders, and the
//! coordinator's state machine. The producer's side lives in `producer/transaction.rs`, the
//! partition's (markers, last stable offset) in the broker.

pub mod coordinator;
pub mod facts;
pub mod protocol;

/// The producer id the coordinator hands out for the scenario's `transactional.id` (and the
/// base of the ones an idempotent producer gets without a transactional id).
pub const PRODUCER_ID: u64 = 1_000;

/// The producer id of the `slot`-th transactional id the coordinator hears of (the
/// scenario's own is slot 0).
pub fn producer_id_of(slot: u32) -> u64 {
    PRODUCER_ID + 10_000 * u64::from(slot)
}
