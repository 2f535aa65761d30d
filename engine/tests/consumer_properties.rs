//! Property: with manual commits after processing and an idempotent sink, no plan of
//! consumer crashes, pauses and restarts (and, with the idempotent producer, acks=all and
//! min.insync.replicas=2, broker process crashes and restarts) loses an effect or applies one
//! twice.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use delivery_lab_engine::consumer::facts::ConsumerFact;
use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::NodeId;
use delivery_lab_engine::trace::EventKind;
use delivery_lab_engine::{AnomalyKind, Scenario, run_with_seed};
use proptest::prelude::*;

const BASE: &str = r#"{
  "name": "at-least-once consumer into an idempotent sink",
  "kafka_version": "4.0",
  "duration_ms": 40000,
  "cluster": { "brokers": 3, "configs": { "min.insync.replicas": 2 } },
  "topic": { "name": "t", "partitions": 3, "replication_factor": 3 },
  "producer": { "records": 300, "start_ms": 100, "interval_ms": 30 },
  "consumer_group": {
    "members": 3,
    "processing_ms": 40,
    "commit": "sync_after_batch",
    "sink": { "type": "SINK" },
    "configs": { "enable.auto.commit": false, "session.timeout.ms": 6000, "max.poll.records": 40, "auto.offset.reset": "earliest", "max.poll.interval.ms": 8000 }
  }
}"#;

fn fault() -> impl Strategy<Value = Fault> {
    let consumer = (0..3u32).prop_map(NodeId::Consumer);
    prop_oneof![
        consumer
            .clone()
            .prop_map(|consumer| Fault::CrashConsumer { consumer }),
        consumer
            .clone()
            .prop_map(|consumer| Fault::RestartConsumer { consumer }),
        (consumer, 100..12_000u64).prop_map(|(consumer, ms)| Fault::PauseConsumer { consumer, ms }),
    ]
}

/// Broker process crashes and restarts too (no power or disk loss: those may lose
/// acknowledged writes in real Kafka).
fn any_fault() -> impl Strategy<Value = Fault> {
    let broker = (0..3u32).prop_map(delivery_lab_engine::ids::BrokerId);
    prop_oneof![
        3 => fault(),
        1 => broker.clone().prop_map(|broker| Fault::CrashBroker { broker }),
        1 => broker.prop_map(|broker| Fault::RestartBroker { broker }),
    ]
}

fn mixed_plan() -> impl Strategy<Value = Vec<ScheduledFault>> {
    prop::collection::vec(
        (0..30_000u64, any_fault()).prop_map(|(at_ms, fault)| ScheduledFault { at_ms, fault }),
        0..8,
    )
}

