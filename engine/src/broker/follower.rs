//! The follower's side of a partition: truncate, then fetch, forever.
//!
//! On becoming a follower a replica first finds where its log diverges from the new
//! leader's (kafka-semantics.md §B.6):
//! - from 0.11 (KIP-101/279): it asks the leader, with OffsetsForLeaderEpoch, where the last
//!   epoch in its own log ends, and truncates to the smaller of that and its own end for
//!   that epoch; requests are fenced by the current leader epoch (KIP-320);
//! - before 0.11: it truncates to its own high watermark, which can be stale: the rule that
//!   lost committed records and that KIP-101 replaced.
//!
//! Then it fetches from its log end offset; the leader answers with records and its HW, and
//! the follower's HW becomes `min(leader HW, own LEO)`. Errors back off for
//! `replica.fetch.backoff.ms`; an unanswered request is abandoned after the socket timeout.

use super::replica::{FollowerState, Phase, Role};
use super::{Broker, REPLICA_SOCKET_TIMEOUT_MS};
use crate::errors::KafkaError;
use crate::ids::{BrokerId, LeaderEpoch, NodeId, Offset, PartitionId};
use crate::message::{LogRecord, Message};
use crate::outbox::{Outbox, Timer};
use crate::profile::Truncation;
use crate::time::SimTime;
use crate::trace::{EventKind, TruncationReason};

impl Broker {
    pub(super) fn become_follower(
        &mut self,
        now: SimTime,
        partition: PartitionId,
        leader: BrokerId,
        leader_epoch: LeaderEpoch,
        out: &mut Outbox,
    ) {
        self.step_down(partition, out);
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        replica.leader_epoch = leader_epoch;
        replica.role = Role::Follower(FollowerState {
            leader,
            phase: Phase::Fetching { correlation: 0 },
        });
        out.emit(EventKind::BecameFollower {
            partition,
            leader,
            leader_epoch,
        });
        match self.rules.truncation {
            Truncation::HighWatermark => {
                let hw = replica.high_watermark;
                replica.truncate(partition, hw, TruncationReason::HighWatermark, out);
                self.send_fetch(now, partition, out);
            }
            Truncation::LeaderEpoch => self.send_offsets_for_leader_epoch(now, partition, out),
        }
    }

    /// The partition has no leader: wait for news from the controller.
    pub(super) fn become_idle(
        &mut self,
        partition: PartitionId,
        leader_epoch: LeaderEpoch,
        out: &mut Outbox,
    ) {
        self.step_down(partition, out);
        if let Some(replica) = self.replicas.get_mut(&partition) {
            replica.leader_epoch = replica.leader_epoch.max(leader_epoch);
            replica.role = Role::Idle;
        }
    }

    fn send_offsets_for_leader_epoch(
        &mut self,
        now: SimTime,
        partition: PartitionId,
        out: &mut Outbox,
    ) {
        let correlation = self.correlation();
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let current_leader_epoch = replica.leader_epoch;
        let Role::Follower(state) = &mut replica.role else {
            return;
        };
        let Some(last) = replica.epochs.latest() else {
            // An empty log has nothing to truncate.
            return self.send_fetch(now, partition, out);
        };
        state.phase = Phase::Truncating { correlation };
        let request = Message::OffsetsForLeaderEpochRequest {
            partition,
            leader_epoch: last,
            current_leader_epoch,
        };
        out.send(NodeId::Broker(state.leader), request);
        out.set_timer(
            now.plus_ms(REPLICA_SOCKET_TIMEOUT_MS),
            Timer::FetchRetry {
                partition,
                correlation,
            },
        );
    }

