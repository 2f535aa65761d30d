//! The facts the consuming side adds to the trace: the group's membership and generations,
//! each poll, each record's processing and its effect downstream, commits and their
//! failures, position resets and members leaving.

use super::sink::EffectOutcome;
use super::spec::OffsetReset;
use crate::errors::KafkaError;
use crate::ids::{NodeId, Offset, PartitionId, RecordId};
use serde::Serialize;
use std::fmt;

/// Why the coordinator removed a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRemoval {
    /// No heartbeat for `session.timeout.ms`.
    SessionTimeout,
    /// It sent LeaveGroup.
    LeftGroup,
    /// It did not rejoin before the rebalance timeout.
    RebalanceTimeout,
}

/// Why a member left the group on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// `max.poll.interval.ms` passed since the last `poll()`: the heartbeat thread leaves.
    PollIntervalExceeded,
    /// `close()`.
    Close,
    /// `unsubscribe()` (before `close()`).
    Unsubscribe,
}

/// One record a `poll()` returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Polled {
    /// Partition.
    pub partition: PartitionId,
    /// Offset.
    pub offset: Offset,
    /// Which record.
    pub record: RecordId,
}

/// A fact of the consuming side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum ConsumerFact {
    /// The coordinator admitted a new member.
    MemberJoined {
        /// Its member id.
        member: u32,
        /// The consumer it is.
        consumer: NodeId,
    },
    /// The coordinator removed a member.
    MemberRemoved {
        /// Member id.
        member: u32,
        /// Why.
        reason: MemberRemoval,
    },
    /// This broker became the group's coordinator and loaded the group (its members and
    /// committed offsets) from `__consumer_offsets`.
    CoordinatorLoaded,
    /// A rebalance began: members must rejoin (eager: they give up every partition).
    RebalanceStarted {
        /// The generation ending.
        generation: u32,
    },
    /// A new generation with its partition assignment (`partition.assignment.strategy`).
    GroupRebalanced {
        /// The new generation.
        generation: u32,
        /// Which consumer owns which partitions.
        assignment: Vec<(NodeId, Vec<PartitionId>)>,
    },
    /// The coordinator stored committed offsets.
    OffsetsCommitted {
        /// The member that committed.
        member: u32,
        /// Next offset to read, per partition.
        offsets: Vec<(PartitionId, Offset)>,
    },
    /// The member gave partitions up while still in the group (`onPartitionsRevoked`):
    /// eager, all of them before it rejoins; cooperative, those that move to another member,
    /// then it rejoins so they can be assigned.
    PartitionsRevoked {
        /// The generation it gives them up in.
        generation: u32,
        /// The partitions given up.
        partitions: Vec<PartitionId>,
    },
    /// The member found itself out of the group (removed by the coordinator, or it left on
    /// `max.poll.interval.ms`) and drops what it owned without committing
    /// (`onPartitionsLost`) before it joins again as a new member.
    PartitionsLost {
        /// The partitions dropped.
        partitions: Vec<PartitionId>,
    },
    /// A member got its partitions, each starting at the committed offset (or none); a
    /// partition it kept through a cooperative rebalance goes on from its position.
    PartitionsAssigned {
        /// Generation.
        generation: u32,
        /// Partitions and where consumption resumes.
        partitions: Vec<(PartitionId, Option<Offset>)>,
    },
    /// A partition had no usable position: `auto.offset.reset` moved it.
    PositionReset {
        /// Partition.
        partition: PartitionId,
        /// Where it landed.
        to: Offset,
        /// The policy used.
        policy: OffsetReset,
    },
    /// `poll()` returned these records; the positions moved past them.
    RecordsPolled {
        /// The records, in the order returned.
        records: Vec<Polled>,
    },
    /// The application finished processing a record and wrote its result downstream.
    RecordProcessed {
        /// Which record.
        record: RecordId,
        /// Partition.
        partition: PartitionId,
        /// Offset.
        offset: Offset,
        /// What the write did in the sink.
        outcome: EffectOutcome,
    },
    /// KIP-320: the new leader's log ends the last consumed epoch below the position (an
    /// unclean election truncated it): the consumer seeks back.
    PositionTruncated {
        /// Partition.
        partition: PartitionId,
        /// The position it had.
        from: Offset,
        /// Where the last consumed epoch ends in the new leader's log.
        to: Offset,
    },
    /// The coordinator deleted the group's committed offsets for these partitions
    /// (`offsets.retention.minutes`): the next owner starts by `auto.offset.reset`.
    OffsetsExpired {
        /// The partitions.
        partitions: Vec<PartitionId>,
    },
    /// Read-process-write: the transaction with these records' output and their offsets
    /// committed; the output is now visible downstream.
    OutputCommitted {
        /// Each record and what its output did in the sink.
        records: Vec<(RecordId, EffectOutcome)>,
    },
    /// Read-process-write: the transaction aborted; these records' output never appears.
    OutputAborted {
        /// The records.
        records: Vec<RecordId>,
    },
    /// A commit failed (a `commitSync` throws it to the application; an async one is only
    /// logged).
    CommitFailed {
        /// The error.
        error: KafkaError,
        /// Whether the application waited for it.
        sync: bool,
    },
    /// The member left the group itself.
    LeftGroup {
        /// Why.
        reason: LeaveReason,
    },
    /// The consumer was closed and its application stopped.
    ConsumerClosed,
    /// The consumer process started (again).
    ConsumerStarted,
    /// The consumer process died: unprocessed records and uncommitted positions are gone.
    ConsumerStopped,
    /// The consumer gave up: the exception reached the top of its poll loop.
    ConsumerFailed {
        /// What was thrown.
        error: KafkaError,
    },
}

