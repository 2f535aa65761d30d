//! The producing application's pace (kafka-semantics.md §A.1): it calls `send()` every
//! `interval_ms`; a synchronous `send().get()` waits for each result, a `send()` on a full
//! `buffer.memory` blocks up to `max.block.ms` and then throws, and a transactional
//! application sends its transaction's records and commits when it is full.

use super::Producer;
use super::transaction::TxnClient;
use crate::acks::Acks;
use crate::errors::KafkaError;
use crate::ids::RecordId;
use crate::outbox::{Outbox, Timer};
use crate::scenario::SendStyle;
use crate::time::SimTime;

impl Producer {
    /// The application calls `send()` for its next record, and schedules the one after.
    pub(super) fn send(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) {
        if self.txn.is_some() {
            return self.send_in_transaction(now, record, out);
        }
        if self.send_style == SendStyle::Sync && self.rules.acks != Acks::None {
            // `send().get()`: the next send waits for this one's result.
            self.waiting = Some((record, now.plus_ms(self.interval_ms)));
            self.enqueue(now, record, out);
            return;
        }
        if !self.enqueue(now, record, out) {
            // `send()` blocks the application until there is room or max.block.ms passes.
            self.blocked = Some((record, now.plus_ms(self.interval_ms)));
            return;
        }
        self.schedule_after(now, record, now.plus_ms(self.interval_ms), out);
    }

    /// The application's next `send()` after one that blocked.
    pub(super) fn send_after_block(
        &mut self,
        now: SimTime,
        record: RecordId,
        due: SimTime,
        out: &mut Outbox,
    ) {
        if self.waiting.is_some() {
            return; // a synchronous send goes on when its result comes back
        }
        self.schedule_after(now, record, due, out);
    }

    /// `max.block.ms` passed with the buffer still full: `send()` throws a
    /// TimeoutException; the record was never sent.
    pub(super) fn give_up_blocked(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) {
        let Some((blocked, due)) = self.blocked else {
            return;
        };
        if blocked != record {
            return;
        }
        self.blocked = None;
        let partition = self.partition_of(record);
        self.callback_failed(now, record, partition, KafkaError::BufferFull, out);
        self.send_after_block(now, record, due, out);
    }

    /// `send()` inside a transaction; when the transaction is full the application commits,
    /// and its next send waits for the commit.
    pub(super) fn send_in_transaction(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) {
        if !self.txn.as_ref().is_some_and(TxnClient::may_send) {
            return;
        }
        if record.0 >= self.next_fresh {
            self.next_fresh = record.0 + 1;
        }
        self.enqueue(now, record, out);
        let last = self.next_fresh >= self.records;
        let Some(txn) = &mut self.txn else { return };
        if txn.on_send(record, last, out) {
            txn.maybe_end(now, out);
            return;
        }
        self.schedule_next_send(now.plus_ms(self.interval_ms), out);
    }

    /// The transactional application's next `send()`: a record of an aborted transaction
    /// it runs again, else its next new record.
    pub(super) fn schedule_next_send(&mut self, at: SimTime, out: &mut Outbox) {
        let fresh = (self.next_fresh < self.records).then_some(RecordId(self.next_fresh));
        let Some(txn) = &mut self.txn else { return };
        if let Some(record) = txn.next_record(fresh) {
            out.set_timer(at, Timer::ProducerSend { record });
        }
    }

    /// A synchronous send's result came back: the application goes on to its next send.
    pub(super) fn release(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) {
        let Some((waiting, due)) = self.waiting else {
            return;
        };
        if waiting != record {
            return;
        }
        self.waiting = None;
        self.schedule_after(now, record, due, out);
    }

    /// The application's `send()` of the record after `record`, at `due` (not before now).
    pub(super) fn schedule_after(
        &self,
        now: SimTime,
        record: RecordId,
        due: SimTime,
        out: &mut Outbox,
    ) {
        let next = record.0 + 1;
        if next < self.records {
            let timer = Timer::ProducerSend {
                record: RecordId(next),
            };
            out.set_timer(due.max(now), timer);
        }
    }
}
