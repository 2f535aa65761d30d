//! The trace: every fact of a run, in order. The app draws it; the ledger reads it.
//!
//! Events are facts (`RecordAppended`), never commands. Network messages carry their send
//! and delivery times so a view can place them in flight. `to_text` prints one fixed-column
//! line per event (the golden-file format); `digest` hashes that text, so "same scenario and
//! seed, same trace" can be checked across native and wasm runs.

use crate::chunked::ChunkedVec;
use crate::consumer::facts::ConsumerFact;
use crate::errors::KafkaError;
use crate::fault::Fault;
use crate::ids::{BrokerId, LeaderEpoch, MessageId, NodeId, Offset, PartitionId, RecordId};
use crate::message::{ControlMarker, Message, PartitionState};
use crate::time::SimTime;
use crate::transaction::facts::TxnFact;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::{self, Write as _};

mod text;

/// One fact, when it happened and on which node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceEvent {
    /// When.
    pub time: SimTime,
    /// Where.
    pub node: NodeId,
    /// What.
    pub kind: EventKind,
}

/// The facts a run records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The topic's partition exists with these replicas; `leader` leads it at `leader_epoch`.
    PartitionCreated {
        /// The partition.
        partition: PartitionId,
        /// Its replicas, preferred leader first.
        replicas: Vec<BrokerId>,
        /// Its first leader.
        leader: BrokerId,
        /// Its first leader epoch.
        leader_epoch: LeaderEpoch,
    },
    /// The application called `send()` for a record.
    RecordSent {
        /// The record.
        record: RecordId,
        /// The partition the partitioner chose.
        partition: PartitionId,
        /// Which producing application sent it (with `producer.count` > 1); its records
        /// keep their order only among themselves.
        #[serde(default, skip_serializing_if = "is_zero")]
        app: u32,
    },
    /// The broker refused a batch of several records as too large (MESSAGE_TOO_LARGE): the
    /// producer splits it and sends the parts again, without using a retry.
    BatchSplit {
        /// The batch's first record.
        record: RecordId,
        /// Partition.
        partition: PartitionId,
        /// How many records it held.
        records: u32,
        /// Into how many batches it was split.
        into: u32,
    },
    /// `send()` blocks: the batches waiting for an answer fill `buffer.memory`.
    SendBlocked {
        /// The record being sent.
        record: RecordId,
    },
    /// A message left `node` for `to`; it arrives at `deliver_at` unless a
    /// [`EventKind::MessageDropped`] for it says otherwise (arrivals are not facts of their
    /// own: what the receiver did with it is). Its body is [`Trace::message`].
    MessageSent {
        /// The message's number (also its place in [`Trace::messages`]).
        message: MessageId,
        /// Receiver.
        to: NodeId,
        /// Arrival time.
        deliver_at: SimTime,
    },
    /// A replica on `node` appended a record to its log.
    RecordAppended {
        /// Partition.
        partition: PartitionId,
        /// Offset it was appended at.
        offset: Offset,
        /// Which record ([`RecordId::CONTROL`] for a transaction marker).
        record: RecordId,
        /// Epoch of the batch.
        leader_epoch: LeaderEpoch,
        /// Written inside a transaction.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        transactional: bool,
        /// A COMMIT or ABORT marker rather than a record.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        control: Option<ControlMarker>,
        /// For a transactional record or a marker: the producer id whose transaction it
        /// belongs to (a marker ends only that producer's transaction).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        txn_producer: Option<u64>,
    },
    /// A replica's high watermark changed.
    HighWatermarkUpdated {
        /// Partition.
        partition: PartitionId,
        /// The new high watermark.
        high_watermark: Offset,
    },
    /// The producer's callback reported success (`offset` is none for acks=0, which Kafka
    /// reports as -1).
    ProduceAcknowledged {
        /// The record.
        record: RecordId,
        /// Its partition.
        partition: PartitionId,
        /// Offset the leader gave it.
        offset: Option<Offset>,
    },
    /// The producer's callback reported an error.
    ProduceFailed {
        /// The record.
        record: RecordId,
        /// Its partition.
        partition: PartitionId,
        /// The error.
        error: KafkaError,
    },
    /// An attempt failed with a retriable error; the producer will send the record again.
    ProduceRetried {
        /// The record.
        record: RecordId,
        /// Its partition.
        partition: PartitionId,
        /// The error of the failed attempt.
        error: KafkaError,
        /// Which retry this will be (1 for the first).
        attempt: u32,
    },
    /// The idempotent producer bumped its epoch after a batch failed with its sequence
    /// unresolved; sequences restart at 0.
    ProducerEpochBumped {
        /// The new epoch.
        epoch: u16,
    },
    /// The run handled its maximum number of events and stopped early.
    EventLimitReached {
        /// Events handled.
        events: u64,
    },
    /// A message was lost instead of delivered.
    MessageDropped {
        /// The message's number.
        message: MessageId,
        /// Its sender.
        from: NodeId,
        /// Why it was lost.
        reason: DropReason,
    },
    /// A fault from the plan struck.
    FaultApplied {
        /// Which.
        fault: Fault,
    },
    /// A broker process stopped (crash, power loss or disk loss).
    BrokerStopped,
    /// A broker process started again, with the log its disk kept.
    BrokerStarted,
    /// The controller stopped hearing from a broker for the session timeout and fenced it.
    BrokerFenced {
        /// Which broker.
        broker: BrokerId,
    },
    /// The controller heard from a fenced broker again and unfenced it.
    BrokerUnfenced {
        /// Which broker.
        broker: BrokerId,
    },
    /// The controller chose a partition's leader (or found none).
    LeaderElected {
        /// The new state (boxed: a rare fact, kept out of every fact's size).
        state: Box<PartitionState>,
        /// Whether a replica outside the ISR was chosen (`unclean.leader.election.enable`).
        unclean: bool,
    },
    /// The controller changed a partition's ISR without changing its leader.
    IsrChanged {
        /// The new state (boxed, as [`EventKind::LeaderElected`]'s).
        state: Box<PartitionState>,
    },
    /// A broker's replica took the leader role.
    BecameLeader {
        /// Partition.
        partition: PartitionId,
        /// Its epoch.
        leader_epoch: LeaderEpoch,
    },
    /// A broker's replica became a follower of `leader`.
    BecameFollower {
        /// Partition.
        partition: PartitionId,
        /// Whom it follows.
        leader: BrokerId,
        /// The leader's epoch.
        leader_epoch: LeaderEpoch,
    },
    /// A replica's log lost its records from offset `to` on.
    LogTruncated {
        /// Partition.
        partition: PartitionId,
        /// The new log end offset.
        to: Offset,
        /// How many records went.
        removed: u64,
        /// Why.
        reason: TruncationReason,
    },
    /// A replica fsynced its log up to `offset` (records below it survive a power loss).
    LogFlushed {
        /// Partition.
        partition: PartitionId,
        /// The new recovery point.
        offset: Offset,
    },
    /// A replica forgot an idle producer's sequence state (`producer.id.expiration.ms`).
    ProducerStateExpired {
        /// Partition.
        partition: PartitionId,
        /// The producer id.
        producer_id: u64,
    },
    /// Retention deleted a replica's oldest segments: its log now starts at `log_start`.
    LogStartMoved {
        /// Partition.
        partition: PartitionId,
        /// The new log start offset.
        log_start: Offset,
    },
    /// A protocol invariant does not hold after this event.
    InvariantViolated {
        /// The invariant's name (TLA+ names where the spec has one).
        invariant: Invariant,
        /// Partition concerned.
        partition: PartitionId,
        /// What was seen.
        detail: String,
    },
    /// A fact of the consumer group, its members or the sink.
    Consumer(ConsumerFact),
    /// A fact of a transaction: the coordinator's state, or what the application saw.
    Transaction(TxnFact),
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The link between sender and receiver was cut.
    LinkCut,
    /// The receiver was not running.
    ReceiverDown,
    /// A `drop_responses` fault took it.
    ResponseLost,
}

