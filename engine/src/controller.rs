//! The controller: broker liveness, fencing, ISR changes and leader election.
//!
//! Rules (kafka-semantics.md §B.3, §B.5; `PartitionChangeBuilder`, KRaft docs):
//! - A broker is alive while it heartbeats; after `broker.session.timeout.ms` without one
//!   it is fenced: removed from every ISR it is in (but the ISR never empties: the last
//!   member stays) and stripped of its leaderships.
//! - A leader is elected from the ISR in assignment order, among live brokers; with
//!   `unclean.leader.election.enable`, any live replica may be chosen as a last resort and the
//!   ISR is forced to just it ("This can result in data loss!"); otherwise the partition
//!   has no leader until an ISR member returns.
//! - Every leader change bumps the leader epoch, which fences the old leader.
//! - A leader's AlterPartition changes the ISR if its epoch is current.
//!
//! This model has one controller that never fails; ELR (KIP-966) is not modelled yet.

use crate::dense_map::DenseMap;
use crate::ids::{BrokerId, LeaderEpoch, NodeId, PartitionId};
use crate::message::{Message, PartitionState};
use crate::outbox::{Outbox, Timer};
use crate::scenario::Scenario;
use crate::time::SimTime;
use crate::trace::EventKind;

/// The controller's record of one partition.
#[derive(Clone, Debug)]
struct PartitionRecord {
    replicas: Vec<BrokerId>,
    state: PartitionState,
}

/// The (KRaft) controller.
#[derive(Clone, Debug)]
pub struct Controller {
    session_timeout_ms: u64,
    unclean: bool,
    /// KIP-966 eligible leader replicas, and the min ISR that drives them.
    elr_enabled: bool,
    min_isr: usize,
    partitions: DenseMap<PartitionId, PartitionRecord>,
    /// Per broker: unfenced?, and the sequence number of its latest heartbeat.
    brokers: DenseMap<BrokerId, (bool, u64)>,
    /// The topic's replication factor (for partitions added later).
    replication_factor: u32,
}

impl Controller {
    /// A controller that created the scenario's topic: every replica in the ISR, the first
    /// one leading at epoch 0, every broker registered.
    pub fn new(scenario: &Scenario) -> Controller {
        let config = scenario.effective_config();
        let partitions = scenario
            .partitions()
            .map(|p| {
                let replicas = scenario.replicas_of(p);
                let mut isr = replicas.clone();
                crate::sort::by_key(&mut isr, |b| u64::from(b.0));
                let state = PartitionState {
                    partition: p,
                    leader: replicas.first().copied(),
                    leader_epoch: LeaderEpoch(0),
                    isr,
                    elr: Vec::new(),
                };
                (p, PartitionRecord { replicas, state })
            })
            .collect();
        let brokers = (0..scenario.cluster.brokers)
            .map(|b| (BrokerId(b), (true, 0)))
            .collect();
        Controller {
            session_timeout_ms: config.broker_session_timeout_ms,
            unclean: config.unclean_leader_election_enable.value,
            elr_enabled: config.eligible_leader_replicas_version.value >= 1,
            min_isr: config.min_insync_replicas.value as usize,
            partitions,
            brokers,
            replication_factor: scenario.topic.replication_factor,
        }
    }

    /// Adds `count` partitions: replicas assigned round-robin as at creation, the first live
    /// replica leading at epoch 0, the live replicas in the ISR; every broker is told.
    pub fn add_partitions(&mut self, count: u32, out: &mut Outbox) {
        let n = self.brokers.len().max(1) as u32;
        let first = self.partitions.len() as u32;
        let mut created = Vec::new();
        for p in (first..first + count).map(PartitionId) {
            let replicas: Vec<BrokerId> = (0..self.replication_factor)
                .map(|i| BrokerId((p.0 + i) % n))
                .collect();
            let mut isr: Vec<BrokerId> = replicas
                .iter()
                .copied()
                .filter(|b| self.is_live(*b))
                .collect();
            crate::sort::by_key(&mut isr, |b| u64::from(b.0));
            let leader = replicas.iter().copied().find(|b| self.is_live(*b));
            if isr.is_empty() {
                isr.push(replicas[0]);
            }
            let state = PartitionState {
                partition: p,
                leader,
                leader_epoch: LeaderEpoch(0),
                isr,
                elr: Vec::new(),
            };
            out.emit(EventKind::PartitionCreated {
                partition: p,
                replicas: replicas.clone(),
                leader: leader.unwrap_or(replicas[0]),
                leader_epoch: LeaderEpoch(0),
            });
            self.partitions.insert(
                p,
                PartitionRecord {
                    replicas: replicas.clone(),
                    state: state.clone(),
                },
            );
            created.push((state, replicas));
        }
        let brokers: Vec<BrokerId> = self.brokers.keys().copied().collect();
        for b in brokers {
            out.send(
                NodeId::Broker(b),
                Message::PartitionsCreated(created.clone()),
            );
        }
    }

