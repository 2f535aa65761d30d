//! The leader's side of a partition: appends, serving follower fetches, the high watermark,
//! acks, and ISR shrink/expand.
//!
//! Rules (kafka-semantics.md §B.2–B.4; `Partition.scala`, `ReplicaManager`, `DelayedProduce`):
//! - acks=all fails with NOT_ENOUGH_REPLICAS *before* appending when the ISR is below
//!   `min.insync.replicas`; otherwise it waits until the HW passes the record
//!   (NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below min meanwhile), or until the
//!   request's timeout (REQUEST_TIMED_OUT). acks=1 answers after the leader's own append.
//! - The HW is the smallest LEO in the maximal ISR (committed ISR plus a pending addition,
//!   KIP-497); it only grows; from 3.7 it does not move while the ISR is below min.
//! - A follower is caught up if its LEO equals the leader's, or it was within
//!   `replica.lag.time.max.ms`; the `isr-expiration` task drops the others. A follower
//!   whose LEO reached the HW and the start of the current epoch is added back.
//! - Fetches carry the follower's leader epoch and are fenced on mismatch (KIP-320).

use super::delayed_produce::{answer_ack, await_high_watermark, respond};
use super::producer_state::SequenceCheck;
use super::replica::{FollowerProgress, LeaderState, ParkedFetch, PendingAck, Role, note_append};
use super::{ALTER_PARTITION_RETRY_MS, Broker};
use crate::acks::Acks;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, LeaderEpoch, NodeId, Offset, PartitionId, RecordId};
use crate::message::{BatchSequence, LogRecord, Message, PartitionState, ProduceRequest};
use crate::outbox::{Outbox, Timer};
use crate::shared_slice::SharedSlice;
use crate::time::SimTime;
use crate::trace::EventKind;