impl ConsumerFact {
    /// The fact's name, as shown in the trace.
    pub fn name(&self) -> &'static str {
        match self {
            ConsumerFact::MemberJoined { .. } => "MemberJoined",
            ConsumerFact::MemberRemoved { .. } => "MemberRemoved",
            ConsumerFact::CoordinatorLoaded => "CoordinatorLoaded",
            ConsumerFact::RebalanceStarted { .. } => "RebalanceStarted",
            ConsumerFact::GroupRebalanced { .. } => "GroupRebalanced",
            ConsumerFact::OffsetsCommitted { .. } => "OffsetsCommitted",
            ConsumerFact::PartitionsAssigned { .. } => "PartitionsAssigned",
            ConsumerFact::PartitionsRevoked { .. } => "PartitionsRevoked",
            ConsumerFact::PartitionsLost { .. } => "PartitionsLost",
            ConsumerFact::PositionReset { .. } => "PositionReset",
            ConsumerFact::RecordsPolled { .. } => "RecordsPolled",
            ConsumerFact::RecordProcessed { .. } => "RecordProcessed",
            ConsumerFact::CommitFailed { .. } => "CommitFailed",
            ConsumerFact::OutputCommitted { .. } => "OutputCommitted",
            ConsumerFact::OffsetsExpired { .. } => "OffsetsExpired",
            ConsumerFact::PositionTruncated { .. } => "PositionTruncated",
            ConsumerFact::OutputAborted { .. } => "OutputAborted",
            ConsumerFact::LeftGroup { .. } => "LeftGroup",
            ConsumerFact::ConsumerClosed => "ConsumerClosed",
            ConsumerFact::ConsumerStarted => "ConsumerStarted",
            ConsumerFact::ConsumerStopped => "ConsumerStopped",
            ConsumerFact::ConsumerFailed { .. } => "ConsumerFailed",
        }
    }
}

impl fmt::Display for MemberRemoval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MemberRemoval::SessionTimeout => "session.timeout.ms passed without a heartbeat",
            MemberRemoval::LeftGroup => "left the group",
            MemberRemoval::RebalanceTimeout => "did not rejoin before the rebalance timeout",
        })
    }
}

