//! Kafka Delivery Lab's simulation engine.
//!
//! A run is a pure function `(scenario, seed) -> trace`: a virtual clock in integer
//! microseconds, an event queue ordered by `(time, sequence)`, and one seeded ChaCha
//! generator with a stream per subsystem. Nodes (brokers, the controller, the producer, the
//! consumers and the group coordinator) are state machines that answer events by pushing
//! commands into an outbox. The trace records every fact; the ledger reads it to find lost,
//! duplicated and reordered records and effects applied twice or never downstream; the view
//! folds it into the cluster at any moment for the app to draw.
//!
//! The crate has no web or OS dependencies (no clock, no threads, no I/O, no getrandom), so
//! the same run gives the same bytes natively and in wasm.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod acks;
pub mod broker;
pub mod checkpoint;
pub mod chunked;
pub mod consumer;
pub mod controller;
pub mod dense_map;
pub mod epoch_cache;
pub mod errors;
pub mod explain;
pub mod fault;
pub mod ids;
pub mod invariants;
pub mod lanes;
pub mod ledger;
pub mod limits;
pub mod log;
pub mod message;
pub mod network;
pub mod outbox;
pub mod partition_map;
pub mod producer;
pub mod profile;
pub mod queue;
pub mod replica_history;
pub mod rng;
pub mod scenario;
pub mod shared_slice;
pub mod sim;
pub mod sort;
pub mod sorted_map;
pub mod time;
pub mod timeline;
pub mod trace;
pub mod transaction;
pub mod validate;
pub mod view;

pub use checkpoint::{Checkpoints, Progress, run_with_checkpoints, start_with_checkpoints};
pub use ledger::{AnomalyKind, Delivery, Ledger, LedgerFold};
pub use scenario::{EffectiveConfig, Scenario};
pub use trace::Trace;
pub use validate::{ScenarioError, ScenarioErrors};

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct Run {
    /// The seed the run used.
    pub seed: u64,
    /// The configs in force.
    pub config: EffectiveConfig,
    /// Every fact, in order.
    pub trace: Trace,
    /// Each record's fate and the anomalies.
    pub ledger: Ledger,
    /// How many events the simulator handled (deliveries and timers).
    pub events: u64,
}

/// Runs a scenario with its own seed.
pub fn run(scenario: &Scenario) -> Result<Run, ScenarioErrors> {
    run_with_seed(scenario, scenario.seed)
}

/// Runs a scenario with `seed` in place of its own. Invalid scenarios are refused, never run.
pub fn run_with_seed(scenario: &Scenario, seed: u64) -> Result<Run, ScenarioErrors> {
    scenario.validate()?;
    let (trace, events) = sim::Sim::new(scenario, seed).run();
    let ledger = Ledger::from_trace(&trace);
    Ok(Run {
        seed,
        config: scenario.effective_config(),
        trace,
        ledger,
        events,
    })
}
