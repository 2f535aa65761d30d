//! What the trace records about transactions: the coordinator's state changes and what the
//! producing application saw of each transaction.

use crate::errors::KafkaError;
use crate::ids::RecordId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A transaction's state in the coordinator (`TransactionState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnState {
    /// No transaction yet (after InitProducerId).
    Empty,
    /// Partitions were added: the transaction is open.
    Ongoing,
    /// EndTxn(COMMIT) was logged: markers are being written.
    PrepareCommit,
    /// EndTxn(ABORT), a timeout or a fence: ABORT markers are being written.
    PrepareAbort,
    /// Every COMMIT marker is written.
    CompleteCommit,
    /// Every ABORT marker is written.
    CompleteAbort,
}

impl fmt::Display for TxnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TxnState::Empty => "Empty",
            TxnState::Ongoing => "Ongoing",
            TxnState::PrepareCommit => "PrepareCommit",
            TxnState::PrepareAbort => "PrepareAbort",
            TxnState::CompleteCommit => "CompleteCommit",
            TxnState::CompleteAbort => "CompleteAbort",
        })
    }
}

/// Why the coordinator aborted a transaction on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbortCause {
    /// The application called `abortTransaction()`.
    Requested,
    /// Open longer than `transaction.timeout.ms`.
    TimedOut,
    /// A new instance called `initTransactions()` with the same `transactional.id`.
    Fenced,
}

/// One transactional fact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum TxnFact {
    /// The coordinator moved the transaction to `state` under `epoch`.
    CoordinatorState {
        /// The producer id of the transactional id whose state it is.
        producer_id: u64,
        /// The new state.
        state: TxnState,
        /// The producer epoch it now holds.
        epoch: u16,
        /// For an abort the coordinator started itself: why.
        #[serde(skip_serializing_if = "Option::is_none")]
        cause: Option<AbortCause>,
    },
    /// The application's `initTransactions()` returned: it may begin transactions.
    Initialized {
        /// Producer id.
        producer_id: u64,
        /// Epoch.
        epoch: u16,
    },
    /// `beginTransaction()`.
    Began {
        /// The transaction's number in this application's run, from 0.
        index: u32,
    },
    /// `commitTransaction()` returned: these records are committed.
    Committed {
        /// Which transaction.
        index: u32,
        /// Its records.
        records: Vec<RecordId>,
    },
    /// `abortTransaction()` returned (or the transaction failed): these records are aborted.
    Aborted {
        /// Which transaction.
        index: u32,
        /// Its records.
        records: Vec<RecordId>,
        /// The error that made the application abort, if it was not its own choice.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<KafkaError>,
    },
    /// A fatal error: the producer instance is closed and sends nothing more.
    Fatal {
        /// `ProducerFencedException` and the like.
        error: KafkaError,
    },
}

impl TxnFact {
    /// What this fact means, in Kafka's terms.
    pub fn explanation(&self) -> &'static str {
        match self {
            TxnFact::CoordinatorState { state, cause, .. } => match (state, cause) {
                (TxnState::PrepareAbort, Some(AbortCause::TimedOut)) => {
                    "The coordinator aborted a transaction open longer than transaction.timeout.ms and bumped the producer epoch: the stalled producer is fenced when it next talks to the cluster."
                }
                (TxnState::PrepareAbort, Some(AbortCause::Fenced)) => {
                    "A new instance called initTransactions() with the same transactional.id: the coordinator bumped the epoch and aborts the old instance's open transaction."
                }
                (TxnState::Ongoing, _) => {
                    "The first partition was added to the transaction (AddPartitionsToTxn): it is open and its transaction.timeout.ms clock runs."
                }
                (TxnState::PrepareCommit | TxnState::PrepareAbort, _) => {
                    "The coordinator logged the decision and writes a marker to every partition of the transaction."
                }
                (TxnState::CompleteCommit | TxnState::CompleteAbort, _) => {
                    "Every partition has its marker: the transaction is complete and no longer holds back the last stable offset."
                }
                (TxnState::Empty, _) => {
                    "InitProducerId: the coordinator bumped the producer epoch for the transactional.id, fencing older instances."
                }
            },
            TxnFact::Initialized { .. } => {
                "initTransactions() returned: the producer has its producer id and epoch."
            }
            TxnFact::Began { .. } => "The application called beginTransaction().",
            TxnFact::Committed { .. } => {
                "commitTransaction() returned: the records are committed and read_committed consumers will see them."
            }
            TxnFact::Aborted { .. } => {
                "The transaction was aborted: read_committed consumers skip its records, read_uncommitted ones still see them."
            }
            TxnFact::Fatal { .. } => {
                "A fatal error (ProducerFencedException): this producer instance is closed and sends nothing more."
            }
        }
    }
}

fn list(f: &mut fmt::Formatter<'_>, records: &[RecordId]) -> fmt::Result {
    let names: Vec<String> = records.iter().map(ToString::to_string).collect();
    write!(f, " [{}]", names.join(","))
}

impl fmt::Display for TxnFact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxnFact::CoordinatorState {
                producer_id,
                state,
                epoch,
                cause,
            } => {
                write!(
                    f,
                    "TxnState {state} producer_id={producer_id} epoch={epoch}"
                )?;
                match cause {
                    Some(AbortCause::TimedOut) => f.write_str(" (transaction.timeout.ms)"),
                    Some(AbortCause::Fenced) => f.write_str(" (fenced by InitProducerId)"),
                    _ => Ok(()),
                }
            }
            TxnFact::Initialized { producer_id, epoch } => {
                write!(f, "TxnInitialized producer_id={producer_id} epoch={epoch}")
            }
            TxnFact::Began { index } => write!(f, "TxnBegan t{index}"),
            TxnFact::Committed { index, records } => {
                write!(f, "TxnCommitted t{index}")?;
                list(f, records)
            }
            TxnFact::Aborted {
                index,
                records,
                error,
            } => {
                write!(f, "TxnAborted t{index}")?;
                list(f, records)?;
                match error {
                    Some(e) => write!(f, " error={e}"),
                    None => Ok(()),
                }
            }
            TxnFact::Fatal { error } => write!(f, "ProducerClosed error={}", error.exception()),
        }
    }
}
