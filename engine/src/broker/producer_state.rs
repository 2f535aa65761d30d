//! The broker's idempotent-producer state for one partition (`ProducerStateEntry`,
//! `ProducerAppendInfo`; kafka-semantics.md §B.7).
//!
//! Per producer id, the last five batches' first and last sequence and first offset. A batch
//! with the same first and last sequence as one of them is a retry of something already
//! written: it is answered with the original base offset and not appended again (with
//! acks=all only once the high watermark passes it, like any other write). A batch whose
//! first sequence follows the last batch's last one is appended; any other is
//! OUT_OF_ORDER_SEQUENCE_NUMBER. With no state for the producer any sequence is accepted.
//! The table is rebuilt from the log, as a broker rebuilds it from its snapshot and log
//! after truncation or on becoming leader.
//!
//! Transactions (§B.10, `ProducerStateManager`, the transaction index): per producer id the
//! first offset of its open transaction, which holds back the last stable offset, and the
//! aborted transactions with where their ABORT marker landed, which a read_committed fetch
//! is told about so the consumer can skip their records.

use crate::ids::Offset;
use crate::message::{BatchSequence, ControlMarker, LogRecord};
use crate::sorted_map::SortedMap;
use crate::time::SimTime;
use std::collections::VecDeque;

/// Batches retained per producer (`NUM_BATCHES_TO_RETAIN`).
pub const BATCHES_TO_RETAIN: usize = 5;

/// What the broker does with an idempotent batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SequenceCheck {
    /// Append it.
    Append,
    /// Already written at this offset: answer success, append nothing.
    Duplicate(Offset),
    /// A gap, or an old batch outside the window.
    OutOfOrder,
    /// An older producer epoch than the partition has seen.
    StaleEpoch,
}

/// An aborted transaction in this partition (an entry of the transaction index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbortedTxn {
    /// Its producer.
    pub producer_id: u64,
    /// Its first record here.
    pub first: Offset,
    /// Where its ABORT marker landed.
    pub marker: Offset,
}

/// A batch the producer state remembers (`BatchMetadata`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BatchMetadata {
    first_sequence: u32,
    last_sequence: u32,
    first_offset: Offset,
}

/// What one partition knows of one producer id. Each part lives and dies on its own
/// schedule (a rebuild from the log forgets all but `last_seen`; expiry keeps an open
/// transaction), so each is optional.
#[derive(Clone, Debug, Default)]
struct ProducerEntry {
    /// Its epoch and last batches, oldest first.
    batches: Option<(u16, VecDeque<BatchMetadata>)>,
    /// The first offset of its open transaction, and the epoch that transaction's records
    /// carry.
    open: Option<(Offset, u16)>,
    /// The epoch and kind of its last marker here.
    last_marker: Option<(u16, ControlMarker)>,
    /// When this replica last appended a batch of it (the expiry clock).
    last_seen: Option<SimTime>,
}

/// Producer id → what this partition knows of it; and the transactions aborted here.
#[derive(Clone, Debug, Default)]
pub struct ProducerStates {
    /// By producer id (a partition sees a handful of producers).
    producers: SortedMap<u64, ProducerEntry>,
    aborted: Vec<AbortedTxn>,
}

impl ProducerStates {
    fn entry(&self, producer_id: u64) -> Option<&ProducerEntry> {
        self.producers.get(producer_id)
    }

    fn open(&self, producer_id: u64) -> Option<(Offset, u16)> {
        self.entry(producer_id).and_then(|e| e.open)
    }

    /// Decides what to do with an idempotent batch of `records` records whose base sequence
    /// is `id.sequence`. A new epoch must start at sequence 0 (the producer bumped it after
    /// unresolved sequences).
    pub fn check(&self, id: BatchSequence, records: u32) -> SequenceCheck {
        let Some((epoch, batches)) = self.entry(id.producer_id).and_then(|e| e.batches.as_ref())
        else {
            return SequenceCheck::Append;
        };
        if id.epoch < *epoch {
            return SequenceCheck::StaleEpoch;
        }
        if id.epoch > *epoch {
            return if id.sequence == 0 {
                SequenceCheck::Append
            } else {
                SequenceCheck::OutOfOrder
            };
        }
        let last_sequence = id.sequence.wrapping_add(records.max(1) - 1);
        if let Some(b) = batches
            .iter()
            .find(|b| b.first_sequence == id.sequence && b.last_sequence == last_sequence)
        {
            return SequenceCheck::Duplicate(b.first_offset);
        }
        match batches.back() {
            Some(b) if id.sequence == b.last_sequence.wrapping_add(1) => SequenceCheck::Append,
            Some(_) => SequenceCheck::OutOfOrder,
            None => SequenceCheck::Append,
        }
    }

