//! A broker's replicas: the leader's append, high watermark and acks; the follower's fetch loop.
//!
//! Rules (kafka-semantics.md §B.1–B.4, `Partition.scala`, `ReplicaManager`, `DelayedProduce`):
//! - The leader appends a produce request at its log end offset under its leader epoch.
//! - Followers replicate by fetching; the fetch offset tells the leader the follower's LEO.
//!   An empty fetch is held for up to `replica.fetch.wait.max.ms` (the fetch purgatory).
//! - The leader's high watermark is the smallest LEO in the ISR; it only grows, and since
//!   3.7 it does not move while the ISR is smaller than `min.insync.replicas` (KAFKA-15583).
//! - A follower's HW is `min(leader HW in the fetch response, own LEO)`.
//! - acks=1 answers after the leader's append; acks=all answers once the HW passes the
//!   record, or fails with NOT_ENOUGH_REPLICAS before appending when the ISR is too small.

use crate::acks::Acks;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, LeaderEpoch, NodeId, Offset, PartitionId, RecordId};
use crate::log::Log;
use crate::message::Message;
use crate::outbox::{Outbox, Timer};
use crate::scenario::EffectiveConfig;
use crate::time::SimTime;
use crate::trace::EventKind;
use std::collections::BTreeMap;

/// The broker configs a replica acts on.
#[derive(Clone, Copy, Debug)]
pub struct BrokerRules {
    min_insync_replicas: usize,
    replica_fetch_wait_max_ms: u64,
    high_watermark_frozen_below_min_isr: bool,
}

impl From<&EffectiveConfig> for BrokerRules {
    fn from(c: &EffectiveConfig) -> Self {
        BrokerRules {
            min_insync_replicas: c.min_insync_replicas.value as usize,
            replica_fetch_wait_max_ms: c.replica_fetch_wait_max_ms.value,
            high_watermark_frozen_below_min_isr: c.high_watermark_frozen_below_min_isr,
        }
    }
}

/// One broker.
#[derive(Clone, Debug)]
pub struct Broker {
    id: BrokerId,
    rules: BrokerRules,
    replicas: BTreeMap<PartitionId, Replica>,
}

/// This broker's replica of one partition.
#[derive(Clone, Debug)]
struct Replica {
    log: Log,
    high_watermark: Offset,
    leader_epoch: LeaderEpoch,
    role: Role,
}

#[derive(Clone, Debug)]
enum Role {
    Leader(LeaderState),
    Follower { leader: BrokerId },
}

/// What only the leader tracks (`Partition` / `Replica` state in Kafka).
#[derive(Clone, Debug, Default)]
struct LeaderState {
    /// The in-sync replicas, leader included, in broker order.
    isr: Vec<BrokerId>,
    /// Each follower's log end offset, learned from its fetch offset.
    follower_leo: BTreeMap<BrokerId, Offset>,
    /// acks=all requests waiting for the HW to pass their record.
    pending_acks: Vec<PendingAck>,
    /// Empty follower fetches being held, with the id of their wait timer.
    parked_fetches: BTreeMap<BrokerId, ParkedFetch>,
    next_fetch_id: u64,
}

#[derive(Clone, Copy, Debug)]
struct PendingAck {
    producer: NodeId,
    record: RecordId,
    offset: Offset,
}

#[derive(Clone, Copy, Debug)]
struct ParkedFetch {
    id: u64,
    fetch_offset: Offset,
}

impl Broker {
    /// A broker with no replicas yet.
    pub fn new(id: BrokerId, rules: BrokerRules) -> Broker {
        Broker {
            id,
            rules,
            replicas: BTreeMap::new(),
        }
    }

    /// This broker's id.
    pub fn id(&self) -> BrokerId {
        self.id
    }

