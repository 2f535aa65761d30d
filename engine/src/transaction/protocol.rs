//! The transaction RPCs: FindCoordinator (key type TRANSACTION), InitProducerId,
//! AddPartitionsToTxn, EndTxn, and the coordinator's WriteTxnMarkers to partition leaders.

use crate::errors::KafkaError;
use crate::ids::{BrokerId, PartitionId};
use crate::message::ControlMarker;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A transactional request or answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "api", rename_all = "snake_case")]
pub enum TxnMessage {
    /// Which broker coordinates this `transactional.id`?
    FindCoordinator,
    /// The coordinator's broker (none: COORDINATOR_NOT_AVAILABLE).
    FindCoordinatorResponse {
        /// The broker.
        coordinator: Option<BrokerId>,
    },
    /// `initTransactions()`: get the producer id and a bumped epoch for a `transactional.id`,
    /// fencing older instances that use the same id.
    InitProducerId {
        /// The `transactional.id`.
        transactional_id: std::rc::Rc<str>,
    },
    /// The producer id and epoch, or why not.
    InitProducerIdResponse {
        /// `(producer id, epoch)`.
        result: Result<(u64, u16), KafkaError>,
    },
    /// Register partitions in the ongoing transaction before writing to them.
    AddPartitionsToTxn {
        /// Producer id.
        producer_id: u64,
        /// Producer epoch.
        epoch: u16,
        /// The partitions.
        partitions: Vec<PartitionId>,
    },
    /// The answer.
    AddPartitionsToTxnResponse {
        /// The partitions asked for.
        partitions: Vec<PartitionId>,
        /// None when added.
        error: Option<KafkaError>,
    },
    /// `commitTransaction()` / `abortTransaction()`.
    EndTxn {
        /// Producer id.
        producer_id: u64,
        /// Producer epoch.
        epoch: u16,
        /// Commit (else abort).
        commit: bool,
    },
    /// The answer: the epoch for the next transaction (bumped per transaction with
    /// transaction.version 2), or the error.
    EndTxnResponse {
        /// Echo of the request's `commit`.
        commit: bool,
        /// The epoch to use from now on.
        result: Result<u16, KafkaError>,
    },
    /// KIP-890 part 1 (3.6+): a partition leader asks the coordinator whether this
    /// producer's transaction is ongoing and includes the partition, before the first
    /// transactional write to it.
    VerifyPartition {
        /// Producer id.
        producer_id: u64,
        /// Producer epoch.
        epoch: u16,
        /// The partition.
        partition: PartitionId,
    },
    /// The coordinator's answer.
    VerifyPartitionResponse {
        /// Producer id.
        producer_id: u64,
        /// The partition.
        partition: PartitionId,
        /// None when the transaction includes the partition.
        error: Option<KafkaError>,
    },
    /// The coordinator asks a partition leader to append a transaction marker.
    WriteTxnMarkers {
        /// Producer id.
        producer_id: u64,
        /// Producer epoch the marker is written with.
        epoch: u16,
        /// The partition.
        partition: PartitionId,
        /// COMMIT or ABORT.
        marker: ControlMarker,
    },
    /// The leader's answer, once the marker is replicated (or the error).
    WriteTxnMarkersResponse {
        /// Whose transaction (the coordinator of that producer id takes the answer).
        producer_id: u64,
        /// The partition.
        partition: PartitionId,
        /// Which marker.
        marker: ControlMarker,
        /// None when written.
        error: Option<KafkaError>,
    },
}

