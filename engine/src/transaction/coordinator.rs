//! The transaction coordinator (`TransactionCoordinator`, kafka-semantics.md §B.10): the
//! state of one `transactional.id` and the producer id it maps to.
//!
//! - InitProducerId bumps the epoch. An Ongoing transaction is fenced first: the epoch is
//!   bumped, its ABORT markers are written, and the caller gets the retriable
//!   CONCURRENT_TRANSACTIONS (its retry gets a second bump), as in
//!   `prepareInitProducerIdTransit`.
//! - AddPartitionsToTxn opens the transaction (Empty → Ongoing) and starts its
//!   `transaction.timeout.ms` clock; EndTxn moves it to PrepareCommit / PrepareAbort, answers,
//!   then writes a marker to each partition's leader and, once every leader has it,
//!   completes. An older epoch gets PRODUCER_FENCED.
//! - Every `transaction.abort.timed.out.transaction.cleanup.interval.ms` (10 s) it aborts a
//!   transaction open longer than the timeout, bumping the epoch so the stalled producer is
//!   fenced when it next talks to the cluster.
//! - With transaction.version 2 (4.0, KIP-890 part 2) EndTxn bumps the epoch for every
//!   transaction and returns the new one.
//!
//! Simplified: the state is not replicated through `__transaction_state`; when the
//! coordinator moves to another broker the state moves with it (it survives a crash).

use super::facts::{AbortCause, TxnFact, TxnState};
use super::protocol::TxnMessage;
use crate::dense_map::DenseSet;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId, PartitionId};
use crate::message::{ControlMarker, Message};
use crate::outbox::{Outbox, Timer};
use crate::time::SimTime;
use crate::trace::EventKind;

/// `transaction.abort.timed.out.transaction.cleanup.interval.ms`.
pub const CLEANUP_INTERVAL_MS: u64 = 10_000;
/// How long the marker channel waits before sending unanswered markers again.
const MARKER_RETRY_MS: u64 = 1_000;

/// The coordinator's timers, each for the transactional id in slot `id` of its host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnTimer {
    /// The periodic scan for timed-out transactions.
    AbortTimedOut {
        /// Which transactional id.
        id: u32,
    },
    /// Send the markers no leader has confirmed yet.
    RetryMarkers {
        /// Which transactional id.
        id: u32,
    },
}

impl TxnTimer {
    /// How many kinds.
    pub const KINDS: usize = 2;

    /// The kind, `0..KINDS`.
    pub fn kind(self) -> usize {
        match self {
            TxnTimer::AbortTimedOut { .. } => 0,
            TxnTimer::RetryMarkers { .. } => 1,
        }
    }

    /// The transactional id it is for.
    pub fn id(self) -> u32 {
        match self {
            TxnTimer::AbortTimedOut { id } | TxnTimer::RetryMarkers { id } => id,
        }
    }
}

/// The rules it follows.
#[derive(Clone, Copy, Debug)]
pub struct TxnRules {
    /// `transaction.timeout.ms` the producer asked for.
    pub timeout_ms: u64,
    /// transaction.version 2: a new epoch for every transaction.
    pub epoch_per_transaction: bool,
}

/// The coordinator's state for the transactional id.
#[derive(Clone, Debug)]
pub struct TxnCoordinator {
    rules: TxnRules,
    /// Its slot on the host (named by its timers).
    slot: u32,
    /// The producer id the transactional id maps to.
    producer_id: u64,
    epoch: Option<u16>,
    state: TxnState,
    partitions: DenseSet<PartitionId>,
    started: SimTime,
    /// Markers not yet confirmed, while preparing.
    pending: DenseSet<PartitionId>,
    retry_set: bool,
    /// The epoch the last EndTxn came with, when that EndTxn bumped it
    /// (`lastProducerEpoch`): its retry is answered as done. A fence clears it.
    last_epoch: Option<u16>,
}

impl TxnCoordinator {
    /// A coordinator that has never heard of the id, which it maps to `producer_id`.
    pub fn new(rules: TxnRules, slot: u32, producer_id: u64) -> TxnCoordinator {
        TxnCoordinator {
            rules,
            slot,
            producer_id,
            epoch: None,
            state: TxnState::Empty,
            partitions: DenseSet::new(),
            started: SimTime::ZERO,
            pending: DenseSet::new(),
            retry_set: false,
            last_epoch: None,
        }
    }

    /// The transaction's state.
    pub fn state(&self) -> TxnState {
        self.state
    }

    /// The producer id.
    pub fn producer_id(&self) -> u64 {
        self.producer_id
    }

