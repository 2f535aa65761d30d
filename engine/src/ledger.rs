//! The ledger: each record's fate, read from the trace, and the anomalies Jepsen would name.
//!
//! Per record: when it was sent, what the producer's callback said, every log position it
//! held on every replica, and how many copies the partition's log holds at the end (the
//! final leader's log). Anomalies: a *lost acknowledged write* (acknowledged, not in the
//! log), a *duplicate* (in the log more than once), a *reorder* (in the log before a record
//! the same producer sent earlier to the same partition).
//!
//! With transactions, "in the log" means visible to a read_committed reader: a
//! transactional record counts only when its producer's next marker in the log is a COMMIT,
//! and the application's acknowledgement is `commitTransaction()` returning, not the send
//! callback.

use crate::dense_map::DenseMap;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, Offset, PartitionId, RecordId};
use crate::time::SimTime;
use crate::trace::{Invariant, Trace};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

mod consumption;
mod final_log;
mod fold;
mod write_cycles;
pub use consumption::Consumed;
use final_log::{check_partition_log, visible_entries};
pub use fold::LedgerFold;
use fold::{ByRecord, Fold, Traced};

/// The kinds of anomaly the checker finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// The producer was told the write succeeded, and the log does not hold it.
    LostAcknowledgedWrite,
    /// The log holds the record more than once.
    Duplicate,
    /// The log holds the record before one the producer sent earlier to that partition.
    Reorder,
    /// The consumers processed the record again and its effect reached the sink twice.
    DuplicateEffect,
    /// The group moved past the record (committed beyond it) and its effect never reached
    /// the sink.
    LostEffect,
    /// The sink applied the effect of a record whose transaction aborted (Jepsen's *aborted
    /// read*, G1a): a read_uncommitted consumer saw it.
    AbortedRead,
    /// Committed transactions ordered one way on one partition and the other way on
    /// another (Adya's G0, a write cycle): Kafka's transactions are not serializable.
    WriteCycle,
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl AnomalyKind {
    /// Its name, as the verdict prints it.
    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::LostAcknowledgedWrite => "lost acknowledged write",
            AnomalyKind::Duplicate => "duplicate",
            AnomalyKind::Reorder => "reorder",
            AnomalyKind::DuplicateEffect => "effect applied twice",
            AnomalyKind::LostEffect => "effect never applied",
            AnomalyKind::AbortedRead => "aborted record applied",
            AnomalyKind::WriteCycle => "write cycle (G0)",
        }
    }
}

/// One anomaly, with the trace event that shows it and the one that caused it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// What went wrong.
    pub kind: AnomalyKind,
    /// Which record.
    pub record: RecordId,
    /// Index in the trace of the event that shows it (the acknowledgement, or the copy).
    pub event: usize,
    /// Index of the event that caused it, when the trace shows one: the truncation that
    /// removed the record from the final leader's log, or the election of a leader that
    /// never had it.
    pub cause: Option<usize>,
}

/// An invariant violation found during the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Index in the trace.
    pub event: usize,
    /// Which invariant.
    pub invariant: Invariant,
    /// Partition.
    pub partition: PartitionId,
    /// What was seen.
    pub detail: String,
}

/// What the producer's callback reported for a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ProduceOutcome {
    /// Not sent yet, or no answer before the run ended.
    Pending,
    /// Success; `offset` is none for acks=0.
    Acknowledged {
        /// When the callback fired.
        at: SimTime,
        /// The offset reported.
        offset: Option<Offset>,
    },
    /// The callback got an error.
    Failed {
        /// When.
        at: SimTime,
        /// Which error.
        error: KafkaError,
    },
}

/// Where a record was appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// Replica.
    pub broker: BrokerId,
    /// Offset.
    pub offset: Offset,
    /// When.
    pub at: SimTime,
}

/// A record's appends: up to three (a replication factor of three's) without an allocation.
pub type Placements = smallvec::SmallVec<[Placement; 3]>;

/// One record's fate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordFate {
    /// The record.
    pub record: RecordId,
    /// Its partition.
    pub partition: PartitionId,
    /// When the application sent it.
    pub sent_at: SimTime,
    /// What the callback said.
    pub outcome: ProduceOutcome,
    /// Every append of it, on every replica: as many as the replication factor usually,
    /// held inline.
    pub placements: Placements,
    /// Copies in the partition's log at the end.
    pub copies: u32,
}

