//! One consumer group member: the application's poll loop around a classic
//! `KafkaConsumer` (kafka-semantics.md §B.9).
//!
//! - `poll()`: find the coordinator; (re)join the group when needed — first the
//!   auto-commit of `onJoinPrepare`; eager (range) then gives up every partition and waits
//!   for the new generation, cooperative (cooperative-sticky) keeps consuming what it owns
//!   while the rebalance runs, and when the assignment comes gives up only the partitions
//!   that moved (then rejoins so a follow-up rebalance can assign them); then the auto-commit
//!   check (`maybeAutoCommitOffsetsAsync`, before fetching: a commit in poll N covers what
//!   polls up to N-1 returned); then up to `max.poll.records` buffered records, moving the
//!   positions past them; else fetch from the partition leaders and wait.
//! - Processing: synchronous (the loop polls again only when the batch is done) or buffered
//!   (records go to a worker and the loop polls again at once, the javadoc's batching
//!   example). Each record takes the configured time and writes its result to the sink.
//! - Manual commits: `commitSync` before processing, after each record, after each batch,
//!   or the offsets kept in the sink's own transaction. A commit of a member that is no
//!   longer in the current generation raises `CommitFailedException`; one made while the
//!   member's own rejoin is under way raises `RebalanceInProgressException` (since 2.5, not
//!   sent); either way the application logs it and polls again (which completes the
//!   rebalance). An optional `ConsumerRebalanceListener` commits in `onPartitionsRevoked`.
//! - The heartbeat thread: heartbeats every `heartbeat.interval.ms`; leaves the group when
//!   `max.poll.interval.ms` passes without a `poll()`; marks the coordinator unknown when
//!   it stops answering.
//! - `close()`: the auto-commit (synchronous), then LeaveGroup. `unsubscribe()` first
//!   leaves the group without committing, so `close()` has nothing left to commit.

use super::facts::{ConsumerFact, LeaveReason, Polled};
use super::protocol::{Assignment, GroupMessage};
use super::sink::{EffectOutcome, Sink};
use super::spec::{CommitStrategy, ConsumerGroupSpec, ConsumerSettings, OffsetReset, Processing};
use super::timers::ConsumerTimer;
use super::validation::EpochValidation;
use crate::dense_map::DenseMap;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId, Offset, PartitionId};
use crate::message::{LogRecord, Message};
use crate::outbox::{Outbox, Timer};
use crate::time::SimTime;
use crate::trace::EventKind;
use std::collections::{BTreeSet, VecDeque};

mod assignment;
mod commits;
mod fetching;
mod group;

/// The consumer's `request.timeout.ms`.
const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// `default.api.timeout.ms`: how long `commitSync` keeps trying before a TimeoutException.
const DEFAULT_API_TIMEOUT_MS: u64 = 60_000;

/// What the application thread is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Thread {
    /// Not started, crashed or closed.
    Stopped,
    /// Inside `poll()`.
    Polling,
    /// Processing the batch the last poll returned.
    Processing,
    /// Waiting for a `commitSync`.
    Committing(Then),
}

/// What the application does once its `commitSync` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Then {
    Process,
    ContinueProcessing,
    Poll,
}

/// A graceful shutdown asked for by a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    /// `close()`.
    Close,
    /// `unsubscribe()` then `close()`.
    UnsubscribeThenClose,
}

/// The application's choices.
#[derive(Clone, Copy, Debug)]
struct Rules {
    settings: ConsumerSettings,
    processing: Processing,
    commit: CommitStrategy,
    brokers: u32,
    /// `partition.assignment.strategy=cooperative-sticky`.
    cooperative: bool,
    /// `onPartitionsRevoked` calls `commitSync()`.
    commit_on_revoke: bool,
}

