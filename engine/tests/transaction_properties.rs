//! Property tests for transactions: a transactional producer whose instances crash, stall
//! and are replaced (the same `transactional.id`), on a cluster whose brokers crash and
//! lose responses, never leaves a record committed twice, never loses a committed record,
//! and never lets a read_committed consumer apply an aborted one (kafka-semantics.md §B.10,
//! C30). Sorted fault plans, so a replacement instance exists before a fault names it.

#![cfg(not(target_arch = "wasm32"))]

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::{BrokerId, NodeId};
use delivery_lab_engine::{AnomalyKind, Scenario, run_with_seed};
use proptest::prelude::*;

const BASE: &str = r#"{
    "name": "transactional property", "duration_ms": 60000,
    "cluster": {"brokers": 3, "configs": {"min.insync.replicas": 2}},
    "topic": {"name": "t", "partitions": 2, "replication_factor": 3},
    "producer": {"records": 24, "start_ms": 50, "interval_ms": 150,
                 "configs": {"transactional.id": "app", "transaction.timeout.ms": 8000},
                 "transactions": {"records_per_transaction": 4}},
    "consumer_group": {"members": 1, "processing_ms": 2,
                       "configs": {"auto.offset.reset": "earliest", "isolation.level": "read_committed",
                                   "enable.auto.commit": false},
                       "commit": "sync_after_batch", "sink": {"type": "dedup"}}
}"#;

#[derive(Clone, Debug)]
enum Step {
    CrashBroker(u32),
    RestartBroker(u32),
    DropResponses(u32),
    PauseProducer(u64),
    CrashProducer,
    RestartProducer,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3u32).prop_map(Step::CrashBroker),
        (0..3u32).prop_map(Step::RestartBroker),
        (0..3u32).prop_map(Step::DropResponses),
        (500..20_000u64).prop_map(Step::PauseProducer),
        Just(Step::CrashProducer),
        Just(Step::RestartProducer),
    ]
}

/// Turns steps into a plan in time order; producer faults strike the newest instance.
fn plan(steps: Vec<(u64, Step)>) -> Vec<ScheduledFault> {
    let mut steps = steps;
    steps.sort_by_key(|(at, _)| *at);
    let mut newest = 0u32;
    steps
        .into_iter()
        .map(|(at_ms, s)| {
            let producer = NodeId::Producer(newest);
            let fault = match s {
                Step::CrashBroker(b) => Fault::CrashBroker {
                    broker: BrokerId(b),
                },
                Step::RestartBroker(b) => Fault::RestartBroker {
                    broker: BrokerId(b),
                },
                Step::DropResponses(b) => Fault::DropResponses {
                    broker: BrokerId(b),
                    count: 2,
                },
                Step::PauseProducer(ms) => Fault::PauseProducer { producer, ms },
                Step::CrashProducer => Fault::CrashProducer { producer },
                Step::RestartProducer => {
                    newest += 1;
                    Fault::RestartProducer {
                        producer,
                        transactional_id: None,
                    }
                }
            };
            ScheduledFault { at_ms, fault }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn committed_exactly_once_and_never_an_aborted_read(
        seed in any::<u64>(),
        steps in prop::collection::vec((0..30_000u64, step()), 0..6),
    ) {
        let mut scenario = Scenario::from_json(BASE).unwrap();
        scenario.faults = plan(steps);
        prop_assume!(scenario.validate().is_ok());
        let result = run_with_seed(&scenario, seed).unwrap();
        for kind in [
            AnomalyKind::Duplicate,
            AnomalyKind::LostAcknowledgedWrite,
            AnomalyKind::AbortedRead,
            AnomalyKind::DuplicateEffect,
        ] {
            prop_assert_eq!(
                result.ledger.count(kind), 0,
                "{}: {:#?}\nfaults: {:#?}", kind, result.ledger.anomalies, scenario.faults
            );
        }
        prop_assert!(result.ledger.violations.is_empty(), "{:#?}", result.ledger.violations);
    }
}
