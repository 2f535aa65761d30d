//! What a node does in response to an event: emit facts, send messages, set timers.
//!
//! Nodes never touch the clock, the RNG or the queue (stateright's actor model): they push
//! commands here, and the simulator applies them in order, deciding when messages arrive.

use crate::consumer::timers::{ConsumerTimer, GroupTimer};
use crate::ids::{BrokerId, NodeId, PartitionId, RecordId};
use crate::message::Message;
use crate::producer::transaction::ProducerTxnTimer;
use crate::time::SimTime;
use crate::trace::EventKind;
use crate::transaction::coordinator::TxnTimer;

/// A timer a node asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A broker's next `BrokerHeartbeat` is due.
    Heartbeat,
    /// The controller's session for a broker ends unless a newer heartbeat came (`seq`).
    SessionExpiry {
        /// The broker.
        broker: BrokerId,
        /// Which heartbeat this deadline belongs to.
        seq: u64,
    },
    /// A leader's `isr-expiration` task (every `replica.lag.time.max.ms / 2`).
    IsrExpiration,
    /// The high watermark checkpoint is written (`replica.high.watermark.checkpoint.interval.ms`).
    HighWatermarkCheckpoint,
    /// `log.flush.interval.ms` check.
    FlushCheck,
    /// An acks=all produce request's DelayedProduce expires.
    ProduceTimeout {
        /// Partition.
        partition: PartitionId,
        /// Record waiting.
        record: RecordId,
    },
    /// A follower retries fetching after an error (`replica.fetch.backoff.ms`) or gives up
    /// on an unanswered fetch.
    FetchRetry {
        /// Partition.
        partition: PartitionId,
        /// The fetch it concerns (a later fetch makes it stale).
        correlation: u64,
    },
    /// The producer gives up waiting for a response (`request.timeout.ms`).
    RequestTimeout {
        /// The record.
        record: RecordId,
        /// Which attempt (a retry supersedes it).
        attempt: u32,
    },
    /// `delivery.timeout.ms` has passed since the record was sent.
    DeliveryTimeout {
        /// The record.
        record: RecordId,
        /// Which send of it (the application may send it again).
        send: u32,
    },
    /// The application sends a failed record again (its failure policy).
    ApplicationResend {
        /// The record.
        record: RecordId,
    },
    /// A batch's retry backoff has ended: the sender looks at the queues again.
    ProducerWake,
    /// The application's next `send()` is due.
    ProducerSend {
        /// The record to send.
        record: RecordId,
    },
    /// A leader has held a follower's empty fetch for `replica.fetch.wait.max.ms`.
    FetchWaitExpired {
        /// The partition fetched.
        partition: PartitionId,
        /// The follower waiting.
        follower: BrokerId,
        /// Which parked fetch this timer belongs to (a later one supersedes it).
        fetch: u64,
    },
    /// A leader has held a consumer's empty fetch for `fetch.max.wait.ms`.
    ConsumerFetchWaitExpired {
        /// The partition fetched.
        partition: PartitionId,
        /// The consumer waiting.
        consumer: u32,
        /// Which parked fetch this timer belongs to.
        fetch: u64,
    },
    /// The producer's periodic metadata refresh (`metadata.max.age.ms`).
    MetadataMaxAge,
    /// A broker's retention task (`log.retention.check.interval.ms`).
    RetentionCheck,
    /// A `send()` blocked on a full buffer gives up (`max.block.ms`).
    SendBlockTimeout {
        /// The record being sent.
        record: RecordId,
    },
    /// A broker's producer-state expiry task (`producer.id.expiration.check.interval.ms`).
    ProducerIdExpiration,
    /// A consumer's timer (its poll loop, processing, heartbeat thread).
    Consumer(ConsumerTimer),
    /// The group coordinator's timer.
    Group(GroupTimer),
    /// The transaction coordinator's timer.
    Txn(TxnTimer),
    /// A transactional producer's timer (its `TransactionManager`).
    Transactional(ProducerTxnTimer),
}

impl Timer {
    /// How many kinds of timer there are (see [`Timer::kind`]).
    pub const KINDS: usize =
        18 + ConsumerTimer::KINDS + GroupTimer::KINDS + TxnTimer::KINDS + ProducerTxnTimer::KINDS;

    /// The timer's kind, `0..KINDS`: one node's timers of one kind have one delay, so
    /// they fire in the order they were set (a lane of the event queue).
    pub fn kind(&self) -> usize {
        match self {
            Timer::Heartbeat => 0,
            Timer::SessionExpiry { .. } => 1,
            Timer::IsrExpiration => 2,
            Timer::HighWatermarkCheckpoint => 3,
            Timer::FlushCheck => 4,
            Timer::ProduceTimeout { .. } => 5,
            Timer::FetchRetry { .. } => 6,
            Timer::RequestTimeout { .. } => 7,
            Timer::DeliveryTimeout { .. } => 8,
            Timer::ApplicationResend { .. } => 9,
            Timer::ProducerWake => 10,
            Timer::ProducerSend { .. } => 11,
            Timer::FetchWaitExpired { .. } => 12,
            Timer::ConsumerFetchWaitExpired { .. } => 13,
            Timer::MetadataMaxAge => 14,
            Timer::RetentionCheck => 15,
            Timer::ProducerIdExpiration => 16,
            Timer::SendBlockTimeout { .. } => 17,
            Timer::Consumer(t) => 18 + t.kind(),
            Timer::Group(t) => 18 + ConsumerTimer::KINDS + t.kind(),
            Timer::Txn(t) => 18 + ConsumerTimer::KINDS + GroupTimer::KINDS + t.kind(),
            Timer::Transactional(t) => {
                18 + ConsumerTimer::KINDS + GroupTimer::KINDS + TxnTimer::KINDS + t.kind()
            }
        }
    }
}

/// A node's instruction to the simulator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Record a fact in the trace.
    Emit(EventKind),
    /// Send a message to another node.
    Send {
        /// Receiver.
        to: NodeId,
        /// The message.
        message: Message,
    },
    /// Call the node back at `at`.
    SetTimer {
        /// When.
        at: SimTime,
        /// Which timer.
        timer: Timer,
    },
}

/// The commands one handler produced, in order.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    commands: Vec<Command>,
    /// Timers due after this are left out: the run ends before they could fire.
    horizon: Option<SimTime>,
}

impl Outbox {
    /// An outbox for a run that ends at `end`: a timer due after it is not kept (most
    /// request, delivery and fetch timeouts outlast a run), which changes nothing the run does.
    pub fn until(end: SimTime) -> Outbox {
        Outbox {
            commands: Vec::new(),
            horizon: Some(end),
        }
    }

    /// Records a fact.
    pub fn emit(&mut self, kind: EventKind) {
        self.commands.push(Command::Emit(kind));
    }

    /// Sends a message.
    pub fn send(&mut self, to: NodeId, message: Message) {
        self.commands.push(Command::Send { to, message });
    }

    /// Sets a timer.
    pub fn set_timer(&mut self, at: SimTime, timer: Timer) {
        if self.horizon.is_some_and(|end| at > end) {
            return;
        }
        self.commands.push(Command::SetTimer { at, timer });
    }

    /// Takes the commands, leaving the outbox empty for reuse.
    pub fn drain(&mut self) -> std::vec::Drain<'_, Command> {
        self.commands.drain(..)
    }
}