/// One consumer instance and its application.
#[derive(Clone, Debug)]
pub struct Member {
    index: u32,
    rules: Rules,
    processing_ms: u64,
    thread: Thread,
    coordinator: Option<BrokerId>,
    finding_coordinator: bool,
    finding_since: SimTime,
    last_coordinator_answer: SimTime,
    next_broker: u32,
    member_id: Option<u32>,
    generation: Option<u32>,
    joining: bool,
    rejoin: bool,
    /// A new generation's assignment that arrived while the application was not inside
    /// `poll()`: `onJoinComplete` runs at its next poll.
    pending_assignment: Option<Assignment>,
    assigned: Vec<PartitionId>,
    positions: DenseMap<PartitionId, Option<Offset>>,
    leaders: DenseMap<PartitionId, BrokerId>,
    metadata_pending: bool,
    metadata_since: SimTime,
    /// Partitions of the topic in this member's metadata.
    known_partitions: u32,
    /// Whether the coordinator made it the group's leader.
    is_leader: bool,
    last_metadata_refresh: SimTime,
    fetched: DenseMap<PartitionId, VecDeque<LogRecord>>,
    /// Fetched records of aborted transactions a read_committed consumer skips.
    aborted: BTreeSet<(PartitionId, Offset)>,
    /// KIP-320: positions validated against the leader epoch.
    validation: EpochValidation,
    fetches: DenseMap<PartitionId, (u64, SimTime)>,
    next_correlation: u64,
    work: VecDeque<Polled>,
    /// Read-process-write: output written into the open transaction, not yet committed.
    staged: Vec<Polled>,
    working: bool,
    step: u64,
    last_poll: SimTime,
    next_auto_commit: SimTime,
    /// A `commitSync` waiting for the coordinator (sent, or to send once it is found), and
    /// since when.
    pending_commit: Option<(Vec<(PartitionId, Offset)>, bool)>,
    pending_since: SimTime,
    /// When the pending commit was last sent.
    commit_sent_at: SimTime,
    retry_armed: bool,
    shutdown: Option<Shutdown>,
    /// The generation the last heartbeat was sent for (an answer about an older one is
    /// stale, as in `HeartbeatResponseHandler`).
    beat_generation: Option<u32>,
}

impl Member {
    /// Member `index` of the group in `spec`.
    pub fn new(
        index: u32,
        spec: &ConsumerGroupSpec,
        settings: ConsumerSettings,
        brokers: u32,
    ) -> Member {
        let rules = Rules {
            settings,
            processing: spec.processing,
            commit: spec.commit,
            brokers,
            cooperative: settings
                .partition_assignment_strategy
                .value
                .is_cooperative(),
            commit_on_revoke: spec.commit_on_revoke,
        };
        Member::fresh(index, rules, spec.processing_ms)
    }

    /// A member that has not started: nothing in memory.
    fn fresh(index: u32, rules: Rules, processing_ms: u64) -> Member {
        Member {
            index,
            rules,
            processing_ms,
            thread: Thread::Stopped,
            coordinator: None,
            finding_coordinator: false,
            finding_since: SimTime::ZERO,
            last_coordinator_answer: SimTime::ZERO,
            next_broker: index,
            member_id: None,
            generation: None,
            joining: false,
            rejoin: false,
            pending_assignment: None,
            assigned: Vec::new(),
            positions: DenseMap::new(),
            leaders: DenseMap::new(),
            metadata_pending: false,
            metadata_since: SimTime::ZERO,
            known_partitions: 0,
            is_leader: false,
            last_metadata_refresh: SimTime::ZERO,
            fetched: DenseMap::new(),
            aborted: BTreeSet::new(),
            validation: EpochValidation::new(rules.settings.detect_truncation),
            fetches: DenseMap::new(),
            next_correlation: 0,
            work: VecDeque::new(),
            staged: Vec::new(),
            working: false,
            step: 0,
            last_poll: SimTime::ZERO,
            next_auto_commit: SimTime::ZERO,
            pending_commit: None,
            pending_since: SimTime::ZERO,
            commit_sent_at: SimTime::ZERO,
            retry_armed: false,
            shutdown: None,
            beat_generation: None,
        }
    }

