//! A broker's replica of one partition: its log, epoch cache, high watermark, and role.

use super::producer_state::ProducerStates;
use crate::dense_map::DenseMap;
use crate::epoch_cache::EpochCache;
use crate::ids::{BrokerId, LeaderEpoch, NodeId, Offset, PartitionId, RecordId};
use crate::log::Log;
use crate::message::ControlMarker;
use crate::outbox::Outbox;
use crate::time::SimTime;
use crate::trace::{EventKind, TruncationReason};

/// One replica.
#[derive(Clone, Debug, Default)]
pub struct Replica {
    pub(super) log: Log,
    pub(super) epochs: EpochCache,
    pub(super) high_watermark: Offset,
    /// The HW as last written to the checkpoint file (what a restart recovers).
    pub(super) hw_checkpoint: Offset,
    pub(super) leader_epoch: LeaderEpoch,
    pub(super) role: Role,
    /// Idempotent producers' last batches, rebuilt from the log after truncation.
    pub(super) producers: ProducerStates,
    /// The log's segments, oldest first (never empty once something was appended).
    pub(super) segments: Vec<Segment>,
}

/// A record landed at `offset` (see [`Replica::appended`]); a free function so a leader can
/// call it while holding its role.
pub(super) fn note_append(segments: &mut Vec<Segment>, offset: Offset, now: SimTime, roll_ms: u64) {
    match segments.last_mut() {
        Some(s) if now < s.first_at.plus_ms(roll_ms) => s.last_at = now,
        _ => segments.push(Segment {
            base: offset,
            first_at: now,
            last_at: now,
        }),
    }
}

/// One log segment: where it starts, and when its first and last records were appended.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    pub(super) base: Offset,
    pub(super) first_at: SimTime,
    pub(super) last_at: SimTime,
}

/// What this replica believes it is.
#[derive(Clone, Debug, Default)]
pub enum Role {
    /// No role: just started, or the partition has no leader.
    #[default]
    Idle,
    /// Leads the partition.
    Leader(LeaderState),
    /// Follows `leader`.
    Follower(FollowerState),
}

/// What only the leader tracks (`Partition` / `Replica` state in Kafka).
#[derive(Clone, Debug, Default)]
pub struct LeaderState {
    /// The ISR the controller committed, in broker order.
    pub(super) isr: Vec<BrokerId>,
    /// An AlterPartition in flight: the proposed ISR and when it was sent.
    pub(super) pending_isr: Option<(Vec<BrokerId>, SimTime)>,
    /// Each follower's progress, learned from its fetches.
    pub(super) followers: DenseMap<BrokerId, FollowerProgress>,
    /// acks=all requests waiting for the HW to pass their record.
    pub(super) pending_acks: Vec<PendingAck>,
    /// Empty follower fetches being held (the fetch purgatory).
    pub(super) parked_fetches: DenseMap<BrokerId, ParkedFetch>,
    /// Consumer fetches held until the high watermark moves, by consumer.
    pub(super) parked_consumer_fetches: DenseMap<u32, ParkedConsumerFetch>,
    pub(super) next_park_id: u64,
}

/// The leader's view of one follower (`Replica.scala`'s `ReplicaState`).
#[derive(Clone, Copy, Debug, Default)]
pub struct FollowerProgress {
    pub(super) log_end_offset: Offset,
    pub(super) last_caught_up: SimTime,
    pub(super) last_fetch: SimTime,
    pub(super) last_fetch_leader_leo: Offset,
}

/// An acks=all request waiting in DelayedProduce (a produce, or a transaction marker
/// the coordinator wrote).
#[derive(Clone, Debug)]
pub struct PendingAck {
    pub(super) producer: NodeId,
    /// The batch's records, echoed in the answer (none for a marker).
    pub(super) records: crate::shared_slice::SharedSlice<RecordId>,
    /// Where the batch begins: the offset the answer carries.
    pub(super) base: Offset,
    /// The batch's last offset: the high watermark must pass it.
    pub(super) offset: Offset,
    /// For a WriteTxnMarkers request: whose transaction and which marker (the answer goes
    /// to the coordinator).
    pub(super) marker: Option<(u64, ControlMarker)>,
    /// The produce request's attempt, echoed in the answer.
    pub(super) attempt: u32,
}

