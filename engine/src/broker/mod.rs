//! A broker: its replicas, its metadata cache, and its life (crash, power loss, disk loss,
//! restart and log recovery).
//!
//! Per-partition behaviour lives in [`leader`] (produce, serving fetches, the high
//! watermark, ISR changes) and [`follower`] (truncation and fetching). Here: dispatch, the
//! periodic tasks (heartbeat, `isr-expiration`, HW checkpoint, flush), and durability:
//! appends land in the page cache, fsync follows `log.flush.interval.messages` /
//! `log.flush.interval.ms` (never, by default); a process crash keeps the page cache, a power
//! loss keeps only what was flushed, a disk loss keeps nothing (kafka-semantics.md §B.11).

mod consumer_fetch;
mod delayed_produce;
mod follower;
mod leader;
mod producer_state;
mod replica;
mod txn_markers;
mod txn_verification;

pub use replica::Replica;

use crate::consumer::protocol::GroupMessage;
use crate::dense_map::DenseMap;
use crate::ids::{BrokerId, NodeId, Offset, PartitionId};
use crate::message::{Message, PartitionState};
use crate::outbox::{Outbox, Timer};
use crate::partition_map::PartitionMap;
use crate::profile::Truncation;
use crate::scenario::EffectiveConfig;
use crate::time::SimTime;
use crate::trace::{EventKind, TruncationReason};
use crate::transaction::protocol::TxnMessage;
use replica::Role;

/// `replica.socket.timeout.ms`: a follower gives up on an unanswered fetch after this.
const REPLICA_SOCKET_TIMEOUT_MS: u64 = 30_000;
/// How long a leader waits for an AlterPartition answer before sending it again.
const ALTER_PARTITION_RETRY_MS: u64 = 5_000;

/// The broker configs and version rules a broker acts on.
#[derive(Clone, Copy, Debug)]
pub struct BrokerRules {
    min_insync_replicas: usize,
    message_max_bytes: u32,
    replica_fetch_wait_max_ms: u64,
    replica_lag_time_max_ms: u64,
    replica_fetch_backoff_ms: u64,
    heartbeat_interval_ms: u64,
    hw_checkpoint_interval_ms: u64,
    flush_interval_messages: Option<u64>,
    flush_interval_ms: Option<u64>,
    high_watermark_frozen_below_min_isr: bool,
    truncation: Truncation,
    verify_transactions: bool,
    epoch_per_transaction: bool,
    retention_ms: u64,
    roll_ms: u64,
    retention_check_ms: u64,
    producer_expiration_ms: u64,
    producer_expiration_check_ms: u64,
}

impl From<&EffectiveConfig> for BrokerRules {
    fn from(c: &EffectiveConfig) -> Self {
        BrokerRules {
            min_insync_replicas: c.min_insync_replicas.value as usize,
            message_max_bytes: c.message_max_bytes.value,
            replica_fetch_wait_max_ms: c.replica_fetch_wait_max_ms.value,
            replica_lag_time_max_ms: c.replica_lag_time_max_ms.value,
            replica_fetch_backoff_ms: c.replica_fetch_backoff_ms,
            heartbeat_interval_ms: c.broker_heartbeat_interval_ms,
            hw_checkpoint_interval_ms: c.high_watermark_checkpoint_interval_ms,
            flush_interval_messages: c.log_flush_interval_messages.value,
            flush_interval_ms: c.log_flush_interval_ms.value,
            high_watermark_frozen_below_min_isr: c.high_watermark_frozen_below_min_isr,
            truncation: c.truncation,
            verify_transactions: c.verify_transactions,
            epoch_per_transaction: c.epoch_per_transaction,
            retention_ms: c.log_retention_ms.value,
            roll_ms: c.log_roll_ms.value.max(1),
            retention_check_ms: c.log_retention_check_interval_ms.value.max(1),
            producer_expiration_ms: c.producer_id_expiration_ms.value,
            producer_expiration_check_ms: c.producer_id_expiration_check_interval_ms.value.max(1),
        }
    }
}

/// How a broker stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The process dies; the OS and its page cache live on.
    Crash,
    /// The machine loses power: unflushed records are gone.
    PowerLoss,
    /// The disk is destroyed: the log is gone.
    DiskLoss,
}