/// The overall delivery guarantee this run showed, producer to log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// No record was acknowledged, so the run shows no delivery guarantee either way
    /// (every send failed with an error the application saw, or none was answered).
    NothingAcknowledged,
    /// Nothing lost, nothing duplicated.
    ExactlyOnce,
    /// Duplicates, nothing lost.
    AtLeastOnce,
    /// Losses, no duplicates.
    AtMostOnce,
    /// Both losses and duplicates.
    NoGuarantee,
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Delivery {
    /// Its name, as the verdict prints it.
    pub fn name(self) -> &'static str {
        match self {
            Delivery::NothingAcknowledged => "nothing acknowledged",
            Delivery::ExactlyOnce => "exactly-once",
            Delivery::AtLeastOnce => "at-least-once",
            Delivery::AtMostOnce => "at-most-once",
            Delivery::NoGuarantee => "no guarantee",
        }
    }
}

/// Every record's fate and the anomalies of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// Per record, in send order.
    pub records: Vec<RecordFate>,
    /// Anomalies, by record then kind.
    pub anomalies: Vec<Anomaly>,
    /// Invariant violations, in trace order.
    pub violations: Vec<Violation>,
    /// Partitions with no leader when the run ended (their records are unavailable, not lost).
    pub offline_partitions: Vec<PartitionId>,
    /// Per record, what the consumers did with it (empty without a consumer group).
    pub consumed: BTreeMap<RecordId, Consumed>,
    /// Whether the run had consumers (the end-to-end verdict applies).
    pub has_consumers: bool,
}

impl Ledger {
    /// Reads a trace.
    pub fn from_trace(trace: &Trace) -> Ledger {
        LedgerFold::default().finish(trace)
    }

    fn from_fold(mut fold: Fold) -> Ledger {
        let mut anomalies = Vec::new();
        let mut final_logs = DenseMap::new();
        // Records whose copy in the final log an ABORT marker closed, and that marker.
        let mut aborted_by: ByRecord<usize> = ByRecord::default();
        let mut visible_logs = Vec::new();
        for (partition, (leader, _, _)) in &fold.leaders {
            let log = fold.logs.get(*leader, *partition);
            if !fold.txn_entries {
                // No markers anywhere: the whole log is visible, read where it lies.
                let entries = || {
                    log.into_iter()
                        .flat_map(|log| log.iter())
                        .enumerate()
                        .map(|(o, t)| (Offset(o as u64), *t))
                };
                check_partition_log(entries(), &fold.app, &mut fold.fates, &mut anomalies);
                if fold.consumption.seen {
                    let offsets = entries().map(|(o, t)| (o, t.record)).collect();
                    final_logs.insert(*partition, offsets);
                }
                if fold.transactional {
                    visible_logs.push(entries().collect());
                }
                continue;
            }
            let visible = log.map_or_else(Vec::new, |log| visible_entries(log, &mut aborted_by));
            check_partition_log(
                visible.iter().copied(),
                &fold.app,
                &mut fold.fates,
                &mut anomalies,
            );
            if fold.consumption.seen {
                let offsets = visible
                    .iter()
                    .map(|(o, t)| (*o, t.record))
                    .collect::<Vec<_>>();
                final_logs.insert(*partition, offsets);
            }
            if fold.transactional {
                visible_logs.push(visible);
            }
        }
        let logs: Vec<&[(Offset, Traced)]> = visible_logs.iter().map(Vec::as_slice).collect();
        anomalies.extend(fold.write_cycles.find(&logs));
        anomalies.extend(fold.consumption.anomalies(&final_logs));
        if fold.transactional {
            let visible: std::collections::BTreeSet<RecordId> = final_logs
                .values()
                .flat_map(|log| log.iter().map(|(_, r)| *r))
                .collect();
            for (record, &event) in fold.consumption.first_effect.iter() {
                if !visible.contains(&record) {
                    anomalies.push(Anomaly {
                        kind: AnomalyKind::AbortedRead,
                        record,
                        event,
                        cause: fold.aborted_event.get(&record).copied(),
                    });
                }
            }
        }
        for fate in fold.fates.values() {
            if fate.copies == 0 && matches!(fate.outcome, ProduceOutcome::Acknowledged { .. }) {
                let event = fold.ack_event.get(&fate.record).copied().unwrap_or(0);
                let cause = aborted_by.get(&fate.record).copied().or_else(|| {
                    fold.leaders
                        .get(&fate.partition)
                        .map(|(leader, _, elected)| {
                            fold.removed_by
                                .get(&(*leader, fate.partition, fate.record))
                                .copied()
                                .unwrap_or(*elected)
                        })
                });
                anomalies.push(Anomaly {
                    kind: AnomalyKind::LostAcknowledgedWrite,
                    record: fate.record,
                    event,
                    cause,
                });
            }
        }
        crate::sort::by_key(&mut anomalies, |a| {
            u64::from(a.record.0) << 8 | a.kind as u64
        });
        let offline_partitions = fold
            .leaders
            .iter()
            .filter(|(_, (_, off, _))| *off)
            .map(|(p, _)| *p)
            .collect();
        Ledger {
            records: fold.fates.into_values().collect(),
            anomalies,
            violations: fold.violations,
            offline_partitions,
            has_consumers: fold.consumption.seen,
            consumed: fold
                .consumption
                .consumed
                .iter()
                .map(|(r, c)| (r, *c))
                .collect(),
        }
    }

