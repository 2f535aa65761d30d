//! The consumer's side of the wire: FindCoordinator, the classic group protocol
//! (JoinGroup, Heartbeat, LeaveGroup), OffsetCommit, and the consumer Fetch that reads a
//! partition up to its high watermark (`replica_id = -1`).
//!
//! Simplified: the SyncGroup round trip is folded into the JoinGroup answer (the coordinator
//! computes the range assignment the group leader would send), and so is the OffsetFetch
//! that follows it (the answer carries the group's committed offsets).

use super::spec::OffsetReset;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, Offset, PartitionId};
use crate::message::LogRecord;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

/// A member's place in the group after a rebalance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The group's generation.
    pub generation: u32,
    /// The member id the coordinator gave this consumer.
    pub member: u32,
    /// The partitions it owns, each with the group's committed offset (none: never
    /// committed, or expired).
    pub partitions: Vec<(PartitionId, Option<Offset>)>,
    /// Whether it is the group's leader (the member that watches the topic's metadata and
    /// rejoins when partitions are added).
    #[serde(default)]
    pub leader: bool,
}

/// A message between a consumer and a broker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GroupMessage {
    /// Which broker coordinates the group?
    FindCoordinator,
    /// The coordinator's broker, if any is available.
    FindCoordinatorResponse {
        /// The broker (none: COORDINATOR_NOT_AVAILABLE).
        coordinator: Option<BrokerId>,
    },
    /// Join (or rejoin) the group; the answer comes when the rebalance completes.
    JoinGroup {
        /// The member id from an earlier join, if any.
        member: Option<u32>,
        /// How many partitions the topic has in the member's metadata (its subscription).
        partitions: u32,
        /// The partitions it owns and keeps consuming during the rebalance (cooperative
        /// protocol: `ownedPartitions` in its subscription; empty when eager).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        owned: Vec<PartitionId>,
    },
    /// The rebalance is done: the member's generation and partitions, or an error.
    JoinGroupResponse {
        /// The assignment, or why there is none.
        result: Result<Assignment, KafkaError>,
    },
    /// The heartbeat thread's "still alive".
    Heartbeat {
        /// Member id.
        member: u32,
        /// Generation.
        generation: u32,
    },
    /// The coordinator's answer (none: fine).
    HeartbeatResponse {
        /// `REBALANCE_IN_PROGRESS`, `UNKNOWN_MEMBER_ID`, `ILLEGAL_GENERATION`, …
        error: Option<KafkaError>,
    },
    /// The member leaves the group (close, unsubscribe, or a poll timeout).
    LeaveGroup {
        /// Member id.
        member: u32,
    },
    /// Commit these positions (the offset of the next record to read, per partition).
    OffsetCommit {
        /// Member id.
        member: u32,
        /// Generation.
        generation: u32,
        /// The offsets.
        offsets: Vec<(PartitionId, Offset)>,
        /// Whether the application waits for it (`commitSync`), or not (auto-commit,
        /// `commitAsync`).
        sync: bool,
    },
    /// The commit's outcome.
    OffsetCommitResponse {
        /// The offsets it concerned.
        offsets: Vec<(PartitionId, Offset)>,
        /// None when stored.
        error: Option<KafkaError>,
        /// Echo of the request's `sync`.
        sync: bool,
    },
    /// Read a partition from `position` (none: reset by `reset`).
    Fetch {
        /// Partition.
        partition: PartitionId,
        /// Where to read from.
        position: Option<Offset>,
        /// `auto.offset.reset`, for a fetch without a position.
        reset: OffsetReset,
        /// `isolation.level=read_committed`: read only up to the last stable offset.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        read_committed: bool,
        /// Which fetch of this consumer this is (a later one makes an answer stale).
        correlation: u64,
    },
    /// Records from `position` up to the high watermark.
    FetchResponse {
        /// Partition.
        partition: PartitionId,
        /// The position the records start at (after a reset, where it landed).
        position: Offset,
        /// The records.
        records: Rc<[LogRecord]>,
        /// The leader's high watermark.
        high_watermark: Offset,
        /// The leader epoch it answered under (KIP-320: a newer one makes the consumer
        /// validate its position).
        #[serde(default)]
        leader_epoch: crate::ids::LeaderEpoch,
        /// For read_committed: the aborted transactions in range, `(producer id, first
        /// offset)`, whose records the consumer skips.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        aborted: Vec<(u64, Offset)>,
        /// Why nothing came.
        error: Option<KafkaError>,
        /// Echo of the request's correlation.
        correlation: u64,
    },
}

