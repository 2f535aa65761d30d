//! What the sender does with a produce request's outcome (kafka-semantics.md §B.4, §B.7):
//! an acknowledgement completes the batch; MESSAGE_TOO_LARGE splits it; a retriable error,
//! a request timeout or a closed connection retries it after the backoff while `retries`
//! and `delivery.timeout.ms` allow; otherwise the callback gets the error, and the
//! idempotent producer bumps its epoch over unresolved sequences.

use super::accumulator::Batch;
use super::{InFlight, Producer};
use crate::errors::KafkaError;
use crate::ids::{PartitionId, RecordId};
use crate::outbox::{Outbox, Timer};
use crate::scenario::FailurePolicy;
use crate::time::SimTime;
use crate::trace::EventKind;

impl Producer {
    /// The batch named by `first` was written at `base`: every record's callback succeeds.
    pub(super) fn acknowledged(
        &mut self,
        now: SimTime,
        first: RecordId,
        base: crate::ids::Offset,
        out: &mut Outbox,
    ) {
        let Some(InFlight { batch, .. }) = self.in_flight.remove(&first) else {
            return;
        };
        let partition = batch.partition;
        if let Some((epoch, sequence)) = batch.sequence {
            let seq = (epoch, sequence.wrapping_add(batch.len() - 1));
            let last = self.last_acked.get_or_insert_with(partition, || seq);
            *last = (*last).max(seq);
        }
        for (i, &record) in batch.records.iter().enumerate() {
            out.emit(EventKind::ProduceAcknowledged {
                record,
                partition,
                offset: Some(crate::ids::Offset(base.0 + i as u64)),
            });
            self.release(now, record, out);
            if let Some(txn) = &mut self.txn {
                txn.resolved(record, None);
            }
        }
        self.deallocate(now, &batch, out);
    }

    /// The batch was refused as too large for the broker: split and sent again, no retry
    /// used (`Sender.completeBatch`, `RecordAccumulator.splitAndReenqueue`).
    pub(super) fn split(&mut self, now: SimTime, batch: Batch, out: &mut Outbox) {
        let (partition, created) = (batch.partition, batch.created);
        let (record, records) = (batch.first(), batch.len());
        let parts = self.accumulator.split(batch);
        out.emit(EventKind::BatchSplit {
            record,
            partition,
            records,
            into: parts.len() as u32,
        });
        for mut part in parts.into_iter().rev() {
            if part.first() != record {
                self.set_delivery_timeout(now, created, part.first(), out);
            }
            part.not_before = now;
            self.accumulator.reenqueue(part, self.rules.idempotent);
        }
    }

    /// An attempt failed: retry it if the error, `retries` and `delivery.timeout.ms` allow.
    pub(super) fn failed_attempt(
        &mut self,
        now: SimTime,
        record: RecordId,
        error: KafkaError,
        out: &mut Outbox,
    ) {
        let Some(InFlight { mut batch, .. }) = self.in_flight.remove(&record) else {
            return;
        };
        if error == KafkaError::MessageTooLarge && batch.len() > 1 {
            return self.split(now, batch, out);
        }
        // The idempotent producer retries a sequence gap, and a batch from an epoch it has
        // since bumped (the retry takes a sequence under the new epoch).
        let retriable = error.is_retriable()
            || (self.rules.idempotent
                && self.txn.is_none()
                && matches!(
                    error,
                    KafkaError::OutOfOrderSequenceNumber | KafkaError::InvalidProducerEpoch
                ));
        let deadline = batch.created.plus_ms(self.rules.delivery_timeout_ms);
        if !retriable || batch.attempts >= self.rules.retries || now >= deadline {
            if batch.sequence.is_some() {
                self.bump_epoch(out);
            }
            return self.fail_batch(now, batch, error, out);
        }
        // An OUT_OF_ORDER_SEQUENCE_NUMBER for the batch right after the last acknowledged
        // one is a real gap (the broker lost the producer's earlier batches, say in an
        // unclean election): the idempotent producer bumps its epoch and the batch goes again
        // from sequence 0 (`TransactionManager.canRetry`, KIP-360). Any other batch is
        // retried as it is: an earlier one failed, or it is an old duplicate.
        if error == KafkaError::OutOfOrderSequenceNumber
            && self.rules.idempotent
            && self.txn.is_none()
            && batch.sequence.is_some_and(|(epoch, seq)| {
                epoch == self.epoch
                    && self
                        .last_acked
                        .get(&batch.partition)
                        .is_some_and(|(e, s)| *e == epoch && s.wrapping_add(1) == seq)
            })
        {
            self.bump_epoch(out);
        }
        batch.attempts += 1;
        let backoff_us = self.backoff_us(batch.attempts);
        batch.not_before = now.plus_us(backoff_us);
        for &record in &batch.records {
            out.emit(EventKind::ProduceRetried {
                record,
                partition: batch.partition,
                error,
                attempt: batch.attempts,
            });
        }
        self.accumulator.reenqueue(batch, self.rules.idempotent);
        if matches!(
            error,
            KafkaError::NotLeaderOrFollower
                | KafkaError::LeaderNotAvailable
                | KafkaError::NetworkException
                | KafkaError::RequestTimedOut
        ) {
            self.refresh_metadata(now, out);
        }
    }

