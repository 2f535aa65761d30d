//! The simulator's producing side: the producer instances, their lives (crash, pause, a new
//! instance replacing an old one), and what a new instance resumes from.

use super::{Event, Sim};
use crate::fault::Fault;
use crate::ids::{NodeId, RecordId};
use crate::message::ControlMarker;
use crate::producer::Producer;
use crate::scenario::{EffectiveConfig, Idempotence, ProducerSpec, Scenario, TransactionPlan};
use crate::time::SimTime;
use crate::trace::EventKind;
use std::collections::BTreeSet;

/// One producer instance and its process state.
#[derive(Clone)]
pub(super) struct Instance {
    pub(super) producer: Producer,
    pub(super) crashed: bool,
    pub(super) paused_until: SimTime,
}

/// What every instance of the producing application is built from.
#[derive(Clone)]
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

    /// How many producing applications run from the start.
    pub(super) fn apps(&self) -> u32 {
        self.spec.count.max(1)
    }

    /// Application `app`'s first instance (node `P{app}`), knowing `leaders`.
    pub(super) fn build_app(
        &self,
        app: u32,
        leaders: crate::dense_map::DenseMap<crate::ids::PartitionId, Option<crate::ids::BrokerId>>,
    ) -> Instance {
        let first = app * self.spec.records;
        self.build(app, first, app, leaders)
    }

    /// Instance number `n` of application `app`, sending from `first_record`, knowing
    /// `leaders`.
    pub(super) fn build(
        &self,
        n: u32,
        first_record: u32,
        app: u32,
        leaders: crate::dense_map::DenseMap<crate::ids::PartitionId, Option<crate::ids::BrokerId>>,
    ) -> Instance {
        let end = (app + 1) * self.spec.records;
        Instance {
            producer: Producer::new(
                &self.spec,
                &self.config,
                self.idempotence,
                self.plan.clone(),
                (first_record, end),
                (n, app),
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
            Fault::RestartProducer {
                ref transactional_id,
                ..
            } => {
                // The same transactional.id as the instance it replaces, unless told otherwise.
                let id = transactional_id.clone().or_else(|| {
                    instance
                        .producer
                        .transactions()
                        .map(|t| t.transactional_id().to_string())
                });
                self.replace_producer(id.as_deref())
            }
            _ => {}
        }
    }

    /// A transactional replacement has fenced the old instance: its application resumes
    /// after what is committed by now.
    pub(super) fn maybe_resume_producer(&mut self, p: u32) {
        if !self
            .producers
            .get(p as usize)
            .is_some_and(|i| i.producer.awaiting_resume())
        {
            return;
        }
        let app = self.producers[p as usize].producer.app();
        let first = self.resume_point(app);
        let now = self.now;
        self.with_node(NodeId::Producer(p), |sim, out| {
            sim.producers[p as usize]
                .producer
                .resume_from(now, first, out)
        });
    }

    /// A new instance of the application starts, resuming after what it knows is done.
    fn replace_producer(&mut self, transactional_id: Option<&str>) {
        let n = self.producers.len() as u32;
        if u64::from(n) >= crate::limits::MAX_PRODUCERS {
            return;
        }
        let first = self.resume_point(0);
        let leaders = self
            .controller
            .states()
            .map(|s| (s.partition, s.leader))
            .collect();
        // Replacements exist only for a single application (validation).
        let mut instance = self.factory.build(n, first, 0, leaders);
        if let (Some(id), Some(t)) = (transactional_id, instance.producer.transactions()) {
            t.use_transactional_id(id);
        }
        self.producers.push(instance);
        let now = self.now;
        self.start_producer(n, now);
    }

    /// The first record the application has no proof of. With transactions the proof is
    /// in Kafka: a record committed in a partition leader's log (as a read_committed reader
    /// of the output, or the offsets committed with it, would show). Without, the send
    /// callbacks the application saw succeed.
    fn resume_point(&self, app: u32) -> u32 {
        let done = if self.factory.plan.is_some() {
            self.committed_in_logs()
        } else {
            self.trace
                .events
                .iter()
                .filter_map(|e| match e.kind {
                    EventKind::ProduceAcknowledged { record, .. } => Some(record),
                    _ => None,
                })
                .collect()
        };
        let records = self.factory.spec.records;
        let (start, end) = (app * records, (app + 1) * records);
        (start..end)
            .find(|r| !done.contains(&RecordId(*r)))
            .unwrap_or(end)
    }

    /// Records whose transaction committed, in the current leaders' logs: a transactional
    /// record counts when the next marker after it is a COMMIT.
    fn committed_in_logs(&self) -> BTreeSet<RecordId> {
        let mut done = BTreeSet::new();
        for state in self.controller.states() {
            let Some(leader) = state.leader else { continue };
            let Some(replica) = self.brokers[leader.0 as usize]
                .replicas()
                .get(&state.partition)
            else {
                continue;
            };
            let mut next_marker = None;
            for entry in replica.log().records().iter().rev() {
                match entry.control {
                    Some(m) => next_marker = Some(m),
                    None if !entry.transactional || next_marker == Some(ControlMarker::Commit) => {
                        done.insert(entry.record);
                    }
                    None => {}
                }
            }
        }
        done
    }
}
