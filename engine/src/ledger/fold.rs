//! The ledger's fold over the trace: every replica's log as the trace built it, each
//! record's fate so far, and what the consumption and write-cycle checks need — read event
//! by event, copied cheaply (shared chunks) into a run's checkpoints.

use super::{
    Ledger, Placement, Placements, ProduceOutcome, RecordFate, Violation, consumption, write_cycles,
};
use crate::chunked::ChunkedVec;
use crate::dense_map::DenseMap;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, Offset, PartitionId, RecordId};
use crate::limits;
use crate::message::ControlMarker;
use crate::partition_map::ReplicaMap;
use crate::trace::{EventKind, Trace};
use crate::transaction::facts::TxnFact;
use std::collections::BTreeMap;

/// Record id → `T`, stored densely (application record ids are below
/// [`limits::MAX_RECORD_IDS`]; any other, such as a control record's, is never stored), in
/// chunks a copy shares (a run's checkpoints keep a copy of the fold per snapshot; a chunk
/// is copied only when a record in it changes after the copy).
#[derive(Clone)]
pub(super) struct ByRecord<T>(ChunkedVec<Option<T>, 8>);

impl<T> Default for ByRecord<T> {
    fn default() -> Self {
        ByRecord(ChunkedVec::new())
    }
}

impl<T: Clone> ByRecord<T> {
    /// `r`'s slot, made if the table did not reach it yet (none for an id outside the
    /// application records').
    fn slot_mut(&mut self, r: RecordId) -> Option<&mut Option<T>> {
        if u64::from(r.0) >= limits::MAX_RECORD_IDS {
            return None;
        }
        let i = r.0 as usize;
        while self.0.len() <= i {
            self.0.push(None);
        }
        Some(&mut self.0[i])
    }
    pub(super) fn insert(&mut self, r: RecordId, value: T) {
        if r.0 as usize == self.0.len() && u64::from(r.0) < limits::MAX_RECORD_IDS {
            self.0.push(Some(value)); // ids come in order: the usual case
        } else if let Some(slot) = self.slot_mut(r) {
            *slot = Some(value);
        }
    }
    pub(super) fn get(&self, r: &RecordId) -> Option<&T> {
        self.0.get(r.0 as usize)?.as_ref()
    }
    pub(super) fn get_mut(&mut self, r: &RecordId) -> Option<&mut T> {
        self.0.get_mut(r.0 as usize)?.as_mut()
    }
    pub(super) fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flatten()
    }
    pub(super) fn into_values(self) -> impl Iterator<Item = T> {
        self.0.into_vec().into_iter().flatten()
    }
    /// `r`'s value, a default one put there first if it had none (none for an id outside
    /// the application records').
    pub(super) fn get_or_default(&mut self, r: RecordId) -> Option<&mut T>
    where
        T: Default,
    {
        Some(self.slot_mut(r)?.get_or_insert_with(T::default))
    }
    /// Every record that has a value, in record order, with it.
    pub(super) fn iter(&self) -> impl Iterator<Item = (RecordId, &T)> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (RecordId(i as u32), v)))
    }
}

/// One entry of a replica's log as the trace built it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Traced {
    pub(super) record: RecordId,
    /// The event that appended it.
    pub(super) event: usize,
    pub(super) transactional: bool,
    pub(super) control: Option<ControlMarker>,
    /// Whose transaction (transactional records and markers).
    pub(super) txn_producer: Option<u64>,
}

/// One replica's log as the trace built it.
pub(super) type TracedLog = ChunkedVec<Traced, 8>;

/// What the fold over the trace collects.
#[derive(Clone, Default)]
pub(super) struct Fold {
    pub(super) fates: ByRecord<RecordFate>,
    pub(super) ack_event: ByRecord<usize>,
    /// Per partition: the last leader, whether it is offline, and the event that elected it.
    pub(super) leaders: DenseMap<PartitionId, (BrokerId, bool, usize)>,
    /// Per replica: its log.
    pub(super) logs: ReplicaMap<TracedLog>,
    /// Per (broker, partition, record): the truncation event that removed it there.
    pub(super) removed_by: BTreeMap<(BrokerId, PartitionId, RecordId), usize>,
    pub(super) violations: Vec<Violation>,
    pub(super) consumption: consumption::ConsumptionFold,
    pub(super) write_cycles: write_cycles::WriteCycles,
    /// The producer is transactional: a record is acknowledged when its transaction commits.
    pub(super) transactional: bool,
    /// Some log was given a transactional record or a marker: what a log shows a reader
    /// then depends on the markers after its records (else every record in it is visible).
    pub(super) txn_entries: bool,
    pub(super) ack_offset: ByRecord<Offset>,
    /// Per record: the event that reported its transaction aborted.
    pub(super) aborted_event: ByRecord<usize>,
    /// Per record: the producing application that sent it.
    pub(super) app: ByRecord<u32>,
}

impl Fold {
    pub(super) fn log_mut(&mut self, b: BrokerId, p: PartitionId) -> &mut TracedLog {
        self.logs.get_or_insert_with(b, p, ChunkedVec::new)
    }