    /// Records an appended batch or marker.
    pub fn on_append(&mut self, entry: &LogRecord) {
        let Some(id) = entry.producer else { return };
        let producer = self
            .producers
            .get_or_insert_with(id.producer_id, ProducerEntry::default);
        if let Some(marker) = entry.control {
            producer.last_marker = Some((id.epoch, marker));
            if let Some((first, _)) = producer.open.take()
                && marker == ControlMarker::Abort
            {
                self.aborted.push(AbortedTxn {
                    producer_id: id.producer_id,
                    first,
                    marker: entry.offset,
                });
            }
            // A marker written with a bumped epoch (a fenced or timed-out transaction)
            // makes the old epoch stale here.
            let (epoch, batches) = producer
                .batches
                .get_or_insert_with(|| (id.epoch, VecDeque::new()));
            if id.epoch > *epoch {
                *epoch = id.epoch;
                batches.clear();
            }
            return;
        }
        if entry.transactional {
            let first = producer.open.map_or(entry.offset, |(first, _)| first);
            producer.open = Some((first, id.epoch));
        }
        let (epoch, batches) = producer
            .batches
            .get_or_insert_with(|| (id.epoch, VecDeque::new()));
        if id.epoch != *epoch {
            *epoch = id.epoch;
            batches.clear();
        }
        if entry.continues_batch
            && let Some(last) = batches.back_mut()
        {
            last.last_sequence = id.sequence;
            return;
        }
        batches.push_back(BatchMetadata {
            first_sequence: id.sequence,
            last_sequence: id.sequence,
            first_offset: entry.offset,
        });
        if batches.len() > BATCHES_TO_RETAIN {
            batches.pop_front();
        }
    }

    /// A batch of `producer_id` was appended at `now`.
    pub fn touch(&mut self, producer_id: u64, now: SimTime) {
        self.producers
            .get_or_insert_with(producer_id, ProducerEntry::default)
            .last_seen = Some(now);
    }

    /// `producer.id.expiration.ms`: forgets producers idle that long (never one with a
    /// transaction open here). Returns the ids forgotten.
    pub fn expire(&mut self, now: SimTime, expiration_ms: u64) -> Vec<u64> {
        let mut idle = Vec::new();
        for (id, producer) in self.producers.iter_mut() {
            if producer.open.is_none()
                && producer
                    .last_seen
                    .is_some_and(|seen| seen.plus_ms(expiration_ms) <= now)
            {
                producer.last_seen = None;
                producer.batches = None;
                producer.last_marker = None;
                idle.push(id);
            }
        }
        idle
    }

    /// Whether a marker written with `epoch` may end `producer_id`'s open transaction here.
    /// With transaction.version 2 every transaction ends with a bumped epoch, so a marker
    /// must carry a newer epoch than the transaction's records: a late marker of an
    /// earlier transaction cannot end the current one (KIP-890 part 2). Before, any marker
    /// of the current epoch does, which is how a delayed marker could abort or commit the
    /// wrong transaction (C33).
    pub fn marker_applies(&self, producer_id: u64, epoch: u16, strict: bool) -> bool {
        match self.open(producer_id) {
            Some((_, open)) if strict => epoch > open,
            Some((_, open)) => epoch >= open,
            None => true,
        }
    }

    /// Whether `producer_id` has a transaction open in this partition.
    pub fn has_open_transaction(&self, producer_id: u64) -> bool {
        self.open(producer_id).is_some()
    }

    /// Whether this exact marker (producer, epoch, kind) is the producer's last one here
    /// with no transaction open since: a resent WriteTxnMarkers.
    pub fn has_marker(&self, producer_id: u64, epoch: u16, marker: ControlMarker) -> bool {
        self.entry(producer_id)
            .is_some_and(|e| e.open.is_none() && e.last_marker == Some((epoch, marker)))
    }

    /// The last stable offset: the high watermark, held back by the first record of the
    /// earliest open transaction (`UnifiedLog.lastStableOffset`).
    pub fn last_stable_offset(&self, high_watermark: Offset) -> Offset {
        self.producers
            .values()
            .filter_map(|e| e.open.map(|(first, _)| first))
            .min()
            .map_or(high_watermark, |first| first.min(high_watermark))
    }

    /// The aborted transactions that overlap `[from, to)`, for a read_committed fetch.
    pub fn aborted_in(&self, from: Offset, to: Offset) -> Vec<(u64, Offset)> {
        self.aborted
            .iter()
            .filter(|a| a.marker >= from && a.first < to)
            .map(|a| (a.producer_id, a.first))
            .collect()
    }

