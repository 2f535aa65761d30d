//! A replica's log of one partition: dense offsets from 0, each record with its epoch, and
//! the recovery point up to which it has been fsynced.
//!
//! The log end offset (LEO) is the offset the next record will get (`UnifiedLog`). Appends
//! land in the OS page cache; `flush` (fsync) moves the recovery point. A power loss keeps
//! only what lies below it (kafka-semantics.md §B.11).
//!
//! The records are stored in small shared chunks ([`ChunkedVec`]): a snapshot of the
//! simulator (see [`crate::checkpoint`]) copies every replica's log, and a copy then costs a
//! count per chunk and the last partial chunk instead of every record.

use crate::chunked::ChunkedVec;
use crate::ids::{LeaderEpoch, Offset, RecordId};
use crate::message::LogRecord;
use crate::shared_slice::SharedSlice;

/// A log's records: chunks of 2^8, so a copy's partial chunk is small.
pub type Records = ChunkedVec<LogRecord, 8>;

/// One replica's log of one partition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    records: Records,
    flushed: Offset,
    /// The log start offset: records below it were deleted by retention (they stay in
    /// `records` so offsets remain indexes, but are never served to consumers).
    start: Offset,
}

impl Log {
    /// The offset the next appended record gets.
    pub fn log_end_offset(&self) -> Offset {
        Offset(self.records.len() as u64)
    }

    /// The log start offset.
    pub fn log_start(&self) -> Offset {
        self.start
    }

    /// Retention deleted the segments below `to`.
    pub fn advance_start(&mut self, to: Offset) {
        self.start = self.start.max(to.min(self.log_end_offset()));
    }

    /// Records below this offset are on disk (the recovery point).
    pub fn flushed(&self) -> Offset {
        self.flushed
    }

    /// Appends a record at the log end offset and returns where it landed.
    pub fn append(
        &mut self,
        record: RecordId,
        leader_epoch: LeaderEpoch,
        producer: Option<crate::message::BatchSequence>,
    ) -> LogRecord {
        self.push(LogRecord {
            offset: self.log_end_offset(),
            record,
            leader_epoch,
            producer,
            transactional: false,
            control: None,
            continues_batch: false,
        })
    }

    /// Appends `entry` at the log end offset (its own offset is replaced) and returns it.
    pub fn push(&mut self, mut entry: LogRecord) -> LogRecord {
        entry.offset = self.log_end_offset();
        self.records.push(entry);
        entry
    }

    /// Appends a record copied from the leader; it must land at the offset the leader gave it.
    pub fn append_replicated(&mut self, entry: LogRecord) -> bool {
        if entry.offset != self.log_end_offset() {
            return false;
        }
        self.records.push(entry);
        true
    }

    /// The records from `from` to the end (none if `from` is at or past the end).
    pub fn read_from(&self, from: Offset) -> impl Iterator<Item = &LogRecord> + '_ {
        let start = usize::try_from(from.0).unwrap_or(usize::MAX);
        self.records.range(start..usize::MAX)
    }

    /// The records from `from` to the end, copied out (as a fetch response carries them).
    pub fn copy_from(&self, from: Offset) -> SharedSlice<LogRecord> {
        let rest = usize::try_from(from.0).unwrap_or(usize::MAX)..usize::MAX;
        match self.records.slice(rest.clone()) {
            Some(one) => SharedSlice::from(one),
            None => SharedSlice::from(self.records.to_vec(rest)),
        }
    }

    /// Every record.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// Removes the records from `to` on; returns how many went.
    pub fn truncate_to(&mut self, to: Offset) -> u64 {
        let keep = usize::try_from(to.0)
            .unwrap_or(usize::MAX)
            .min(self.records.len());
        let removed = (self.records.len() - keep) as u64;
        self.records.truncate(keep);
        self.flushed = self.flushed.min(to);
        self.start = self.start.min(to);
        removed
    }

    /// fsync: everything appended so far survives a power loss. Returns whether it moved.
    pub fn flush(&mut self) -> bool {
        let end = self.log_end_offset();
        let moved = self.flushed != end;
        self.flushed = end;
        moved
    }

    /// Records appended since the last flush.
    pub fn unflushed(&self) -> u64 {
        self.log_end_offset().0 - self.flushed.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_dense_from_zero() {
        let mut log = Log::default();
        assert_eq!(
            log.append(RecordId(7), LeaderEpoch(0), None).offset,
            Offset(0)
        );
        assert_eq!(
            log.append(RecordId(8), LeaderEpoch(0), None).offset,
            Offset(1)
        );
        assert_eq!(log.log_end_offset(), Offset(2));
    }

    #[test]
    fn replicated_record_must_land_at_the_leaders_offset() {
        let mut log = Log::default();
        let gap = LogRecord {
            offset: Offset(3),
            record: RecordId(1),
            leader_epoch: LeaderEpoch(0),
            producer: None,
            transactional: false,
            control: None,
            continues_batch: false,
        };
        assert!(!log.append_replicated(gap));
        assert_eq!(log.log_end_offset(), Offset(0));
    }

    #[test]
    fn read_from_past_the_end_is_empty() {
        let mut log = Log::default();
        log.append(RecordId(0), LeaderEpoch(0), None);
        assert_eq!(log.read_from(Offset(1)).count(), 0);
        assert_eq!(log.read_from(Offset(99)).count(), 0);
        assert_eq!(log.read_from(Offset(0)).count(), 1);
        assert_eq!(log.copy_from(Offset(99)).len(), 0);
        assert_eq!(log.copy_from(Offset(0)).len(), 1);
    }

    #[test]
    fn a_copy_reads_across_chunks() {
        let mut log = Log::default();
        for r in 0..700 {
            log.append(RecordId(r), LeaderEpoch(0), None);
        }
        for from in [0, 1, 255, 256, 257, 600, 699, 700] {
            let copy = log.copy_from(Offset(from));
            let want: Vec<LogRecord> = log.read_from(Offset(from)).copied().collect();
            assert_eq!(&copy[..], &want[..], "from {from}");
            assert_eq!(copy.len() as u64, 700 - from);
        }
    }

    #[test]
    fn truncation_pulls_back_the_recovery_point() {
        let mut log = Log::default();
        for r in 0..5 {
            log.append(RecordId(r), LeaderEpoch(0), None);
        }
        assert!(log.flush());
        assert_eq!(log.flushed(), Offset(5));
        assert_eq!(log.truncate_to(Offset(3)), 2);
        assert_eq!(log.flushed(), Offset(3));
        assert_eq!(log.truncate_to(Offset(9)), 0);
    }

    #[test]
    fn appends_are_unflushed_until_a_flush() {
        let mut log = Log::default();
        log.append(RecordId(0), LeaderEpoch(0), None);
        log.append(RecordId(1), LeaderEpoch(0), None);
        assert_eq!(log.unflushed(), 2);
        log.flush();
        assert_eq!(log.unflushed(), 0);
        assert!(!log.flush(), "nothing new to flush");
    }
}
