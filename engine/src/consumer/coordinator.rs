//! The group coordinator of the classic protocol (`GroupCoordinator`, kafka-semantics.md
//! §B.9): members join, the group rebalances — eagerly with the range assignor, or
//! incrementally with the cooperative-sticky one (each member's JoinGroup says what it
//! still owns) — heartbeats keep sessions alive for `session.timeout.ms`, and committed
//! offsets are checked against the member and its generation.
//!
//! - A rebalance starts when a member joins, rejoins, leaves or times out. It completes when
//!   every known member has rejoined, or after the rebalance timeout (the members'
//!   `max.poll.interval.ms`), when the ones missing are removed. An empty group waits
//!   `group.initial.rebalance.delay.ms` first, so members starting together land in one
//!   generation.
//! - OffsetCommit: an unknown member gets UNKNOWN_MEMBER_ID, an old generation
//!   ILLEGAL_GENERATION (the client raises both as `CommitFailedException`); a commit of the
//!   current generation is stored, even while a rebalance is being prepared (that is how
//!   `onJoinPrepare` commits before rejoining).
//!
//! Simplified: the coordinator lives on one broker at a time; when that broker stops
//! answering and the controller fences it, the next live broker takes over with the group's
//! members and offsets intact (in Kafka it reloads them from the replicated
//! `__consumer_offsets` partition it now leads). SyncGroup and OffsetFetch are folded into
//! the JoinGroup answer.

use super::assignor;
use super::facts::{ConsumerFact, MemberRemoval};
use super::protocol::{Assignment, GroupMessage};
use super::timers::GroupTimer;
use crate::dense_map::DenseMap;
use crate::errors::KafkaError;
use crate::ids::{NodeId, Offset, PartitionId};
use crate::message::Message;
use crate::outbox::{Outbox, Timer};
use crate::time::SimTime;
use crate::trace::EventKind;

/// The group's state machine (classic protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GroupState {
    Empty,
    PreparingRebalance,
    Stable,
}

#[derive(Clone, Debug)]
struct Member {
    node: NodeId,
    /// Rejoined in the rebalance being prepared.
    joined: bool,
    /// Heartbeats received (the session deadline of an older one is stale).
    beats: u64,
    /// The partitions it said it owns when it last joined (cooperative protocol).
    owned: Vec<PartitionId>,
}

/// The coordinator's timing configs.
#[derive(Clone, Copy, Debug)]
pub struct GroupRules {
    /// Members' `session.timeout.ms`.
    pub session_timeout_ms: u64,
    /// Members' `max.poll.interval.ms` (the rebalance timeout).
    pub rebalance_timeout_ms: u64,
    /// Broker `group.initial.rebalance.delay.ms`.
    pub initial_rebalance_delay_ms: u64,
    /// Broker `offsets.retention.minutes`, in milliseconds.
    pub offsets_retention_ms: u64,
    /// Broker `offsets.retention.check.interval.ms`.
    pub offsets_check_ms: u64,
    /// Before 2.1 (KIP-211) an offset expired a retention period after its commit, even
    /// while the group was active; since, only once the group has been empty that long.
    pub expire_after_commit: bool,
    /// `partition.assignment.strategy=cooperative-sticky`: incremental rebalances.
    pub cooperative: bool,
}

/// One consumer group's coordinator.
#[derive(Clone, Debug)]
pub struct Coordinator {
    rules: GroupRules,
    partitions: u32,
    state: GroupState,
    generation: u32,
    members: DenseMap<u32, Member>,
    next_member: u32,
    committed: DenseMap<PartitionId, Offset>,
    rebalances: u64,
    /// When the rebalance being prepared stops waiting for the initial delay.
    delay_until: Option<SimTime>,
    /// Since when the group has had no member (offsets expire from then, KIP-211).
    empty_since: Option<SimTime>,
    /// When each partition's offset was last committed (the pre-2.1 expiry clock).
    committed_at: DenseMap<PartitionId, SimTime>,
}

