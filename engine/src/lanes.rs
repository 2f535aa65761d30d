//! Every record's life at a glance: one lane per record with a mark for each milestone
//! (sent, retried, first appended at an offset, acknowledged or failed, processed), and the
//! anomalies the ledger found for it. The app draws the lanes side by side; the full story
//! of one record is [`crate::timeline::record_timeline`].

use crate::consumer::facts::ConsumerFact;
use crate::ids::{Offset, PartitionId, RecordId};
use crate::ledger::{AnomalyKind, Ledger};
use crate::time::SimTime;
use crate::timeline::StepKind;
use crate::trace::{EventKind, Trace};
use crate::transaction::facts::TxnFact;
use std::collections::{BTreeMap, BTreeSet};

/// One milestone on a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When.
    pub time: SimTime,
    /// What.
    pub kind: StepKind,
    /// Index of the trace event.
    pub event: usize,
}

/// One record's lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// The record.
    pub record: RecordId,
    /// Its partition.
    pub partition: Option<PartitionId>,
    /// Its milestones, in time order.
    pub marks: Vec<Mark>,
    /// The anomalies found for it, each kind once.
    pub anomalies: Vec<AnomalyKind>,
}

/// Every record's lane, records with an anomaly first, then by id.
pub fn record_lanes(trace: &Trace, ledger: &Ledger) -> Vec<Lane> {
    let mut lanes: BTreeMap<RecordId, Lane> = BTreeMap::new();
    let mut offsets: BTreeSet<(RecordId, PartitionId, Offset)> = BTreeSet::new();
    for (event, e) in trace.events.iter().enumerate() {
        let mut mark = |record: RecordId, kind: StepKind| {
            lanes
                .entry(record)
                .or_insert_with(|| Lane {
                    record,
                    partition: None,
                    marks: Vec::new(),
                    anomalies: Vec::new(),
                })
                .marks
                .push(Mark {
                    time: e.time,
                    kind,
                    event,
                });
        };
        match &e.kind {
            EventKind::RecordSent {
                record, partition, ..
            } => {
                mark(*record, StepKind::Sent);
                if let Some(l) = lanes.get_mut(record) {
                    l.partition = Some(*partition);
                }
            }
            EventKind::ProduceRetried { record, .. } | EventKind::ProduceFailed { record, .. } => {
                mark(*record, StepKind::Failed)
            }
            EventKind::RecordAppended {
                partition,
                offset,
                record,
                control: None,
                ..
            } if offsets.insert((*record, *partition, *offset)) => {
                mark(*record, StepKind::Appended)
            }
            EventKind::ProduceAcknowledged { record, .. } => mark(*record, StepKind::Acknowledged),
            EventKind::Transaction(TxnFact::Committed { records, .. }) => {
                for r in records {
                    mark(*r, StepKind::Committed);
                }
            }
            EventKind::Transaction(TxnFact::Aborted { records, .. }) => {
                for r in records {
                    mark(*r, StepKind::Removed);
                }
            }
            EventKind::Consumer(ConsumerFact::RecordProcessed { record, .. }) => {
                mark(*record, StepKind::Processed)
            }
            _ => {}
        }
    }
    for a in &ledger.anomalies {
        if let Some(l) = lanes.get_mut(&a.record)
            && !l.anomalies.contains(&a.kind)
        {
            l.anomalies.push(a.kind);
        }
    }
    let mut out: Vec<Lane> = lanes.into_values().collect();
    crate::sort::by_key(&mut out, |l| {
        u64::from(l.anomalies.is_empty()) << 32 | u64::from(l.record.0)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_lost_record_leads_and_carries_its_milestones() {
        let text = include_str!("../../scenarios/acks-1-leader-dies-before-followers-copy.json");
        let run = crate::run(&Scenario::from_json(text).unwrap()).unwrap();
        let lanes = record_lanes(&run.trace, &run.ledger);
        assert_eq!(lanes.len(), run.ledger.records.len());
        let first = &lanes[0];
        assert!(
            first
                .anomalies
                .contains(&AnomalyKind::LostAcknowledgedWrite)
        );
        let kinds: Vec<StepKind> = first.marks.iter().map(|m| m.kind).collect();
        assert_eq!(kinds.first(), Some(&StepKind::Sent));
        assert!(kinds.contains(&StepKind::Appended));
        assert!(kinds.contains(&StepKind::Acknowledged));
        assert!(first.marks.windows(2).all(|w| w[0].time <= w[1].time));
    }
}