    fn apply(&mut self, index: usize, e: &crate::trace::TraceEvent) {
        let broker = e.node.broker();
        match &e.kind {
            EventKind::FaultApplied { .. }
            | EventKind::LogStartMoved { .. }
            | EventKind::Consumer(_) => self.consumption.apply(index, e),
            EventKind::PartitionCreated {
                partition, leader, ..
            } => {
                self.leaders.insert(*partition, (*leader, false, index));
            }
            EventKind::LeaderElected { state, .. } => match state.leader {
                Some(l) => {
                    self.leaders.insert(state.partition, (l, false, index));
                }
                None => {
                    if let Some(entry) = self.leaders.get_mut(&state.partition) {
                        entry.1 = true;
                    }
                }
            },
            EventKind::RecordSent { record, .. } if self.fates.get(record).is_some() => {
                // The application sent it again: same record, its history goes on.
            }
            EventKind::RecordSent {
                record,
                partition,
                app,
            } => {
                self.app.insert(*record, *app);
                self.fates.insert(
                    *record,
                    RecordFate {
                        record: *record,
                        partition: *partition,
                        sent_at: e.time,
                        outcome: ProduceOutcome::Pending,
                        placements: Placements::new(),
                        copies: 0,
                    },
                );
            }
            EventKind::RecordAppended {
                partition,
                offset,
                record,
                transactional,
                control,
                txn_producer,
                ..
            } => {
                if let Some(b) = broker {
                    self.txn_entries |= *transactional || control.is_some();
                    self.log_mut(b, *partition).push(Traced {
                        record: *record,
                        event: index,
                        transactional: *transactional,
                        control: *control,
                        txn_producer: *txn_producer,
                    });
                    if let Some(f) = self.fates.get_mut(record) {
                        f.placements.push(Placement {
                            broker: b,
                            offset: *offset,
                            at: e.time,
                        });
                    }
                }
            }
            EventKind::LogTruncated { partition, to, .. } => {
                if let Some(b) = broker {
                    let log = self.log_mut(b, *partition);
                    let keep = usize::try_from(to.0).unwrap_or(usize::MAX).min(log.len());
                    let removed = log.to_vec(keep..usize::MAX);
                    log.truncate(keep);
                    for t in removed {
                        self.removed_by.insert((b, *partition, t.record), index);
                    }
                }
            }
            EventKind::ProduceAcknowledged {
                record,
                offset: Some(offset),
                ..
            } if self.transactional => {
                self.ack_offset.insert(*record, *offset);
            }
            EventKind::Transaction(TxnFact::Initialized { .. }) => self.transactional = true,
            EventKind::Transaction(TxnFact::Committed { records, .. }) => {
                for record in records {
                    if let Some(f) = self.fates.get_mut(record) {
                        f.outcome = ProduceOutcome::Acknowledged {
                            at: e.time,
                            offset: self.ack_offset.get(record).copied(),
                        };
                        self.ack_event.insert(*record, index);
                    }
                }
            }
            EventKind::Transaction(TxnFact::Aborted { records, error, .. }) => {
                for record in records {
                    self.aborted_event.insert(*record, index);
                    // A zombie instance's abort does not undo what a newer one committed.
                    if let Some(f) = self.fates.get_mut(record)
                        && !matches!(f.outcome, ProduceOutcome::Acknowledged { .. })
                    {
                        f.outcome = ProduceOutcome::Failed {
                            at: e.time,
                            error: error.unwrap_or(KafkaError::TransactionAborted),
                        };
                    }
                }
            }
            EventKind::ProduceAcknowledged { record, offset, .. } if !self.transactional => {
                if let Some(f) = self.fates.get_mut(record) {
                    f.outcome = ProduceOutcome::Acknowledged {
                        at: e.time,
                        offset: *offset,
                    };
                    self.ack_event.insert(*record, index);
                }
            }
            EventKind::ProduceFailed { record, error, .. } => {
                if let Some(f) = self.fates.get_mut(record)
                    && !(self.transactional
                        && matches!(f.outcome, ProduceOutcome::Acknowledged { .. }))
                {
                    f.outcome = ProduceOutcome::Failed {
                        at: e.time,
                        error: *error,
                    };
                }
            }
            EventKind::InvariantViolated {
                invariant,
                partition,
                detail,
            } => {
                self.violations.push(Violation {
                    event: index,
                    invariant: *invariant,
                    partition: *partition,
                    detail: detail.clone(),
                });
            }
            _ => {}
        }
    }
}

/// The ledger's fold over a trace's first events, ready to read further: a run's checkpoints
/// keep one per snapshot, so a re-run reads only the events after it.
#[derive(Clone, Default)]
pub struct LedgerFold {
    fold: Fold,
    /// How many trace events it has read.
    read: usize,
}

impl LedgerFold {
    /// Reads `trace`'s events from where it stopped up to index `until`.
    pub fn read_to(&mut self, trace: &Trace, until: usize) {
        let until = until.min(trace.events.len());
        let mut index = self.read;
        for slice in trace.events.slices(self.read..until) {
            for e in slice {
                self.fold.apply(index, e);
                if self.fold.transactional {
                    self.fold.write_cycles.apply(e);
                }
                index += 1;
            }
        }
        self.read = self.read.max(until);
    }

    /// How many trace events it has read.
    pub fn read(&self) -> usize {
        self.read
    }

    /// Reads the rest of `trace` and works out every record's fate and the anomalies.
    pub fn finish(mut self, trace: &Trace) -> Ledger {
        self.read_to(trace, trace.events.len());
        Ledger::from_fold(self.fold)
    }
}