/// One broker.
#[derive(Clone, Debug)]
pub struct Broker {
    id: BrokerId,
    rules: BrokerRules,
    running: bool,
    /// How the broker last stopped, while it is stopped.
    stopped_by: Option<Stop>,
    replicas: PartitionMap<Replica>,
    /// Each hosted partition's replicas, in assignment order.
    assignment: DenseMap<PartitionId, Vec<BrokerId>>,
    /// The metadata cache: each partition's leader and epoch, as the controller announced.
    metadata: PartitionMap<PartitionState>,
    next_correlation: u64,
    /// KIP-890 part 1: where transactional writes are verified, and what waits for it.
    verification: txn_verification::Verification,
}

impl Broker {
    /// A running broker holding an empty replica of each partition in `assignment`
    /// (partition → its replicas).
    pub fn new(
        id: BrokerId,
        rules: BrokerRules,
        assignment: DenseMap<PartitionId, Vec<BrokerId>>,
    ) -> Broker {
        let replicas = assignment
            .keys()
            .map(|p| (*p, Replica::default()))
            .collect();
        Broker {
            id,
            rules,
            running: true,
            stopped_by: None,
            replicas,
            assignment,
            metadata: PartitionMap::default(),
            next_correlation: 0,
            verification: txn_verification::Verification::default(),
        }
    }

    /// This broker's id.
    pub fn id(&self) -> BrokerId {
        self.id
    }

    /// Whether the process is running.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Whether the broker's process is down but its machine is up, so that its operating
    /// system refuses connections at once rather than leaving them unanswered.
    pub fn refuses_connections(&self) -> bool {
        self.stopped_by == Some(Stop::Crash)
    }

    /// Who leads `partition`, as this broker's metadata cache says.
    pub fn leader_of(&self, partition: PartitionId) -> Option<BrokerId> {
        self.metadata.get(&partition).and_then(|s| s.leader)
    }

    /// This broker's replicas, by partition.
    pub fn replicas(&self) -> &PartitionMap<Replica> {
        &self.replicas
    }

    /// Starts the periodic tasks (at time zero, and after each restart).
    pub fn start(&mut self, now: SimTime, out: &mut Outbox) {
        out.set_timer(now, Timer::Heartbeat);
        let half_lag = (self.rules.replica_lag_time_max_ms / 2).max(1);
        out.set_timer(now.plus_ms(half_lag), Timer::IsrExpiration);
        out.set_timer(
            now.plus_ms(self.rules.hw_checkpoint_interval_ms),
            Timer::HighWatermarkCheckpoint,
        );
        if let Some(ms) = self.rules.flush_interval_ms {
            out.set_timer(now.plus_ms(ms), Timer::FlushCheck);
        }
        out.set_timer(
            now.plus_ms(self.rules.retention_check_ms),
            Timer::RetentionCheck,
        );
        out.set_timer(
            now.plus_ms(self.rules.producer_expiration_check_ms),
            Timer::ProducerIdExpiration,
        );
    }

    /// Stops the broker. What survives depends on how it stopped.
    pub fn stop(&mut self, how: Stop, out: &mut Outbox) {
        let was_running = std::mem::replace(&mut self.running, false);
        self.stopped_by = Some(how);
        for (partition, replica) in self.replicas.iter_mut() {
            replica.role = Role::Idle;
            match how {
                Stop::Crash => {}
                Stop::PowerLoss => {
                    let flushed = replica.log.flushed();
                    replica.truncate(*partition, flushed, TruncationReason::PowerLoss, out);
                }
                Stop::DiskLoss => {
                    replica.truncate(*partition, Offset(0), TruncationReason::DiskLoss, out);
                    replica.epochs.clear();
                    replica.hw_checkpoint = Offset(0);
                }
            }
        }
        if was_running {
            out.emit(EventKind::BrokerStopped);
        }
    }

    /// Starts a stopped broker: log recovery, the HW from its checkpoint, then registration
    /// with the controller, which tells it every partition's state.
    pub fn restart(&mut self, now: SimTime, out: &mut Outbox) {
        if self.running {
            return;
        }
        self.running = true;
        self.stopped_by = None;
        self.metadata.clear();
        for replica in self.replicas.values_mut() {
            replica.high_watermark = replica.hw_checkpoint.min(replica.log.log_end_offset());
            replica.role = Role::Idle;
        }
        out.emit(EventKind::BrokerStarted);
        out.send(NodeId::Controller, Message::BrokerRegistration);
        self.start(now.plus_ms(self.rules.heartbeat_interval_ms), out);
    }