    /// Whether the process is running.
    pub fn is_running(&self) -> bool {
        self.thread != Thread::Stopped
    }

    /// The process dies: everything in memory is gone (a restart joins as a new member).
    pub fn crash(&mut self, out: &mut Outbox) {
        if self.is_running() {
            *self = Member::fresh(self.index, self.rules, self.processing_ms);
            fact(out, ConsumerFact::ConsumerStopped);
        }
    }

    /// From now on each record takes `ms` to process (slow processing).
    pub fn set_processing_ms(&mut self, ms: u64) {
        self.processing_ms = ms;
    }

    /// The application shuts the consumer down at its next `poll()`.
    pub fn shut_down(&mut self, now: SimTime, how: Shutdown, sink: &mut Sink, out: &mut Outbox) {
        self.shutdown = Some(how);
        if self.thread == Thread::Polling {
            self.poll(now, sink, out);
        }
    }

    /// Handles a timer.
    pub fn on_timer(
        &mut self,
        now: SimTime,
        timer: ConsumerTimer,
        sink: &mut Sink,
        out: &mut Outbox,
    ) {
        match timer {
            ConsumerTimer::Start => {
                if self.is_running() {
                    return;
                }
                fact(out, ConsumerFact::ConsumerStarted);
                self.thread = Thread::Polling;
                self.last_poll = now;
                self.tick_later(now, out);
                self.poll(now, sink, out);
            }
            ConsumerTimer::HeartbeatTick if self.is_running() => {
                self.heartbeat_tick(now, sink, out);
                self.tick_later(now, out);
            }
            ConsumerTimer::ProcessingDone { step } if step == self.step && self.working => {
                self.processed_one(now, sink, out);
            }
            ConsumerTimer::Retry if self.is_running() => {
                self.retry_armed = false;
                if self.thread == Thread::Polling {
                    self.poll(now, sink, out);
                }
            }
            _ => {}
        }
    }

    fn tick_later(&self, now: SimTime, out: &mut Outbox) {
        let at = now.plus_ms(self.rules.settings.heartbeat_interval_ms.value);
        out.set_timer(at, Timer::Consumer(ConsumerTimer::HeartbeatTick));
    }

    fn retry_later(&mut self, now: SimTime, out: &mut Outbox) {
        if !self.retry_armed {
            self.retry_armed = true;
            let at = now.plus_ms(self.rules.settings.retry_backoff_ms);
            out.set_timer(at, Timer::Consumer(ConsumerTimer::Retry));
        }
    }

    fn any_broker(&mut self) -> NodeId {
        let b = BrokerId(self.next_broker % self.rules.brokers.max(1));
        self.next_broker = self.next_broker.wrapping_add(1);
        NodeId::Broker(b)
    }

    // ---- poll() ----