    pub(super) fn on_offsets_for_leader_epoch_response(
        &mut self,
        now: SimTime,
        partition: PartitionId,
        result: Result<(LeaderEpoch, Offset), KafkaError>,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Follower(state) = &replica.role else {
            return;
        };
        if !matches!(state.phase, Phase::Truncating { .. }) {
            return;
        }
        let (epoch, leader_end) = match result {
            Ok(answer) => answer,
            Err(_) => return self.back_off(now, partition, true, out),
        };
        let leo = replica.log.log_end_offset();
        let own_end = replica
            .epochs
            .end_offset_for(epoch, leo)
            .map_or(Offset(0), |(_, end)| end);
        let to = leader_end.min(own_end).min(leo);
        replica.truncate(partition, to, TruncationReason::LeaderEpoch, out);
        self.send_fetch(now, partition, out);
    }

    fn send_fetch(&mut self, now: SimTime, partition: PartitionId, out: &mut Outbox) {
        let correlation = self.correlation();
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Follower(state) = &mut replica.role else {
            return;
        };
        state.phase = Phase::Fetching { correlation };
        let fetch_offset = replica.log.log_end_offset();
        let current_leader_epoch = replica.leader_epoch;
        let request = Message::FetchRequest {
            partition,
            fetch_offset,
            current_leader_epoch,
            correlation,
        };
        out.send(NodeId::Broker(state.leader), request);
        out.set_timer(
            now.plus_ms(REPLICA_SOCKET_TIMEOUT_MS),
            Timer::FetchRetry {
                partition,
                correlation,
            },
        );
    }

    fn back_off(&mut self, now: SimTime, partition: PartitionId, truncate: bool, out: &mut Outbox) {
        let correlation = self.correlation();
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Follower(state) = &mut replica.role else {
            return;
        };
        state.phase = Phase::Backoff {
            correlation,
            truncate,
        };
        let at = now.plus_ms(self.rules.replica_fetch_backoff_ms);
        out.set_timer(
            at,
            Timer::FetchRetry {
                partition,
                correlation,
            },
        );
    }

    /// A backoff ended, or a request went unanswered: try again.
    pub(super) fn on_fetch_retry(
        &mut self,
        now: SimTime,
        partition: PartitionId,
        correlation: u64,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get(&partition) else {
            return;
        };
        let Role::Follower(state) = &replica.role else {
            return;
        };
        if state.phase.correlation() != correlation {
            return; // answered, or superseded
        }
        match state.phase {
            Phase::Truncating { .. } | Phase::Backoff { truncate: true, .. } => {
                self.send_offsets_for_leader_epoch(now, partition, out)
            }
            Phase::Fetching { .. }
            | Phase::Backoff {
                truncate: false, ..
            } => self.send_fetch(now, partition, out),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_fetch_response(
        &mut self,
        now: SimTime,
        partition: PartitionId,
        records: &[LogRecord],
        leader_high_watermark: Offset,
        error: Option<KafkaError>,
        correlation: u64,
        out: &mut Outbox,
    ) {
        let roll_ms = self.rules.roll_ms;
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Follower(state) = &replica.role else {
            return;
        };
        if state.phase != (Phase::Fetching { correlation }) {
            return; // a late answer to an abandoned fetch
        }
        if error.is_some() {
            return self.back_off(now, partition, false, out);
        }
        for entry in records {
            if replica.log.append_replicated(*entry) {
                replica.appended(entry.offset, now, roll_ms);
                replica.producers.on_append(entry);
                if let Some(id) = entry.producer {
                    replica.producers.touch(id.producer_id, now);
                }
                replica.epochs.assign(entry.leader_epoch, entry.offset);
                out.emit(EventKind::RecordAppended {
                    partition,
                    offset: entry.offset,
                    record: entry.record,
                    leader_epoch: entry.leader_epoch,
                    transactional: entry.transactional,
                    control: entry.control,
                    txn_producer: entry.txn_producer(),
                });
            }
        }
        let high_watermark = leader_high_watermark.min(replica.log.log_end_offset());
        if high_watermark != replica.high_watermark {
            replica.high_watermark = high_watermark;
            out.emit(EventKind::HighWatermarkUpdated {
                partition,
                high_watermark,
            });
        }
        self.maybe_flush(partition, out);
        self.send_fetch(now, partition, out);
    }
}
