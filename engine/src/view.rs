//! The cluster as it stood at one moment of a run, folded from the trace.
//!
//! The app never simulates: it asks for the view at the play position and draws it. Folding
//! is pure and cheap, so scrubbing backwards costs the same as playing forwards.

use crate::ids::{BrokerId, LeaderEpoch, MessageId, NodeId, Offset, PartitionId, RecordId};
use crate::message::{LogRecord, PartitionState};
use crate::time::SimTime;
use crate::trace::{EventKind, Trace};
use std::collections::{BTreeMap, BTreeSet};

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
    /// The log.
    pub log: Vec<LogRecord>,
    /// Per log entry: the producer id whose transaction it belongs to, if any.
    pub txn_producers: Vec<Option<u64>>,
    /// Its high watermark.
    pub high_watermark: Offset,
    /// Records below this offset are on disk; the rest only in the page cache.
    pub flushed: Offset,
    /// The log start offset: records below it were deleted by retention.
    pub log_start: Offset,
}

impl ReplicaView {
    /// The log end offset.
    pub fn log_end_offset(&self) -> Offset {
        Offset(self.log.len() as u64)
    }

    /// The last stable offset: the high watermark, held back by the first record of any
    /// producer's transaction with no marker of that producer after it yet.
    pub fn last_stable_offset(&self) -> Offset {
        let mut open: std::collections::BTreeMap<u64, Offset> = Default::default();
        for (r, producer) in self.log.iter().zip(&self.txn_producers) {
            let Some(id) = *producer else { continue };
            match r.control {
                Some(_) => {
                    open.remove(&id);
                }
                None => {
                    open.entry(id).or_insert(r.offset);
                }
            }
        }
        open.values()
            .min()
            .map_or(self.high_watermark, |o| (*o).min(self.high_watermark))
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
    trace.events[from..to]
        .iter()
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
        let applied = trace.events_until(time);
        let mut replicas: BTreeMap<(BrokerId, PartitionId), ReplicaView> = BTreeMap::new();
        let mut partitions: BTreeMap<PartitionId, PartitionState> = BTreeMap::new();
        let mut stopped: BTreeSet<BrokerId> = BTreeSet::new();
        let mut fenced: BTreeSet<BrokerId> = BTreeSet::new();
        let mut view = ClusterView {
            time,
            applied,
            ..ClusterView::default()
        };
        for e in &trace.events[..applied] {
            view.group.apply(e);
            view.producers.apply(e);
            let broker = match e.node {
                NodeId::Broker(b) => Some(b),
                _ => None,
            };
            match &e.kind {
                EventKind::PartitionCreated {
                    partition,
                    replicas: set,
                    leader,
                    leader_epoch,
                } => {
                    let mut isr = set.clone();
                    isr.sort();
                    partitions.insert(
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
                        replicas.insert(
                            (*b, *partition),
                            ReplicaView {
                                partition: *partition,
                                is_leader: false,
                                leader_epoch: *leader_epoch,
                                log: Vec::new(),
                                txn_producers: Vec::new(),
                                high_watermark: Offset(0),
                                flushed: Offset(0),
                                log_start: Offset(0),
                            },
                        );
                    }
                }
                EventKind::LeaderElected { state, .. } | EventKind::IsrChanged { state } => {
                    partitions.insert(state.partition, state.clone());
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
                    if let Some(r) = broker.and_then(|b| replicas.get_mut(&(b, *partition))) {
                        r.txn_producers.push(*txn_producer);
                        r.log.push(LogRecord {
                            offset: *offset,
                            record: *record,
                            leader_epoch: *leader_epoch,
                            producer: None,
                            transactional: *transactional,
                            control: *control,
                            continues_batch: false,
                        });
                    }
                }
                EventKind::LogTruncated { partition, to, .. } => {
                    if let Some(r) = broker.and_then(|b| replicas.get_mut(&(b, *partition))) {
                        r.log.truncate(usize::try_from(to.0).unwrap_or(usize::MAX));
                        r.txn_producers.truncate(r.log.len());
                        r.flushed = r.flushed.min(*to);
                        r.high_watermark = r.high_watermark.min(*to);
                        r.log_start = r.log_start.min(*to);
                    }
                }
                EventKind::LogStartMoved {
                    partition,
                    log_start,
                } => {
                    if let Some(r) = broker.and_then(|b| replicas.get_mut(&(b, *partition))) {
                        r.log_start = *log_start;
                    }
                }
                EventKind::LogFlushed { partition, offset } => {
                    if let Some(r) = broker.and_then(|b| replicas.get_mut(&(b, *partition))) {
                        r.flushed = *offset;
                    }
                }
                EventKind::HighWatermarkUpdated {
                    partition,
                    high_watermark,
                } => {
                    if let Some(r) = broker.and_then(|b| replicas.get_mut(&(b, *partition))) {
                        r.high_watermark = *high_watermark;
                    }
                }
                EventKind::BecameLeader {
                    partition,
                    leader_epoch,
                } => {
                    if let Some(r) = broker.and_then(|b| replicas.get_mut(&(b, *partition))) {
                        r.is_leader = true;
                        r.leader_epoch = *leader_epoch;
                    }
                }
                EventKind::BecameFollower {
                    partition,
                    leader_epoch,
                    ..
                } => {
                    if let Some(r) = broker.and_then(|b| replicas.get_mut(&(b, *partition))) {
                        r.is_leader = false;
                        r.leader_epoch = *leader_epoch;
                    }
                }
                EventKind::BrokerStopped => {
                    if let Some(b) = broker {
                        stopped.insert(b);
                        for ((_, _), r) in
                            replicas.range_mut((b, PartitionId(0))..=(b, PartitionId(u32::MAX)))
                        {
                            r.is_leader = false;
                        }
                    }
                }
                EventKind::BrokerStarted => {
                    if let Some(b) = broker {
                        stopped.remove(&b);
                    }
                }
                EventKind::BrokerFenced { broker } => {
                    fenced.insert(*broker);
                }
                EventKind::BrokerUnfenced { broker } => {
                    fenced.remove(broker);
                }
                EventKind::MessageSent {
                    message,
                    to,
                    deliver_at,
                } if *deliver_at > time => {
                    let body = trace.message(*message);
                    view.in_flight.push(InFlight {
                        message: *message,
                        from: e.node,
                        to: *to,
                        sent_at: e.time,
                        deliver_at: *deliver_at,
                        name: body.name(),
                        records: body.records(),
                        lost: is_dropped(trace, *message, *deliver_at),
                    });
                }
                EventKind::RecordSent { .. } => view.sent += 1,
                EventKind::ProduceAcknowledged { .. } => view.acknowledged += 1,
                EventKind::ProduceFailed { .. } => view.failed += 1,
                EventKind::InvariantViolated { .. } => view.violations += 1,
                _ => {}
            }
        }
        view.group.finish(time);
        view.producers.finish(time);
        view.partitions = partitions.into_values().collect();
        view.brokers = (0..brokers)
            .map(BrokerId)
            .map(|id| BrokerView {
                id,
                running: !stopped.contains(&id),
                fenced: fenced.contains(&id),
                replicas: replicas
                    .range((id, PartitionId(0))..=(id, PartitionId(u32::MAX)))
                    .map(|(_, r)| r.clone())
                    .collect(),
            })
            .collect();
        view
    }
}