impl TxnMessage {
    /// The API name.
    pub fn name(&self) -> &'static str {
        match self {
            TxnMessage::FindCoordinator => "FindCoordinator(txn)",
            TxnMessage::FindCoordinatorResponse { .. } => "FindCoordinatorResponse(txn)",
            TxnMessage::InitProducerId { .. } => "InitProducerId",
            TxnMessage::InitProducerIdResponse { .. } => "InitProducerIdResponse",
            TxnMessage::AddPartitionsToTxn { .. } => "AddPartitionsToTxn",
            TxnMessage::AddPartitionsToTxnResponse { .. } => "AddPartitionsToTxnResponse",
            TxnMessage::EndTxn { .. } => "EndTxn",
            TxnMessage::EndTxnResponse { .. } => "EndTxnResponse",
            TxnMessage::VerifyPartition { .. } => "AddPartitionsToTxn(verify)",
            TxnMessage::VerifyPartitionResponse { .. } => "AddPartitionsToTxnResponse(verify)",
            TxnMessage::WriteTxnMarkers { .. } => "WriteTxnMarkers",
            TxnMessage::WriteTxnMarkersResponse { .. } => "WriteTxnMarkersResponse",
        }
    }

    /// Whether the transaction coordinator (not a partition leader) answers it.
    pub fn for_coordinator(&self) -> bool {
        matches!(
            self,
            TxnMessage::InitProducerId { .. }
                | TxnMessage::AddPartitionsToTxn { .. }
                | TxnMessage::EndTxn { .. }
                | TxnMessage::VerifyPartition { .. }
                | TxnMessage::WriteTxnMarkersResponse { .. }
        )
    }
}

fn error(f: &mut fmt::Formatter<'_>, error: &Option<KafkaError>) -> fmt::Result {
    match error {
        Some(e) => write!(f, " error={e}"),
        None => Ok(()),
    }
}

fn partitions(f: &mut fmt::Formatter<'_>, partitions: &[PartitionId]) -> fmt::Result {
    for p in partitions {
        write!(f, " {p}")?;
    }
    Ok(())
}

impl fmt::Display for TxnMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        match self {
            TxnMessage::FindCoordinator => Ok(()),
            TxnMessage::InitProducerId { transactional_id } => {
                write!(f, " transactional.id={transactional_id}")
            }
            TxnMessage::FindCoordinatorResponse { coordinator } => match coordinator {
                Some(b) => write!(f, " coordinator={b}"),
                None => write!(f, " error={}", KafkaError::CoordinatorNotAvailable),
            },
            TxnMessage::InitProducerIdResponse { result } => match result {
                Ok((id, epoch)) => write!(f, " producer_id={id} epoch={epoch}"),
                Err(e) => write!(f, " error={e}"),
            },
            TxnMessage::AddPartitionsToTxn {
                producer_id,
                epoch,
                partitions: p,
            } => {
                write!(f, " producer_id={producer_id} epoch={epoch}")?;
                partitions(f, p)
            }
            TxnMessage::AddPartitionsToTxnResponse {
                partitions: p,
                error: e,
            } => {
                partitions(f, p)?;
                error(f, e)
            }
            TxnMessage::EndTxn {
                producer_id,
                epoch,
                commit,
            } => {
                let what = if *commit { "COMMIT" } else { "ABORT" };
                write!(f, " {what} producer_id={producer_id} epoch={epoch}")
            }
            TxnMessage::EndTxnResponse { commit, result } => {
                let what = if *commit { "COMMIT" } else { "ABORT" };
                match result {
                    Ok(epoch) => write!(f, " {what} epoch={epoch}"),
                    Err(e) => write!(f, " {what} error={e}"),
                }
            }
            TxnMessage::VerifyPartition {
                producer_id,
                epoch,
                partition,
            } => write!(f, " {partition} producer_id={producer_id} epoch={epoch}"),
            TxnMessage::VerifyPartitionResponse {
                producer_id,
                partition,
                error: e,
            } => {
                write!(f, " {partition} producer_id={producer_id}")?;
                error(f, e)
            }
            TxnMessage::WriteTxnMarkers {
                producer_id,
                epoch,
                partition,
                marker,
            } => write!(
                f,
                " {partition} {marker} producer_id={producer_id} epoch={epoch}"
            ),
            TxnMessage::WriteTxnMarkersResponse {
                partition,
                marker,
                error: e,
                ..
            } => {
                write!(f, " {partition} {marker}")?;
                error(f, e)
            }
        }
    }
}
