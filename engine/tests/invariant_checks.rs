//! The lean invariant checks (after an event, only the replicas its facts name, and a
//! partition's leaders only after a truncation, a role or ISR change, or a broker stopping or
//! starting, StrongIsr comparing only what was not verified before a truncation) report
//! exactly what the exhaustive ones do (every leader of a partition after each append or HW
//! move on it, comparing whole logs every time): over every preset, and over random fault
//! plans with power and disk losses in every Kafka profile, where the invariants do break.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::BrokerId;
use delivery_lab_engine::sim::Sim;
use delivery_lab_engine::trace::{EventKind, Trace};
use delivery_lab_engine::{Scenario, ScenarioErrors};
use proptest::prelude::*;

fn both(scenario: &Scenario, seed: u64) -> (Trace, Trace) {
    let lean = Sim::new(scenario, seed).run().0;
    let exhaustive = Sim::new(scenario, seed).with_exhaustive_checks().run().0;
    (lean, exhaustive)
}

fn violations(trace: &Trace) -> usize {
    trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InvariantViolated { .. }))
        .count()
}

#[test]
fn every_preset_reports_the_same_violations_either_way() {
    for (name, scenario) in common::presets() {
        let (lean, exhaustive) = both(&scenario, scenario.seed);
        assert_eq!(
            lean.to_text(),
            exhaustive.to_text(),
            "preset {name}: the lean checks changed the trace"
        );
    }
}

fn scenario(
    version: &str,
    unclean: bool,
    faults: Vec<ScheduledFault>,
) -> Result<Scenario, ScenarioErrors> {
    let text = format!(
        r#"{{
        "name": "checks", "duration_ms": 30000, "kafka_version": "{version}",
        "cluster": {{"brokers": 3, "configs": {{"unclean.leader.election.enable": {unclean},
                     "replica.lag.time.max.ms": 3000}}}},
        "topic": {{"name": "t", "partitions": 2, "replication_factor": 3}},
        "producer": {{"records": 40, "start_ms": 50, "interval_ms": 400, "configs": {{"acks": "1"}}}}
        }}"#
    );
    let mut s = Scenario::from_json(&text)?;
    s.faults = faults;
    Ok(s)
}

#[test]
fn power_losses_in_the_legacy_profile_break_strong_isr_and_both_checks_say_so() {
    let at = |at_ms, fault| ScheduledFault { at_ms, fault };
    let b = BrokerId;
    let plan = vec![
        at(6_000, Fault::PowerLoss { broker: b(0) }),
        at(6_500, Fault::PowerLoss { broker: b(1) }),
        at(9_000, Fault::RestartBroker { broker: b(0) }),
        at(9_500, Fault::RestartBroker { broker: b(1) }),
        at(14_000, Fault::CrashBroker { broker: b(2) }),
        at(17_000, Fault::RestartBroker { broker: b(2) }),
    ];
    let s = scenario("0.10", true, plan).expect("valid scenario");
    let mut broken = 0;
    for seed in 0..8 {
        let (lean, exhaustive) = both(&s, seed);
        assert_eq!(lean.to_text(), exhaustive.to_text(), "seed {seed}");
        broken += violations(&lean);
    }
    assert!(broken > 0, "the plan should break StrongIsr at least once");
}

fn fault() -> impl Strategy<Value = Fault> {
    let broker = (0..3u32).prop_map(BrokerId);
    prop_oneof![
        broker
            .clone()
            .prop_map(|broker| Fault::CrashBroker { broker }),
        broker
            .clone()
            .prop_map(|broker| Fault::PowerLoss { broker }),
        broker.clone().prop_map(|broker| Fault::DiskLoss { broker }),
        broker
            .clone()
            .prop_map(|broker| Fault::RestartBroker { broker }),
        (broker, 1..3u32).prop_map(|(broker, count)| Fault::DropResponses { broker, count }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_fault_plans_report_the_same_violations_either_way(
        version in prop_oneof![Just("0.10"), Just("2.8"), Just("3.9"), Just("4.0")],
        unclean in any::<bool>(),
        faults in prop::collection::vec(
            (0..25_000u64, fault()).prop_map(|(at_ms, fault)| ScheduledFault { at_ms, fault }),
            0..10,
        ),
        seed in any::<u64>(),
    ) {
        let s = scenario(version, unclean, faults).expect("valid scenario");
        let (lean, exhaustive) = both(&s, seed);
        prop_assert_eq!(lean.to_text(), exhaustive.to_text());
    }
}
