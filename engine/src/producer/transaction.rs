//! The transactional producer's `TransactionManager` (kafka-semantics.md §B.10) and the
//! application's transaction loop around it.
//!
//! `initTransactions()` finds the coordinator and sends InitProducerId, retrying
//! CONCURRENT_TRANSACTIONS (the coordinator is aborting an older instance's transaction).
//! Then the application runs `beginTransaction()`, a number of `send()`s and
//! `commitTransaction()`. Before the first batch to a partition the partition is registered
//! with AddPartitionsToTxn; `commitTransaction()` flushes (waits for every send's result) and
//! sends EndTxn. A send that fails makes the transaction abortable: the application calls
//! `abortTransaction()` and runs the same records again in a new transaction. PRODUCER_FENCED
//! (a newer instance, or a timed-out transaction) is fatal: the instance closes.
//!
//! Simplified: the application never gives up on a transaction it retries; the coordinator's
//! answers arrive on one connection (a lost one is resent after `request.timeout.ms`).

use crate::dense_map::DenseSet;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId, PartitionId, RecordId};
use crate::message::Message;
use crate::outbox::{Outbox, Timer};
use crate::scenario::TransactionPlan;
use crate::time::SimTime;
use crate::trace::EventKind;
use crate::transaction::facts::TxnFact;
use crate::transaction::protocol::TxnMessage;
use std::collections::{BTreeSet, VecDeque};

/// The transaction manager's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerTxnTimer {
    /// `initTransactions()` is called.
    Start,
    /// Send the outstanding coordinator request again (after a backoff or a timeout).
    Retry {
        /// Which request (a later one makes it stale).
        request: u64,
    },
}

impl ProducerTxnTimer {
    /// How many kinds.
    pub const KINDS: usize = 2;

    /// The kind, `0..KINDS`.
    pub fn kind(self) -> usize {
        match self {
            ProducerTxnTimer::Start => 0,
            ProducerTxnTimer::Retry { .. } => 1,
        }
    }
}

/// The request the manager waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Request {
    FindCoordinator,
    InitProducerId,
    AddPartitions(Vec<PartitionId>),
    EndTxn(bool),
}

/// The open transaction.
#[derive(Clone, Debug, Default)]
struct OpenTxn {
    index: u32,
    records: Vec<RecordId>,
    added: DenseSet<PartitionId>,
    unresolved: BTreeSet<RecordId>,
    failed: Option<KafkaError>,
    /// `commitTransaction()` / `abortTransaction()` has been called.
    ending: bool,
}

/// What the producer should do after the manager handled something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxnStep {
    /// Nothing new.
    Nothing,
    /// `initTransactions()` returned: the application starts sending.
    Ready,
    /// The transaction ended: the application goes on with its next send.
    Ended {
        /// The epoch to use from now on (bumped per transaction with transaction.version 2).
        epoch: u16,
    },
    /// A fatal error: the instance is closed.
    Fatal,
}

/// The transaction manager of one producer instance.
#[derive(Clone, Debug)]
pub struct TxnClient {
    plan: TransactionPlan,
    /// The `transactional.id` InitProducerId names.
    transactional_id: std::rc::Rc<str>,
    brokers: u32,
    backoff_ms: u64,
    request_timeout_ms: u64,
    coordinator: Option<BrokerId>,
    producer_id: u64,
    epoch: u16,
    ready: bool,
    fatal: bool,
    current: Option<OpenTxn>,
    next_index: u32,
    /// Records of aborted transactions the application runs again, first.
    replay: VecDeque<RecordId>,
    outstanding: Option<(u64, Request)>,
    next_request: u64,
    next_broker: u32,
    /// How many times in a row the transaction being replayed has failed.
    rounds: u32,
    /// An InitProducerId to bump the epoch after an abortable error is under way.
    bumping: bool,
    /// The broker the outstanding FindCoordinator went to.
    looking_up_at: Option<BrokerId>,
    /// The epoch before the last EndTxn (to see whether EndTxn itself bumped it).
    epoch_before_end: u16,
}

/// Errors after which a batch may or may not be in the log.
fn leaves_sequences_unresolved(error: KafkaError) -> bool {
    matches!(
        error,
        KafkaError::DeliveryTimeout
            | KafkaError::RequestTimedOut
            | KafkaError::OutOfOrderSequenceNumber
            | KafkaError::NetworkException
    )
}