impl fmt::Display for LeaveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeaveReason::PollIntervalExceeded => "max.poll.interval.ms exceeded",
            LeaveReason::Close => "close()",
            LeaveReason::Unsubscribe => "unsubscribe()",
        })
    }
}

/// Writes `[a,b,c]`.
fn bracketed<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    f.write_str("[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{item}")?;
    }
    f.write_str("]")
}

fn offsets(f: &mut fmt::Formatter<'_>, offsets: &[(PartitionId, Offset)]) -> fmt::Result {
    for (p, o) in offsets {
        write!(f, " {p}:{o}")?;
    }
    Ok(())
}

impl fmt::Display for ConsumerFact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsumerFact::MemberJoined { member, consumer } => write!(f, "m{member} is {consumer}"),
            ConsumerFact::MemberRemoved { member, reason } => write!(f, "m{member}: {reason}"),
            ConsumerFact::RebalanceStarted { generation } => {
                write!(f, "generation {generation} ends; members rejoin")
            }
            ConsumerFact::GroupRebalanced {
                generation,
                assignment,
            } => {
                write!(f, "generation={generation}")?;
                for (node, partitions) in assignment {
                    write!(f, " {node}=")?;
                    bracketed(f, partitions)?;
                }
                Ok(())
            }
            ConsumerFact::OffsetsCommitted { member, offsets: o } => {
                write!(f, "m{member}")?;
                offsets(f, o)
            }
            ConsumerFact::PartitionsAssigned {
                generation,
                partitions,
            } => {
                write!(f, "generation={generation}")?;
                for (p, from) in partitions {
                    match from {
                        Some(o) => write!(f, " {p}@{o}")?,
                        None => write!(f, " {p}@none")?,
                    }
                }
                Ok(())
            }
            ConsumerFact::PartitionsRevoked {
                generation,
                partitions,
            } => {
                write!(f, "generation={generation} ")?;
                bracketed(f, partitions)?;
                f.write_str("; rejoins")
            }
            ConsumerFact::PartitionsLost { partitions } => {
                bracketed(f, partitions)?;
                f.write_str("; rejoins as a new member")
            }
            ConsumerFact::PositionReset {
                partition,
                to,
                policy,
            } => write!(f, "{partition} to={to} (auto.offset.reset={policy})"),
            ConsumerFact::RecordsPolled { records } => {
                write!(f, "{} records", records.len())?;
                if let (Some(first), Some(last)) = (records.first(), records.last()) {
                    write!(
                        f,
                        " {}@{}..{}@{}",
                        first.partition, first.offset, last.partition, last.offset
                    )?;
                }
                Ok(())
            }
            ConsumerFact::RecordProcessed {
                record,
                partition,
                offset,
                outcome,
            } => write!(f, "{record} {partition}@{offset} {outcome}"),
            ConsumerFact::OutputCommitted { records } => {
                let list: Vec<String> = records.iter().map(|(r, o)| format!("{r}:{o}")).collect();
                write!(f, "[{}]", list.join(","))
            }
            ConsumerFact::PositionTruncated {
                partition,
                from,
                to,
            } => write!(f, "{partition} position {from} → {to} (log truncated)"),
            ConsumerFact::OffsetsExpired { partitions } => bracketed(f, partitions),
            ConsumerFact::OutputAborted { records } => bracketed(f, records),
            ConsumerFact::CommitFailed { error, sync } => {
                let how = if *sync { "commitSync" } else { "async commit" };
                write!(f, "{how}: {}", error.exception())
            }
            ConsumerFact::LeftGroup { reason } => write!(f, "{reason}"),
            ConsumerFact::ConsumerClosed
            | ConsumerFact::CoordinatorLoaded
            | ConsumerFact::ConsumerStarted
            | ConsumerFact::ConsumerStopped => Ok(()),
            ConsumerFact::ConsumerFailed { error } => write!(f, "{}", error.exception()),
        }
    }
}