    /// Starts the periodic timeout scan, and resends pending markers (a new host taking over).
    pub fn take_over(&mut self, now: SimTime, out: &mut Outbox) {
        let timer = TxnTimer::AbortTimedOut { id: self.slot };
        out.set_timer(now.plus_ms(CLEANUP_INTERVAL_MS), Timer::Txn(timer));
        self.retry_set = false;
        self.schedule_retry(now, out);
    }

    /// A timer fired; `leader` says who leads a partition (the host's metadata cache).
    pub fn on_timer(
        &mut self,
        now: SimTime,
        timer: TxnTimer,
        leader: &dyn Fn(PartitionId) -> Option<BrokerId>,
        out: &mut Outbox,
    ) {
        match timer {
            TxnTimer::AbortTimedOut { .. } => {
                if self.state == TxnState::Ongoing
                    && now >= self.started.plus_ms(self.rules.timeout_ms)
                {
                    // `prepareFenceProducerEpoch`: the stalled producer's epoch is dead.
                    self.bump();
                    self.prepare(now, ControlMarker::Abort, AbortCause::TimedOut, leader, out);
                }
                let timer = TxnTimer::AbortTimedOut { id: self.slot };
                out.set_timer(now.plus_ms(CLEANUP_INTERVAL_MS), Timer::Txn(timer));
            }
            TxnTimer::RetryMarkers { .. } => {
                self.retry_set = false;
                self.send_markers(now, leader, out);
            }
        }
    }