    /// Takes a replica of `partition`; followers start fetching from the leader at once.
    pub fn create_replica(
        &mut self,
        partition: PartitionId,
        replicas: &[BrokerId],
        leader: BrokerId,
        leader_epoch: LeaderEpoch,
        out: &mut Outbox,
    ) {
        let role = if leader == self.id {
            let follower_leo = replicas
                .iter()
                .filter(|b| **b != self.id)
                .map(|b| (*b, Offset(0)))
                .collect();
            let mut isr = replicas.to_vec();
            isr.sort();
            Role::Leader(LeaderState {
                isr,
                follower_leo,
                ..LeaderState::default()
            })
        } else {
            let fetch = Message::FetchRequest {
                partition,
                fetch_offset: Offset(0),
            };
            out.send(NodeId::Broker(leader), fetch);
            Role::Follower { leader }
        };
        let replica = Replica {
            log: Log::default(),
            high_watermark: Offset(0),
            leader_epoch,
            role,
        };
        self.replicas.insert(partition, replica);
    }

    /// Handles a message from another node.
    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Outbox) {
        match message {
            Message::ProduceRequest {
                partition,
                record,
                acks,
            } => self.on_produce(from, partition, record, acks, out),
            Message::FetchRequest {
                partition,
                fetch_offset,
            } => {
                if let NodeId::Broker(follower) = from {
                    self.on_fetch(now, follower, partition, fetch_offset, out)
                }
            }
            Message::FetchResponse {
                partition,
                records,
                high_watermark,
            } => self.on_fetch_response(partition, &records, high_watermark, out),
            // Brokers send produce responses; they never receive one.
            Message::ProduceResponse { .. } => {}
        }
    }

    /// Handles one of this broker's timers.
    pub fn on_timer(&mut self, timer: Timer, out: &mut Outbox) {
        if let Timer::FetchWaitExpired {
            partition,
            follower,
            fetch,
        } = timer
        {
            self.on_fetch_wait_expired(partition, follower, fetch, out);
        }
    }

    fn on_produce(
        &mut self,
        producer: NodeId,
        partition: PartitionId,
        record: RecordId,
        acks: Acks,
        out: &mut Outbox,
    ) {
        let rules = self.rules;
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return respond(
                out,
                producer,
                partition,
                record,
                acks,
                Err(KafkaError::NotLeaderOrFollower),
            );
        };
        let Role::Leader(state) = &mut replica.role else {
            return respond(
                out,
                producer,
                partition,
                record,
                acks,
                Err(KafkaError::NotLeaderOrFollower),
            );
        };
        // ReplicaManager.appendRecordsToLeader: checked before anything is written.
        if acks == Acks::All && state.isr.len() < rules.min_insync_replicas {
            return respond(
                out,
                producer,
                partition,
                record,
                acks,
                Err(KafkaError::NotEnoughReplicas),
            );
        }
        let entry = replica.log.append(record, replica.leader_epoch);
        out.emit(EventKind::RecordAppended {
            partition,
            offset: entry.offset,
            record,
            leader_epoch: entry.leader_epoch,
        });
        match acks {
            Acks::None => {}
            Acks::Leader => respond(out, producer, partition, record, acks, Ok(entry.offset)),
            Acks::All => state.pending_acks.push(PendingAck {
                producer,
                record,
                offset: entry.offset,
            }),
        }
        replica.maybe_advance_high_watermark(self.id, partition, rules, out);
        replica.answer_parked_fetches(partition, out);
    }

    fn on_fetch(
        &mut self,
        now: SimTime,
        follower: BrokerId,
        partition: PartitionId,
        fetch_offset: Offset,
        out: &mut Outbox,
    ) {
        let rules = self.rules;
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        state.follower_leo.insert(follower, fetch_offset);
        replica.maybe_advance_high_watermark(self.id, partition, rules, out);
        if replica.log.log_end_offset() > fetch_offset {
            replica.answer_fetch(partition, follower, fetch_offset, out);
            return;
        }
        // Nothing new: hold the fetch in purgatory until data arrives or the wait expires.
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        let id = state.next_fetch_id;
        state.next_fetch_id += 1;
        state
            .parked_fetches
            .insert(follower, ParkedFetch { id, fetch_offset });
        let at = now.plus_ms(rules.replica_fetch_wait_max_ms);
        out.set_timer(
            at,
            Timer::FetchWaitExpired {
                partition,
                follower,
                fetch: id,
            },
        );
    }

    fn on_fetch_wait_expired(
        &mut self,
        partition: PartitionId,
        follower: BrokerId,
        fetch: u64,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        match state.parked_fetches.get(&follower) {
            Some(parked) if parked.id == fetch => {
                let fetch_offset = parked.fetch_offset;
                state.parked_fetches.remove(&follower);
                replica.answer_fetch(partition, follower, fetch_offset, out);
            }
            _ => {}
        }
    }

    fn on_fetch_response(
        &mut self,
        partition: PartitionId,
        records: &[crate::message::LogRecord],
        leader_high_watermark: Offset,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Follower { leader } = replica.role else {
            return;
        };
        for entry in records {
            if replica.log.append_replicated(*entry) {
                out.emit(EventKind::RecordAppended {
                    partition,
                    offset: entry.offset,
                    record: entry.record,
                    leader_epoch: entry.leader_epoch,
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
        let fetch_offset = replica.log.log_end_offset();
        out.send(
            NodeId::Broker(leader),
            Message::FetchRequest {
                partition,
                fetch_offset,
            },
        );
    }
}

impl Replica {
    /// `Partition.maybeIncrementLeaderHW`: the HW becomes the smallest LEO in the ISR.
    fn maybe_advance_high_watermark(
        &mut self,
        me: BrokerId,
        partition: PartitionId,
        rules: BrokerRules,
        out: &mut Outbox,
    ) {
        let Role::Leader(state) = &mut self.role else {
            return;
        };
        let under_min_isr = state.isr.len() < rules.min_insync_replicas;
        if under_min_isr && rules.high_watermark_frozen_below_min_isr {
            return;
        }
        let own_leo = self.log.log_end_offset();
        let candidate = state
            .isr
            .iter()
            .map(|b| {
                if *b == me {
                    own_leo
                } else {
                    state.follower_leo.get(b).copied().unwrap_or(Offset(0))
                }
            })
            .min()
            .unwrap_or(own_leo);
        if candidate <= self.high_watermark {
            return;
        }
        self.high_watermark = candidate;
        out.emit(EventKind::HighWatermarkUpdated {
            partition,
            high_watermark: candidate,
        });
        // DelayedProduce completes for every record now below the HW.
        let result_error = under_min_isr.then_some(KafkaError::NotEnoughReplicasAfterAppend);
        let (done, waiting): (Vec<PendingAck>, Vec<PendingAck>) = state
            .pending_acks
            .drain(..)
            .partition(|p| p.offset < candidate);
        state.pending_acks = waiting;
        for ack in done {
            let result = result_error.map_or(Ok(ack.offset), Err);
            respond(out, ack.producer, partition, ack.record, Acks::All, result);
        }
    }

    /// Completes every held fetch now that the log has grown.
    fn answer_parked_fetches(&mut self, partition: PartitionId, out: &mut Outbox) {
        let Role::Leader(state) = &mut self.role else {
            return;
        };
        let parked = std::mem::take(&mut state.parked_fetches);
        for (follower, fetch) in parked {
            self.answer_fetch(partition, follower, fetch.fetch_offset, out);
        }
    }

    fn answer_fetch(
        &self,
        partition: PartitionId,
        follower: BrokerId,
        fetch_offset: Offset,
        out: &mut Outbox,
    ) {
        let records = self.log.read_from(fetch_offset).to_vec();
        let high_watermark = self.high_watermark;
        out.send(
            NodeId::Broker(follower),
            Message::FetchResponse {
                partition,
                records,
                high_watermark,
            },
        );
    }
}

/// Sends a produce response, except for acks=0, which never gets one.
fn respond(
    out: &mut Outbox,
    producer: NodeId,
    partition: PartitionId,
    record: RecordId,
    acks: Acks,
    result: Result<Offset, KafkaError>,
) {
    if acks != Acks::None {
        out.send(
            producer,
            Message::ProduceResponse {
                partition,
                record,
                result,
            },
        );
    }
}
