//! The `Sender` thread (kafka-semantics.md §A.1, §B.4, §B.7): drains the batches that are
//! ready (`linger.ms` passed or `batch.size` reached, or everything when flushing) to each
//! partition's leader, within `max.in.flight.requests.per.connection` and the idempotent
//! producer's one-batch-while-retrying rule, stamping sequence numbers.

use super::accumulator::Batch;
use super::transaction::TxnClient;
use super::{InFlight, Producer};
use crate::acks::Acks;
use crate::ids::{BrokerId, NodeId, PartitionId};
use crate::message::{BatchSequence, Message, ProduceRequest};
use crate::outbox::{Outbox, Timer};
use crate::time::SimTime;
use crate::trace::EventKind;

impl Producer {
    /// The sender loop: sends every batch that may go now, and wakes up when the next
    /// lingering one becomes sendable.
    pub(super) fn drain(&mut self, now: SimTime, out: &mut Outbox) {
        let mut partitions = std::mem::take(&mut self.scratch);
        partitions.clear();
        self.accumulator.partitions_with_batches(&mut partitions);
        let flushing =
            self.blocked.is_some() || self.txn.as_ref().is_some_and(TxnClient::is_completing);
        for &partition in &partitions {
            while let Some(due) = self.accumulator.sendable_at(partition, flushing) {
                if due > now {
                    if self.wake_at.is_none_or(|w| w > due || w < now) {
                        self.wake_at = Some(due);
                        out.set_timer(due, Timer::ProducerWake);
                    }
                    break;
                }
                let Some(leader) = self.leaders.get(&partition).copied().flatten() else {
                    self.refresh_metadata(now, out);
                    break;
                };
                if let Some(txn) = &mut self.txn
                    && !txn.partition_ready(now, partition, out)
                {
                    break;
                }
                if !self.may_send(partition, leader) {
                    break;
                }
                let Some(batch) = self.accumulator.pop_front(partition) else {
                    break;
                };
                self.transmit(now, batch, leader, out);
            }
        }
        self.scratch = partitions;
    }

    /// The in-flight limit per connection, the muted partition of `max.in.flight=1`, and
    /// the idempotent producer's rule of one outstanding batch while a retry is pending.
    pub(super) fn may_send(&self, partition: PartitionId, leader: BrokerId) -> bool {
        if self.in_flight.to_broker(leader) >= self.rules.max_in_flight {
            return false;
        }
        let serialize = self.rules.max_in_flight == 1
            || (self.rules.idempotent
                && self
                    .accumulator
                    .front(partition)
                    .is_some_and(|b| b.attempts > 0));
        !(serialize && self.in_flight.of_partition(partition) > 0)
    }

    pub(super) fn transmit(
        &mut self,
        now: SimTime,
        mut batch: Batch,
        leader: BrokerId,
        out: &mut Outbox,
    ) {
        if self.rules.idempotent && batch.sequence.is_none_or(|(e, _)| e != self.epoch) {
            let next = self.next_sequence.get_or_insert_with(batch.partition, || 0);
            batch.sequence = Some((self.epoch, *next));
            *next = next.wrapping_add(batch.len());
        }
        let request = ProduceRequest {
            partition: batch.partition,
            records: batch.records.as_slice().into(),
            acks: self.rules.acks,
            timeout_ms: self.rules.request_timeout_ms,
            batch_bytes: self.accumulator.bytes(batch.len()),
            producer: batch.sequence.map(|(epoch, sequence)| BatchSequence {
                producer_id: self.producer_id(),
                epoch,
                sequence,
            }),
            transactional: self.txn.is_some(),
            attempt: self.next_attempt.wrapping_add(1),
        };
        out.send(NodeId::Broker(leader), Message::ProduceRequest(request));
        if self.rules.acks == Acks::None {
            for &record in &batch.records {
                out.emit(EventKind::ProduceAcknowledged {
                    record,
                    partition: batch.partition,
                    offset: None,
                });
            }
            self.deallocate(now, &batch, out);
            return;
        }
        self.next_attempt = self.next_attempt.wrapping_add(1);
        let attempt = self.next_attempt;
        let first = batch.first();
        self.in_flight.insert(
            first,
            InFlight {
                batch,
                broker: leader,
                attempt,
            },
        );
        let at = now.plus_ms(self.rules.request_timeout_ms);
        out.set_timer(
            at,
            Timer::RequestTimeout {
                record: first,
                attempt,
            },
        );
    }
}
