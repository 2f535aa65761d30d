//! The simulator's producing side: the producer instances, their lives (crash, pause, a new
//! instance replacing an old one), and what a new instance resumes from.

use super::{Event, Sim};
use crate::fault::Fault;
use crate::ids::{NodeId, RecordId};
use crate::producer::Producer;
use crate::scenario::{EffectiveConfig, Idempotence, ProducerSpec, Scenario, TransactionPlan};
use crate::time::SimTime;
use crate::trace::EventKind;
use crate::transaction::facts::TxnFact;
use std::collections::BTreeSet;

/// One producer instance and its process state.
pub(super) struct Instance {
    pub(super) producer: Producer,
    pub(super) crashed: bool,
    pub(super) paused_until: SimTime,
}

/// What every instance of the producing application is built from.
pub(super) struct Factory {
    spec: ProducerSpec,
    config: EffectiveConfig,
    idempotence: Idempotence,
    plan: Option<TransactionPlan>,
    brokers: u32,
    seed: u64,
}

impl Factory {
    pub(super) fn new(scenario: &Scenario, seed: u64) -> Factory {
        Factory {
            spec: scenario.producer.clone(),
            config: scenario.effective_config(),
            idempotence: scenario.idempotence().unwrap_or(Idempotence::Off),
            plan: scenario.transaction_plan(),
            brokers: scenario.cluster.brokers,
            seed,
        }
    }

    /// Instance number `n`, sending from `first_record`, knowing `leaders`.
    pub(super) fn build(
        &self,
        n: u32,
        first_record: u32,
        leaders: std::collections::BTreeMap<crate::ids::PartitionId, Option<crate::ids::BrokerId>>,
    ) -> Instance {
        Instance {
            producer: Producer::new(
                &self.spec,
                &self.config,
                self.idempotence,
                self.plan.clone(),
                first_record,
                n,
                self.brokers,
                leaders,
                self.seed.wrapping_add(u64::from(n)),
            ),
            crashed: false,
            paused_until: SimTime::ZERO,
        }
    }
}

impl Sim {
    /// Starts instance `n`'s application at `at`.
    pub(super) fn start_producer(&mut self, n: u32, at: SimTime) {
        if let Some(timer) = self.producers[n as usize].producer.first_timer() {
            self.queue.push(
                at,
                Event::Timer {
                    node: NodeId::Producer(n),
                    timer,
                    incarnation: 0,
                },
            );
        }
    }

    pub(super) fn producer_running(&self, p: u32) -> bool {
        self.producers.get(p as usize).is_some_and(|i| !i.crashed)
    }

    pub(super) fn producer_paused_until(&self, p: u32) -> Option<SimTime> {
        let until = self.producers.get(p as usize)?.paused_until;
        (until > self.now).then_some(until)
    }

    /// Applies a producer fault.
    pub(super) fn producer_fault(&mut self, fault: &Fault) {
        let Some(p) = fault.producers().first().copied() else {
            return;
        };
        let now = self.now;
        let Some(instance) = self.producers.get_mut(p as usize) else {
            return;
        };
        match *fault {
            Fault::CrashProducer { .. } => instance.crashed = true,
            Fault::PauseProducer { ms, .. } => {
                instance.paused_until = instance.paused_until.max(now.plus_ms(ms));
            }
            Fault::RestartProducer { .. } => self.replace_producer(),
            _ => {}
        }
    }

    /// A new instance of the application starts, resuming after what it knows is done.
    fn replace_producer(&mut self) {
        let n = self.producers.len() as u32;
        if u64::from(n) >= crate::limits::MAX_PRODUCERS {
            return;
        }
        let first = self.resume_point();
        let leaders = self
            .controller
            .states()
            .map(|s| (s.partition, s.leader))
            .collect();
        let instance = self.factory.build(n, first, leaders);
        self.producers.push(instance);
        let now = self.now;
        self.start_producer(n, now);
    }

    /// The first record the application has no proof of: with transactions, not in a
    /// committed transaction; without, not acknowledged.
    fn resume_point(&self) -> u32 {
        let transactional = self.factory.plan.is_some();
        let mut done: BTreeSet<RecordId> = BTreeSet::new();
        for e in &self.trace.events {
            match &e.kind {
                EventKind::Transaction(TxnFact::Committed { records, .. }) => {
                    done.extend(records.iter().copied());
                }
                EventKind::ProduceAcknowledged { record, .. } if !transactional => {
                    done.insert(*record);
                }
                _ => {}
            }
        }
        (0..self.factory.spec.records)
            .find(|r| !done.contains(&RecordId(*r)))
            .unwrap_or(self.factory.spec.records)
    }
}