impl ConsumerFact {
    /// What this kind of fact means, in Kafka's terms.
    pub fn explanation(&self) -> &'static str {
        match self {
            ConsumerFact::MemberJoined { .. } => {
                "The group coordinator admitted a new member and started a rebalance."
            }
            ConsumerFact::MemberRemoved { .. } => {
                "The coordinator removed the member; its partitions go to the others in the next generation."
            }
            ConsumerFact::CoordinatorLoaded => {
                "This broker now leads the group's __consumer_offsets partition: it is the group's coordinator and loaded its members and committed offsets; every member's session starts afresh."
            }
            ConsumerFact::RebalanceStarted { .. } => {
                "A rebalance began. With the eager protocol (range) every member gives up all its partitions and rejoins; with cooperative-sticky members rejoin but keep consuming what they own."
            }
            ConsumerFact::GroupRebalanced { .. } => {
                "A new generation: the assignor (partition.assignment.strategy) gave each member its partitions. Cooperative-sticky keeps partitions where they are and leaves out any that must move until its owner has revoked it."
            }
            ConsumerFact::OffsetsCommitted { .. } => {
                "The coordinator stored the group's committed offsets: the next record to read per partition. A new owner resumes there."
            }
            ConsumerFact::PartitionsAssigned { .. } => {
                "The member got its partitions and resumes each from the committed offset (or the offsets its sink stored)."
            }
            ConsumerFact::PartitionsRevoked { .. } => {
                "The member gave up partitions (onPartitionsRevoked, where a listener may still commit): with the eager protocol all of them before it rejoins; with cooperative-sticky only those that move, and a follow-up rebalance assigns them to their new owner. The new owner starts from the committed offset, so anything processed but not committed is processed again."
            }
            ConsumerFact::PartitionsLost { .. } => {
                "The member learned it is no longer in the group (the coordinator removed it, or it left after max.poll.interval.ms): it drops every partition it owned without committing (onPartitionsLost; another member may own them already) and joins as a new member. What it processed but did not commit is processed again by the new owner."
            }
            ConsumerFact::PositionReset { .. } => {
                "No committed offset (or it was out of range): auto.offset.reset chose where to start."
            }
            ConsumerFact::RecordsPolled { .. } => {
                "poll() returned these records and moved the positions past them; an auto-commit in a later poll() covers them."
            }
            ConsumerFact::RecordProcessed { .. } => {
                "The application processed the record and wrote its result downstream."
            }
            ConsumerFact::PositionTruncated { .. } => {
                "KIP-320: the new leader's log ends the consumer's last epoch below its position (an unclean election truncated what it had read); it seeks back so nothing the new leader wrote there is skipped."
            }
            ConsumerFact::OffsetsExpired { .. } => {
                "The group's committed offsets expired (offsets.retention.minutes; since 2.1 counted from when the group became empty): whoever reads these partitions next starts where auto.offset.reset says."
            }
            ConsumerFact::OutputCommitted { .. } => {
                "commitTransaction(): the batch's output records and its offsets committed together; a read_committed reader downstream now sees the output."
            }
            ConsumerFact::OutputAborted { .. } => {
                "The transaction aborted (fenced by a newer generation, or failed): its output records are never visible, its offsets never committed; the partition's new owner processes them again."
            }
            ConsumerFact::CommitFailed { .. } => {
                "The commit failed: the member is no longer in the group's current generation (CommitFailedException), or its own rejoin is under way (RebalanceInProgressException, not fatal: poll() completes the rebalance and a later commit can cover the records). If the partition moves first, its new owner reads the records again."
            }
            ConsumerFact::LeftGroup { .. } => {
                "The member left the group; its partitions move to the other members."
            }
            ConsumerFact::ConsumerClosed => "The application closed its consumer.",
            ConsumerFact::ConsumerStarted => "The consumer process started.",
            ConsumerFact::ConsumerStopped => {
                "The consumer process died: what it fetched or processed without committing will be read again by the next owner."
            }
            ConsumerFact::ConsumerFailed { .. } => {
                "The consumer threw out of its poll loop and stopped."
            }
        }
    }
}