impl Broker {
    pub(super) fn become_leader(&mut self, now: SimTime, state: &PartitionState, out: &mut Outbox) {
        let partition = state.partition;
        let me = self.id;
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        replica.leader_epoch = state.leader_epoch;
        let leo = replica.log.log_end_offset();
        replica.epochs.assign(state.leader_epoch, leo);
        // `resetReplicaState`: ISR members count as caught up now, the others never were.
        let followers = self
            .assignment
            .get(&partition)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|b| **b != me)
            .map(|b| {
                let caught_up = if state.isr.contains(b) {
                    now
                } else {
                    SimTime::ZERO
                };
                (
                    *b,
                    FollowerProgress {
                        last_caught_up: caught_up,
                        ..FollowerProgress::default()
                    },
                )
            })
            .collect();
        let replica = self.replicas.get_mut(&partition).expect("checked above");
        replica.role = Role::Leader(LeaderState {
            isr: state.isr.clone(),
            followers,
            ..LeaderState::default()
        });
        out.emit(EventKind::BecameLeader {
            partition,
            leader_epoch: state.leader_epoch,
        });
        self.maybe_advance_high_watermark(partition, out);
    }

    /// The controller committed a new ISR for a partition this broker leads.
    pub(super) fn update_isr(
        &mut self,
        partition: PartitionId,
        isr: &[BrokerId],
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        state.isr = isr.to_vec();
        state.pending_isr = None;
        self.maybe_advance_high_watermark(partition, out);
    }

    /// Leaves the leader role: requests still waiting get NOT_LEADER_OR_FOLLOWER.
    pub(super) fn step_down(&mut self, partition: PartitionId, out: &mut Outbox) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = std::mem::take(&mut replica.role) else {
            return;
        };
        for ack in state.pending_acks {
            answer_ack(out, &ack, partition, Err(KafkaError::NotLeaderOrFollower));
        }
    }

    /// `ReplicaManager.appendRecordsToLeader`: validate, append the batch, and answer or wait.
    pub(super) fn on_produce(
        &mut self,
        now: SimTime,
        producer: NodeId,
        request: ProduceRequest,
        out: &mut Outbox,
    ) {
        let partition = request.partition;
        let acks = request.acks;
        let count = request.records.len() as u32;
        let refuse = |out: &mut Outbox, request: &ProduceRequest, error| {
            respond(out, producer, request, Err(error))
        };
        // KIP-890 part 1: a transaction's first write here waits for the coordinator.
        if let Some(id) = request.producer.filter(|_| request.transactional)
            && let Some(r) = self.replicas.get(&partition)
            && r.is_leader()
            && r.producers.check(id, count) == SequenceCheck::Append
        {
            let open_here = r.producers.has_open_transaction(id.producer_id);
            if self.needs_verification(producer, &request, open_here, out) {
                return;
            }
        }
        let min_isr = self.rules.min_insync_replicas;
        let max_bytes = self.rules.message_max_bytes;
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return refuse(out, &request, KafkaError::NotLeaderOrFollower);
        };
        let Role::Leader(state) = &mut replica.role else {
            return refuse(out, &request, KafkaError::NotLeaderOrFollower);
        };
        if request.batch_bytes > max_bytes {
            return refuse(out, &request, KafkaError::MessageTooLarge);
        }
        if acks == Acks::All && state.isr.len() < min_isr {
            return refuse(out, &request, KafkaError::NotEnoughReplicas);
        }
        let deadline = now.plus_ms(request.timeout_ms);
        if let Some(id) = request.producer {
            match replica.producers.check(id, count) {
                SequenceCheck::Append => {}
                // A retry of a batch already written: its original offset, nothing appended.
                // acks=all still waits in DelayedProduce until the HW passes it.
                SequenceCheck::Duplicate(base) => {
                    let last = Offset(base.0 + u64::from(count.max(1)) - 1);
                    if acks == Acks::All && last >= replica.high_watermark {
                        let ack = PendingAck::produce(producer, request, base, last);
                        return await_high_watermark(state, ack, partition, deadline, out);
                    }
                    return respond(out, producer, &request, Ok(base));
                }
                SequenceCheck::OutOfOrder => {
                    return refuse(out, &request, KafkaError::OutOfOrderSequenceNumber);
                }
                SequenceCheck::StaleEpoch => {
                    return refuse(out, &request, KafkaError::InvalidProducerEpoch);
                }
            }
        }
        let base = replica.log.log_end_offset();
        for (i, &record) in request.records.iter().enumerate() {
            let entry = replica.log.push(LogRecord {
                offset: Offset(0),
                record,
                leader_epoch: replica.leader_epoch,
                producer: request.producer.map(|id| BatchSequence {
                    sequence: id.sequence.wrapping_add(i as u32),
                    ..id
                }),
                transactional: request.transactional && request.producer.is_some(),
                control: None,
                continues_batch: i > 0,
            });
            replica.producers.on_append(&entry);
            out.emit(EventKind::RecordAppended {
                partition,
                offset: entry.offset,
                record,
                leader_epoch: entry.leader_epoch,
                transactional: entry.transactional,
                control: None,
                txn_producer: entry.txn_producer(),
            });
        }
        let last = Offset(replica.log.log_end_offset().0.saturating_sub(1));
        if let Some(id) = request.producer {
            replica.producers.touch(id.producer_id, now);
        }
        note_append(&mut replica.segments, base, now, self.rules.roll_ms);
        match acks {
            Acks::None => {}
            Acks::Leader => respond(out, producer, &request, Ok(base)),
            Acks::All => {
                let ack = PendingAck::produce(producer, request, base, last);
                await_high_watermark(state, ack, partition, deadline, out);
            }
        }
        self.maybe_flush(partition, out);
        self.maybe_advance_high_watermark(partition, out);
        self.answer_parked_fetches(partition, out);
    }

    pub(super) fn on_produce_timeout(
        &mut self,
        partition: PartitionId,
        record: RecordId,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        if let Some(i) = state.pending_acks.iter().position(|a| a.record() == record) {
            let ack = state.pending_acks.remove(i);
            answer_ack(out, &ack, partition, Err(KafkaError::RequestTimedOut));
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_fetch(
        &mut self,
        now: SimTime,
        follower: BrokerId,
        partition: PartitionId,
        fetch_offset: Offset,
        epoch: LeaderEpoch,
        correlation: u64,
        out: &mut Outbox,
    ) {
        let to = NodeId::Broker(follower);
        let refuse = |out: &mut Outbox, error| {
            let records = SharedSlice::Empty;
            let error = Some(error);
            out.send(
                to,
                Message::FetchResponse {
                    partition,
                    records,
                    high_watermark: Offset(0),
                    error,
                    correlation,
                },
            );
        };
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return refuse(out, KafkaError::NotLeaderOrFollower);
        };
        if let Some(error) = fence(replica.leader_epoch, epoch) {
            return refuse(out, error);
        }
        let leo = replica.log.log_end_offset();
        let Role::Leader(state) = &mut replica.role else {
            return refuse(out, KafkaError::NotLeaderOrFollower);
        };
        let p = state.followers.entry(follower).or_default();
        // `Replica.updateFetchStateOrThrow`: when was this follower last caught up?
        if fetch_offset >= leo {
            p.last_caught_up = p.last_caught_up.max(now);
        } else if fetch_offset >= p.last_fetch_leader_leo {
            p.last_caught_up = p.last_caught_up.max(p.last_fetch);
        }
        p.last_fetch_leader_leo = leo;
        p.last_fetch = now;
        p.log_end_offset = fetch_offset;
        self.maybe_expand_isr(now, partition, follower, out);
        self.maybe_advance_high_watermark(partition, out);
        let replica = self.replicas.get_mut(&partition).expect("checked above");
        if replica.log.log_end_offset() > fetch_offset {
            answer_fetch(replica, partition, follower, fetch_offset, correlation, out);
            return;
        }
        // Nothing new: hold the fetch until data arrives or the wait expires.
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        let id = state.next_park_id;
        state.next_park_id += 1;
        state.parked_fetches.insert(
            follower,
            ParkedFetch {
                id,
                fetch_offset,
                correlation,
            },
        );
        let at = now.plus_ms(self.rules.replica_fetch_wait_max_ms);
        out.set_timer(
            at,
            Timer::FetchWaitExpired {
                partition,
                follower,
                fetch: id,
            },
        );
    }

    pub(super) fn on_fetch_wait_expired(
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
        match state.parked_fetches.get(&follower).copied() {
            Some(parked) if parked.id == fetch => {
                state.parked_fetches.remove(&follower);
                answer_fetch(
                    replica,
                    partition,
                    follower,
                    parked.fetch_offset,
                    parked.correlation,
                    out,
                );
            }
            _ => {}
        }
    }

    /// Completes every held fetch now that the log has grown.
    pub(super) fn answer_parked_fetches(&mut self, partition: PartitionId, out: &mut Outbox) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        let parked = std::mem::take(&mut state.parked_fetches);
        for (follower, fetch) in parked {
            answer_fetch(
                replica,
                partition,
                follower,
                fetch.fetch_offset,
                fetch.correlation,
                out,
            );
        }
    }

    pub(super) fn on_offsets_for_leader_epoch(
        &mut self,
        from: NodeId,
        partition: PartitionId,
        requested: LeaderEpoch,
        current: LeaderEpoch,
        out: &mut Outbox,
    ) {
        let result = match self.replicas.get(&partition) {
            Some(r) if r.is_leader() => match fence(r.leader_epoch, current) {
                Some(error) => Err(error),
                // [inf] No epoch at or below the one asked: nothing of the follower's log is
                // in the leader's, so it truncates to the start.
                None => Ok(r
                    .epochs
                    .end_offset_for(requested, r.log.log_end_offset())
                    .unwrap_or((requested, Offset(0)))),
            },
            _ => Err(KafkaError::NotLeaderOrFollower),
        };
        out.send(
            from,
            Message::OffsetsForLeaderEpochResponse { partition, result },
        );
    }

    /// Adds a follower back to the ISR once it has caught up (`isFollowerInSync`).
    fn maybe_expand_isr(
        &mut self,
        now: SimTime,
        partition: PartitionId,
        follower: BrokerId,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let epoch_start = replica.epochs.latest_start().unwrap_or(Offset(0));
        let hw = replica.high_watermark;
        let leader_epoch = replica.leader_epoch;
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        if state.isr.contains(&follower) || state.pending_isr.is_some() {
            return;
        }
        let leo = state
            .followers
            .get(&follower)
            .map_or(Offset(0), |p| p.log_end_offset);
        if leo >= hw && leo >= epoch_start {
            let mut isr = state.isr.clone();
            isr.push(follower);
            crate::sort::by_key(&mut isr, |b| u64::from(b.0));
            state.pending_isr = Some((isr.clone(), now));
            out.send(
                NodeId::Controller,
                Message::AlterPartition {
                    partition,
                    leader_epoch,
                    isr,
                },
            );
        }
    }

    /// The `isr-expiration` task: drop followers that fell behind for too long.
    pub(super) fn expire_isr(&mut self, now: SimTime, out: &mut Outbox) {
        let me = self.id;
        let lag_us = self.rules.replica_lag_time_max_ms.saturating_mul(1_000);
        for (partition, replica) in self.replicas.iter_mut() {
            let leo = replica.log.log_end_offset();
            let leader_epoch = replica.leader_epoch;
            let Role::Leader(state) = &mut replica.role else {
                continue;
            };
            if let Some((isr, sent)) = &state.pending_isr {
                if now.as_us().saturating_sub(sent.as_us()) >= ALTER_PARTITION_RETRY_MS * 1_000 {
                    let isr = isr.clone();
                    state.pending_isr = Some((isr.clone(), now));
                    out.send(
                        NodeId::Controller,
                        Message::AlterPartition {
                            partition: *partition,
                            leader_epoch,
                            isr,
                        },
                    );
                }
                continue;
            }
            let caught_up = |b: &BrokerId| {
                state.followers.get(b).is_some_and(|p| {
                    p.log_end_offset == leo
                        || now.as_us().saturating_sub(p.last_caught_up.as_us()) <= lag_us
                })
            };
            let keep: Vec<BrokerId> = state
                .isr
                .iter()
                .filter(|b| **b == me || caught_up(b))
                .copied()
                .collect();
            if keep.len() < state.isr.len() {
                state.pending_isr = Some((keep.clone(), now));
                let message = Message::AlterPartition {
                    partition: *partition,
                    leader_epoch,
                    isr: keep,
                };
                out.send(NodeId::Controller, message);
            }
        }
    }

    /// `Partition.maybeIncrementLeaderHW`, then completes the acks=all requests it allows.
    pub(super) fn maybe_advance_high_watermark(
        &mut self,
        partition: PartitionId,
        out: &mut Outbox,
    ) {
        let me = self.id;
        let rules = self.rules;
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let own_leo = replica.log.log_end_offset();
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        let under_min_isr = state.isr.len() < rules.min_insync_replicas;
        if under_min_isr && rules.high_watermark_frozen_below_min_isr {
            return;
        }
        let pending = state
            .pending_isr
            .as_ref()
            .map(|(isr, _)| isr.as_slice())
            .unwrap_or(&[]);
        let maximal = state.isr.iter().chain(pending.iter());
        let leo_of = |b: &BrokerId| {
            if *b == me {
                own_leo
            } else {
                state
                    .followers
                    .get(b)
                    .map_or(Offset(0), |p| p.log_end_offset)
            }
        };
        let candidate = maximal.map(leo_of).min().unwrap_or(own_leo).min(own_leo);
        if candidate <= replica.high_watermark {
            return;
        }
        replica.high_watermark = candidate;
        let consumers_waiting = !state.parked_consumer_fetches.is_empty();
        out.emit(EventKind::HighWatermarkUpdated {
            partition,
            high_watermark: candidate,
        });
        let error = under_min_isr.then_some(KafkaError::NotEnoughReplicasAfterAppend);
        state.pending_acks.retain(|ack| {
            let done = ack.offset < candidate;
            if done {
                answer_ack(out, ack, partition, error.map_or(Ok(ack.base), Err));
            }
            !done
        });
        if consumers_waiting {
            self.answer_parked_consumer_fetches(partition, out);
        }
    }
}

/// KIP-320: a request from an older epoch is fenced; one from a newer epoch is early.
pub(super) fn fence(mine: LeaderEpoch, theirs: LeaderEpoch) -> Option<KafkaError> {
    match theirs.cmp(&mine) {
        std::cmp::Ordering::Less => Some(KafkaError::FencedLeaderEpoch),
        std::cmp::Ordering::Greater => Some(KafkaError::UnknownLeaderEpoch),
        std::cmp::Ordering::Equal => None,
    }
}

fn answer_fetch(
    replica: &super::Replica,
    partition: PartitionId,
    follower: BrokerId,
    fetch_offset: Offset,
    correlation: u64,
    out: &mut Outbox,
) {
    let records = replica.log.copy_from(fetch_offset);
    let high_watermark = replica.high_watermark;
    let response = Message::FetchResponse {
        partition,
        records,
        high_watermark,
        error: None,
        correlation,
    };
    out.send(NodeId::Broker(follower), response);
}
