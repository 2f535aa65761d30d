//! The simulator's consuming side: the consumer members, the group coordinator hosted on
//! a broker, and the shared sink.
//!
//! The coordinator lives on the first broker the controller counts as alive (standing in
//! for the leader of the group's `__consumer_offsets` partition). FindCoordinator is
//! answered with that broker; a group request to any other broker gets NOT_COORDINATOR.
//! When the answer changes, the new host takes the group over.

use super::Sim;
use crate::consumer::coordinator::{Coordinator, GroupRules};
use crate::consumer::member::{Member, Shutdown};
use crate::consumer::protocol::GroupMessage;
use crate::consumer::sink::Sink;
use crate::consumer::spec::ConsumerGroupSpec;
use crate::consumer::timers::{ConsumerTimer, GroupTimer};
use crate::errors::KafkaError;
use crate::fault::Fault;
use crate::ids::{BrokerId, NodeId};
use crate::message::Message;
use crate::outbox::Timer;
use crate::scenario::Scenario;
use crate::time::SimTime;

/// The consumer group and what it writes to.
#[derive(Clone)]
pub(super) struct Group {
    pub(super) members: Vec<Member>,
    pub(super) incarnations: Vec<u32>,
    pub(super) paused_until: Vec<SimTime>,
    pub(super) coordinator: Coordinator,
    pub(super) host: Option<BrokerId>,
    pub(super) sink: Sink,
}

impl Group {
    /// The scenario's consumer group, if it has one.
    pub(super) fn new(scenario: &Scenario) -> Option<Group> {
        let spec = scenario.consumer_group.as_ref()?;
        let settings = scenario.consumer_settings()?;
        let config = scenario.effective_config();
        let n = spec.members as usize;
        let rules = GroupRules {
            session_timeout_ms: settings.session_timeout_ms.value,
            rebalance_timeout_ms: settings.max_poll_interval_ms.value,
            initial_rebalance_delay_ms: scenario.group_initial_rebalance_delay_ms().value,
            offsets_retention_ms: config
                .offsets_retention_minutes
                .value
                .saturating_mul(60_000),
            offsets_check_ms: config.offsets_retention_check_interval_ms.value.max(1),
            expire_after_commit: scenario.kafka_version < crate::profile::KafkaVersion::V2_8,
            cooperative: settings
                .partition_assignment_strategy
                .value
                .is_cooperative(),
        };
        Some(Group {
            members: (0..spec.members)
                .map(|i| Member::new(i, spec, settings, scenario.cluster.brokers))
                .collect(),
            incarnations: vec![0; n],
            paused_until: vec![SimTime::ZERO; n],
            coordinator: Coordinator::new(rules, scenario.topic.partitions),
            host: None,
            sink: Sink::new(spec.sink),
        })
    }
}

impl Sim {
    /// Schedules every member's start.
    pub(super) fn start_consumers(&mut self, spec: &ConsumerGroupSpec) {
        let Some(group) = &self.group else { return };
        for c in 0..group.members.len() as u32 {
            self.queue.push(
                SimTime::from_ms(spec.start_of(c)),
                super::Event::Timer {
                    node: NodeId::Consumer(c),
                    timer: Timer::Consumer(ConsumerTimer::Start),
                    incarnation: 0,
                },
            );
        }
    }

    /// While a consumer's process is paused, its events wait for the pause to end.
    pub(super) fn paused_until(&self, node: NodeId) -> Option<SimTime> {
        if let NodeId::Producer(p) = node {
            return self.producer_paused_until(p);
        }
        let (NodeId::Consumer(c), Some(group)) = (node, &self.group) else {
            return None;
        };
        let until = *group.paused_until.get(c as usize)?;
        (until > self.now).then_some(until)
    }

    pub(super) fn consumer_incarnation(&self, c: u32) -> u32 {
        self.group
            .as_ref()
            .and_then(|g| g.incarnations.get(c as usize).copied())
            .unwrap_or(0)
    }

    pub(super) fn consumer_running(&self, c: u32) -> bool {
        self.group
            .as_ref()
            .and_then(|g| g.members.get(c as usize))
            .is_some_and(Member::is_running)
    }

    /// A consumer's timer fires.
    pub(super) fn consumer_timer(&mut self, c: u32, timer: ConsumerTimer) {
        let now = self.now;
        self.with_node(NodeId::Consumer(c), |sim, out| {
            if let Some(group) = &mut sim.group {
                let Group { members, sink, .. } = group;
                if let Some(m) = members.get_mut(c as usize) {
                    m.on_timer(now, timer, sink, out);
                }
            }
        });
    }

    /// A message reaches a consumer.
    pub(super) fn consumer_message(&mut self, c: u32, from: NodeId, message: &Message) {
        let now = self.now;
        self.with_node(NodeId::Consumer(c), |sim, out| {
            if let Some(group) = &mut sim.group {
                let Group { members, sink, .. } = group;
                if let Some(m) = members.get_mut(c as usize) {
                    m.on_message(now, from, message, sink, out);
                }
            }
        });
    }

