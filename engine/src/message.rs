//! Messages on the wire: the Produce and Fetch RPCs (followers replicate with Fetch too).

use crate::acks::Acks;
use crate::errors::KafkaError;
use crate::ids::{LeaderEpoch, Offset, PartitionId, RecordId};
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
}

/// A request or response between two nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// Produce: the producer asks the leader to append a record.
    ProduceRequest {
        /// Target partition.
        partition: PartitionId,
        /// The record.
        record: RecordId,
        /// The request's `acks`.
        acks: Acks,
    },
    /// The leader's answer to a produce request (never sent for acks=0).
    ProduceResponse {
        /// Partition of the request.
        partition: PartitionId,
        /// The record the request carried.
        record: RecordId,
        /// Base offset on success, or the error.
        result: Result<Offset, KafkaError>,
    },
    /// Fetch from a follower: "send me what you have from `fetch_offset` on"; the fetch
    /// offset is also how the leader learns the follower's log end offset.
    FetchRequest {
        /// Partition to fetch.
        partition: PartitionId,
        /// The follower's log end offset.
        fetch_offset: Offset,
    },
    /// The leader's answer: records from the fetch offset, and its high watermark.
    FetchResponse {
        /// Partition fetched.
        partition: PartitionId,
        /// Records from the fetch offset to the leader's log end offset.
        records: Vec<LogRecord>,
        /// The leader's high watermark when it answered.
        high_watermark: Offset,
    },
}

impl Message {
    /// The RPC's name, as Kafka's protocol names it.
    pub fn name(&self) -> &'static str {
        match self {
            Message::ProduceRequest { .. } => "ProduceRequest",
            Message::ProduceResponse { .. } => "ProduceResponse",
            Message::FetchRequest { .. } => "FetchRequest",
            Message::FetchResponse { .. } => "FetchResponse",
        }
    }

    /// The records this message carries, for the per-record timelines.
    pub fn records(&self) -> Vec<RecordId> {
        match self {
            Message::ProduceRequest { record, .. } | Message::ProduceResponse { record, .. } => {
                vec![*record]
            }
            Message::FetchRequest { .. } => Vec::new(),
            Message::FetchResponse { records, .. } => records.iter().map(|r| r.record).collect(),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::ProduceRequest {
                partition,
                record,
                acks,
            } => {
                write!(f, "ProduceRequest {partition} {record} acks={acks}")
            }
            Message::ProduceResponse {
                partition,
                record,
                result,
            } => match result {
                Ok(offset) => write!(f, "ProduceResponse {partition} {record} offset={offset}"),
                Err(e) => write!(f, "ProduceResponse {partition} {record} error={e}"),
            },
            Message::FetchRequest {
                partition,
                fetch_offset,
            } => {
                write!(f, "FetchRequest {partition} fetch_offset={fetch_offset}")
            }
            Message::FetchResponse {
                partition,
                records,
                high_watermark,
            } => {
                write!(
                    f,
                    "FetchResponse {partition} records={} hw={high_watermark}",
                    records.len()
                )
            }
        }
    }
}
