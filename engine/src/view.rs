//! The cluster as it stood at one moment of a run, folded from the trace.
//!
//! The app never simulates: it asks for the view at the play position and draws it. A
//! [`ViewFold`] folds the trace forward and can continue from where it stopped, so playing
//! costs only the events of each frame; scrubbing backwards folds again from the start.

use crate::dense_map::{DenseMap, DenseSet};
use crate::ids::{BrokerId, LeaderEpoch, MessageId, NodeId, Offset, PartitionId, RecordId};
use crate::message::{LogRecord, PartitionState};
use crate::partition_map::ReplicaMap;
use crate::time::SimTime;
use crate::trace::{EventKind, Trace, TraceEvent};
use std::collections::BTreeMap;

mod group;
mod producers;
pub use group::{ConsumerStatus, ConsumerView, GroupView, SinkView};
pub use producers::{InstanceStatus, InstanceView, ProducersView};

/// The whole cluster at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterView {
    /// The moment.
    pub time: SimTime,
    /// How many trace events have happened by then.
    pub applied: usize,
    /// Every broker, in id order.
    pub brokers: Vec<BrokerView>,
    /// Each partition's leader, epoch and ISR as the controller last decided.
    pub partitions: Vec<PartitionState>,
    /// Invariant violations so far.
    pub violations: usize,
    /// Messages on the wire at that moment.
    pub in_flight: Vec<InFlight>,
    /// Records the application has sent.
    pub sent: usize,
    /// Records whose callback reported success.
    pub acknowledged: usize,
    /// Records whose callback reported an error.
    pub failed: usize,
    /// The consumer group, its members and its sink (empty without one).
    pub group: GroupView,
    /// The producing application's instances and transactions.
    pub producers: ProducersView,
}

/// One broker and its replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerView {
    /// Its id.
    pub id: BrokerId,
    /// Whether its process is running.
    pub running: bool,
    /// Whether the controller has fenced it.
    pub fenced: bool,
    /// Its replicas, by partition.
    pub replicas: Vec<ReplicaView>,
}

/// One replica of one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaView {
    /// The partition.
    pub partition: PartitionId,
    /// Whether this replica believes it leads the partition.
    pub is_leader: bool,
    /// The leader epoch it works under.
    pub leader_epoch: LeaderEpoch,
    /// The log's tail: its last [`VIEW_TAIL`] records at most (offsets
    /// [`ReplicaView::tail_start`]..[`ReplicaView::log_end_offset`]), all a drawing shows.
    pub log: Vec<LogRecord>,
    /// The log end offset.
    pub log_end: Offset,
    /// The last stable offset (see [`ReplicaView::last_stable_offset`]).
    pub last_stable: Offset,
    /// Its high watermark.
    pub high_watermark: Offset,
    /// Records below this offset are on disk; the rest only in the page cache.
    pub flushed: Offset,
    /// The log start offset: records below it were deleted by retention.
    pub log_start: Offset,
}

/// How many of a log's last records a view carries.
pub const VIEW_TAIL: usize = 512;

impl ReplicaView {
    /// The log end offset.
    pub fn log_end_offset(&self) -> Offset {
        self.log_end
    }

    /// The first offset of [`ReplicaView::log`].
    pub fn tail_start(&self) -> usize {
        (self.log_end.0 as usize).saturating_sub(self.log.len())
    }

    /// The records at `offsets` that the tail holds.
    pub fn entries(&self, offsets: std::ops::Range<usize>) -> &[LogRecord] {
        let start = self.tail_start();
        let from = offsets.start.saturating_sub(start).min(self.log.len());
        let to = offsets
            .end
            .saturating_sub(start)
            .clamp(from, self.log.len());
        &self.log[from..to]
    }

    /// The last stable offset: the high watermark, held back by the first record of any
    /// producer's transaction with no marker of that producer after it yet.
    pub fn last_stable_offset(&self) -> Offset {
        self.last_stable
    }
}