    /// Handles a message from another node.
    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: &Message, out: &mut Outbox) {
        match *message {
            Message::ProduceRequest(ref request) => {
                self.on_produce(now, from, request.clone(), out)
            }
            Message::FetchRequest {
                partition,
                fetch_offset,
                current_leader_epoch,
                correlation,
            } => {
                if let NodeId::Broker(follower) = from {
                    self.on_fetch(
                        now,
                        follower,
                        partition,
                        fetch_offset,
                        current_leader_epoch,
                        correlation,
                        out,
                    )
                }
            }
            Message::FetchResponse {
                partition,
                ref records,
                high_watermark,
                error,
                correlation,
            } => self.on_fetch_response(
                now,
                partition,
                records,
                high_watermark,
                error,
                correlation,
                out,
            ),
            Message::OffsetsForLeaderEpochRequest {
                partition,
                leader_epoch,
                current_leader_epoch,
            } => self.on_offsets_for_leader_epoch(
                from,
                partition,
                leader_epoch,
                current_leader_epoch,
                out,
            ),
            Message::OffsetsForLeaderEpochResponse { partition, result } => {
                self.on_offsets_for_leader_epoch_response(now, partition, result, out)
            }
            Message::MetadataRequest => {
                let leaders = self
                    .metadata
                    .values()
                    .map(|s| (s.partition, s.leader))
                    .collect();
                out.send(from, Message::MetadataResponse { leaders });
            }
            Message::Txn(TxnMessage::FindCoordinatorResponse { coordinator }) => {
                self.on_verification_coordinator(coordinator, out)
            }
            Message::Txn(TxnMessage::VerifyPartitionResponse {
                producer_id,
                partition,
                error,
            }) => self.on_verified(now, producer_id, partition, error, out),
            Message::Txn(TxnMessage::WriteTxnMarkers {
                producer_id,
                epoch,
                partition,
                marker,
            }) => self.on_write_txn_marker(now, from, producer_id, epoch, partition, marker, out),
            Message::PartitionChange(ref state) => {
                self.on_partition_change(now, state.clone(), out)
            }
            Message::Group(GroupMessage::Fetch {
                partition,
                position,
                reset,
                correlation,
                read_committed,
            }) => {
                if let NodeId::Consumer(consumer) = from {
                    let fetch = consumer_fetch::ConsumerFetch {
                        consumer,
                        partition,
                        position,
                        reset,
                        correlation,
                        read_committed,
                    };
                    self.on_consumer_fetch(now, fetch, out);
                }
            }
            Message::ProduceResponse { .. }
            | Message::MetadataResponse { .. }
            | Message::ConnectionClosed
            | Message::BrokerHeartbeat
            | Message::BrokerRegistration
            | Message::AlterPartition { .. }
            | Message::Group(_)
            | Message::Txn(_) => {}
            Message::PartitionsCreated(ref created) => {
                for (state, replicas) in created {
                    if replicas.contains(&self.id) && !self.replicas.contains_key(&state.partition)
                    {
                        self.replicas.insert(state.partition, Replica::default());
                        self.assignment.insert(state.partition, replicas.clone());
                    }
                    self.on_partition_change(now, state.clone(), out);
                }
            }
        }
    }

    /// Handles one of this broker's timers.
    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Outbox) {
        match timer {
            Timer::Heartbeat => {
                out.send(NodeId::Controller, Message::BrokerHeartbeat);
                out.set_timer(
                    now.plus_ms(self.rules.heartbeat_interval_ms),
                    Timer::Heartbeat,
                );
            }
            Timer::IsrExpiration => {
                self.expire_isr(now, out);
                let half_lag = (self.rules.replica_lag_time_max_ms / 2).max(1);
                out.set_timer(now.plus_ms(half_lag), Timer::IsrExpiration);
            }
            Timer::ProducerIdExpiration => {
                // The producer state of an idle producer is dropped: a later batch of it is
                // accepted with any sequence (kafka-semantics.md §B.7, case 5).
                let ms = self.rules.producer_expiration_ms;
                for (partition, replica) in self.replicas.iter_mut() {
                    for producer_id in replica.producers.expire(now, ms) {
                        out.emit(EventKind::ProducerStateExpired {
                            partition: *partition,
                            producer_id,
                        });
                    }
                }
                out.set_timer(
                    now.plus_ms(self.rules.producer_expiration_check_ms),
                    Timer::ProducerIdExpiration,
                );
            }
            Timer::RetentionCheck => {
                // `log.retention.check.interval.ms`: each replica deletes its own old
                // segments below its high watermark.
                let retention = self.rules.retention_ms;
                for (partition, replica) in self.replicas.iter_mut() {
                    if let Some(log_start) = replica.apply_retention(now, retention) {
                        out.emit(EventKind::LogStartMoved {
                            partition: *partition,
                            log_start,
                        });
                    }
                }
                out.set_timer(
                    now.plus_ms(self.rules.retention_check_ms),
                    Timer::RetentionCheck,
                );
            }
            Timer::HighWatermarkCheckpoint => {
                for replica in self.replicas.values_mut() {
                    replica.hw_checkpoint = replica.high_watermark;
                }
                out.set_timer(
                    now.plus_ms(self.rules.hw_checkpoint_interval_ms),
                    Timer::HighWatermarkCheckpoint,
                );
            }
            Timer::FlushCheck => {
                for (partition, replica) in self.replicas.iter_mut() {
                    if replica.log.flush() {
                        let offset = replica.log.flushed();
                        out.emit(EventKind::LogFlushed {
                            partition: *partition,
                            offset,
                        });
                    }
                }
                if let Some(ms) = self.rules.flush_interval_ms {
                    out.set_timer(now.plus_ms(ms), Timer::FlushCheck);
                }
            }
            Timer::FetchWaitExpired {
                partition,
                follower,
                fetch,
            } => self.on_fetch_wait_expired(partition, follower, fetch, out),
            Timer::ConsumerFetchWaitExpired {
                partition,
                consumer,
                fetch,
            } => self.on_consumer_fetch_wait_expired(partition, consumer, fetch, out),
            Timer::ProduceTimeout { partition, record } => {
                self.on_produce_timeout(partition, record, out)
            }
            Timer::FetchRetry {
                partition,
                correlation,
            } => self.on_fetch_retry(now, partition, correlation, out),
            Timer::ProducerSend { .. }
            | Timer::SessionExpiry { .. }
            | Timer::RequestTimeout { .. }
            | Timer::DeliveryTimeout { .. }
            | Timer::ApplicationResend { .. }
            | Timer::SendBlockTimeout { .. }
            | Timer::ProducerWake
            | Timer::Consumer(_)
            | Timer::Group(_)
            | Timer::Txn(_)
            | Timer::Transactional(_)
            | Timer::MetadataMaxAge => {}
        }
    }

    /// The controller announced a partition's state: take the role it gives this broker.
    fn on_partition_change(&mut self, now: SimTime, state: PartitionState, out: &mut Outbox) {
        let partition = state.partition;
        if self
            .metadata
            .get(&partition)
            .is_some_and(|known| known.leader_epoch > state.leader_epoch)
        {
            return; // stale news
        }
        self.metadata.insert(partition, state.clone());
        let Some(replica) = self.replicas.get(&partition) else {
            return;
        };
        let same_epoch = replica.leader_epoch == state.leader_epoch;
        match (&replica.role, state.leader) {
            (Role::Leader(_), Some(l)) if l == self.id && same_epoch => {
                self.update_isr(partition, &state.isr, out)
            }
            (Role::Follower(f), Some(l)) if f.leader == l && same_epoch => {}
            (_, Some(l)) if l == self.id => self.become_leader(now, &state, out),
            (_, Some(l)) => self.become_follower(now, partition, l, state.leader_epoch, out),
            (_, None) => self.become_idle(partition, state.leader_epoch, out),
        }
    }

    /// Allocates a correlation id for a request.
    fn correlation(&mut self) -> u64 {
        self.next_correlation += 1;
        self.next_correlation
    }

    /// fsyncs `partition` if `log.flush.interval.messages` says so.
    fn maybe_flush(&mut self, partition: PartitionId, out: &mut Outbox) {
        let Some(every) = self.rules.flush_interval_messages else {
            return;
        };
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        if replica.log.unflushed() >= every && replica.log.flush() {
            let offset = replica.log.flushed();
            out.emit(EventKind::LogFlushed { partition, offset });
        }
    }
}
