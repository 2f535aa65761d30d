//! A partition's final log as the ledger reads it (the final leader's log at the end of the
//! run): what a `read_committed` reader sees of it — a transactional record only once its
//! producer's next control marker after it is a COMMIT (KIP-98) — and the copies,
//! duplicates and reorders in it.

use super::fold::{ByRecord, Traced, TracedLog};
use super::{Anomaly, AnomalyKind, RecordFate};
use crate::dense_map::DenseMap;
use crate::ids::{Offset, RecordId};
use crate::message::ControlMarker;
use std::collections::BTreeMap;

/// The records a read_committed reader sees in a final log, with their offsets: no
/// markers, and a transactional record only if the next marker of its producer after it
/// is a COMMIT.
pub(super) fn visible_entries(
    log: &TracedLog,
    aborted_by: &mut ByRecord<usize>,
) -> Vec<(Offset, Traced)> {
    let mut next_markers: BTreeMap<Option<u64>, (ControlMarker, usize)> = BTreeMap::new();
    let mut visible = Vec::with_capacity(log.len());
    for (t, o) in log.iter().rev().zip((0..log.len()).rev()) {
        let next_marker = next_markers.get(&t.txn_producer).copied();
        match (t.control, next_marker) {
            (Some(m), _) => {
                next_markers.insert(t.txn_producer, (m, t.event));
            }
            (None, Some((ControlMarker::Commit, _))) => visible.push((Offset(o as u64), *t)),
            (None, _) if !t.transactional => visible.push((Offset(o as u64), *t)),
            (None, Some((ControlMarker::Abort, marker))) => aborted_by.insert(t.record, marker),
            (None, None) => {}
        }
    }
    visible.reverse();
    visible
}

/// Counts copies and finds duplicates and reorders in one partition's final log.
pub(super) fn check_partition_log(
    log: impl IntoIterator<Item = (Offset, Traced)>,
    apps: &ByRecord<u32>,
    fates: &mut ByRecord<RecordFate>,
    anomalies: &mut Vec<Anomaly>,
) {
    // Per producing application: the highest record id seen so far in this log.
    let mut highest: DenseMap<u32, RecordId> = DenseMap::new();
    for (_, Traced { record, event, .. }) in log {
        let Some(fate) = fates.get_mut(&record) else {
            continue;
        };
        fate.copies += 1;
        if fate.copies == 2 {
            anomalies.push(Anomaly {
                kind: AnomalyKind::Duplicate,
                record,
                event,
                cause: None,
            });
        }
        if fate.copies > 1 {
            continue;
        }
        let app = apps.get(&record).copied().unwrap_or(0);
        match highest.get(&app) {
            // One application sends records in id order, so a smaller id after a larger one
            // of the same application means the log put a later send first.
            Some(h) if record < *h => anomalies.push(Anomaly {
                kind: AnomalyKind::Reorder,
                record,
                event,
                cause: None,
            }),
            _ => {
                highest.insert(app, record);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(record: u32, producer: u64, control: Option<ControlMarker>) -> Traced {
        Traced {
            record: if control.is_some() {
                RecordId::CONTROL
            } else {
                RecordId(record)
            },
            event: record as usize,
            transactional: true,
            control,
            txn_producer: Some(producer),
        }
    }

    #[test]
    fn a_marker_ends_only_its_own_producers_transaction() {
        // Producer 1's transaction (r0) is still open when producer 2 commits (r1); producer
        // 1 aborts later: r0 is invisible to read_committed, r1 visible.
        let log: TracedLog = vec![
            txn(0, 1, None),
            txn(1, 2, None),
            txn(90, 2, Some(ControlMarker::Commit)),
            txn(91, 1, Some(ControlMarker::Abort)),
        ]
        .into();
        let mut aborted_by = ByRecord::default();
        let visible: Vec<RecordId> = visible_entries(&log, &mut aborted_by)
            .into_iter()
            .map(|(_, t)| t.record)
            .collect();
        assert_eq!(visible, vec![RecordId(1)]);
        assert_eq!(aborted_by.get(&RecordId(0)), Some(&91));
    }
}