    /// The kinds of anomaly found, each once, in a fixed order.
    pub fn anomaly_kinds(&self) -> Vec<AnomalyKind> {
        let mut kinds: Vec<AnomalyKind> = self.anomalies.iter().map(|a| a.kind).collect();
        crate::sort::dedup_by_key(&mut kinds, |k| *k as u64);
        kinds
    }

    /// Records whose callback reported success.
    pub fn acknowledged(&self) -> usize {
        self.records
            .iter()
            .filter(|r| matches!(r.outcome, ProduceOutcome::Acknowledged { .. }))
            .count()
    }

    /// Records whose callback reported an error.
    pub fn failed(&self) -> usize {
        self.records
            .iter()
            .filter(|r| matches!(r.outcome, ProduceOutcome::Failed { .. }))
            .count()
    }

    /// How many anomalies of `kind`.
    pub fn count(&self, kind: AnomalyKind) -> usize {
        self.anomalies.iter().filter(|a| a.kind == kind).count()
    }

    /// The guarantee observed end to end, producer to sink (none without consumers).
    pub fn end_to_end(&self) -> Option<Delivery> {
        if !self.has_consumers {
            return None;
        }
        let lost = self.count(AnomalyKind::LostAcknowledgedWrite)
            + self.count(AnomalyKind::LostEffect)
            > 0;
        // An aborted record's effect is one effect too many, like a duplicate.
        let duplicated =
            self.count(AnomalyKind::DuplicateEffect) + self.count(AnomalyKind::AbortedRead) > 0;
        if self.acknowledged() == 0 && !duplicated {
            return Some(Delivery::NothingAcknowledged);
        }
        Some(match (lost, duplicated) {
            (false, false) => Delivery::ExactlyOnce,
            (false, true) => Delivery::AtLeastOnce,
            (true, false) => Delivery::AtMostOnce,
            (true, true) => Delivery::NoGuarantee,
        })
    }

    /// Records whose effect reached the sink at least once.
    pub fn applied(&self) -> usize {
        self.consumed.values().filter(|c| c.effects > 0).count()
    }