    /// A request from a producer, or a leader's marker answer.
    pub fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        message: &TxnMessage,
        leader: &dyn Fn(PartitionId) -> Option<BrokerId>,
        out: &mut Outbox,
    ) {
        let reply = |out: &mut Outbox, m: TxnMessage| out.send(from, Message::Txn(m));
        match message {
            TxnMessage::InitProducerId { .. } => {
                let result = self.init_producer_id(now, leader, out);
                reply(out, TxnMessage::InitProducerIdResponse { result });
            }
            TxnMessage::AddPartitionsToTxn {
                epoch, partitions, ..
            } => {
                let error = self.add_partitions(now, *epoch, partitions, out);
                let partitions = partitions.clone();
                reply(
                    out,
                    TxnMessage::AddPartitionsToTxnResponse { partitions, error },
                );
            }
            TxnMessage::EndTxn { epoch, commit, .. } => {
                let result = self.end_txn(now, *epoch, *commit, leader, out);
                let commit = *commit;
                reply(out, TxnMessage::EndTxnResponse { commit, result });
            }
            TxnMessage::VerifyPartition {
                producer_id,
                epoch,
                partition,
            } => {
                let error = if self.epoch != Some(*epoch) {
                    Some(KafkaError::InvalidProducerEpoch)
                } else if self.state != TxnState::Ongoing || !self.partitions.contains(partition) {
                    Some(KafkaError::InvalidTxnState)
                } else {
                    None
                };
                let answer = TxnMessage::VerifyPartitionResponse {
                    producer_id: *producer_id,
                    partition: *partition,
                    error,
                };
                reply(out, answer);
            }
            TxnMessage::WriteTxnMarkersResponse {
                partition,
                marker,
                error,
                ..
            } => {
                if Some(*marker) != self.preparing() || !self.pending.contains(partition) {
                    return;
                }
                if error.is_some() {
                    return self.schedule_retry(now, out);
                }
                self.pending.remove(partition);
                if self.pending.is_empty() {
                    self.state = match marker {
                        ControlMarker::Commit => TxnState::CompleteCommit,
                        ControlMarker::Abort => TxnState::CompleteAbort,
                    };
                    self.partitions.clear();
                    self.emit_state(None, out);
                }
            }
            _ => {}
        }
    }

    fn init_producer_id(
        &mut self,
        now: SimTime,
        leader: &dyn Fn(PartitionId) -> Option<BrokerId>,
        out: &mut Outbox,
    ) -> Result<(u64, u16), KafkaError> {
        match self.state {
            TxnState::PrepareCommit | TxnState::PrepareAbort => {
                Err(KafkaError::ConcurrentTransactions)
            }
            TxnState::Ongoing => {
                self.bump();
                self.prepare(now, ControlMarker::Abort, AbortCause::Fenced, leader, out);
                Err(KafkaError::ConcurrentTransactions)
            }
            _ => {
                self.bump();
                self.state = TxnState::Empty;
                self.emit_state(None, out);
                Ok((self.producer_id, self.epoch.unwrap_or(0)))
            }
        }
    }

    fn add_partitions(
        &mut self,
        now: SimTime,
        epoch: u16,
        partitions: &[PartitionId],
        out: &mut Outbox,
    ) -> Option<KafkaError> {
        if self.epoch != Some(epoch) {
            return Some(KafkaError::ProducerFenced);
        }
        match self.state {
            TxnState::PrepareCommit | TxnState::PrepareAbort => {
                Some(KafkaError::ConcurrentTransactions)
            }
            TxnState::Ongoing => {
                self.partitions.extend(partitions.iter().copied());
                None
            }
            _ => {
                self.state = TxnState::Ongoing;
                self.started = now;
                self.partitions.extend(partitions.iter().copied());
                self.emit_state(None, out);
                None
            }
        }
    }

    fn end_txn(
        &mut self,
        now: SimTime,
        epoch: u16,
        commit: bool,
        leader: &dyn Fn(PartitionId) -> Option<BrokerId>,
        out: &mut Outbox,
    ) -> Result<u16, KafkaError> {
        let current = self.epoch.unwrap_or(0);
        let marker = if commit {
            ControlMarker::Commit
        } else {
            ControlMarker::Abort
        };
        let done = matches!(
            (self.state, marker),
            (
                TxnState::PrepareCommit | TxnState::CompleteCommit,
                ControlMarker::Commit
            ) | (
                TxnState::PrepareAbort | TxnState::CompleteAbort,
                ControlMarker::Abort
            )
        );
        // A retry of an EndTxn whose first answer was lost, after the per-transaction bump.
        let retry_after_bump = self.last_epoch == Some(epoch) && done;
        if epoch != current && !retry_after_bump {
            return Err(KafkaError::ProducerFenced);
        }
        match self.state {
            TxnState::Ongoing => {
                if self.rules.epoch_per_transaction {
                    self.bump();
                    self.last_epoch = Some(epoch);
                }
                self.prepare(now, marker, AbortCause::Requested, leader, out);
                Ok(self.epoch.unwrap_or(0))
            }
            TxnState::Empty => Ok(current),
            _ if done => Ok(current),
            _ => Err(KafkaError::InvalidTxnState),
        }
    }

    fn bump(&mut self) {
        self.last_epoch = None;
        self.epoch = Some(self.epoch.map_or(0, |e| e.wrapping_add(1)));
    }

    fn preparing(&self) -> Option<ControlMarker> {
        match self.state {
            TxnState::PrepareCommit => Some(ControlMarker::Commit),
            TxnState::PrepareAbort => Some(ControlMarker::Abort),
            _ => None,
        }
    }

    fn prepare(
        &mut self,
        now: SimTime,
        marker: ControlMarker,
        cause: AbortCause,
        leader: &dyn Fn(PartitionId) -> Option<BrokerId>,
        out: &mut Outbox,
    ) {
        self.state = match marker {
            ControlMarker::Commit => TxnState::PrepareCommit,
            ControlMarker::Abort => TxnState::PrepareAbort,
        };
        let cause =
            (marker == ControlMarker::Abort && cause != AbortCause::Requested).then_some(cause);
        self.emit_state(cause, out);
        self.pending = self.partitions.clone();
        self.send_markers(now, leader, out);
    }

    fn send_markers(
        &mut self,
        now: SimTime,
        leader: &dyn Fn(PartitionId) -> Option<BrokerId>,
        out: &mut Outbox,
    ) {
        let Some(marker) = self.preparing() else {
            return;
        };
        let epoch = self.epoch.unwrap_or(0);
        for &partition in &self.pending {
            if let Some(l) = leader(partition) {
                let request = TxnMessage::WriteTxnMarkers {
                    producer_id: self.producer_id,
                    epoch,
                    partition,
                    marker,
                };
                out.send(NodeId::Broker(l), Message::Txn(request));
            }
        }
        self.schedule_retry(now, out);
    }

    fn schedule_retry(&mut self, now: SimTime, out: &mut Outbox) {
        if self.retry_set || self.pending.is_empty() {
            return;
        }
        self.retry_set = true;
        let timer = TxnTimer::RetryMarkers { id: self.slot };
        out.set_timer(now.plus_ms(MARKER_RETRY_MS), Timer::Txn(timer));
    }

    fn emit_state(&self, cause: Option<AbortCause>, out: &mut Outbox) {
        out.emit(EventKind::Transaction(TxnFact::CoordinatorState {
            producer_id: self.producer_id,
            state: self.state,
            epoch: self.epoch.unwrap_or(0),
            cause,
        }));
    }
}