    /// The application is inside `poll()`: do whatever the consumer needs next.
    fn poll(&mut self, now: SimTime, sink: &mut Sink, out: &mut Outbox) {
        if let Some(how) = self.shutdown.take() {
            return self.close(how, out);
        }
        if self.coordinator.is_none() {
            self.find_coordinator(now, out);
        }
        if let Some(a) = self.pending_assignment.take() {
            self.assigned_partitions(now, &a, sink, out);
        }
        if self.generation.is_none() || self.rejoin {
            if let Some(coordinator) = self.coordinator
                && !self.joining
            {
                self.join(coordinator, out);
            }
            // Cooperative: `poll(Duration)` does not wait for the join, it goes on to
            // return records of the partitions the member still owns.
            if !(self.rules.cooperative && self.generation.is_some()) {
                return;
            }
        }
        // A member keeps consuming what it owns while its coordinator is being looked up
        // (`poll(Duration)` goes on to fetch when the coordinator is not ready).
        self.last_poll = now;
        let racing = self.rules.settings.auto_commit_races_poll;
        loop {
            if !racing {
                self.maybe_auto_commit(now, out);
            }
            let unpositioned = self
                .assigned
                .iter()
                .any(|p| self.positions.get(p).is_some_and(Option::is_none));
            if unpositioned && self.rules.settings.auto_offset_reset.value == OffsetReset::None {
                let error = KafkaError::NoOffsetForPartition;
                fact(out, ConsumerFact::ConsumerFailed { error });
                return self.close(Shutdown::Close, out);
            }
            let batch = self.take_batch();
            // KAFKA-18641: the background auto-commit saw the positions this poll just moved,
            // so it can commit records the application has not processed yet.
            if racing {
                self.maybe_auto_commit(now, out);
            }
            if batch.is_empty() {
                return self.fetch(now, out);
            }
            fact(
                out,
                ConsumerFact::RecordsPolled {
                    records: batch.clone(),
                },
            );
            let commit_first = matches!(self.rules.commit, CommitStrategy::SyncBeforeProcessing);
            match self.rules.processing {
                Processing::Synchronous => {
                    self.work.extend(batch);
                    if commit_first {
                        return self.commit_sync(self.consumed(), Then::Process, sink, now, out);
                    }
                    self.thread = Thread::Processing;
                    return self.start_processing(now, out);
                }
                Processing::Buffered => {
                    self.work.extend(batch);
                    if !self.working {
                        self.start_processing(now, out);
                    }
                    if commit_first || self.rules.commit == CommitStrategy::SyncAfterBatch {
                        return self.commit_sync(self.consumed(), Then::Poll, sink, now, out);
                    }
                }
            }
        }
    }

    /// The positions of every owned partition that has one: `allConsumed()`.
    fn consumed(&self) -> Vec<(PartitionId, Offset)> {
        self.assigned
            .iter()
            .filter_map(|p| self.positions.get(p).copied().flatten().map(|o| (*p, o)))
            .collect()
    }

    fn maybe_auto_commit(&mut self, now: SimTime, out: &mut Outbox) {
        if self.coordinator.is_none()
            || !self.rules.settings.enable_auto_commit.value
            || now < self.next_auto_commit
        {
            return;
        }
        self.next_auto_commit = now.plus_ms(self.rules.settings.auto_commit_interval_ms.value);
        self.send_commit(self.consumed(), false, out);
    }

    // ---- processing ----

    fn start_processing(&mut self, now: SimTime, out: &mut Outbox) {
        if self.work.is_empty() {
            self.working = false;
            return;
        }
        self.working = true;
        self.step += 1;
        let at = now.plus_ms(self.processing_ms);
        out.set_timer(
            at,
            Timer::Consumer(ConsumerTimer::ProcessingDone { step: self.step }),
        );
    }

    fn processed_one(&mut self, now: SimTime, sink: &mut Sink, out: &mut Outbox) {
        self.working = false;
        let Some(done) = self.work.pop_front() else {
            return;
        };
        let next = done.offset.next();
        let store = self.rules.commit == CommitStrategy::InSinkTransaction;
        let outcome = if self.rules.commit == CommitStrategy::KafkaTransaction {
            // produce() of the output record into the open transaction.
            self.staged.push(done);
            EffectOutcome::Staged
        } else {
            sink.write(done.record, (done.partition, done.offset), store)
        };
        fact(
            out,
            ConsumerFact::RecordProcessed {
                record: done.record,
                partition: done.partition,
                offset: done.offset,
                outcome,
            },
        );
        if self.rules.commit == CommitStrategy::SyncPerRecord {
            let offsets = vec![(done.partition, next)];
            if self.rules.processing == Processing::Synchronous {
                return self.commit_sync(offsets, Then::ContinueProcessing, sink, now, out);
            }
            self.send_commit(offsets, false, out);
        }
        self.after_record(now, sink, out);
    }

