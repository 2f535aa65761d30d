//! Messages on the wire: Produce, Fetch (followers replicate with it), OffsetsForLeaderEpoch
//! (KIP-101 truncation), Metadata, and the controller's BrokerHeartbeat / AlterPartition /
//! partition-change notifications (KRaft brokers learn these from the metadata log; here the
//! controller sends them, which has the same effect after one network delay).

use crate::acks::Acks;
use crate::consumer::protocol::GroupMessage;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId, RecordId};
use crate::shared_slice::SharedSlice;
use crate::transaction::protocol::TxnMessage;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One record in a replica's log: which record, at which offset, under which leader epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    /// Position in the log.
    pub offset: Offset,
    /// The application record stored there.
    pub record: RecordId,
    /// Epoch of the leader that appended it (every batch carries one).
    pub leader_epoch: LeaderEpoch,
    /// Producer id, epoch and sequence of an idempotent batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<BatchSequence>,
    /// Written inside a transaction (the batch's `isTransactional` flag).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transactional: bool,
    /// A control record: the COMMIT or ABORT marker ending `producer`'s transaction here.
    /// It takes an offset but carries no application record (`record` is
    /// [`RecordId::CONTROL`]), and consumers never return it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlMarker>,
    /// Not the first record of its batch: it was written in one batch with the record before
    /// it (the broker's producer state keeps batches, not records).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub continues_batch: bool,
}

/// The two transaction markers (`ControlRecordType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlMarker {
    /// The transaction committed: its records become visible to read_committed.
    Commit,
    /// The transaction aborted: read_committed consumers skip its records.
    Abort,
}

impl fmt::Display for ControlMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ControlMarker::Commit => "COMMIT",
            ControlMarker::Abort => "ABORT",
        })
    }
}

impl LogRecord {
    /// An application record (not a control marker).
    pub fn is_data(&self) -> bool {
        self.control.is_none()
    }

    /// The producer id whose transaction this record or marker belongs to.
    pub fn txn_producer(&self) -> Option<u64> {
        self.producer
            .filter(|_| self.transactional)
            .map(|id| id.producer_id)
    }
}

/// An idempotent batch's identity: producer id, producer epoch, sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSequence {
    /// Producer id (from InitProducerId).
    pub producer_id: u64,
    /// Producer epoch: bumped when sequences must restart.
    pub epoch: u16,
    /// Sequence number within this partition and epoch.
    pub sequence: u32,
}

/// A partition's leadership as the controller decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionState {
    /// The partition.
    pub partition: PartitionId,
    /// Its leader, if it has one (-1 in Kafka: offline).
    pub leader: Option<BrokerId>,
    /// The current leader epoch.
    pub leader_epoch: LeaderEpoch,
    /// The in-sync replicas, in broker order.
    pub isr: Vec<BrokerId>,
    /// Eligible leader replicas (KIP-966): left the ISR while it was below min ISR, so
    /// they hold every committed record and may lead if the ISR empties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elr: Vec<BrokerId>,
}

/// Bytes of the `RecordBatch` header (v2, uncompressed).
pub const BATCH_HEADER_BYTES: u32 = 61;

/// Bytes each record adds around its value (length, attributes, deltas, headers count).
pub const RECORD_OVERHEAD_BYTES: u32 = 8;

/// Bytes a record batch adds around a single record.
pub const BATCH_OVERHEAD_BYTES: u32 = BATCH_HEADER_BYTES + RECORD_OVERHEAD_BYTES;

/// The size on the wire of a batch of `records` records of `record_bytes` each.
pub fn batch_bytes(records: u32, record_bytes: u32) -> u32 {
    BATCH_HEADER_BYTES
        .saturating_add(records.saturating_mul(record_bytes.saturating_add(RECORD_OVERHEAD_BYTES)))
}

/// A produce request carrying one record batch for one partition (a real request may carry
/// a batch for each of several partitions led by the same broker: simplified to one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProduceRequest {
    /// Target partition.
    pub partition: PartitionId,
    /// The batch's records, in order (at least one); the first names the batch.
    pub records: SharedSlice<RecordId>,
    /// The request's `acks`.
    pub acks: Acks,
    /// The producer's `request.timeout.ms`, also the broker's ack timeout.
    pub timeout_ms: u64,
    /// Size of the record batch on the wire, header included.
    pub batch_bytes: u32,
    /// Producer id, epoch and base sequence when the producer is idempotent (the batch's
    /// records take the sequences from there on).
    pub producer: Option<BatchSequence>,
    /// Part of a transaction.
    pub transactional: bool,
    /// Which attempt this is (the client matches the answer to it, as Kafka does by
    /// correlation id).
    #[serde(default)]
    pub attempt: u32,
}