    /// Each partition's state, in partition order.
    pub fn states(&self) -> impl Iterator<Item = &PartitionState> {
        self.partitions.values().map(|r| &r.state)
    }

    /// One partition's state.
    pub fn state(&self, partition: PartitionId) -> Option<&PartitionState> {
        self.partitions.get(&partition).map(|r| &r.state)
    }

    /// The replicas of a partition, in assignment order.
    pub fn replicas(&self, partition: PartitionId) -> &[BrokerId] {
        self.partitions
            .get(&partition)
            .map_or(&[], |r| r.replicas.as_slice())
    }

    /// Starts the session clock of every broker (call once, at time zero).
    pub fn start(&mut self, now: SimTime, out: &mut Outbox) {
        let brokers: Vec<BrokerId> = self.brokers.keys().copied().collect();
        for b in brokers {
            self.arm_session(now, b, out);
        }
    }

    fn arm_session(&mut self, now: SimTime, broker: BrokerId, out: &mut Outbox) {
        let entry = self.brokers.entry(broker).or_insert((false, 0));
        entry.1 += 1;
        let timer = Timer::SessionExpiry {
            broker,
            seq: entry.1,
        };
        out.set_timer(now.plus_ms(self.session_timeout_ms), timer);
    }

    /// Handles a message.
    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: &Message, out: &mut Outbox) {
        let NodeId::Broker(broker) = from else { return };
        match *message {
            Message::BrokerHeartbeat => self.on_heartbeat(now, broker, out),
            Message::BrokerRegistration => {
                // A new incarnation: whatever the old one held is void (KRaft fences it).
                if self.is_live(broker) {
                    self.fence(broker, out);
                }
                // Every stop in this model is unclean, and a replica back from an unclean
                // shutdown may miss committed records: it leaves the ELR (KIP-966).
                self.drop_from_elr(broker, out);
                self.on_heartbeat(now, broker, out);
            }
            Message::AlterPartition {
                partition,
                leader_epoch,
                ref isr,
            } => self.on_alter_partition(broker, partition, leader_epoch, isr.clone(), out),
            _ => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, timer: Timer, out: &mut Outbox) {
        if let Timer::SessionExpiry { broker, seq } = timer {
            let live = self.brokers.get(&broker).copied();
            if live == Some((true, seq)) {
                self.fence(broker, out);
            }
        }
    }

    /// Whether the controller counts `broker` as alive (registered and not fenced).
    pub fn is_live(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).is_some_and(|(live, _)| *live)
    }

    fn on_heartbeat(&mut self, now: SimTime, broker: BrokerId, out: &mut Outbox) {
        self.arm_session(now, broker, out);
        if self.is_live(broker) {
            return;
        }
        // A fenced broker is back: unfence it, tell it every partition's state, and give
        // leaderless partitions a chance to elect it.
        self.brokers.entry(broker).or_default().0 = true;
        out.emit(EventKind::BrokerUnfenced { broker });
        let partitions: Vec<PartitionId> = self.partitions.keys().copied().collect();
        for p in partitions {
            if self.partitions[&p].state.leader.is_none() {
                self.elect(p, out);
            }
            let state = self.partitions[&p].state.clone();
            out.send(NodeId::Broker(broker), Message::PartitionChange(state));
        }
    }

    fn fence(&mut self, broker: BrokerId, out: &mut Outbox) {
        self.brokers.entry(broker).or_default().0 = false;
        out.emit(EventKind::BrokerFenced { broker });
        let partitions: Vec<PartitionId> = self.partitions.keys().copied().collect();
        for p in partitions {
            let record = self.partitions.get_mut(&p).expect("key from the map");
            let was_leader = record.state.leader == Some(broker);
            let in_isr = record.state.isr.contains(&broker);
            // Without ELR the last ISR member stays; with it the ISR may empty.
            if in_isr && (record.state.isr.len() > 1 || self.elr_enabled) {
                let isr = record
                    .state
                    .isr
                    .iter()
                    .copied()
                    .filter(|b| *b != broker)
                    .collect();
                set_isr(&mut record.state, isr, self.elr_enabled, self.min_isr);
            }
            if was_leader {
                self.elect(p, out);
            } else if in_isr {
                let state = self.partitions[&p].state.clone();
                out.emit(EventKind::IsrChanged {
                    state: Box::new(state.clone()),
                });
                self.broadcast(state, out);
            }
        }
    }

    /// Chooses a leader for `partition` (or none), bumping the epoch when it changes.
    fn elect(&mut self, partition: PartitionId, out: &mut Outbox) {
        let live: Vec<BrokerId> = self
            .brokers
            .iter()
            .filter(|(_, (l, _))| *l)
            .map(|(b, _)| *b)
            .collect();
        let unclean_allowed = self.unclean;
        let record = self
            .partitions
            .get_mut(&partition)
            .expect("known partition");
        let clean = record
            .replicas
            .iter()
            .find(|b| record.state.isr.contains(b) && live.contains(b))
            .copied();
        let from_elr = || {
            let state = &record.state;
            let candidate = record
                .replicas
                .iter()
                .find(|b| state.elr.contains(b) && live.contains(b));
            candidate.copied().filter(|_| state.isr.is_empty())
        };
        let (leader, unclean) = match clean.or_else(from_elr) {
            Some(b) => (Some(b), false),
            None if unclean_allowed => (
                record.replicas.iter().find(|b| live.contains(b)).copied(),
                true,
            ),
            None => (None, false),
        };
        if leader == record.state.leader && leader.is_some() {
            return;
        }
        if let Some(l) = leader
            && (unclean || !record.state.isr.contains(&l))
        {
            // Unclean: the ISR is forced to the new leader. From the ELR: the leader moves
            // into the (empty) ISR.
            record.state.isr = vec![l];
            record.state.elr.retain(|b| *b != l);
        }
        record.state.leader = leader;
        record.state.leader_epoch = LeaderEpoch(record.state.leader_epoch.0 + 1);
        let state = record.state.clone();
        out.emit(EventKind::LeaderElected {
            state: Box::new(state.clone()),
            unclean: unclean && leader.is_some(),
        });
        self.broadcast(state, out);
    }

    fn on_alter_partition(
        &mut self,
        from: BrokerId,
        partition: PartitionId,
        leader_epoch: LeaderEpoch,
        mut isr: Vec<BrokerId>,
        out: &mut Outbox,
    ) {
        let Some(record) = self.partitions.get_mut(&partition) else {
            return;
        };
        let current =
            record.state.leader == Some(from) && record.state.leader_epoch == leader_epoch;
        crate::sort::dedup_by_key(&mut isr, |b| u64::from(b.0));
        let valid =
            current && isr.contains(&from) && isr.iter().all(|b| record.replicas.contains(b));
        if !valid {
            // Stale or malformed: tell the sender the truth so it stops waiting.
            let state = record.state.clone();
            out.send(NodeId::Broker(from), Message::PartitionChange(state));
            return;
        }
        set_isr(&mut record.state, isr, self.elr_enabled, self.min_isr);
        let state = record.state.clone();
        out.emit(EventKind::IsrChanged {
            state: Box::new(state.clone()),
        });
        self.broadcast(state, out);
    }

    /// Removes a broker from every ELR (it came back from an unclean shutdown).
    fn drop_from_elr(&mut self, broker: BrokerId, out: &mut Outbox) {
        let mut changed = Vec::new();
        for record in self.partitions.values_mut() {
            if record.state.elr.contains(&broker) {
                record.state.elr.retain(|b| *b != broker);
                changed.push(record.state.clone());
            }
        }
        for state in changed {
            out.emit(EventKind::IsrChanged {
                state: Box::new(state.clone()),
            });
            self.broadcast(state, out);
        }
    }

    /// Tells every broker (KRaft brokers would read it from the metadata log).
    fn broadcast(&self, state: PartitionState, out: &mut Outbox) {
        for b in self.brokers.keys() {
            out.send(NodeId::Broker(*b), Message::PartitionChange(state.clone()));
        }
    }
}

/// Sets a new ISR. With ELR on, replicas leaving an ISR that is now below min ISR become
/// eligible leader replicas; an ISR back at min ISR clears the ELR (`maybePopulateTargetElr`).
fn set_isr(state: &mut PartitionState, isr: Vec<BrokerId>, elr_enabled: bool, min_isr: usize) {
    if elr_enabled {
        if isr.len() < min_isr {
            let left = state.isr.iter().copied().filter(|b| !isr.contains(b));
            state.elr.extend(left);
            crate::sort::dedup_by_key(&mut state.elr, |b| u64::from(b.0));
            state.elr.retain(|b| !isr.contains(b));
        } else {
            state.elr.clear();
        }
    }
    state.isr = isr;
}