impl GroupMessage {
    /// The API name.
    pub fn name(&self) -> &'static str {
        match self {
            GroupMessage::FindCoordinator => "FindCoordinator",
            GroupMessage::FindCoordinatorResponse { .. } => "FindCoordinatorResponse",
            GroupMessage::JoinGroup { .. } => "JoinGroup",
            GroupMessage::JoinGroupResponse { .. } => "JoinGroupResponse",
            GroupMessage::Heartbeat { .. } => "Heartbeat",
            GroupMessage::HeartbeatResponse { .. } => "HeartbeatResponse",
            GroupMessage::LeaveGroup { .. } => "LeaveGroup",
            GroupMessage::OffsetCommit { .. } => "OffsetCommit",
            GroupMessage::OffsetCommitResponse { .. } => "OffsetCommitResponse",
            GroupMessage::Fetch { .. } => "ConsumerFetch",
            GroupMessage::FetchResponse { .. } => "ConsumerFetchResponse",
        }
    }

    /// Whether the group coordinator (rather than a partition leader or any broker)
    /// answers it.
    pub fn for_coordinator(&self) -> bool {
        matches!(
            self,
            GroupMessage::JoinGroup { .. }
                | GroupMessage::Heartbeat { .. }
                | GroupMessage::LeaveGroup { .. }
                | GroupMessage::OffsetCommit { .. }
        )
    }
}

fn offsets(f: &mut fmt::Formatter<'_>, offsets: &[(PartitionId, Offset)]) -> fmt::Result {
    for (p, o) in offsets {
        write!(f, " {p}:{o}")?;
    }
    Ok(())
}

fn error(f: &mut fmt::Formatter<'_>, error: &Option<KafkaError>) -> fmt::Result {
    match error {
        Some(e) => write!(f, " error={e}"),
        None => Ok(()),
    }
}

impl fmt::Display for GroupMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        match self {
            GroupMessage::FindCoordinator => Ok(()),
            GroupMessage::FindCoordinatorResponse { coordinator } => match coordinator {
                Some(b) => write!(f, " coordinator={b}"),
                None => write!(f, " error={}", KafkaError::CoordinatorNotAvailable),
            },
            GroupMessage::JoinGroup {
                member,
                partitions,
                owned,
            } => {
                match member {
                    Some(m) => write!(f, " member=m{m} partitions={partitions}")?,
                    None => write!(f, " partitions={partitions}")?,
                }
                if !owned.is_empty() {
                    let list: Vec<String> = owned.iter().map(ToString::to_string).collect();
                    write!(f, " owned=[{}]", list.join(","))?;
                }
                Ok(())
            }
            GroupMessage::JoinGroupResponse { result } => match result {
                Ok(a) => {
                    write!(f, " generation={} member=m{}", a.generation, a.member)?;
                    for (p, committed) in &a.partitions {
                        match committed {
                            Some(o) => write!(f, " {p}@{o}")?,
                            None => write!(f, " {p}@none")?,
                        }
                    }
                    Ok(())
                }
                Err(e) => write!(f, " error={e}"),
            },
            GroupMessage::Heartbeat { member, generation } => {
                write!(f, " member=m{member} generation={generation}")
            }
            GroupMessage::HeartbeatResponse { error: e } => error(f, e),
            GroupMessage::LeaveGroup { member } => write!(f, " member=m{member}"),
            GroupMessage::OffsetCommit {
                member,
                generation,
                offsets: o,
                sync,
            } => {
                let how = if *sync { "sync" } else { "async" };
                write!(f, " {how} member=m{member} generation={generation}")?;
                offsets(f, o)
            }
            GroupMessage::OffsetCommitResponse {
                offsets: o,
                error: e,
                ..
            } => {
                offsets(f, o)?;
                error(f, e)
            }
            GroupMessage::Fetch {
                partition,
                position,
                reset,
                ..
            } => match position {
                Some(p) => write!(f, " {partition} position={p}"),
                None => write!(f, " {partition} reset={reset}"),
            },
            GroupMessage::FetchResponse {
                partition,
                position,
                records,
                high_watermark,
                error: e,
                ..
            } => {
                write!(
                    f,
                    " {partition} from={position} records={} hw={high_watermark}",
                    records.len()
                )?;
                error(f, e)
            }
        }
    }
}
