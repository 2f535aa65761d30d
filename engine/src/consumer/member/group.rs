//! A member's side of the group protocol (kafka-semantics.md §B.9): finding the
//! coordinator, joining and syncing a generation, the heartbeat thread (heartbeats,
//! `max.poll.interval.ms`, losing the coordinator), and the coordinator's answers.

use super::{DEFAULT_API_TIMEOUT_MS, Member, REQUEST_TIMEOUT_MS, Thread, fact};
use crate::consumer::facts::{ConsumerFact, LeaveReason};
use crate::consumer::protocol::GroupMessage;
use crate::consumer::sink::Sink;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId, PartitionId};
use crate::message::Message;
use crate::outbox::Outbox;
use crate::time::SimTime;

impl Member {
    pub(super) fn find_coordinator(&mut self, now: SimTime, out: &mut Outbox) {
        // A lookup to a broker that died unanswered is given up after request.timeout.ms.
        if self.finding_coordinator && now >= self.finding_since.plus_ms(REQUEST_TIMEOUT_MS) {
            self.finding_coordinator = false;
        }
        if !self.finding_coordinator {
            self.finding_coordinator = true;
            self.finding_since = now;
            let to = self.any_broker();
            out.send(to, Message::Group(GroupMessage::FindCoordinator));
        }
    }

    /// `onJoinPrepare`: the auto-commit, synchronously; eager, then every partition is
    /// given up (`onPartitionsRevoked`, or `onPartitionsLost` when out of the group);
    /// cooperative keeps them and lists them in its JoinGroup; then JoinGroup.
    pub(super) fn join(&mut self, coordinator: BrokerId, out: &mut Outbox) {
        if self.rules.settings.enable_auto_commit.value {
            self.send_commit(self.consumed(), false, out);
        }
        let keep = self.rules.cooperative && self.generation.is_some();
        if !keep {
            if self.rules.commit_on_revoke && self.generation.is_some() {
                self.send_commit(self.consumed(), true, out);
            }
            self.give_up_all(out);
        }
        self.joining = true;
        let join = GroupMessage::JoinGroup {
            member: self.member_id,
            partitions: self.known_partitions,
            owned: if self.rules.cooperative {
                self.assigned.clone()
            } else {
                Vec::new()
            },
        };
        out.send(NodeId::Broker(coordinator), Message::Group(join));
    }

    pub(super) fn heartbeat_tick(&mut self, now: SimTime, sink: &mut Sink, out: &mut Outbox) {
        let settings = self.rules.settings;
        if let (Some(member), Some(_)) = (self.member_id, self.generation)
            && self.thread != Thread::Polling
            && now.as_us().saturating_sub(self.last_poll.as_us())
                > settings.max_poll_interval_ms.value * 1_000
        {
            // `maybeLeaveGroup`: the member gives its partitions up; its next commit fails.
            if let Some(c) = self.coordinator {
                let leave = GroupMessage::LeaveGroup { member };
                out.send(NodeId::Broker(c), Message::Group(leave));
            }
            self.generation = None;
            self.member_id = None;
            fact(
                out,
                ConsumerFact::LeftGroup {
                    reason: LeaveReason::PollIntervalExceeded,
                },
            );
        }
        if let (Some(c), Some(member), Some(generation)) =
            (self.coordinator, self.member_id, self.generation)
        {
            let beat = GroupMessage::Heartbeat { member, generation };
            self.beat_generation = Some(generation);
            out.send(NodeId::Broker(c), Message::Group(beat));
            let silent_us = now
                .as_us()
                .saturating_sub(self.last_coordinator_answer.as_us());
            if silent_us > settings.session_timeout_ms.value * 1_000 {
                self.lose_coordinator();
            }
        }
        if let Thread::Committing(then) = self.thread {
            if now >= self.pending_since.plus_ms(DEFAULT_API_TIMEOUT_MS) {
                // commitSync gives up: TimeoutException to the application.
                self.pending_commit = None;
                let error = KafkaError::RequestTimedOut;
                fact(out, ConsumerFact::CommitFailed { error, sync: true });
                return self.resume(then, now, sink, out);
            }
            if now >= self.commit_sent_at.plus_ms(REQUEST_TIMEOUT_MS) {
                // No answer within request.timeout.ms: the coordinator is presumed gone;
                // look it up again and resend.
                self.lose_coordinator();
            }
            if self.coordinator.is_none() {
                self.find_coordinator(now, out);
            }
        }
        if self.coordinator.is_none() && self.generation.is_some() {
            // The heartbeat thread looks the coordinator up too.
            self.find_coordinator(now, out);
        }
        if self.metadata_pending && now >= self.metadata_since.plus_ms(REQUEST_TIMEOUT_MS) {
            self.metadata_pending = false;
        }
        if now
            >= self
                .last_metadata_refresh
                .plus_ms(settings.metadata_max_age_ms.value)
        {
            self.refresh_metadata(now, out);
        }
        let stale: Vec<PartitionId> = self
            .fetches
            .iter()
            .filter(|(_, (_, sent))| now >= sent.plus_ms(REQUEST_TIMEOUT_MS))
            .map(|(p, _)| *p)
            .collect();
        for p in stale {
            self.fetches.remove(&p);
            self.leaders.remove(&p);
        }
        if self.thread == Thread::Polling {
            self.poll(now, sink, out);
        }
    }