/// How many times the application runs a failed transaction again before giving its
/// records up.
pub const MAX_TRANSACTION_RETRIES: u32 = 3;

impl TxnClient {
    /// A manager that has not called `initTransactions()` yet.
    pub fn new(
        plan: TransactionPlan,
        transactional_id: &str,
        brokers: u32,
        backoff_ms: u64,
        request_timeout_ms: u64,
    ) -> TxnClient {
        TxnClient {
            plan,
            transactional_id: transactional_id.into(),
            brokers: brokers.max(1),
            backoff_ms: backoff_ms.max(1),
            request_timeout_ms,
            coordinator: None,
            producer_id: 0,
            epoch: 0,
            ready: false,
            fatal: false,
            current: None,
            next_index: 0,
            replay: VecDeque::new(),
            outstanding: None,
            next_request: 0,
            next_broker: 0,
            rounds: 0,
            bumping: false,
            looking_up_at: None,
            epoch_before_end: 0,
        }
    }

    /// The `transactional.id`.
    pub fn transactional_id(&self) -> &str {
        &self.transactional_id
    }

    /// Uses another `transactional.id` (before `initTransactions()`).
    pub fn use_transactional_id(&mut self, id: &str) {
        self.transactional_id = id.into();
    }

    /// `(producer id, epoch)` once initialized.
    pub fn identity(&self) -> Option<(u64, u16)> {
        self.ready.then_some((self.producer_id, self.epoch))
    }

    /// Whether a fatal error closed the instance.
    pub fn is_fatal(&self) -> bool {
        self.fatal
    }

    /// Whether the application may call `send()` now (initialized, not committing).
    pub fn may_send(&self) -> bool {
        self.ready && !self.fatal && !self.current.as_ref().is_some_and(|t| t.ending)
    }

    /// The next record the application sends: one of an aborted transaction it runs
    /// again, else `fresh`.
    pub fn next_record(&mut self, fresh: Option<RecordId>) -> Option<RecordId> {
        self.replay.pop_front().or(fresh)
    }

    /// `commitTransaction()` or `abortTransaction()` was called: the accumulator flushes
    /// (every batch is sent at once, lingering or not).
    pub fn is_completing(&self) -> bool {
        self.current.as_ref().is_some_and(|t| t.ending)
    }

    /// Whether records of aborted transactions wait to be sent again.
    pub fn has_replay(&self) -> bool {
        !self.replay.is_empty()
    }

    /// `send(record)` inside the open transaction (beginning one if none is open). Returns
    /// true when the transaction is full and the application now commits.
    pub fn on_send(&mut self, record: RecordId, last: bool, out: &mut Outbox) -> bool {
        let txn = self.current.get_or_insert_with(|| {
            let index = self.next_index;
            out.emit(EventKind::Transaction(TxnFact::Began { index }));
            OpenTxn {
                index,
                ..OpenTxn::default()
            }
        });
        txn.records.push(record);
        txn.unresolved.insert(record);
        let full = txn.records.len() as u32 >= self.plan.records_per_transaction.max(1);
        if full || (last && self.replay.is_empty()) {
            txn.ending = true;
            return true;
        }
        false
    }

    /// Whether batches for `partition` may be sent (it is registered in the transaction).
    /// If not, registers it.
    pub fn partition_ready(
        &mut self,
        now: SimTime,
        partition: PartitionId,
        out: &mut Outbox,
    ) -> bool {
        let Some(txn) = &self.current else {
            return false;
        };
        if txn.added.contains(&partition) {
            return true;
        }
        if self.outstanding.is_none() {
            self.request(now, Request::AddPartitions(vec![partition]), out);
        }
        false
    }

    /// A record's send finished (acknowledged, or failed for good).
    pub fn resolved(&mut self, record: RecordId, error: Option<KafkaError>) {
        if let Some(txn) = &mut self.current
            && txn.unresolved.remove(&record)
            && let Some(e) = error
        {
            txn.failed.get_or_insert(e);
        }
    }

    /// Whether EndTxn already moved the epoch (transaction.version 2).
    fn per_transaction_epoch(&self, epoch: u16) -> bool {
        epoch != self.epoch_before_end
    }

    /// Starts `initTransactions()`.
    pub fn start(&mut self, now: SimTime, out: &mut Outbox) {
        self.request(now, Request::FindCoordinator, out);
    }