    /// The guarantee observed, producer to log.
    pub fn delivery(&self) -> Delivery {
        let lost = self.count(AnomalyKind::LostAcknowledgedWrite) > 0;
        let duplicated = self.count(AnomalyKind::Duplicate) > 0;
        if self.acknowledged() == 0 && !duplicated {
            return Delivery::NothingAcknowledged;
        }
        match (lost, duplicated) {
            (false, false) => Delivery::ExactlyOnce,
            (false, true) => Delivery::AtLeastOnce,
            (true, false) => Delivery::AtMostOnce,
            (true, true) => Delivery::NoGuarantee,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{LeaderEpoch, NodeId};
    use crate::trace::{EventKind, TraceEvent, TruncationReason};

    const P: PartitionId = PartitionId(0);
    const L: BrokerId = BrokerId(0);

    fn at(time: u64, node: NodeId, kind: EventKind) -> TraceEvent {
        TraceEvent {
            time: SimTime(time),
            node,
            kind,
        }
    }
    fn created() -> TraceEvent {
        at(
            0,
            NodeId::Controller,
            EventKind::PartitionCreated {
                partition: P,
                replicas: vec![L],
                leader: L,
                leader_epoch: LeaderEpoch(0),
            },
        )
    }
    fn sent(r: u32) -> TraceEvent {
        at(
            1,
            NodeId::Producer(0),
            EventKind::RecordSent {
                record: RecordId(r),
                partition: P,
                app: 0,
            },
        )
    }
    fn appended(r: u32, offset: u64) -> TraceEvent {
        at(
            2,
            NodeId::Broker(L),
            EventKind::RecordAppended {
                partition: P,
                offset: Offset(offset),
                record: RecordId(r),
                leader_epoch: LeaderEpoch(0),
                transactional: false,
                control: None,
                txn_producer: None,
            },
        )
    }
    fn acked(r: u32, offset: u64) -> TraceEvent {
        at(
            3,
            NodeId::Producer(0),
            EventKind::ProduceAcknowledged {
                record: RecordId(r),
                partition: P,
                offset: Some(Offset(offset)),
            },
        )
    }

    #[test]
    fn clean_log_is_exactly_once() {
        let trace = Trace::from_events(vec![created(), sent(0), appended(0, 0), acked(0, 0)]);
        let ledger = Ledger::from_trace(&trace);
        assert!(ledger.anomalies.is_empty());
        assert_eq!(ledger.delivery(), Delivery::ExactlyOnce);
        assert_eq!(ledger.records[0].copies, 1);
    }

    #[test]
    fn acknowledged_but_absent_is_a_lost_write() {
        let trace = Trace::from_events(vec![created(), sent(0), acked(0, 0)]);
        let ledger = Ledger::from_trace(&trace);
        assert_eq!(
            ledger.anomaly_kinds(),
            vec![AnomalyKind::LostAcknowledgedWrite]
        );
        assert_eq!(ledger.anomalies[0].event, 2, "links to the acknowledgement");
        assert_eq!(ledger.delivery(), Delivery::AtMostOnce);
    }

    #[test]
    fn two_copies_are_a_duplicate() {
        let trace = Trace::from_events(vec![created(), sent(0), appended(0, 0), appended(0, 1)]);
        let ledger = Ledger::from_trace(&trace);
        assert_eq!(ledger.anomaly_kinds(), vec![AnomalyKind::Duplicate]);
        assert_eq!(ledger.anomalies[0].event, 3, "links to the second copy");
        assert_eq!(ledger.delivery(), Delivery::AtLeastOnce);
    }

    #[test]
    fn a_later_send_first_in_the_log_is_a_reorder() {
        let trace = Trace::from_events(vec![
            created(),
            sent(0),
            sent(1),
            appended(1, 0),
            appended(0, 1),
        ]);
        let ledger = Ledger::from_trace(&trace);
        assert_eq!(ledger.anomaly_kinds(), vec![AnomalyKind::Reorder]);
        assert_eq!(ledger.anomalies[0].record, RecordId(0));
    }

    #[test]
    fn a_truncated_acknowledged_record_is_lost_and_blames_the_truncation() {
        let truncated = at(
            4,
            NodeId::Broker(L),
            EventKind::LogTruncated {
                partition: P,
                to: Offset(0),
                removed: 1,
                reason: TruncationReason::PowerLoss,
            },
        );
        let trace = Trace::from_events(vec![
            created(),
            sent(0),
            appended(0, 0),
            acked(0, 0),
            truncated,
        ]);
        let ledger = Ledger::from_trace(&trace);
        assert_eq!(
            ledger.anomaly_kinds(),
            vec![AnomalyKind::LostAcknowledgedWrite]
        );
        assert_eq!(ledger.anomalies[0].cause, Some(4));
    }

    #[test]
    fn unacknowledged_and_absent_is_not_an_anomaly() {
        let trace = Trace::from_events(vec![created(), sent(0)]);
        assert!(Ledger::from_trace(&trace).anomalies.is_empty());
    }
}