impl Coordinator {
    /// A coordinator for a group reading `partitions` partitions.
    pub fn new(rules: GroupRules, partitions: u32) -> Coordinator {
        Coordinator {
            rules,
            partitions,
            state: GroupState::Empty,
            generation: 0,
            members: DenseMap::new(),
            next_member: 0,
            committed: DenseMap::new(),
            rebalances: 0,
            delay_until: None,
            empty_since: None,
            committed_at: DenseMap::new(),
        }
    }

    /// The group's committed offset for `partition`.
    pub fn committed(&self, partition: PartitionId) -> Option<Offset> {
        self.committed.get(&partition).copied()
    }

    /// A new broker took over the group: every session starts afresh, and a rebalance
    /// being prepared gets a new deadline.
    pub fn take_over(&mut self, now: SimTime, out: &mut Outbox) {
        fact(out, ConsumerFact::CoordinatorLoaded);
        let members: Vec<u32> = self.members.keys().copied().collect();
        for member in members {
            self.arm_session(now, member, out);
        }
        if self.state == GroupState::PreparingRebalance {
            self.arm_rebalance_timeout(now, self.rules.rebalance_timeout_ms, out);
        }
        let at = now.plus_ms(self.rules.offsets_check_ms);
        out.set_timer(at, Timer::Group(GroupTimer::OffsetsExpiration));
    }

    /// The periodic offsets expiration (`offsets.retention.check.interval.ms`): offsets of
    /// a group empty for `offsets.retention.minutes` are deleted (KIP-211); before 2.1, any
    /// offset committed that long ago.
    fn expire_offsets(&mut self, now: SimTime, out: &mut Outbox) {
        let retention = self.rules.offsets_retention_ms;
        let expired: Vec<PartitionId> = if self.rules.expire_after_commit {
            self.committed_at
                .iter()
                .filter(|(_, at)| at.plus_ms(retention) <= now)
                .map(|(p, _)| *p)
                .collect()
        } else if self.members.is_empty()
            && self
                .empty_since
                .is_some_and(|since| since.plus_ms(retention) <= now)
        {
            self.committed.keys().copied().collect()
        } else {
            Vec::new()
        };
        for p in &expired {
            self.committed.remove(p);
            self.committed_at.remove(p);
        }
        if !expired.is_empty() {
            fact(
                out,
                ConsumerFact::OffsetsExpired {
                    partitions: expired,
                },
            );
        }
        let at = now.plus_ms(self.rules.offsets_check_ms);
        out.set_timer(at, Timer::Group(GroupTimer::OffsetsExpiration));
    }

