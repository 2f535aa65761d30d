//! The leader-epoch cache: for each leader epoch, the first offset written under it
//! (`LeaderEpochFileCache`, KIP-101).
//!
//! A new follower asks the leader where its last epoch ends; the leader answers from this
//! cache with the largest epoch not above the one asked, and that epoch's end offset
//! (KIP-279). A new leader records its epoch at its log end offset on election, so followers
//! holding later records of an older epoch still find the divergence point.

use crate::ids::{LeaderEpoch, Offset};

/// `epoch → start offset`, both strictly increasing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochCache {
    entries: Vec<(LeaderEpoch, Offset)>,
}

impl EpochCache {
    /// Records that `epoch` starts at `start` (ignored unless newer than the latest entry).
    pub fn assign(&mut self, epoch: LeaderEpoch, start: Offset) {
        match self.entries.last() {
            Some((last, _)) if *last >= epoch => {}
            _ => self.entries.push((epoch, start)),
        }
    }

    /// The latest epoch, if any.
    pub fn latest(&self) -> Option<LeaderEpoch> {
        self.entries.last().map(|(e, _)| *e)
    }

    /// The first offset of the latest epoch.
    pub fn latest_start(&self) -> Option<Offset> {
        self.entries.last().map(|(_, o)| *o)
    }

    /// Largest epoch ≤ `requested`, and where it ends: the next epoch's start, or
    /// `log_end_offset` for the latest. `None` when every epoch is above `requested`.
    pub fn end_offset_for(
        &self,
        requested: LeaderEpoch,
        log_end_offset: Offset,
    ) -> Option<(LeaderEpoch, Offset)> {
        let i = self.entries.iter().rposition(|(e, _)| *e <= requested)?;
        let end = self
            .entries
            .get(i + 1)
            .map_or(log_end_offset, |(_, start)| *start);
        Some((self.entries[i].0, end))
    }

    /// Drops epochs that start at or after `end` (the log was truncated to `end`).
    pub fn truncate_from_end(&mut self, end: Offset) {
        self.entries.retain(|(_, start)| *start < end);
    }

    /// Forgets everything (disk loss).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(entries: &[(u32, u64)]) -> EpochCache {
        let mut c = EpochCache::default();
        for (e, o) in entries {
            c.assign(LeaderEpoch(*e), Offset(*o));
        }
        c
    }

    #[test]
    fn end_of_an_older_epoch_is_the_next_epochs_start() {
        let c = cache(&[(0, 0), (2, 10), (5, 14)]);
        assert_eq!(
            c.end_offset_for(LeaderEpoch(0), Offset(20)),
            Some((LeaderEpoch(0), Offset(10)))
        );
        assert_eq!(
            c.end_offset_for(LeaderEpoch(5), Offset(20)),
            Some((LeaderEpoch(5), Offset(20)))
        );
    }

    #[test]
    fn an_unknown_epoch_answers_with_the_largest_smaller_one() {
        let c = cache(&[(0, 0), (2, 10), (5, 14)]);
        assert_eq!(
            c.end_offset_for(LeaderEpoch(3), Offset(20)),
            Some((LeaderEpoch(2), Offset(14)))
        );
        assert_eq!(
            cache(&[(4, 0)]).end_offset_for(LeaderEpoch(1), Offset(3)),
            None
        );
    }

    #[test]
    fn older_or_equal_epochs_are_not_reassigned() {
        let c = cache(&[(2, 5), (1, 9), (2, 9)]);
        assert_eq!(c.latest(), Some(LeaderEpoch(2)));
        assert_eq!(c.latest_start(), Some(Offset(5)));
    }

    #[test]
    fn truncation_drops_epochs_starting_at_or_after_the_end() {
        let mut c = cache(&[(0, 0), (2, 10), (5, 14)]);
        c.truncate_from_end(Offset(10));
        assert_eq!(c.latest(), Some(LeaderEpoch(0)));
    }
}
