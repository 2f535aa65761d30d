//! The end-to-end half of the ledger: how many times each record's effect reached the
//! sink. A record processed twice into a plain sink is a *duplicate effect*; a record the
//! group moved past (its committed offset, or a later record processed, is beyond it) whose
//! effect never reached the sink is a *lost effect*. Each is linked to the most recent
//! disruption before it: a fault, a member leaving the group, a failed commit.

use super::fold::ByRecord;
use super::{Anomaly, AnomalyKind};
use crate::consumer::facts::ConsumerFact;
use crate::dense_map::DenseMap;
use crate::ids::{Offset, PartitionId, RecordId};
use crate::trace::{EventKind, TraceEvent};
use serde::Serialize;

/// What the consumers did with one record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Consumed {
    /// Times a consumer finished processing it.
    pub processed: u32,
    /// Times its effect changed the sink (a plain sink: every processing).
    pub effects: u32,
}

/// The consumption facts a fold collects.
#[derive(Clone, Default)]
pub(super) struct ConsumptionFold {
    pub(super) seen: bool,
    pub(super) consumed: ByRecord<Consumed>,
    /// Per record: the trace event of its second effect, and its partition.
    second_effect: ByRecord<(usize, PartitionId)>,
    /// Per record: the trace event of its first effect.
    pub(super) first_effect: ByRecord<usize>,
    /// Per partition: how far the group got (committed, or processed + 1).
    pub(super) frontier: DenseMap<PartitionId, Offset>,
    /// Per partition: each commit's offset and event, in order.
    commits: DenseMap<PartitionId, Vec<(Offset, usize)>>,
    disruptions: Vec<usize>,
    /// Per partition: each retention deletion, the new log start and its event.
    deletions: DenseMap<PartitionId, Vec<(Offset, usize)>>,
    /// Each processed record's partition.
    partition_of: ByRecord<PartitionId>,
    /// Per partition: each expiry of the group's committed offset.
    expirations: DenseMap<PartitionId, Vec<usize>>,
}

impl ConsumptionFold {
    /// Reads one fact (the ledger's fold hands it only faults, log start moves and consumer
    /// facts: the others mean nothing here).
    pub(super) fn apply(&mut self, index: usize, e: &TraceEvent) {
        match &e.kind {
            EventKind::FaultApplied { .. } => self.disruptions.push(index),
            EventKind::LogStartMoved {
                partition,
                log_start,
            } => {
                self.disruptions.push(index);
                self.deletions
                    .entry(*partition)
                    .or_default()
                    .push((*log_start, index));
            }
            EventKind::Consumer(fact) => {
                self.seen = true;
                self.apply_fact(index, fact);
            }
            _ => {}
        }
    }

    fn apply_fact(&mut self, index: usize, fact: &ConsumerFact) {
        match fact {
            ConsumerFact::RecordProcessed {
                record,
                partition,
                offset,
                outcome,
            } => {
                if let Some(c) = self.consumed.get_or_default(*record) {
                    c.processed += 1;
                }
                self.partition_of.insert(*record, *partition);
                if outcome.is_effect() {
                    self.effect(*record, *partition, index);
                }
                self.advance(*partition, offset.next());
            }
            ConsumerFact::OutputCommitted { records } => {
                for (record, outcome) in records {
                    if outcome.is_effect() {
                        let partition = self.partition_of.get(record).copied().unwrap_or_default();
                        self.effect(*record, partition, index);
                    }
                }
            }
            ConsumerFact::OffsetsCommitted { offsets, .. } => {
                for &(p, o) in offsets {
                    self.commits.entry(p).or_default().push((o, index));
                    self.advance(p, o);
                }
            }
            ConsumerFact::LeftGroup { .. } | ConsumerFact::CommitFailed { .. } => {
                self.disruptions.push(index)
            }
            ConsumerFact::OffsetsExpired { partitions } => {
                self.disruptions.push(index);
                for p in partitions {
                    self.expirations.entry(*p).or_default().push(index);
                }
            }
            _ => {}
        }
    }

    fn effect(&mut self, record: RecordId, partition: PartitionId, index: usize) {
        let Some(c) = self.consumed.get_or_default(record) else {
            return; // not an application record
        };
        c.effects += 1;
        if c.effects == 1 {
            self.first_effect.insert(record, index);
        }
        if c.effects == 2 {
            self.second_effect.insert(record, (index, partition));
        }
    }

    fn advance(&mut self, partition: PartitionId, to: Offset) {
        let f = self.frontier.entry(partition).or_default();
        *f = (*f).max(to);
    }

    /// The latest disruption before `event`.
    fn cause_before(&self, event: usize) -> Option<usize> {
        let i = self.disruptions.partition_point(|d| *d < event);
        i.checked_sub(1).map(|i| self.disruptions[i])
    }

    /// The first disruption after `event` (or the last one before it).
    fn cause_after(&self, event: usize) -> Option<usize> {
        let i = self.disruptions.partition_point(|d| *d < event);
        self.disruptions
            .get(i)
            .copied()
            .or_else(|| self.cause_before(event))
    }

    /// Duplicate and lost effects, given each partition's final log as (offset, record).
    pub(super) fn anomalies(
        &self,
        final_logs: &DenseMap<PartitionId, Vec<(Offset, RecordId)>>,
    ) -> Vec<Anomaly> {
        let mut found = Vec::new();
        if !self.seen {
            return found;
        }
        for (record, &(event, partition)) in self.second_effect.iter() {
            // Reprocessed because the group's offset expired (and the reset went back), if
            // that happened after the first effect.
            let first = self.first_effect.get(&record).copied().unwrap_or(0);
            let expired = self
                .expirations
                .get(&partition)
                .and_then(|x| x.iter().find(|i| **i > first && **i < event))
                .copied();
            // Else what first went wrong after the first effect: the commit that would have
            // covered it failed, or the member left.
            let disrupted = self
                .disruptions
                .iter()
                .find(|d| **d > first && **d < event)
                .copied();
            found.push(Anomaly {
                kind: AnomalyKind::DuplicateEffect,
                record,
                event,
                cause: expired.or(disrupted).or_else(|| self.cause_before(event)),
            });
        }
        for (partition, log) in final_logs {
            let frontier = self.frontier.get(partition).copied().unwrap_or_default();
            for &(offset, record) in log {
                if offset >= frontier {
                    break;
                }
                if self.consumed.get(&record).is_some_and(|c| c.effects > 0) {
                    continue;
                }
                // The commit that first moved past it.
                let passed_by = self
                    .commits
                    .get(partition)
                    .and_then(|c| c.iter().find(|(o, _)| *o > offset))
                    .map(|(_, i)| *i);
                let event = passed_by.unwrap_or(0);
                // Deleted by retention before anyone read it: that deletion is the cause.
                let deleted_by = self
                    .deletions
                    .get(partition)
                    .and_then(|d| d.iter().find(|(start, _)| *start > offset))
                    .map(|(_, i)| *i);
                // The group's offset expired before the commit that passed it: the reset
                // that followed jumped over the record.
                let expired = self
                    .expirations
                    .get(partition)
                    .and_then(|x| x.iter().rev().find(|i| **i < event))
                    .copied();
                found.push(Anomaly {
                    kind: AnomalyKind::LostEffect,
                    record,
                    event,
                    cause: deleted_by.or(expired).or_else(|| self.cause_after(event)),
                });
            }
        }
        found
    }
}