    /// `markCoordinatorUnknown`: look it up again; a join in progress starts over.
    pub(super) fn lose_coordinator(&mut self) {
        self.coordinator = None;
        self.joining = false;
    }

    pub(super) fn on_group(
        &mut self,
        now: SimTime,
        from: NodeId,
        message: &GroupMessage,
        sink: &mut Sink,
        out: &mut Outbox,
    ) {
        if from == self.coordinator.map(NodeId::Broker).unwrap_or(from) {
            self.last_coordinator_answer = now;
        }
        match message {
            GroupMessage::FindCoordinatorResponse { coordinator } => {
                self.finding_coordinator = false;
                self.coordinator = *coordinator;
                self.last_coordinator_answer = now;
                match coordinator {
                    None => return self.retry_later(now, out),
                    Some(_) => {
                        if let Some((offsets, sync)) = self.pending_commit.clone() {
                            if self.rejoin_blocks_commit_sync() {
                                let error = Some(KafkaError::RebalanceInProgress);
                                return self.on_commit_response(now, error, sync, sink, out);
                            }
                            if self.generation.is_none() {
                                // Out of the group meanwhile: the retry cannot succeed.
                                let error = Some(KafkaError::IllegalGeneration);
                                return self.on_commit_response(now, error, sync, sink, out);
                            }
                            self.commit_sent_at = now;
                            self.send_commit(offsets, sync, out);
                        }
                    }
                }
            }
            GroupMessage::JoinGroupResponse { result } => {
                self.joining = false;
                match result {
                    Ok(a) if self.thread == Thread::Polling => {
                        self.assigned_partitions(now, a, sink, out)
                    }
                    Ok(a) => {
                        // Cooperative: the application is busy with what it still owns; the
                        // generation is current at once, the partitions change at its next poll.
                        self.member_id = Some(a.member);
                        self.generation = Some(a.generation);
                        self.pending_assignment = Some(a.clone());
                    }
                    Err(KafkaError::UnknownMemberId) => {
                        // `resetGenerationOnResponseError`: what it owned counts as lost
                        // (`onPartitionsLost`), even for a cooperative member.
                        self.member_id = None;
                        self.generation = None;
                    }
                    Err(_) => {
                        self.lose_coordinator();
                        return self.retry_later(now, out);
                    }
                }
            }
            GroupMessage::HeartbeatResponse { .. } if self.beat_generation != self.generation => {}
            GroupMessage::HeartbeatResponse { error } => match error {
                None => {}
                Some(KafkaError::RebalanceInProgress) => self.rejoin = true,
                Some(KafkaError::UnknownMemberId) => {
                    self.member_id = None;
                    self.generation = None;
                }
                Some(KafkaError::IllegalGeneration) => self.generation = None,
                Some(_) => self.lose_coordinator(),
            },
            GroupMessage::OffsetCommitResponse { error, sync, .. } => {
                return self.on_commit_response(now, *error, *sync, sink, out);
            }
            GroupMessage::FetchResponse {
                partition,
                position,
                records,
                error,
                correlation,
                aborted,
                leader_epoch,
                ..
            } => {
                let p = *partition;
                if self.fetches.get(&p).map(|(c, _)| *c) != Some(*correlation) {
                    return; // stale: revoked or replaced since
                }
                self.fetches.remove(&p);
                match error {
                    None if self.positions.get(&p).copied().flatten().is_some() => {
                        if let Some(request) = self.validation.check(p, *leader_epoch) {
                            // A new leader epoch: validate the position before using data.
                            self.fetched.remove(&p);
                            out.send(from, request);
                            return;
                        }
                        self.mark_aborted(p, records, aborted);
                        self.fetched_records(p, *position, records, out)
                    }
                    None => {
                        self.mark_aborted(p, records, aborted);
                        self.fetched_records(p, *position, records, out)
                    }
                    Some(KafkaError::OffsetOutOfRange) => {
                        // The position is past the log (a truncation): reset it.
                        self.positions.insert(p, None);
                        self.fetched.remove(&p);
                    }
                    Some(_) => {
                        self.leaders.remove(&p);
                        return self.retry_later(now, out);
                    }
                }
            }
            _ => {}
        }
        if self.thread == Thread::Polling {
            self.poll(now, sink, out);
        }
    }
}
