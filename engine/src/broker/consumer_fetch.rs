//! A leader serving consumers: the Fetch API with `replica_id = -1` reads from the fetch
//! position up to the high watermark (never past it, so a consumer never sees a record the
//! ISR may still lose), resolves `auto.offset.reset` for a position it was not given, answers
//! OFFSET_OUT_OF_RANGE for a position past the log end (after a truncation), and holds an
//! empty fetch for `fetch.max.wait.ms` until the high watermark moves (long polling).
//!
//! A read_committed fetch reads only up to the last stable offset and carries the aborted
//! transactions in its range (`FetchIsolation.TXN_COMMITTED`); read_uncommitted reads up
//! to the high watermark.
//!
//! `earliest` is the log start offset, which retention moves; a position below it is
//! OFFSET_OUT_OF_RANGE, and the consumer resets by `auto.offset.reset`.
//!
//! Simplified: a fetch returns every record up to the HW (no `max.partition.fetch.bytes`
//! cap).

use super::Broker;
use super::replica::{ParkedConsumerFetch, Role};
use crate::consumer::protocol::GroupMessage;
use crate::consumer::spec::OffsetReset;
use crate::errors::KafkaError;
use crate::ids::{NodeId, Offset, PartitionId};
use crate::message::Message;
use crate::outbox::{Outbox, Timer};
use crate::time::SimTime;
use std::rc::Rc;

/// `fetch.max.wait.ms` (the consumer default).
const FETCH_MAX_WAIT_MS: u64 = 500;

/// One consumer fetch, as it arrived.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConsumerFetch {
    pub(crate) consumer: u32,
    pub(crate) partition: PartitionId,
    pub(crate) position: Option<Offset>,
    pub(crate) reset: OffsetReset,
    pub(crate) correlation: u64,
    pub(crate) read_committed: bool,
}

impl Broker {
    /// Answers a consumer's fetch now if there is anything to say, else parks it.
    pub(crate) fn on_consumer_fetch(
        &mut self,
        now: SimTime,
        fetch: ConsumerFetch,
        out: &mut Outbox,
    ) {
        let ConsumerFetch {
            consumer,
            partition,
            ..
        } = fetch;
        let to = NodeId::Consumer(consumer);
        let refuse = |out: &mut Outbox, error, position| {
            let answer = GroupMessage::FetchResponse {
                partition,
                position,
                records: Rc::from([]),
                high_watermark: Offset(0),
                leader_epoch: crate::ids::LeaderEpoch(0),
                aborted: Vec::new(),
                error: Some(error),
                correlation: fetch.correlation,
            };
            out.send(to, Message::Group(answer));
        };
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return refuse(out, KafkaError::NotLeaderOrFollower, Offset(0));
        };
        let Role::Leader(state) = &mut replica.role else {
            return refuse(out, KafkaError::NotLeaderOrFollower, Offset(0));
        };
        let hw = replica.high_watermark;
        let start = replica.log.log_start();
        let position = match (fetch.position, fetch.reset) {
            (Some(p), _) => p,
            (None, OffsetReset::Latest) => hw,
            (None, _) => start,
        };
        // Past the end (after a truncation), or before the start (retention deleted it).
        if position > replica.log.log_end_offset() || position < start {
            return refuse(out, KafkaError::OffsetOutOfRange, position);
        }
        let limit = if fetch.read_committed {
            replica.producers.last_stable_offset(hw)
        } else {
            hw
        };
        if position < limit {
            return answer(replica, consumer, partition, position, fetch, out);
        }
        let id = state.next_park_id;
        state.next_park_id += 1;
        state.parked_consumer_fetches.insert(
            consumer,
            ParkedConsumerFetch {
                id,
                position,
                correlation: fetch.correlation,
                read_committed: fetch.read_committed,
            },
        );
        out.set_timer(
            now.plus_ms(FETCH_MAX_WAIT_MS),
            Timer::ConsumerFetchWaitExpired {
                partition,
                consumer,
                fetch: id,
            },
        );
    }

    /// `fetch.max.wait.ms` passed: answer the held fetch, empty.
    pub(crate) fn on_consumer_fetch_wait_expired(
        &mut self,
        partition: PartitionId,
        consumer: u32,
        fetch: u64,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        match state.parked_consumer_fetches.get(&consumer).copied() {
            Some(parked) if parked.id == fetch => {
                state.parked_consumer_fetches.remove(&consumer);
                answer_parked(replica, consumer, partition, &parked, out);
            }
            _ => {}
        }
    }

    /// The high watermark moved: held consumer fetches below it are answered.
    pub(crate) fn answer_parked_consumer_fetches(
        &mut self,
        partition: PartitionId,
        out: &mut Outbox,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let hw = replica.high_watermark;
        let lso = replica.producers.last_stable_offset(hw);
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        let ready: Vec<(u32, ParkedConsumerFetch)> = state
            .parked_consumer_fetches
            .iter()
            .filter(|(_, p)| p.position < if p.read_committed { lso } else { hw })
            .map(|(c, p)| (*c, *p))
            .collect();
        for (consumer, parked) in ready {
            if let Role::Leader(state) = &mut replica.role {
                state.parked_consumer_fetches.remove(&consumer);
            }
            answer_parked(replica, consumer, partition, &parked, out);
        }
    }
}

fn answer_parked(
    replica: &super::Replica,
    consumer: u32,
    partition: PartitionId,
    parked: &ParkedConsumerFetch,
    out: &mut Outbox,
) {
    let fetch = ConsumerFetch {
        consumer,
        partition,
        position: Some(parked.position),
        reset: OffsetReset::None,
        correlation: parked.correlation,
        read_committed: parked.read_committed,
    };
    answer(replica, consumer, partition, parked.position, fetch, out);
}

fn answer(
    replica: &super::Replica,
    consumer: u32,
    partition: PartitionId,
    position: Offset,
    fetch: ConsumerFetch,
    out: &mut Outbox,
) {
    let hw = replica.high_watermark;
    let limit = if fetch.read_committed {
        replica.producers.last_stable_offset(hw)
    } else {
        hw
    };
    let records = replica
        .log
        .read_from(position)
        .take_while(|r| r.offset < limit)
        .copied()
        .collect();
    let aborted = if fetch.read_committed {
        replica.producers.aborted_in(position, limit)
    } else {
        Vec::new()
    };
    let answer = GroupMessage::FetchResponse {
        partition,
        position,
        records,
        high_watermark: hw,
        leader_epoch: replica.leader_epoch,
        aborted,
        error: None,
        correlation: fetch.correlation,
    };
    out.send(NodeId::Consumer(consumer), Message::Group(answer));
}