/// Why a log was truncated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TruncationReason {
    /// Power loss: records not yet fsynced were lost.
    PowerLoss,
    /// Disk loss: the whole log was lost.
    DiskLoss,
    /// Becoming a follower: truncated to the leader's end offset for its last epoch.
    LeaderEpoch,
    /// Becoming a follower before 0.11: truncated to its own (maybe stale) high watermark.
    HighWatermark,
}

/// The invariants checked after every event (kafka-semantics.md §D).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Invariant {
    /// Every replica that could be elected holds every record below a leader's HW.
    StrongIsr,
    /// The controller's leader is in the ISR, or there is no leader.
    LeaderInIsr,
    /// A replica's high watermark never exceeds its log end offset.
    HighWatermarkWithinLog,
    /// A leader's high watermark never decreases while it stays leader.
    MonotonicHighWatermark,
    /// Leader epochs strictly increase.
    LeaderEpochIncreases,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::LinkCut => "link cut",
            DropReason::ReceiverDown => "receiver down",
            DropReason::ResponseLost => "response lost",
        })
    }
}

impl fmt::Display for TruncationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TruncationReason::PowerLoss => "power loss: unflushed records gone",
            TruncationReason::DiskLoss => "disk loss",
            TruncationReason::LeaderEpoch => "to the leader's epoch end offset",
            TruncationReason::HighWatermark => "to its own high watermark (pre-0.11)",
        })
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invariant::StrongIsr => "StrongIsr",
            Invariant::LeaderInIsr => "LeaderInIsr",
            Invariant::HighWatermarkWithinLog => "HighWatermarkWithinLog",
            Invariant::MonotonicHighWatermark => "MonotonicHighWatermark",
            Invariant::LeaderEpochIncreases => "LeaderEpochIncreases",
        })
    }
}