fn plan() -> impl Strategy<Value = Vec<ScheduledFault>> {
    prop::collection::vec(
        (0..30_000u64, fault()).prop_map(|(at_ms, fault)| ScheduledFault { at_ms, fault }),
        0..8,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn commit_after_processing_into_an_idempotent_sink_is_exactly_once(
        seed in any::<u64>(),
        faults in plan(),
        upsert in any::<bool>(),
    ) {
        let sink = if upsert { "upsert" } else { "dedup" };
        let mut scenario = Scenario::from_json(&BASE.replace("SINK", sink)).unwrap();
        scenario.faults = faults;
        let result = run_with_seed(&scenario, seed).unwrap();
        let lost = result.ledger.count(AnomalyKind::LostEffect);
        let twice = result.ledger.count(AnomalyKind::DuplicateEffect);
        prop_assert_eq!(lost + twice, 0, "{:#?}", result.ledger.anomalies);
    }

    #[test]
    fn the_whole_pipeline_stays_exactly_once_through_broker_and_consumer_crashes(
        seed in any::<u64>(),
        faults in mixed_plan(),
    ) {
        let mut scenario = Scenario::from_json(&BASE.replace("SINK", "dedup")).unwrap();
        scenario.faults = faults;
        let result = run_with_seed(&scenario, seed).unwrap();
        prop_assert!(result.ledger.anomalies.is_empty(), "{:#?}", result.ledger.anomalies);
    }

    #[test]
    fn a_plain_sink_may_duplicate_but_never_loses(seed in any::<u64>(), faults in plan()) {
        let mut scenario = Scenario::from_json(&BASE.replace("SINK", "plain")).unwrap();
        scenario.faults = faults;
        let result = run_with_seed(&scenario, seed).unwrap();
        prop_assert_eq!(result.ledger.count(AnomalyKind::LostEffect), 0, "{:#?}", result.ledger.anomalies);
    }
}

/// Crashes and restarts only: a crashed member owns nothing, so no two live members may
/// ever own one partition (a paused member can: it learns late that it was replaced).
fn crash_plan() -> impl Strategy<Value = Vec<ScheduledFault>> {
    let consumer = (0..3u32).prop_map(NodeId::Consumer);
    let fault = prop_oneof![
        consumer
            .clone()
            .prop_map(|consumer| Fault::CrashConsumer { consumer }),
        consumer.prop_map(|consumer| Fault::RestartConsumer { consumer }),
    ];
    prop::collection::vec(
        (0..30_000u64, fault).prop_map(|(at_ms, fault)| ScheduledFault { at_ms, fault }),
        0..8,
    )
}

/// The base scenario with the cooperative-sticky assignor and members joining at random.
fn cooperative(sink: &str, starts: &[u64], commit_on_revoke: bool) -> Scenario {
    let mut scenario = Scenario::from_json(&BASE.replace("SINK", sink)).unwrap();
    let group = scenario.consumer_group.as_mut().unwrap();
    group.configs.partition_assignment_strategy =
        Some(delivery_lab_engine::consumer::spec::AssignmentStrategy::CooperativeSticky);
    group.member_start_ms = Some(starts.to_vec());
    group.commit_on_revoke = commit_on_revoke;
    scenario
}

/// Found by the property below: C0 joins at 3.08 s and waits for the first generation
/// (`group.initial.rebalance.delay.ms`) without heartbeating; the generation must start its
/// session afresh, or the coordinator removes it at 9.08 s while it consumes, and hands its
/// partitions to C1 before C0 learns it is out.
#[test]
fn every_generation_starts_each_members_session_afresh() {
    let scenario = cooperative("dedup", &[3_080, 6_080, 9_081], true);
    let result = run_with_seed(&scenario, 5_836_240_966_407_936_295).unwrap();
    let removed = result.trace.events.iter().find(|e| {
        matches!(
            e.kind,
            EventKind::Consumer(ConsumerFact::MemberRemoved { .. })
        )
    });
    assert_eq!(
        removed.map(|e| e.time),
        None,
        "no member missed a heartbeat"
    );
    assert_eq!(common::first_double_ownership(&result), None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn cooperative_rebalances_never_lose_an_effect(
        seed in any::<u64>(),
        faults in plan(),
        starts in prop::collection::vec(100..20_000u64, 3),
        commit_on_revoke in any::<bool>(),
    ) {
        let mut scenario = cooperative("plain", &starts, commit_on_revoke);
        scenario.faults = faults;
        let result = run_with_seed(&scenario, seed).unwrap();
        prop_assert_eq!(result.ledger.count(AnomalyKind::LostEffect), 0, "{:#?}", result.ledger.anomalies);
    }

    #[test]
    fn cooperative_rebalances_never_give_a_partition_two_live_owners(
        seed in any::<u64>(),
        faults in crash_plan(),
        starts in prop::collection::vec(100..20_000u64, 3),
    ) {
        let mut scenario = cooperative("dedup", &starts, true);
        scenario.faults = faults;
        let result = run_with_seed(&scenario, seed).unwrap();
        prop_assert!(result.ledger.anomalies.is_empty(), "{:#?}", result.ledger.anomalies);
        let overlap = common::first_double_ownership(&result);
        prop_assert_eq!(overlap, None, "two owners");
        let drawn = common::first_double_ownership_drawn(&result, scenario.cluster.brokers);
        prop_assert_eq!(drawn, None, "two owners drawn");
    }
}
