//! The producing application at one moment, folded from the trace: its instances (`P0` and
//! any that replaced it), what each is doing, and its transactions.

use crate::fault::Fault;
use crate::ids::NodeId;
use crate::time::SimTime;
use crate::trace::{EventKind, TraceEvent};
use crate::transaction::facts::TxnFact;

/// What a producer instance is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InstanceStatus {
    /// Sending.
    #[default]
    Running,
    /// Its process is stopped for a while (a GC pause) until the given time.
    Paused(SimTime),
    /// Its process crashed.
    Crashed,
    /// Closed after a fatal error (fenced).
    Fenced,
}

impl InstanceStatus {
    /// A short word for the drawing.
    pub fn label(self) -> &'static str {
        match self {
            InstanceStatus::Running => "running",
            InstanceStatus::Paused(_) => "paused",
            InstanceStatus::Crashed => "crashed",
            InstanceStatus::Fenced => "fenced",
        }
    }
}

/// One instance of the producing application.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceView {
    /// `P0`, `P1`, …
    pub id: u32,
    /// Its state.
    pub status: InstanceStatus,
    /// The transaction it has open, by number, if any.
    pub open_transaction: Option<u32>,
    /// Its producer epoch, once it has one from the coordinator.
    pub epoch: Option<u16>,
}

/// The producing application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducersView {
    /// Every instance so far, `P0` first.
    pub instances: Vec<InstanceView>,
    /// Transactions committed and aborted so far.
    pub committed: usize,
    /// Transactions aborted so far.
    pub aborted: usize,
    /// Whether the application uses transactions.
    pub transactional: bool,
}

impl Default for ProducersView {
    fn default() -> Self {
        ProducersView {
            instances: vec![InstanceView::default()],
            committed: 0,
            aborted: 0,
            transactional: false,
        }
    }
}

impl ProducersView {
    /// Folds one trace event.
    pub fn apply(&mut self, e: &TraceEvent) {
        let NodeId::Producer(p) = e.node else {
            return;
        };
        // Several producing applications (`producer.count`) appear as they act.
        if !matches!(e.kind, EventKind::FaultApplied { .. }) {
            while self.instances.len() <= p as usize {
                let id = self.instances.len() as u32;
                self.instances.push(InstanceView {
                    id,
                    ..InstanceView::default()
                });
            }
        }
        match &e.kind {
            EventKind::FaultApplied { fault } => match fault {
                Fault::CrashProducer { .. } => self.set(p, InstanceStatus::Crashed),
                Fault::PauseProducer { ms, .. } => {
                    self.set(p, InstanceStatus::Paused(e.time.plus_ms(*ms)))
                }
                Fault::RestartProducer { .. } => {
                    let id = self.instances.len() as u32;
                    self.instances.push(InstanceView {
                        id,
                        ..InstanceView::default()
                    });
                }
                _ => {}
            },
            EventKind::Transaction(fact) => {
                self.transactional = true;
                let Some(i) = self.instances.get_mut(p as usize) else {
                    return;
                };
                match fact {
                    TxnFact::Initialized { epoch, .. } => i.epoch = Some(*epoch),
                    TxnFact::Began { index } => i.open_transaction = Some(*index),
                    TxnFact::Committed { .. } => {
                        i.open_transaction = None;
                        self.committed += 1;
                    }
                    TxnFact::Aborted { .. } => {
                        i.open_transaction = None;
                        self.aborted += 1;
                    }
                    TxnFact::Fatal { .. } => i.status = InstanceStatus::Fenced,
                    TxnFact::CoordinatorState { .. } => {}
                }
            }
            EventKind::ProducerEpochBumped { epoch } => {
                if let Some(i) = self.instances.get_mut(p as usize) {
                    i.epoch = Some(*epoch);
                }
            }
            _ => {}
        }
    }

    /// Ends pauses that are over by `time`.
    pub fn finish(&mut self, time: SimTime) {
        for i in &mut self.instances {
            if let InstanceStatus::Paused(until) = i.status
                && until <= time
            {
                i.status = InstanceStatus::Running;
            }
        }
    }

    fn set(&mut self, p: u32, status: InstanceStatus) {
        if let Some(i) = self.instances.get_mut(p as usize) {
            i.status = status;
        }
    }
}