    /// Handles a group request from `from`.
    pub fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        message: &GroupMessage,
        out: &mut Outbox,
    ) {
        match *message {
            GroupMessage::JoinGroup {
                member,
                partitions,
                ref owned,
            } => {
                // The assignment covers the topic as the members' metadata describes it.
                self.partitions = self.partitions.max(partitions);
                self.on_join(now, from, member, owned, out)
            }
            GroupMessage::Heartbeat { member, generation } => {
                let error = self.on_heartbeat(now, member, generation, out);
                reply(out, from, GroupMessage::HeartbeatResponse { error });
            }
            GroupMessage::LeaveGroup { member } if self.members.remove(&member).is_some() => {
                fact(
                    out,
                    ConsumerFact::MemberRemoved {
                        member,
                        reason: MemberRemoval::LeftGroup,
                    },
                );
                self.prepare_rebalance(now, out);
            }
            GroupMessage::OffsetCommit {
                member,
                generation,
                ref offsets,
                sync,
            } => {
                let error = if !self.members.contains_key(&member) {
                    Some(KafkaError::UnknownMemberId)
                } else if generation != self.generation {
                    Some(KafkaError::IllegalGeneration)
                } else {
                    None
                };
                if error.is_none() {
                    for &(partition, offset) in offsets {
                        self.committed.insert(partition, offset);
                        self.committed_at.insert(partition, now);
                    }
                    fact(
                        out,
                        ConsumerFact::OffsetsCommitted {
                            member,
                            offsets: offsets.clone(),
                        },
                    );
                }
                let answer = GroupMessage::OffsetCommitResponse {
                    offsets: offsets.clone(),
                    error,
                    sync,
                };
                reply(out, from, answer);
            }
            _ => {}
        }
    }

    fn on_join(
        &mut self,
        now: SimTime,
        from: NodeId,
        member: Option<u32>,
        owned: &[PartitionId],
        out: &mut Outbox,
    ) {
        let id = match member {
            Some(id) if self.members.contains_key(&id) => id,
            Some(_) => {
                let answer = GroupMessage::JoinGroupResponse {
                    result: Err(KafkaError::UnknownMemberId),
                };
                return reply(out, from, answer);
            }
            None => {
                let id = self.next_member;
                self.next_member += 1;
                self.members.insert(
                    id,
                    Member {
                        node: from,
                        joined: false,
                        beats: 0,
                        owned: Vec::new(),
                    },
                );
                fact(
                    out,
                    ConsumerFact::MemberJoined {
                        member: id,
                        consumer: from,
                    },
                );
                id
            }
        };
        if self.state != GroupState::PreparingRebalance {
            self.prepare_rebalance(now, out);
        }
        if let Some(m) = self.members.get_mut(&id) {
            m.joined = true;
            m.node = from;
            m.owned = owned.to_vec();
        }
        self.arm_session(now, id, out);
        self.maybe_complete(now, out);
    }

    fn on_heartbeat(
        &mut self,
        now: SimTime,
        member: u32,
        generation: u32,
        out: &mut Outbox,
    ) -> Option<KafkaError> {
        if !self.members.contains_key(&member) {
            return Some(KafkaError::UnknownMemberId);
        }
        self.arm_session(now, member, out);
        if self.state == GroupState::PreparingRebalance {
            Some(KafkaError::RebalanceInProgress)
        } else if generation != self.generation {
            Some(KafkaError::IllegalGeneration)
        } else {
            None
        }
    }

    fn arm_session(&mut self, now: SimTime, member: u32, out: &mut Outbox) {
        let Some(m) = self.members.get_mut(&member) else {
            return;
        };
        m.beats += 1;
        let timer = GroupTimer::SessionExpiry {
            member,
            beat: m.beats,
        };
        out.set_timer(
            now.plus_ms(self.rules.session_timeout_ms),
            Timer::Group(timer),
        );
    }

    fn arm_rebalance_timeout(&mut self, now: SimTime, after_ms: u64, out: &mut Outbox) {
        self.rebalances += 1;
        let timer = GroupTimer::RebalanceTimeout {
            rebalance: self.rebalances,
        };
        out.set_timer(now.plus_ms(after_ms), Timer::Group(timer));
    }

    fn prepare_rebalance(&mut self, now: SimTime, out: &mut Outbox) {
        let was_empty = self.state == GroupState::Empty;
        self.state = GroupState::PreparingRebalance;
        for m in self.members.values_mut() {
            m.joined = false;
        }
        if was_empty && self.rules.initial_rebalance_delay_ms > 0 {
            self.delay_until = Some(now.plus_ms(self.rules.initial_rebalance_delay_ms));
            self.arm_rebalance_timeout(now, self.rules.initial_rebalance_delay_ms, out);
        } else {
            self.delay_until = None;
            self.arm_rebalance_timeout(now, self.rules.rebalance_timeout_ms, out);
        }
        fact(
            out,
            ConsumerFact::RebalanceStarted {
                generation: self.generation,
            },
        );
        self.maybe_complete(now, out);
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, now: SimTime, timer: GroupTimer, out: &mut Outbox) {
        match timer {
            GroupTimer::OffsetsExpiration => self.expire_offsets(now, out),
            GroupTimer::SessionExpiry { member, beat } => {
                if self.members.get(&member).is_some_and(|m| m.beats == beat) {
                    self.members.remove(&member);
                    fact(
                        out,
                        ConsumerFact::MemberRemoved {
                            member,
                            reason: MemberRemoval::SessionTimeout,
                        },
                    );
                    if self.state == GroupState::PreparingRebalance {
                        self.maybe_complete(now, out);
                    } else {
                        self.prepare_rebalance(now, out);
                    }
                }
            }
            GroupTimer::RebalanceTimeout { rebalance } => {
                if rebalance != self.rebalances || self.state != GroupState::PreparingRebalance {
                    return;
                }
                if self.delay_until.is_some_and(|d| d <= now) {
                    // The initial delay is over; members still missing get the full timeout.
                    self.delay_until = None;
                    if !self.all_joined() {
                        self.arm_rebalance_timeout(now, self.rules.rebalance_timeout_ms, out);
                        return;
                    }
                    return self.complete(now, out);
                }
                let missing: Vec<u32> = self
                    .members
                    .iter()
                    .filter(|(_, m)| !m.joined)
                    .map(|(id, _)| *id)
                    .collect();
                for member in missing {
                    self.members.remove(&member);
                    fact(
                        out,
                        ConsumerFact::MemberRemoved {
                            member,
                            reason: MemberRemoval::RebalanceTimeout,
                        },
                    );
                }
                self.complete(now, out);
            }
        }
    }

    fn all_joined(&self) -> bool {
        self.members.values().all(|m| m.joined)
    }

    fn maybe_complete(&mut self, now: SimTime, out: &mut Outbox) {
        if self.state == GroupState::PreparingRebalance
            && self.delay_until.is_none()
            && self.all_joined()
        {
            self.complete(now, out);
        }
    }

    /// The new generation: assign the partitions over the members (by member id) and
    /// answer every waiting JoinGroup.
    fn complete(&mut self, now: SimTime, out: &mut Outbox) {
        self.generation += 1;
        if self.members.is_empty() {
            self.state = GroupState::Empty;
            self.empty_since = Some(now);
            return;
        }
        self.empty_since = None;
        self.state = GroupState::Stable;
        let ids: Vec<u32> = self.members.keys().copied().collect();
        let shares = if self.rules.cooperative {
            let owned: Vec<Vec<PartitionId>> =
                self.members.values().map(|m| m.owned.clone()).collect();
            assignor::cooperative_sticky(self.partitions, &owned)
        } else {
            assignor::range(self.partitions, ids.len())
        };
        let mut assignment = Vec::new();
        for (i, (id, share)) in ids.iter().zip(shares).enumerate() {
            let partitions: Vec<(PartitionId, Option<Offset>)> =
                share.iter().map(|&p| (p, self.committed(p))).collect();
            let node = self.members[id].node;
            assignment.push((node, share));
            let answer = GroupMessage::JoinGroupResponse {
                result: Ok(Assignment {
                    generation: self.generation,
                    member: *id,
                    partitions,
                    leader: i == 0,
                }),
            };
            reply(out, node, answer);
        }
        for m in self.members.values_mut() {
            m.joined = false;
        }
        // `completeAndScheduleNextHeartbeatExpiration`: every member's session starts
        // afresh with the new generation (it sent no heartbeat while it waited to join).
        for &id in &ids {
            self.arm_session(now, id, out);
        }
        fact(
            out,
            ConsumerFact::GroupRebalanced {
                generation: self.generation,
                assignment,
            },
        );
    }
}

fn fact(out: &mut Outbox, fact: ConsumerFact) {
    out.emit(EventKind::Consumer(fact));
}

fn reply(out: &mut Outbox, to: NodeId, message: GroupMessage) {
    out.send(to, Message::Group(message));
}
