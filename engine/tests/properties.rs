//! Property tests over random seeds and fault plans.
//!
//! In the current profile with RF 3, acks=all, min.insync.replicas=2 and clean elections
//! (with or without eligible leader replicas),
//! faults limited to process crashes, restarts, link cuts, slow links, dropped responses and
//! isolation
//! never lose an acknowledged write nor break an invariant. (Power and disk loss are left
//! out on purpose: with them real Kafka can lose acknowledged writes.) And every run is
//! deterministic.

#![cfg(not(target_arch = "wasm32"))]

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::{BrokerId, NodeId};
use delivery_lab_engine::{AnomalyKind, Scenario, run_with_seed};
use proptest::prelude::*;

const BASE: &str = r#"{
    "name": "property", "duration_ms": 40000,
    "cluster": {"brokers": 3, "configs": {"min.insync.replicas": 2, "replica.lag.time.max.ms": 4000}},
    "topic": {"name": "t", "partitions": 2, "replication_factor": 3},
    "producer": {"records": 30, "start_ms": 50, "interval_ms": 700, "configs": {"acks": "all"}}
}"#;

/// Mostly brokers: cuts between brokers are what move ISRs and leaders.
fn node() -> impl Strategy<Value = NodeId> {
    prop_oneof![
        6 => (0..3u32).prop_map(|b| NodeId::Broker(BrokerId(b))),
        1 => Just(NodeId::Producer(0)),
        1 => Just(NodeId::Controller),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    let broker = (0..3u32).prop_map(BrokerId);
    prop_oneof![
        broker
            .clone()
            .prop_map(|broker| Fault::CrashBroker { broker }),
        broker
            .clone()
            .prop_map(|broker| Fault::RestartBroker { broker }),
        (node(), node(), any::<bool>()).prop_map(|(from, to, one_way)| Fault::CutLink {
            from,
            to,
            one_way
        }),
        (node(), node()).prop_map(|(from, to)| Fault::HealLink { from, to }),
        node().prop_map(|node| Fault::Isolate { node }),
        node().prop_map(|node| Fault::Reconnect { node }),
        (broker, 1..4u32).prop_map(|(broker, count)| Fault::DropResponses { broker, count }),
    ]
}

fn plan() -> impl Strategy<Value = Vec<ScheduledFault>> {
    prop::collection::vec(
        (0..30_000u64, fault()).prop_map(|(at_ms, fault)| ScheduledFault { at_ms, fault }),
        0..8,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_acknowledged_write_is_lost_and_no_invariant_breaks(seed in any::<u64>(), faults in plan(), elr in any::<bool>()) {
        let mut scenario = Scenario::from_json(BASE).unwrap();
        scenario.faults = faults;
        scenario.cluster.configs.eligible_leader_replicas_version = Some(u8::from(elr));
        let result = run_with_seed(&scenario, seed).unwrap();
        let lost = result.ledger.count(AnomalyKind::LostAcknowledgedWrite);
        prop_assert_eq!(lost, 0, "lost acknowledged writes:\n{:#?}", result.ledger.anomalies);
        prop_assert!(result.ledger.violations.is_empty(), "{:#?}", result.ledger.violations);
        // Idempotence is on by default in 4.0: retries never duplicate or reorder.
        let dup_or_reorder = result.ledger.count(AnomalyKind::Duplicate) + result.ledger.count(AnomalyKind::Reorder);
        prop_assert_eq!(dup_or_reorder, 0, "{:#?}", result.ledger.anomalies);
    }

    #[test]
    fn runs_are_deterministic(seed in any::<u64>(), faults in plan()) {
        let mut scenario = Scenario::from_json(BASE).unwrap();
        scenario.faults = faults;
        let a = run_with_seed(&scenario, seed).unwrap().trace.digest();
        let b = run_with_seed(&scenario, seed).unwrap().trace.digest();
        prop_assert_eq!(a, b);
    }
}