    /// Rebuilds the table from a log (after truncation); the expiry clock is kept.
    pub fn rebuild<'a>(&mut self, log: impl IntoIterator<Item = &'a LogRecord>) {
        for (_, producer) in self.producers.iter_mut() {
            producer.batches = None;
            producer.open = None;
            producer.last_marker = None;
        }
        self.aborted.clear();
        for entry in log {
            self.on_append(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{LeaderEpoch, RecordId};

    fn entry(offset: u64, sequence: u32) -> LogRecord {
        LogRecord {
            offset: Offset(offset),
            record: RecordId(sequence),
            leader_epoch: LeaderEpoch(0),
            producer: Some(BatchSequence {
                producer_id: 7,
                epoch: 0,
                sequence,
            }),
            transactional: false,
            control: None,
            continues_batch: false,
        }
    }

    fn id(producer_id: u64, epoch: u16, sequence: u32) -> BatchSequence {
        BatchSequence {
            producer_id,
            epoch,
            sequence,
        }
    }

    #[test]
    fn a_retry_inside_the_window_gets_its_original_offset() {
        let mut s = ProducerStates::default();
        for i in 0..3 {
            s.on_append(&entry(i, i as u32));
        }
        assert_eq!(s.check(id(7, 0, 1), 1), SequenceCheck::Duplicate(Offset(1)));
        assert_eq!(s.check(id(7, 0, 3), 1), SequenceCheck::Append);
        assert_eq!(s.check(id(7, 0, 5), 1), SequenceCheck::OutOfOrder);
        assert_eq!(
            s.check(id(8, 0, 42), 1),
            SequenceCheck::Append,
            "no state: any sequence"
        );
    }

    #[test]
    fn only_five_batches_are_remembered() {
        let mut s = ProducerStates::default();
        for i in 0..7 {
            s.on_append(&entry(i, i as u32));
        }
        assert_eq!(
            s.check(id(7, 0, 1), 1),
            SequenceCheck::OutOfOrder,
            "fell out of the window"
        );
        assert_eq!(s.check(id(7, 0, 2), 1), SequenceCheck::Duplicate(Offset(2)));
    }

    #[test]
    fn a_batch_is_one_entry_and_only_its_exact_retry_is_a_duplicate() {
        let mut s = ProducerStates::default();
        s.on_append(&entry(0, 0));
        for (offset, sequence) in [(1, 1), (2, 2), (3, 3)] {
            s.on_append(&LogRecord {
                continues_batch: offset > 1,
                ..entry(offset, sequence)
            });
        }
        assert_eq!(s.check(id(7, 0, 1), 3), SequenceCheck::Duplicate(Offset(1)));
        assert_eq!(s.check(id(7, 0, 1), 1), SequenceCheck::OutOfOrder);
        assert_eq!(s.check(id(7, 0, 2), 1), SequenceCheck::OutOfOrder);
        assert_eq!(s.check(id(7, 0, 4), 2), SequenceCheck::Append);
    }

    fn transactional(offset: u64, producer_id: u64) -> LogRecord {
        LogRecord {
            producer: Some(id(producer_id, 0, offset as u32)),
            transactional: true,
            ..entry(offset, offset as u32)
        }
    }

    fn marker(offset: u64, producer_id: u64, marker: ControlMarker) -> LogRecord {
        LogRecord {
            record: RecordId::CONTROL,
            producer: Some(id(producer_id, 0, 0)),
            control: Some(marker),
            ..entry(offset, 0)
        }
    }

    #[test]
    fn an_open_transaction_holds_back_the_last_stable_offset() {
        let mut s = ProducerStates::default();
        s.on_append(&entry(0, 0));
        s.on_append(&transactional(1, 9));
        s.on_append(&transactional(2, 9));
        assert_eq!(s.last_stable_offset(Offset(3)), Offset(1));
        s.on_append(&marker(3, 9, ControlMarker::Commit));
        assert_eq!(s.last_stable_offset(Offset(4)), Offset(4));
        assert!(s.aborted_in(Offset(0), Offset(4)).is_empty());
    }

    #[test]
    fn an_aborted_transaction_is_listed_for_fetches_that_overlap_it() {
        let mut s = ProducerStates::default();
        s.on_append(&transactional(0, 9));
        s.on_append(&marker(1, 9, ControlMarker::Abort));
        s.on_append(&entry(2, 0));
        assert_eq!(s.aborted_in(Offset(0), Offset(3)), vec![(9, Offset(0))]);
        assert!(s.aborted_in(Offset(2), Offset(3)).is_empty());
        s.rebuild(&[transactional(0, 9)]);
        assert_eq!(
            s.last_stable_offset(Offset(1)),
            Offset(0),
            "rebuilt from a truncated log"
        );
        assert!(s.aborted_in(Offset(0), Offset(3)).is_empty());
    }
}
