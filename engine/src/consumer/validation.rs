//! The consumer's log-truncation detection (KIP-320, clients 2.3+): the position remembers
//! the leader epoch of the last record consumed. When a partition's leader epoch moves
//! past the one the position was validated against, the consumer asks the new leader
//! where that epoch ends (OffsetsForLeaderEpoch) before fetching again. If it ends below
//! the position, the log was truncated under the consumer (an unclean election): it seeks
//! back to the end of that epoch, or, with `auto.offset.reset=none`, fails with
//! `LogTruncationException`. Without it (0.10 profile) the consumer fetches on from its
//! position, and whatever the new leader wrote below it is skipped.

use crate::dense_map::{DenseMap, DenseSet};
use crate::errors::KafkaError;
use crate::ids::{LeaderEpoch, Offset, PartitionId};
use crate::message::Message;

/// What a validation answer means for the position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Validated {
    /// The position is in the new leader's log.
    Fine,
    /// The log diverged below the position: go back to this offset.
    Truncated(Offset),
    /// The answer was an error (fenced, not leader): validate again later.
    Retry,
}

/// Per-partition validation state of one consumer.
#[derive(Clone, Debug, Default)]
pub(super) struct EpochValidation {
    enabled: bool,
    /// The leader epoch the position was last validated against (or fetched under).
    known: DenseMap<PartitionId, LeaderEpoch>,
    /// The epoch of the last record the position moved past.
    last_epoch: DenseMap<PartitionId, LeaderEpoch>,
    pending: DenseSet<PartitionId>,
}

impl EpochValidation {
    pub(super) fn new(enabled: bool) -> EpochValidation {
        EpochValidation {
            enabled,
            ..EpochValidation::default()
        }
    }

    /// The position moved past a record appended under `epoch`.
    pub(super) fn consumed(&mut self, p: PartitionId, epoch: LeaderEpoch) {
        self.last_epoch.insert(p, epoch);
    }

    /// Whether `p` waits for its validation (no fetching meanwhile).
    pub(super) fn is_pending(&self, p: PartitionId) -> bool {
        self.pending.contains(&p)
    }

    /// A fetch answered under `leader_epoch`: the request to send first if the position
    /// must be validated against this newer epoch.
    pub(super) fn check(&mut self, p: PartitionId, leader_epoch: LeaderEpoch) -> Option<Message> {
        let known = self.known.insert(p, leader_epoch);
        if !self.enabled || known.is_none_or(|k| leader_epoch <= k) {
            return None;
        }
        let last = *self.last_epoch.get(&p)?;
        self.known.insert(p, known.unwrap_or(leader_epoch));
        self.pending.insert(p);
        Some(Message::OffsetsForLeaderEpochRequest {
            partition: p,
            leader_epoch: last,
            current_leader_epoch: leader_epoch,
        })
    }

    /// The leader's answer: where the last consumed epoch ends in its log.
    pub(super) fn on_response(
        &mut self,
        p: PartitionId,
        result: Result<(LeaderEpoch, Offset), KafkaError>,
        position: Option<Offset>,
    ) -> Validated {
        if !self.pending.remove(&p) {
            return Validated::Fine;
        }
        match result {
            Err(_) => {
                self.known.remove(&p);
                Validated::Retry
            }
            Ok((_, end)) => {
                self.known.remove(&p);
                match position {
                    Some(pos) if end < pos => Validated::Truncated(end),
                    _ => Validated::Fine,
                }
            }
        }
    }

    /// The partitions were given up.
    pub(super) fn clear(&mut self) {
        self.known.clear();
        self.last_epoch.clear();
        self.pending.clear();
    }

    /// Forgets one partition (it was revoked).
    pub(super) fn forget(&mut self, p: PartitionId) {
        self.known.remove(&p);
        self.last_epoch.remove(&p);
        self.pending.remove(&p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: PartitionId = PartitionId(0);

    #[test]
    fn a_newer_leader_epoch_asks_where_the_last_consumed_epoch_ends() {
        let mut v = EpochValidation::new(true);
        assert!(v.check(P, LeaderEpoch(0)).is_none(), "first epoch seen");
        v.consumed(P, LeaderEpoch(0));
        assert!(v.check(P, LeaderEpoch(0)).is_none());
        let request = v.check(P, LeaderEpoch(1)).expect("validate");
        assert!(matches!(
            request,
            Message::OffsetsForLeaderEpochRequest {
                leader_epoch: LeaderEpoch(0),
                current_leader_epoch: LeaderEpoch(1),
                ..
            }
        ));
        assert!(v.is_pending(P));
        let answer = v.on_response(P, Ok((LeaderEpoch(0), Offset(10))), Some(Offset(21)));
        assert_eq!(answer, Validated::Truncated(Offset(10)));
        assert!(!v.is_pending(P));
    }

    #[test]
    fn without_kip_320_nothing_is_validated() {
        let mut v = EpochValidation::new(false);
        v.check(P, LeaderEpoch(0));
        v.consumed(P, LeaderEpoch(0));
        assert!(v.check(P, LeaderEpoch(3)).is_none());
    }
}
