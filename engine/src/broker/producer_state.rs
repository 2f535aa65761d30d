//! The broker's idempotent-producer state for one partition (`ProducerStateEntry`,
//! `ProducerAppendInfo`; kafka-semantics.md §B.7).
//!
//! Per producer id, the last five batches' sequence and offset. A batch whose sequence is
//! one of them is a retry of something already written: it is answered with the original
//! offset and not appended again (with acks=all only once the high watermark passes it,
//! like any other write). The next sequence is appended; any other is
//! OUT_OF_ORDER_SEQUENCE_NUMBER. With no state for the producer any sequence is accepted.
//! The table is rebuilt from the log, as a broker rebuilds it from its snapshot and log
//! after truncation or on becoming leader.

use crate::ids::Offset;
use crate::message::{BatchSequence, LogRecord};
use std::collections::{BTreeMap, VecDeque};

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

/// Producer id → its epoch and last batches `(sequence, offset)`, oldest first.
#[derive(Clone, Debug, Default)]
pub struct ProducerStates {
    producers: BTreeMap<u64, (u16, VecDeque<(u32, Offset)>)>,
}

impl ProducerStates {
    /// Decides what to do with an idempotent batch. A new epoch must start at sequence 0
    /// (the producer bumped it after unresolved sequences).
    pub fn check(&self, id: BatchSequence) -> SequenceCheck {
        let Some((epoch, batches)) = self.producers.get(&id.producer_id) else {
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
        if let Some((_, offset)) = batches.iter().find(|(s, _)| *s == id.sequence) {
            return SequenceCheck::Duplicate(*offset);
        }
        match batches.back() {
            Some((last, _)) if id.sequence == last.wrapping_add(1) => SequenceCheck::Append,
            Some(_) => SequenceCheck::OutOfOrder,
            None => SequenceCheck::Append,
        }
    }

    /// Records an appended batch.
    pub fn on_append(&mut self, entry: &LogRecord) {
        let Some(id) = entry.producer else { return };
        let (epoch, batches) = self
            .producers
            .entry(id.producer_id)
            .or_insert((id.epoch, VecDeque::new()));
        if id.epoch != *epoch {
            *epoch = id.epoch;
            batches.clear();
        }
        batches.push_back((id.sequence, entry.offset));
        if batches.len() > BATCHES_TO_RETAIN {
            batches.pop_front();
        }
    }

    /// Rebuilds the table from a log (after truncation).
    pub fn rebuild(&mut self, log: &[LogRecord]) {
        self.producers.clear();
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
        assert_eq!(s.check(id(7, 0, 1)), SequenceCheck::Duplicate(Offset(1)));
        assert_eq!(s.check(id(7, 0, 3)), SequenceCheck::Append);
        assert_eq!(s.check(id(7, 0, 5)), SequenceCheck::OutOfOrder);
        assert_eq!(
            s.check(id(8, 0, 42)),
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
            s.check(id(7, 0, 1)),
            SequenceCheck::OutOfOrder,
            "fell out of the window"
        );
        assert_eq!(s.check(id(7, 0, 2)), SequenceCheck::Duplicate(Offset(2)));
    }
}