/// A transactional record opens its producer's transaction at its offset (if none is open);
/// that producer's marker closes it.
fn track_open(open: &mut BTreeMap<u64, Offset>, entry: &LogRecord, txn_producer: Option<u64>) {
    let Some(id) = txn_producer else { return };
    match entry.control {
        Some(_) => {
            open.remove(&id);
        }
        None => {
            open.entry(id).or_insert(entry.offset);
        }
    }
}

/// One replica's fold: its whole log, and where each producer's open transaction starts.
#[derive(Clone, Debug)]
struct ReplicaFold {
    partition: PartitionId,
    is_leader: bool,
    leader_epoch: LeaderEpoch,
    log: Vec<LogRecord>,
    /// Per log entry: the producer id whose transaction it belongs to, if any.
    txn_producers: Vec<Option<u64>>,
    /// Each producer's open transaction: its first offset.
    open: BTreeMap<u64, Offset>,
    high_watermark: Offset,
    flushed: Offset,
    log_start: Offset,
}

impl ReplicaFold {
    fn new(partition: PartitionId, leader_epoch: LeaderEpoch) -> ReplicaFold {
        ReplicaFold {
            partition,
            is_leader: false,
            leader_epoch,
            log: Vec::new(),
            txn_producers: Vec::new(),
            open: BTreeMap::new(),
            high_watermark: Offset(0),
            flushed: Offset(0),
            log_start: Offset(0),
        }
    }

    fn push(&mut self, entry: LogRecord, txn_producer: Option<u64>) {
        track_open(&mut self.open, &entry, txn_producer);
        self.txn_producers.push(txn_producer);
        self.log.push(entry);
    }

    fn truncate(&mut self, len: usize) {
        self.log.truncate(len);
        self.txn_producers.truncate(self.log.len());
        self.open.clear();
        for (entry, producer) in self.log.iter().zip(&self.txn_producers) {
            track_open(&mut self.open, entry, *producer);
        }
    }

    fn view(&self) -> ReplicaView {
        let last_stable = self
            .open
            .values()
            .min()
            .map_or(self.high_watermark, |o| (*o).min(self.high_watermark));
        ReplicaView {
            partition: self.partition,
            is_leader: self.is_leader,
            leader_epoch: self.leader_epoch,
            log: self.log[self.log.len().saturating_sub(VIEW_TAIL)..].to_vec(),
            log_end: Offset(self.log.len() as u64),
            last_stable,
            high_watermark: self.high_watermark,
            flushed: self.flushed,
            log_start: self.log_start,
        }
    }
}

/// A message between its send and its delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    /// Its number.
    pub message: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it left.
    pub sent_at: SimTime,
    /// When it arrives.
    pub deliver_at: SimTime,
    /// The RPC name.
    pub name: &'static str,
    /// Records it carries.
    pub records: Vec<RecordId>,
    /// Whether it will be lost instead of delivered.
    pub lost: bool,
}

/// Whether `message` is lost at its arrival: the simulator records a drop at the moment the
/// message would have arrived, so only the events of that instant need looking at (not the
/// whole trace, which this view refolds on every animation frame).
fn is_dropped(trace: &Trace, message: MessageId, deliver_at: SimTime) -> bool {
    let from = trace.events.partition_point(|e| e.time < deliver_at);
    let to = trace.events_until(deliver_at);
    trace
        .events
        .range(from..to)
        .any(|e| matches!(e.kind, EventKind::MessageDropped { message: m, .. } if m == message))
}

impl InFlight {
    /// A broker's periodic heartbeat to the controller: constant background traffic that
    /// the drawing and the counts leave out.
    pub fn is_heartbeat(&self) -> bool {
        self.name == "BrokerHeartbeat"
    }
}

impl ClusterView {
    /// The cluster of `brokers` brokers after every event at or before `time`.
    pub fn at(trace: &Trace, brokers: u32, time: SimTime) -> ClusterView {
        let mut fold = ViewFold::new(brokers);
        fold.advance(trace, time);
        fold.view(trace, time)
    }
}

