//! The downstream system the consumers write to, with the failure behaviour of the stores
//! the seeds recommend: a plain sink applies every write; a de-duplicating store keyed by
//! record id drops a repeat it remembers (all ids, or the last N as seed 003 suggests); an
//! upsert by key overwrites with the same value (seed 004's HBase row key). A sink can also
//! keep each partition's next offset in the same transaction as the result (seed 004's
//! MySQL advice), for the consumer to resume from.

use super::spec::SinkSpec;
use crate::dense_map::DenseMap;
use crate::ids::{Offset, PartitionId, RecordId};
use crate::limits;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, VecDeque};
use std::fmt;

/// What one processing of a record did downstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectOutcome {
    /// The first effect of this record.
    Applied,
    /// The effect was applied again: a duplicate downstream.
    AppliedAgain,
    /// The de-duplicating store recognised the id and wrote nothing.
    Deduplicated,
    /// The upsert wrote the same row again: no visible change.
    Overwritten,
    /// Written into an open transaction: visible only if it commits.
    Staged,
}

impl EffectOutcome {
    /// Whether this processing changed the downstream state.
    pub fn is_effect(self) -> bool {
        matches!(self, EffectOutcome::Applied | EffectOutcome::AppliedAgain)
    }
}

impl fmt::Display for EffectOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EffectOutcome::Applied => "applied",
            EffectOutcome::AppliedAgain => "applied-again",
            EffectOutcome::Deduplicated => "deduplicated",
            EffectOutcome::Overwritten => "overwritten",
            EffectOutcome::Staged => "staged in the transaction",
        })
    }
}

/// The downstream store's state.
#[derive(Clone, Debug, Default)]
pub struct Sink {
    spec: SinkSpec,
    /// Records whose effect is in the store.
    applied: RecordSet,
    /// The ids a bounded de-duplicating store still remembers, oldest first.
    window: VecDeque<RecordId>,
    /// Next offset per partition, written with the results (when the consumer stores them).
    offsets: DenseMap<PartitionId, Offset>,
    /// Per partition, the highest offset applied (the optimistic lock's version).
    guard: DenseMap<PartitionId, Offset>,
}

impl Sink {
    /// An empty store.
    pub fn new(spec: SinkSpec) -> Sink {
        Sink {
            spec,
            ..Sink::default()
        }
    }

    /// Writes the result of processing `record` (and, if `offset` is given, the partition's
    /// next offset in the same transaction).
    pub fn write(
        &mut self,
        record: RecordId,
        at: (PartitionId, Offset),
        store: bool,
    ) -> EffectOutcome {
        let (partition, offset) = at;
        let before = self.applied.contains(record);
        let outcome = match self.spec {
            SinkSpec::Plain => {
                if before {
                    EffectOutcome::AppliedAgain
                } else {
                    EffectOutcome::Applied
                }
            }
            SinkSpec::OffsetGuard => {
                if self.guard.get(&partition).is_some_and(|g| *g >= offset) {
                    EffectOutcome::Deduplicated
                } else {
                    self.guard.insert(partition, offset);
                    if before {
                        EffectOutcome::AppliedAgain
                    } else {
                        EffectOutcome::Applied
                    }
                }
            }
            SinkSpec::Upsert => {
                if before {
                    EffectOutcome::Overwritten
                } else {
                    EffectOutcome::Applied
                }
            }
            SinkSpec::Dedup { window } => {
                let remembered = match window {
                    None => before,
                    Some(_) => self.window.contains(&record),
                };
                if remembered {
                    EffectOutcome::Deduplicated
                } else {
                    if let Some(n) = window {
                        self.window.push_back(record);
                        while self.window.len() > n as usize {
                            self.window.pop_front();
                        }
                    }
                    if before {
                        EffectOutcome::AppliedAgain
                    } else {
                        EffectOutcome::Applied
                    }
                }
            }
        };
        self.applied.insert(record);
        if store {
            self.offsets.insert(partition, offset.next());
        }
        outcome
    }