    /// `retry.backoff.ms`, doubled per attempt up to `retry.backoff.max.ms` with ±20 %
    /// jitter (KIP-580, 3.7+); constant before.
    pub(super) fn backoff_us(&mut self, attempts: u32) -> u64 {
        let base = self.rules.backoff_ms.saturating_mul(1_000);
        if !self.rules.exponential_backoff {
            return base;
        }
        let doubled = base.saturating_mul(1u64 << attempts.saturating_sub(1).min(20));
        let capped = doubled.min(self.rules.backoff_max_ms.saturating_mul(1_000));
        capped * self.rng.between(800, 1_200) / 1_000
    }

    /// `delivery.timeout.ms` passed since the batch holding `record` was created: fail it,
    /// wherever it is.
    pub(super) fn expire(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) {
        let Some((partition, _)) = self.sent_record(record) else {
            return;
        };
        let batch = match self.in_flight.batch_of(record) {
            Some(first) => self.in_flight.remove(&first).map(|f| f.batch),
            None => self.accumulator.take_batch_with(partition, record),
        };
        let Some(batch) = batch else {
            return;
        };
        if batch.sequence.is_some() {
            self.bump_epoch(out);
        }
        self.fail_batch(now, batch, KafkaError::DeliveryTimeout, out);
    }

    /// The batch failed for good: every record's callback gets the error, then its memory
    /// goes back to the pool.
    pub(super) fn fail_batch(
        &mut self,
        now: SimTime,
        batch: Batch,
        error: KafkaError,
        out: &mut Outbox,
    ) {
        for &record in &batch.records {
            self.callback_failed(now, record, batch.partition, error, out);
        }
        self.deallocate(now, &batch, out);
    }

    /// A batch failed for good with its sequence unresolved: the broker may or may not have
    /// it, so later sequences could never line up. The idempotent producer bumps its epoch
    /// and restarts every partition's sequence at 0 (`TransactionManager`, B.7); batches not
    /// yet acknowledged take new sequences (and so lose their duplicate protection).
    pub(super) fn bump_epoch(&mut self, out: &mut Outbox) {
        if !self.rules.idempotent || self.txn.is_some() {
            return;
        }
        self.epoch = self.epoch.wrapping_add(1);
        self.next_sequence.clear();
        out.emit(EventKind::ProducerEpochBumped { epoch: self.epoch });
    }

    /// The send callback reports an error; the application applies its failure policy.
    pub(super) fn callback_failed(
        &mut self,
        now: SimTime,
        record: RecordId,
        partition: PartitionId,
        error: KafkaError,
        out: &mut Outbox,
    ) {
        out.emit(EventKind::ProduceFailed {
            record,
            partition,
            error,
        });
        self.release(now, record, out);
        if let Some(txn) = &mut self.txn {
            // In a transaction the error is abortable: the application aborts and runs the
            // transaction again rather than resending the record on its own.
            txn.resolved(record, Some(error));
            return;
        }
        let sends = self.sends_of(record).max(1);
        let again_at = match self.on_failure {
            FailurePolicy::Ignore => return,
            FailurePolicy::Resend => now,
            FailurePolicy::FailureTable => now.plus_ms(FailurePolicy::REPLAY_AFTER_MS),
        };
        if sends <= FailurePolicy::MAX_RESENDS {
            out.set_timer(again_at, Timer::ApplicationResend { record });
        }
    }
}