    /// The coordinator's timer fires on `host` (stale if the group moved since).
    pub(super) fn group_timer(&mut self, host: BrokerId, timer: GroupTimer) {
        let now = self.now;
        let current = self.group.as_ref().and_then(|g| g.host);
        if current != Some(host) {
            return;
        }
        self.with_node(NodeId::Broker(host), |sim, out| {
            if let Some(group) = &mut sim.group {
                group.coordinator.on_timer(now, timer, out);
            }
        });
    }

    /// The broker that should host the coordinator now: the first one the controller
    /// counts as alive.
    pub(super) fn coordinator_host(&self) -> Option<BrokerId> {
        (0..self.brokers.len() as u32)
            .map(BrokerId)
            .find(|b| self.controller.is_live(*b))
    }

    /// A group message reaches broker `b`. Returns false if it is not the coordinator's
    /// business (a consumer fetch: the broker serves it).
    pub(super) fn group_request(
        &mut self,
        b: BrokerId,
        from: NodeId,
        message: &GroupMessage,
    ) -> bool {
        if self.group.is_none() {
            return false;
        }
        let now = self.now;
        let node = NodeId::Broker(b);
        if *message == GroupMessage::FindCoordinator {
            let host = self.coordinator_host();
            let moved = host.is_some() && host != self.group.as_ref().and_then(|g| g.host);
            self.with_node(node, |sim, out| {
                if moved && let Some(group) = &mut sim.group {
                    group.host = host;
                }
                out.send(
                    from,
                    Message::Group(GroupMessage::FindCoordinatorResponse { coordinator: host }),
                );
            });
            if moved && let Some(h) = host {
                self.with_node(NodeId::Broker(h), |sim, out| {
                    if let Some(group) = &mut sim.group {
                        group.coordinator.take_over(now, out);
                    }
                });
            }
            return true;
        }
        if !message.for_coordinator() {
            return false;
        }
        let is_host = self.group.as_ref().and_then(|g| g.host) == Some(b);
        self.with_node(node, |sim, out| {
            if is_host {
                if let Some(group) = &mut sim.group {
                    group.coordinator.on_message(now, from, message, out);
                }
                return;
            }
            let error = KafkaError::NotCoordinator;
            let answer = match message {
                GroupMessage::JoinGroup { .. } => {
                    GroupMessage::JoinGroupResponse { result: Err(error) }
                }
                GroupMessage::Heartbeat { .. } => {
                    GroupMessage::HeartbeatResponse { error: Some(error) }
                }
                GroupMessage::OffsetCommit { offsets, sync, .. } => {
                    GroupMessage::OffsetCommitResponse {
                        offsets: offsets.clone(),
                        error: Some(error),
                        sync: *sync,
                    }
                }
                _ => return,
            };
            out.send(from, Message::Group(answer));
        });
        true
    }

    /// A broker process crashed: every running consumer's connections to it reset.
    pub(super) fn reset_consumer_connections(&mut self, broker: BrokerId) {
        let Some(group) = &self.group else { return };
        let running: Vec<u32> = (0..group.members.len() as u32)
            .filter(|c| group.members[*c as usize].is_running())
            .collect();
        for c in running {
            self.with_node(NodeId::Broker(broker), |_, out| {
                out.send(NodeId::Consumer(c), Message::ConnectionClosed)
            });
        }
    }

    /// Applies a consumer fault.
    pub(super) fn consumer_fault(&mut self, fault: &Fault) {
        let now = self.now;
        let Some(c) = fault.consumers().first().copied() else {
            return;
        };
        let node = NodeId::Consumer(c);
        let Some(group) = &mut self.group else { return };
        if c as usize >= group.members.len() {
            return;
        }
        match *fault {
            Fault::CrashConsumer { .. } => {
                group.incarnations[c as usize] += 1;
                self.with_node(node, |sim, out| {
                    if let Some(g) = &mut sim.group {
                        g.members[c as usize].crash(out);
                    }
                });
            }
            Fault::RestartConsumer { .. } if !group.members[c as usize].is_running() => {
                let incarnation = group.incarnations[c as usize];
                self.queue.push(
                    now,
                    super::Event::Timer {
                        node,
                        timer: Timer::Consumer(ConsumerTimer::Start),
                        incarnation,
                    },
                );
            }
            Fault::PauseConsumer { ms, .. } => {
                let until = now.plus_ms(ms);
                let slot = &mut group.paused_until[c as usize];
                *slot = (*slot).max(until);
            }
            Fault::SlowConsumer { processing_ms, .. } => {
                group.members[c as usize].set_processing_ms(processing_ms);
            }
            Fault::CloseConsumer {
                unsubscribe_first, ..
            } => {
                let how = if unsubscribe_first {
                    Shutdown::UnsubscribeThenClose
                } else {
                    Shutdown::Close
                };
                self.with_node(node, |sim, out| {
                    if let Some(g) = &mut sim.group {
                        let Group { members, sink, .. } = g;
                        members[c as usize].shut_down(now, how, sink, out);
                    }
                });
            }
            _ => {}
        }
    }
}