    /// The next offset the store holds for `partition`, if it ever stored one.
    pub fn stored_offset(&self, partition: PartitionId) -> Option<Offset> {
        self.offsets.get(&partition).copied()
    }
}

/// A set of record ids: a bit per application record id ([`limits::MAX_RECORD_IDS`]), a
/// tree for any other.
#[derive(Clone, Debug, Default)]
struct RecordSet {
    bits: Vec<u64>,
    other: BTreeSet<RecordId>,
}

impl RecordSet {
    fn contains(&self, r: RecordId) -> bool {
        if u64::from(r.0) >= limits::MAX_RECORD_IDS {
            return self.other.contains(&r);
        }
        let i = r.0 as usize;
        self.bits
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn insert(&mut self, r: RecordId) {
        if u64::from(r.0) >= limits::MAX_RECORD_IDS {
            self.other.insert(r);
            return;
        }
        let i = r.0 as usize;
        if self.bits.len() <= i / 64 {
            self.bits.resize(i / 64 + 1, 0);
        }
        self.bits[i / 64] |= 1 << (i % 64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: PartitionId = PartitionId(0);

    /// Writes records `r` at offset `r` of one partition.
    fn writes(spec: SinkSpec, records: &[u32]) -> Vec<EffectOutcome> {
        let mut sink = Sink::new(spec);
        records
            .iter()
            .map(|r| sink.write(RecordId(*r), (P, Offset(u64::from(*r))), false))
            .collect()
    }

    #[test]
    fn a_plain_sink_applies_a_repeat_again() {
        use EffectOutcome::*;
        assert_eq!(writes(SinkSpec::Plain, &[1, 1]), [Applied, AppliedAgain]);
    }

    #[test]
    fn an_unbounded_dedup_store_drops_every_repeat() {
        use EffectOutcome::*;
        let spec = SinkSpec::Dedup { window: None };
        assert_eq!(writes(spec, &[1, 2, 1]), [Applied, Applied, Deduplicated]);
    }

    #[test]
    fn a_bounded_dedup_store_forgets_old_ids() {
        use EffectOutcome::*;
        let spec = SinkSpec::Dedup { window: Some(2) };
        assert_eq!(
            writes(spec, &[1, 2, 3, 3, 1]),
            [Applied, Applied, Applied, Deduplicated, AppliedAgain]
        );
    }

    #[test]
    fn an_upsert_overwrites_without_a_second_effect() {
        use EffectOutcome::*;
        let outcomes = writes(SinkSpec::Upsert, &[4, 4]);
        assert_eq!(outcomes, [Applied, Overwritten]);
        assert!(!outcomes[1].is_effect());
    }

    #[test]
    fn offsets_are_stored_with_the_result() {
        let mut sink = Sink::new(SinkSpec::Plain);
        assert_eq!(sink.stored_offset(P), None);
        sink.write(RecordId(0), (P, Offset(0)), true);
        assert_eq!(sink.stored_offset(P), Some(Offset(1)));
    }

    #[test]
    fn the_offset_guard_refuses_anything_not_past_the_last_applied_offset() {
        use EffectOutcome::*;
        assert_eq!(
            writes(SinkSpec::OffsetGuard, &[0, 1, 2, 1, 2, 3]),
            [
                Applied,
                Applied,
                Applied,
                Deduplicated,
                Deduplicated,
                Applied
            ]
        );
    }

    #[test]
    fn the_record_set_holds_dense_and_outlying_ids() {
        let mut set = RecordSet::default();
        for r in [0, 63, 64, 159_999, 160_000, u32::MAX] {
            assert!(!set.contains(RecordId(r)));
            set.insert(RecordId(r));
            assert!(set.contains(RecordId(r)));
        }
        assert!(!set.contains(RecordId(1)));
        assert!(!set.contains(RecordId(65)));
        assert_eq!(
            set.other.len(),
            2,
            "ids past the dense range go in the tree"
        );
    }
}