/// The cluster folded from a trace's first events, ready to fold further: the app keeps one
/// while playing forward, so each frame folds only the events since the last.
#[derive(Clone, Debug)]
pub struct ViewFold {
    brokers: u32,
    /// Trace events folded so far.
    applied: usize,
    /// Every event at or before this time is folded.
    time: SimTime,
    replicas: ReplicaMap<ReplicaFold>,
    partitions: DenseMap<PartitionId, PartitionState>,
    stopped: DenseSet<BrokerId>,
    fenced: DenseSet<BrokerId>,
    /// Messages sent and not yet arrived by `time`, in send order.
    in_flight: Vec<InFlight>,
    sent: usize,
    acknowledged: usize,
    failed: usize,
    violations: usize,
    group: GroupView,
    producers: ProducersView,
}

impl ViewFold {
    /// A fold of nothing yet, for a cluster of `brokers` brokers.
    pub fn new(brokers: u32) -> ViewFold {
        ViewFold {
            brokers,
            applied: 0,
            time: SimTime::ZERO,
            replicas: ReplicaMap::default(),
            partitions: DenseMap::new(),
            stopped: DenseSet::new(),
            fenced: DenseSet::new(),
            in_flight: Vec::new(),
            sent: 0,
            acknowledged: 0,
            failed: 0,
            violations: 0,
            group: GroupView::default(),
            producers: ProducersView::default(),
        }
    }

    /// How many trace events it has folded.
    pub fn applied(&self) -> usize {
        self.applied
    }

    /// Whether it can reach `time` by folding forward (it has not passed it).
    pub fn can_reach(&self, time: SimTime) -> bool {
        self.applied == 0 || self.time <= time
    }

    /// Folds every further event of `trace` at or before `time` (none if it is already past).
    pub fn advance(&mut self, trace: &Trace, time: SimTime) {
        self.advance_to(trace, trace.events_until(time));
        self.time = self.time.max(time);
        let now = self.time;
        self.in_flight.retain(|m| m.deliver_at > now);
    }

    /// Folds the events of `trace` before index `until` (none if it is already past).
    pub fn advance_to(&mut self, trace: &Trace, until: usize) {
        let until = until.min(trace.events.len());
        for slice in trace.events.slices(self.applied..until) {
            for e in slice {
                self.apply(trace, e);
            }
        }
        if until > self.applied {
            self.applied = until;
            self.time = self.time.max(trace.events[until - 1].time);
            let now = self.time;
            self.in_flight.retain(|m| m.deliver_at > now);
        }
    }

    fn replica(
        &mut self,
        broker: Option<BrokerId>,
        partition: PartitionId,
    ) -> Option<&mut ReplicaFold> {
        broker.and_then(|b| self.replicas.get_mut(b, partition))
    }