    /// Sends EndTxn once the transaction is flushed.
    pub fn maybe_end(&mut self, now: SimTime, out: &mut Outbox) {
        let Some(txn) = &self.current else { return };
        if !txn.ending || !txn.unresolved.is_empty() || self.outstanding.is_some() {
            return;
        }
        let commit = txn.failed.is_none() && !self.plan.abort.contains(&txn.index);
        if txn.added.is_empty() {
            // Nothing reached a partition: there is nothing to end at the coordinator.
            self.finish(commit, out);
            return;
        }
        self.request(now, Request::EndTxn(commit), out);
    }

    /// The producer gave up on everything (fatal): the open transaction's records failed.
    fn close(&mut self, error: KafkaError, out: &mut Outbox) {
        self.fatal = true;
        self.outstanding = None;
        out.emit(EventKind::Transaction(TxnFact::Fatal { error }));
        if let Some(txn) = self.current.take() {
            out.emit(EventKind::Transaction(TxnFact::Aborted {
                index: txn.index,
                records: txn.records,
                error: Some(error),
            }));
        }
    }

    fn finish(&mut self, committed: bool, out: &mut Outbox) {
        let Some(txn) = self.current.take() else {
            return;
        };
        self.next_index += 1;
        if committed {
            self.rounds = 0;
            out.emit(EventKind::Transaction(TxnFact::Committed {
                index: txn.index,
                records: txn.records,
            }));
            return;
        }
        let error = txn.failed;
        if error.is_some() && self.rounds < MAX_TRANSACTION_RETRIES {
            // The application runs the failed transaction again.
            self.rounds += 1;
            for r in txn.records.iter().rev() {
                self.replay.push_front(*r);
            }
        }
        out.emit(EventKind::Transaction(TxnFact::Aborted {
            index: txn.index,
            records: txn.records,
            error,
        }));
    }

    fn request(&mut self, now: SimTime, request: Request, out: &mut Outbox) {
        self.next_request += 1;
        let id = self.next_request;
        if matches!(request, Request::EndTxn(_)) {
            self.epoch_before_end = self.epoch;
        }
        let message = match &request {
            Request::FindCoordinator => TxnMessage::FindCoordinator,
            Request::InitProducerId => TxnMessage::InitProducerId {
                transactional_id: self.transactional_id.clone(),
            },
            Request::AddPartitions(partitions) => TxnMessage::AddPartitionsToTxn {
                producer_id: self.producer_id,
                epoch: self.epoch,
                partitions: partitions.clone(),
            },
            Request::EndTxn(commit) => TxnMessage::EndTxn {
                producer_id: self.producer_id,
                epoch: self.epoch,
                commit: *commit,
            },
        };
        let to = match (&request, self.coordinator) {
            (Request::FindCoordinator, _) | (_, None) => {
                // No coordinator known: look it up first, then send this.
                self.outstanding = Some((id, request));
                return self.lookup(now, out);
            }
            (_, Some(c)) => c,
        };
        out.send(NodeId::Broker(to), Message::Txn(message));
        self.outstanding = Some((id, request));
        let timer = Timer::Transactional(ProducerTxnTimer::Retry { request: id });
        out.set_timer(now.plus_ms(self.request_timeout_ms), timer);
    }

    fn lookup(&mut self, now: SimTime, out: &mut Outbox) {
        let b = BrokerId(self.next_broker % self.brokers);
        self.next_broker = self.next_broker.wrapping_add(1);
        self.looking_up_at = Some(b);
        out.send(NodeId::Broker(b), Message::Txn(TxnMessage::FindCoordinator));
        let id = self.outstanding.as_ref().map_or(0, |(id, _)| *id);
        let timer = Timer::Transactional(ProducerTxnTimer::Retry { request: id });
        out.set_timer(now.plus_ms(self.request_timeout_ms), timer);
    }

    /// Resend the outstanding request after `retry.backoff.ms`.
    fn retry_later(&mut self, now: SimTime, out: &mut Outbox) {
        self.next_request += 1;
        let id = self.next_request;
        if let Some((old, _)) = &mut self.outstanding {
            *old = id;
        }
        let timer = Timer::Transactional(ProducerTxnTimer::Retry { request: id });
        out.set_timer(now.plus_ms(self.backoff_ms), timer);
    }