/// A request or response between two nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// Produce: the producer asks the leader to append a record.
    ProduceRequest(ProduceRequest),
    /// The leader's answer to a produce request (never sent for acks=0).
    ProduceResponse {
        /// Partition of the request.
        partition: PartitionId,
        /// The records the request carried.
        records: SharedSlice<RecordId>,
        /// Base offset on success (the batch's records follow it), or the error.
        result: Result<Offset, KafkaError>,
        /// Echo of the request's attempt.
        #[serde(default)]
        attempt: u32,
    },
    /// Fetch from a follower: "send me what you have from `fetch_offset` on"; the fetch
    /// offset is also how the leader learns the follower's log end offset.
    FetchRequest {
        /// Partition to fetch.
        partition: PartitionId,
        /// The follower's log end offset.
        fetch_offset: Offset,
        /// The epoch the follower believes current (KIP-320 fencing).
        current_leader_epoch: LeaderEpoch,
        /// Correlates the response with this request.
        correlation: u64,
    },
    /// The leader's answer: records from the fetch offset, and its high watermark.
    FetchResponse {
        /// Partition fetched.
        partition: PartitionId,
        /// Records from the fetch offset to the leader's log end offset.
        records: SharedSlice<LogRecord>,
        /// The leader's high watermark when it answered.
        high_watermark: Offset,
        /// Why nothing could be fetched, if so.
        error: Option<KafkaError>,
        /// The request's correlation id.
        correlation: u64,
    },
    /// A new follower asks where its last leader epoch ends on the leader (KIP-101/279).
    OffsetsForLeaderEpochRequest {
        /// Partition.
        partition: PartitionId,
        /// The last epoch in the follower's log.
        leader_epoch: LeaderEpoch,
        /// The epoch the follower believes current (KIP-320 fencing).
        current_leader_epoch: LeaderEpoch,
    },
    /// The leader's answer: the largest epoch ≤ the one asked, and where it ends.
    OffsetsForLeaderEpochResponse {
        /// Partition.
        partition: PartitionId,
        /// `(epoch, end offset)`, or the error.
        result: Result<(LeaderEpoch, Offset), KafkaError>,
    },
    /// A client asks a broker who leads each partition.
    MetadataRequest,
    /// The broker's metadata cache.
    MetadataResponse {
        /// Each partition's leader, as this broker knows it.
        leaders: Vec<(PartitionId, Option<BrokerId>)>,
    },
    /// The TCP connection was closed from this end: a broker closes it after an error on
    /// an acks=0 request (there is no response to carry the error), and a crashed broker's
    /// operating system resets it. The client fails what was in flight on it with
    /// `NetworkException` and refreshes its metadata.
    ConnectionClosed,
    /// A broker tells the controller it is alive.
    BrokerHeartbeat,
    /// A (re)started broker registers with the controller under a new incarnation.
    BrokerRegistration,
    /// A partition's leader asks the controller to change its ISR.
    AlterPartition {
        /// Partition.
        partition: PartitionId,
        /// The leader's epoch (the controller rejects a stale one).
        leader_epoch: LeaderEpoch,
        /// The ISR the leader proposes.
        isr: Vec<BrokerId>,
    },
    /// The controller announces a partition's leader, epoch and ISR.
    PartitionChange(PartitionState),
    /// A consumer's request to a broker, or the broker's answer.
    Group(GroupMessage),
    /// The controller created partitions: each one's state and replicas (a broker among
    /// the replicas creates its replica).
    PartitionsCreated(Vec<(PartitionState, Vec<BrokerId>)>),
    /// A transactional producer's request to a broker, or a transaction coordinator's
    /// request to a partition leader, or the answer.
    Txn(TxnMessage),
}

impl Message {
    /// The RPC's name, as Kafka's protocol names it.
    pub fn name(&self) -> &'static str {
        match self {
            Message::ProduceRequest(_) => "ProduceRequest",
            Message::ProduceResponse { .. } => "ProduceResponse",
            Message::FetchRequest { .. } => "FetchRequest",
            Message::FetchResponse { .. } => "FetchResponse",
            Message::OffsetsForLeaderEpochRequest { .. } => "OffsetsForLeaderEpoch",
            Message::OffsetsForLeaderEpochResponse { .. } => "OffsetsForLeaderEpochResponse",
            Message::MetadataRequest => "MetadataRequest",
            Message::MetadataResponse { .. } => "MetadataResponse",
            Message::ConnectionClosed => "ConnectionClosed",
            Message::BrokerHeartbeat => "BrokerHeartbeat",
            Message::BrokerRegistration => "BrokerRegistration",
            Message::AlterPartition { .. } => "AlterPartition",
            Message::PartitionChange(_) => "PartitionChange",
            Message::Group(g) => g.name(),
            Message::PartitionsCreated(_) => "PartitionsCreated",
            Message::Txn(t) => t.name(),
        }
    }

    /// The records this message carries, for the per-record timelines.
    pub fn records(&self) -> Vec<RecordId> {
        match self {
            Message::ProduceRequest(ProduceRequest { records, .. })
            | Message::ProduceResponse { records, .. } => records.to_vec(),
            Message::FetchResponse { records, .. } => data_records(records),
            Message::Group(GroupMessage::FetchResponse { records, .. }) => data_records(records),
            _ => Vec::new(),
        }
    }
}