    fn after_record(&mut self, now: SimTime, sink: &mut Sink, out: &mut Outbox) {
        if !self.work.is_empty() {
            return self.start_processing(now, out);
        }
        if self.rules.processing == Processing::Buffered {
            return;
        }
        match self.rules.commit {
            // sendOffsetsToTransaction + commitTransaction: the offsets go to the group
            // coordinator, fenced by generation; the output commits with them.
            CommitStrategy::SyncAfterBatch | CommitStrategy::KafkaTransaction => {
                return self.commit_sync(self.consumed(), Then::Poll, sink, now, out);
            }
            CommitStrategy::AsyncAfterBatch => self.send_commit(self.consumed(), false, out),
            _ => {}
        }
        self.thread = Thread::Polling;
        self.poll(now, sink, out);
    }

    // ---- the heartbeat thread ----

    // ---- responses ----

    /// Handles a message from a broker.
    pub fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        message: &Message,
        sink: &mut Sink,
        out: &mut Outbox,
    ) {
        if !self.is_running() {
            return;
        }
        match message {
            Message::MetadataResponse { leaders } => {
                self.metadata_pending = false;
                self.last_metadata_refresh = now;
                let count = leaders.len() as u32;
                if count > self.known_partitions {
                    // The leader notices partitions added to the topic and rejoins, so the
                    // group is rebalanced over them (`ConsumerCoordinator.rejoinNeededOrPending`).
                    if self.known_partitions > 0 && self.is_leader && self.generation.is_some() {
                        self.rejoin = true;
                    }
                    self.known_partitions = count;
                }
                for &(p, leader) in leaders {
                    match leader {
                        Some(b) => self.leaders.insert(p, b),
                        None => self.leaders.remove(&p),
                    };
                }
                if leaders
                    .iter()
                    .any(|(p, l)| l.is_none() && self.assigned.contains(p))
                {
                    self.retry_later(now, out);
                }
            }
            Message::ConnectionClosed => {
                let NodeId::Broker(b) = from else { return };
                // A lookup or a metadata request in flight to it is lost with it.
                self.finding_coordinator = false;
                self.metadata_pending = false;
                self.fetches.retain(|p, _| self.leaders.get(p) != Some(&b));
                self.leaders.retain(|_, l| *l != b);
                if self.coordinator == Some(b) {
                    self.lose_coordinator();
                }
                return self.retry_later(now, out);
            }
            Message::Group(g) => return self.on_group(now, from, g, sink, out),
            Message::OffsetsForLeaderEpochResponse { partition, result } => {
                self.on_validation(*partition, *result, out)
            }
            _ => return,
        }
        if self.thread == Thread::Polling {
            self.poll(now, sink, out);
        }
    }

    // ---- shutdown ----

    fn close(&mut self, how: Shutdown, out: &mut Outbox) {
        if let (Some(c), Some(member)) = (self.coordinator, self.member_id) {
            let to = NodeId::Broker(c);
            if how == Shutdown::UnsubscribeThenClose {
                out.send(to, Message::Group(GroupMessage::LeaveGroup { member }));
                fact(
                    out,
                    ConsumerFact::LeftGroup {
                        reason: LeaveReason::Unsubscribe,
                    },
                );
                self.revoke();
            }
            if self.rules.settings.enable_auto_commit.value {
                self.send_commit(self.consumed(), true, out);
            }
            if how == Shutdown::Close {
                out.send(to, Message::Group(GroupMessage::LeaveGroup { member }));
                fact(
                    out,
                    ConsumerFact::LeftGroup {
                        reason: LeaveReason::Close,
                    },
                );
            }
        }
        fact(out, ConsumerFact::ConsumerClosed);
        self.thread = Thread::Stopped;
        self.work.clear();
        self.working = false;
    }
}

fn fact(out: &mut Outbox, fact: ConsumerFact) {
    out.emit(EventKind::Consumer(fact));
}