    /// A timer fired.
    pub fn on_timer(&mut self, now: SimTime, timer: ProducerTxnTimer, out: &mut Outbox) {
        match timer {
            ProducerTxnTimer::Start => self.start(now, out),
            ProducerTxnTimer::Retry { request } => {
                let Some((id, pending)) = self.outstanding.clone() else {
                    return;
                };
                if id != request {
                    return;
                }
                self.outstanding = None;
                self.request(now, pending, out);
            }
        }
    }

    /// The coordinator's connection closed: resend what was outstanding to a coordinator
    /// found again.
    pub fn on_connection_closed(&mut self, now: SimTime, from: BrokerId, out: &mut Outbox) {
        // The request went to the coordinator, or the lookup to that broker: both are lost.
        let lost = self.coordinator == Some(from)
            || (self.coordinator.is_none() && self.looking_up_at == Some(from));
        if lost && self.outstanding.is_some() {
            self.coordinator = None;
            self.looking_up_at = None;
            self.retry_later(now, out);
        }
    }

    /// An answer from a broker.
    pub fn on_message(&mut self, now: SimTime, message: &TxnMessage, out: &mut Outbox) -> TxnStep {
        if self.fatal {
            return TxnStep::Nothing;
        }
        let Some((_, pending)) = self.outstanding.clone() else {
            return TxnStep::Nothing;
        };
        let error = match (message, &pending) {
            (TxnMessage::FindCoordinatorResponse { coordinator }, _) => {
                let Some(c) = *coordinator else {
                    self.retry_later(now, out);
                    return TxnStep::Nothing;
                };
                self.coordinator = Some(c);
                self.outstanding = None;
                let next = match pending {
                    Request::FindCoordinator => Request::InitProducerId,
                    other => other,
                };
                self.request(now, next, out);
                return TxnStep::Nothing;
            }
            (TxnMessage::InitProducerIdResponse { result }, Request::InitProducerId) => {
                match *result {
                    Ok((producer_id, epoch)) => {
                        self.outstanding = None;
                        self.producer_id = producer_id;
                        self.epoch = epoch;
                        if std::mem::take(&mut self.bumping) {
                            // KIP-360: the epoch bump after an abortable error; sequences
                            // restart and the application goes on.
                            return TxnStep::Ended { epoch };
                        }
                        self.ready = true;
                        out.emit(EventKind::Transaction(TxnFact::Initialized {
                            producer_id,
                            epoch,
                        }));
                        return TxnStep::Ready;
                    }
                    Err(e) => e,
                }
            }
            (
                TxnMessage::AddPartitionsToTxnResponse { partitions, error },
                Request::AddPartitions(asked),
            ) if partitions == asked => match error {
                None => {
                    self.outstanding = None;
                    if let Some(txn) = &mut self.current {
                        txn.added.extend(partitions.iter().copied());
                    }
                    return TxnStep::Nothing;
                }
                Some(e) => *e,
            },
            (TxnMessage::EndTxnResponse { commit, result }, Request::EndTxn(asked))
                if commit == asked =>
            {
                match *result {
                    Ok(epoch) => {
                        self.outstanding = None;
                        self.epoch = epoch;
                        let unresolved = self
                            .current
                            .as_ref()
                            .is_some_and(|t| t.failed.is_some_and(leaves_sequences_unresolved));
                        self.finish(*commit, out);
                        if unresolved && !self.per_transaction_epoch(epoch) {
                            // Batches may or may not have been written: the sequences can no
                            // longer line up, so the producer bumps its epoch with
                            // InitProducerId before the next transaction (KIP-360, 2.5+).
                            self.bumping = true;
                            self.request(now, Request::InitProducerId, out);
                            return TxnStep::Nothing;
                        }
                        return TxnStep::Ended { epoch };
                    }
                    Err(e) => e,
                }
            }
            _ => return TxnStep::Nothing,
        };
        match error {
            KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable => {
                self.coordinator = None;
                self.retry_later(now, out);
                TxnStep::Nothing
            }
            e if e.is_retriable() => {
                self.retry_later(now, out);
                TxnStep::Nothing
            }
            e => {
                self.close(e, out);
                TxnStep::Fatal
            }
        }
    }

    /// A fatal error seen on the produce path (a fenced epoch the abort will confirm) or a
    /// crash: the instance closes with `error`.
    pub fn fail(&mut self, error: KafkaError, out: &mut Outbox) {
        if !self.fatal {
            self.close(error, out);
        }
    }
}