impl EventKind {
    /// The event's name, as shown in the trace.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::PartitionCreated { .. } => "PartitionCreated",
            EventKind::RecordSent { .. } => "RecordSent",
            EventKind::SendBlocked { .. } => "SendBlocked",
            EventKind::BatchSplit { .. } => "BatchSplit",
            EventKind::MessageSent { .. } => "MessageSent",
            EventKind::RecordAppended { .. } => "RecordAppended",
            EventKind::HighWatermarkUpdated { .. } => "HighWatermarkUpdated",
            EventKind::ProduceAcknowledged { .. } => "ProduceAcknowledged",
            EventKind::ProduceFailed { .. } => "ProduceFailed",
            EventKind::EventLimitReached { .. } => "EventLimitReached",
            EventKind::ProduceRetried { .. } => "ProduceRetried",
            EventKind::ProducerEpochBumped { .. } => "ProducerEpochBumped",
            EventKind::MessageDropped { .. } => "MessageDropped",
            EventKind::FaultApplied { .. } => "FaultApplied",
            EventKind::BrokerStopped => "BrokerStopped",
            EventKind::BrokerStarted => "BrokerStarted",
            EventKind::BrokerFenced { .. } => "BrokerFenced",
            EventKind::BrokerUnfenced { .. } => "BrokerUnfenced",
            EventKind::LeaderElected { .. } => "LeaderElected",
            EventKind::IsrChanged { .. } => "IsrChanged",
            EventKind::BecameLeader { .. } => "BecameLeader",
            EventKind::BecameFollower { .. } => "BecameFollower",
            EventKind::LogTruncated { .. } => "LogTruncated",
            EventKind::LogFlushed { .. } => "LogFlushed",
            EventKind::LogStartMoved { .. } => "LogStartMoved",
            EventKind::ProducerStateExpired { .. } => "ProducerStateExpired",
            EventKind::InvariantViolated { .. } => "InvariantViolated",
            EventKind::Consumer(fact) => fact.name(),
            EventKind::Transaction(_) => "Transaction",
        }
    }
}

/// A whole run's facts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// Every event, in the order it happened (in chunks a re-run's copy shares, see
    /// [`crate::chunked`]).
    pub events: ChunkedVec<TraceEvent>,
    /// Every message's body, by its [`MessageId`] (messages are numbered in send order): kept
    /// beside the events so a message is stored once, in one growing vector, and the
    /// simulator's queue names it by number instead of sharing an allocation per message.
    pub messages: ChunkedVec<Message>,
}

impl Trace {
    /// A trace of these events (with no messages).
    pub fn from_events(events: Vec<TraceEvent>) -> Trace {
        Trace {
            events: events.into(),
            messages: ChunkedVec::new(),
        }
    }

    /// The body of message `id`.
    ///
    /// # Panics
    /// If no message was sent with that number in this trace.
    pub fn message(&self, id: MessageId) -> &Message {
        &self.messages[id.0 as usize]
    }

    /// An event's details as [`Trace::to_text`] prints them: a sent message's with its body.
    pub fn details<'a>(&'a self, event: &'a TraceEvent) -> Details<'a> {
        Details { trace: self, event }
    }

    /// One line per event: time (µs, right-aligned), node, event name, details.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.events.len() * 64);
        for e in &self.events {
            // Writing to a String cannot fail.
            let _ = writeln!(
                out,
                "{:>12} {:<4} {:<20} {}",
                e.time.as_us(),
                e.node.to_string(),
                e.kind.name(),
                self.details(e)
            );
        }
        out
    }

    /// SHA-256 of [`Trace::to_text`], in hex: equal digests mean byte-identical traces.
    pub fn digest(&self) -> String {
        let hash = Sha256::digest(self.to_text().as_bytes());
        hash.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    /// How many events happened at or before `time` (the index of the first later event).
    pub fn events_until(&self, time: SimTime) -> usize {
        self.events.partition_point(|e| e.time <= time)
    }

    /// When the last event happened.
    pub fn end_time(&self) -> SimTime {
        self.events.last().map_or(SimTime::ZERO, |e| e.time)
    }
}

/// An event's details with a sent message's body (see [`Trace::details`]).
pub struct Details<'a> {
    trace: &'a Trace,
    event: &'a TraceEvent,
}

impl fmt::Display for Details<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.event.kind)?;
        if let EventKind::MessageSent { message, .. } = self.event.kind
            && let Some(body) = self.trace.messages.get(message.0 as usize)
        {
            write!(f, " {body}")?;
        }
        Ok(())
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