    fn apply(&mut self, trace: &Trace, e: &TraceEvent) {
        self.group.apply(e);
        self.producers.apply(e);
        let broker = e.node.broker();
        match &e.kind {
            EventKind::PartitionCreated {
                partition,
                replicas: set,
                leader,
                leader_epoch,
            } => {
                let mut isr = set.clone();
                crate::sort::by_key(&mut isr, |b| u64::from(b.0));
                self.partitions.insert(
                    *partition,
                    PartitionState {
                        partition: *partition,
                        leader: Some(*leader),
                        leader_epoch: *leader_epoch,
                        isr,
                        elr: Vec::new(),
                    },
                );
                for b in set {
                    self.replicas.insert(
                        *b,
                        *partition,
                        ReplicaFold::new(*partition, *leader_epoch),
                    );
                }
            }
            EventKind::LeaderElected { state, .. } | EventKind::IsrChanged { state } => {
                self.partitions.insert(state.partition, (**state).clone());
            }
            EventKind::RecordAppended {
                partition,
                offset,
                record,
                leader_epoch,
                transactional,
                control,
                txn_producer,
            } => {
                if let Some(r) = self.replica(broker, *partition) {
                    let entry = LogRecord {
                        offset: *offset,
                        record: *record,
                        leader_epoch: *leader_epoch,
                        producer: None,
                        transactional: *transactional,
                        control: *control,
                        continues_batch: false,
                    };
                    r.push(entry, *txn_producer);
                }
            }
            EventKind::LogTruncated { partition, to, .. } => {
                if let Some(r) = self.replica(broker, *partition) {
                    r.truncate(usize::try_from(to.0).unwrap_or(usize::MAX));
                    r.flushed = r.flushed.min(*to);
                    r.high_watermark = r.high_watermark.min(*to);
                    r.log_start = r.log_start.min(*to);
                }
            }
            EventKind::LogStartMoved {
                partition,
                log_start,
            } => {
                if let Some(r) = self.replica(broker, *partition) {
                    r.log_start = *log_start;
                }
            }
            EventKind::LogFlushed { partition, offset } => {
                if let Some(r) = self.replica(broker, *partition) {
                    r.flushed = *offset;
                }
            }
            EventKind::HighWatermarkUpdated {
                partition,
                high_watermark,
            } => {
                if let Some(r) = self.replica(broker, *partition) {
                    r.high_watermark = *high_watermark;
                }
            }
            EventKind::BecameLeader {
                partition,
                leader_epoch,
            } => {
                if let Some(r) = self.replica(broker, *partition) {
                    r.is_leader = true;
                    r.leader_epoch = *leader_epoch;
                }
            }
            EventKind::BecameFollower {
                partition,
                leader_epoch,
                ..
            } => {
                if let Some(r) = self.replica(broker, *partition) {
                    r.is_leader = false;
                    r.leader_epoch = *leader_epoch;
                }
            }
            EventKind::BrokerStopped => {
                if let Some(b) = broker {
                    self.stopped.insert(b);
                    for r in self.replicas.of_broker_mut(b) {
                        r.is_leader = false;
                    }
                }
            }
            EventKind::BrokerStarted => {
                if let Some(b) = broker {
                    self.stopped.remove(&b);
                }
            }
            EventKind::BrokerFenced { broker } => {
                self.fenced.insert(*broker);
            }
            EventKind::BrokerUnfenced { broker } => {
                self.fenced.remove(broker);
            }
            EventKind::MessageSent {
                message,
                to,
                deliver_at,
            } => {
                let body = trace.message(*message);
                self.in_flight.push(InFlight {
                    message: *message,
                    from: e.node,
                    to: *to,
                    sent_at: e.time,
                    deliver_at: *deliver_at,
                    name: body.name(),
                    records: body.records(),
                    // Read from the trace when a view is made (see `view`).
                    lost: false,
                });
            }
            EventKind::RecordSent { .. } => self.sent += 1,
            EventKind::ProduceAcknowledged { .. } => self.acknowledged += 1,
            EventKind::ProduceFailed { .. } => self.failed += 1,
            EventKind::InvariantViolated { .. } => self.violations += 1,
            _ => {}
        }
    }

    /// The cluster at `time`, which this fold has reached ([`ViewFold::advance`]). Whether a
    /// message in flight will be lost is read from `trace` here, not when it was folded: a
    /// fold kept across a re-run only holds for the events before the first changed fault.
    pub fn view(&self, trace: &Trace, time: SimTime) -> ClusterView {
        let mut group = self.group.clone();
        group.finish(time);
        let mut producers = self.producers.clone();
        producers.finish(time);
        ClusterView {
            time,
            applied: self.applied,
            brokers: (0..self.brokers)
                .map(BrokerId)
                .map(|id| BrokerView {
                    id,
                    running: !self.stopped.contains(&id),
                    fenced: self.fenced.contains(&id),
                    replicas: self.replicas.of_broker(id).map(ReplicaFold::view).collect(),
                })
                .collect(),
            partitions: self.partitions.values().cloned().collect(),
            violations: self.violations,
            in_flight: self
                .in_flight
                .iter()
                .filter(|m| m.deliver_at > time)
                .map(|m| InFlight {
                    lost: is_dropped(trace, m.message, m.deliver_at),
                    ..m.clone()
                })
                .collect(),
            sent: self.sent,
            acknowledged: self.acknowledged,
            failed: self.failed,
            group,
            producers,
        }
    }
}