/// The application records among `records` (control markers left out).
fn data_records(records: &[LogRecord]) -> Vec<RecordId> {
    records
        .iter()
        .filter(|r| r.is_data())
        .map(|r| r.record)
        .collect()
}

impl ProduceRequest {
    /// The batch's first record, which names it.
    pub fn first(&self) -> RecordId {
        self.records.first().copied().unwrap_or(RecordId(0))
    }
}

/// A batch's records as `r3` or `r3+r9+r15`.
struct Records<'a>(&'a [RecordId]);

impl fmt::Display for Records<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [first, .., last] = self.0
            && self.0.len() > 4
        {
            return write!(f, "{first}…{last} ({} records)", self.0.len());
        }
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("+")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

fn list(brokers: &[BrokerId]) -> String {
    let names: Vec<String> = brokers.iter().map(ToString::to_string).collect();
    format!("[{}]", names.join(","))
}

impl fmt::Display for PartitionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.leader {
            Some(l) => write!(f, "{} leader={l}", self.partition)?,
            None => write!(f, "{} leader=none", self.partition)?,
        }
        write!(f, " epoch={} isr={}", self.leader_epoch, list(&self.isr))?;
        if !self.elr.is_empty() {
            write!(f, " elr={}", list(&self.elr))?;
        }
        Ok(())
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        match self {
            Message::ProduceRequest(r) => {
                write!(
                    f,
                    "{name} {} {} acks={} bytes={}",
                    r.partition,
                    Records(&r.records),
                    r.acks,
                    r.batch_bytes
                )
            }
            Message::ProduceResponse {
                partition,
                records,
                result,
                ..
            } => {
                let records = Records(records);
                match result {
                    Ok(offset) => write!(f, "{name} {partition} {records} offset={offset}"),
                    Err(e) => write!(f, "{name} {partition} {records} error={e}"),
                }
            }
            Message::FetchRequest {
                partition,
                fetch_offset,
                current_leader_epoch,
                ..
            } => {
                write!(
                    f,
                    "{name} {partition} fetch_offset={fetch_offset} epoch={current_leader_epoch}"
                )
            }
            Message::FetchResponse {
                partition,
                records,
                high_watermark,
                error,
                ..
            } => match error {
                Some(e) => write!(f, "{name} {partition} error={e}"),
                None => write!(
                    f,
                    "{name} {partition} records={} hw={high_watermark}",
                    records.len()
                ),
            },
            Message::OffsetsForLeaderEpochRequest {
                partition,
                leader_epoch,
                ..
            } => {
                write!(f, "{name} {partition} last_epoch={leader_epoch}")
            }
            Message::OffsetsForLeaderEpochResponse { partition, result } => match result {
                Ok((epoch, end)) => write!(f, "{name} {partition} epoch={epoch} end_offset={end}"),
                Err(e) => write!(f, "{name} {partition} error={e}"),
            },
            Message::MetadataRequest
            | Message::ConnectionClosed
            | Message::BrokerHeartbeat
            | Message::BrokerRegistration => f.write_str(name),
            Message::MetadataResponse { leaders } => {
                write!(f, "{name}")?;
                for (p, l) in leaders {
                    match l {
                        Some(b) => write!(f, " {p}:{b}")?,
                        None => write!(f, " {p}:none")?,
                    }
                }
                Ok(())
            }
            Message::AlterPartition {
                partition,
                leader_epoch,
                isr,
            } => {
                write!(
                    f,
                    "{name} {partition} epoch={leader_epoch} isr={}",
                    list(isr)
                )
            }
            Message::PartitionChange(state) => write!(f, "{name} {state}"),
            Message::Group(g) => write!(f, "{g}"),
            Message::Txn(t) => write!(f, "{t}"),
            Message::PartitionsCreated(created) => {
                write!(f, "{name}")?;
                for (state, _) in created {
                    write!(f, " [{state}]")?;
                }
                Ok(())
            }
        }
    }
}