impl PendingAck {
    /// A produce batch written at `base..=last` (or found there, for a duplicate).
    pub(super) fn produce(
        producer: NodeId,
        request: crate::message::ProduceRequest,
        base: Offset,
        last: Offset,
    ) -> PendingAck {
        PendingAck {
            producer,
            records: request.records,
            base,
            offset: last,
            marker: None,
            attempt: request.attempt,
        }
    }

    /// The batch's first record, which names it ([`RecordId::CONTROL`] for a marker).
    pub(super) fn record(&self) -> RecordId {
        self.records.first().copied().unwrap_or(RecordId::CONTROL)
    }
}

/// A follower fetch held until data arrives or `replica.fetch.wait.max.ms` passes.
#[derive(Clone, Copy, Debug)]
pub struct ParkedFetch {
    pub(super) id: u64,
    pub(super) fetch_offset: Offset,
    pub(super) correlation: u64,
}

/// A follower's progress.
/// A consumer fetch held for `fetch.max.wait.ms`.
#[derive(Clone, Copy, Debug)]
pub struct ParkedConsumerFetch {
    pub(super) id: u64,
    pub(super) position: Offset,
    pub(super) correlation: u64,
    pub(super) read_committed: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct FollowerState {
    pub(super) leader: BrokerId,
    pub(super) phase: Phase,
}

/// Where a follower is in its loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the leader's OffsetsForLeaderEpoch answer.
    Truncating {
        /// Correlation of the request.
        correlation: u64,
    },
    /// A fetch is outstanding.
    Fetching {
        /// Correlation of the request.
        correlation: u64,
    },
    /// Waiting `replica.fetch.backoff.ms` after an error, then it repeats `retry`.
    Backoff {
        /// Correlation of the timer.
        correlation: u64,
        /// Whether to redo the truncation step (else fetch).
        truncate: bool,
    },
}

impl Phase {
    /// The correlation id this phase waits on.
    pub fn correlation(self) -> u64 {
        match self {
            Phase::Truncating { correlation }
            | Phase::Fetching { correlation }
            | Phase::Backoff { correlation, .. } => correlation,
        }
    }
}

impl Replica {
    /// A record landed at `offset`: it joins the active segment, or rolls a new one once
    /// the active segment is `roll_ms` old (`log.roll.ms`).
    pub(super) fn appended(&mut self, offset: Offset, now: SimTime, roll_ms: u64) {
        note_append(&mut self.segments, offset, now, roll_ms);
    }

    /// Deletes the segments whose newest record is older than `retention_ms`: never the
    /// active one, and only below the high watermark (`UnifiedLog.deleteOldSegments`).
    /// Returns the new log start offset if it moved.
    pub(super) fn apply_retention(&mut self, now: SimTime, retention_ms: u64) -> Option<Offset> {
        let mut moved = None;
        while self.segments.len() > 1
            && self.segments[0].last_at.plus_ms(retention_ms) <= now
            && self.segments[1].base <= self.high_watermark
        {
            self.segments.remove(0);
            let start = self.segments[0].base;
            self.log.advance_start(start);
            moved = Some(start);
        }
        moved
    }

    /// Truncates the log (and the epoch cache and HW with it), saying so in the trace.
    pub(super) fn truncate(
        &mut self,
        partition: PartitionId,
        to: Offset,
        reason: TruncationReason,
        out: &mut Outbox,
    ) {
        let removed = self.log.truncate_to(to);
        let end = self.log.log_end_offset();
        self.segments.retain(|s| s.base < end);
        self.epochs.truncate_from_end(end);
        self.high_watermark = self.high_watermark.min(end);
        if removed > 0 {
            self.producers.rebuild(self.log.records());
            out.emit(EventKind::LogTruncated {
                partition,
                to: end,
                removed,
                reason,
            });
        }
    }

    /// Whether this replica believes it leads.
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    /// The log.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The high watermark.
    pub fn high_watermark(&self) -> Offset {
        self.high_watermark
    }

    /// The leader epoch this replica works under.
    pub fn leader_epoch(&self) -> LeaderEpoch {
        self.leader_epoch
    }
}
