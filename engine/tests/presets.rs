//! Every preset in `scenarios/` runs and produces the outcome it promises.

mod common;

use delivery_lab_engine::run;

#[test]
fn there_are_presets() {
    assert!(common::presets().len() >= 3);
}

#[test]
fn every_preset_produces_its_expected_outcome() {
    for (name, scenario) in common::presets() {
        let expect = scenario
            .expect
            .clone()
            .unwrap_or_else(|| panic!("{name} has no expect"));
        let result = run(&scenario).unwrap();
        let mut expected_kinds = expect.anomalies.clone();
        expected_kinds.sort();
        assert_eq!(
            result.ledger.anomaly_kinds(),
            expected_kinds,
            "{name}: anomalies"
        );
        if let Some(acked) = expect.acknowledged {
            assert_eq!(
                result.ledger.acknowledged(),
                acked as usize,
                "{name}: acknowledged"
            );
        }
    }
}

#[test]
fn min_isr_above_replicas_surfaces_not_enough_replicas_and_writes_nothing() {
    let (_, scenario) = common::presets()
        .into_iter()
        .find(|(n, _)| n == "min-isr-above-replication-factor")
        .unwrap();
    let result = run(&scenario).unwrap();
    assert_eq!(result.ledger.failed(), scenario.producer.records as usize);
    assert!(
        result
            .ledger
            .records
            .iter()
            .all(|r| r.placements.is_empty())
    );
    let text = result.trace.to_text();
    assert!(
        text.contains("after NOT_ENOUGH_REPLICAS, retry"),
        "retriable: retried"
    );
    assert!(text.contains("(TimeoutException)"));
}

#[test]
fn two_producing_applications_interleave_without_a_reorder() {
    let mut scenario = common::preset("workshop-cluster");
    scenario.producer.count = 2;
    let result = run(&scenario).unwrap();
    // Each application's records, in its own id range, all acknowledged once.
    assert_eq!(
        result.ledger.records.len(),
        2 * scenario.producer.records as usize
    );
    assert!(
        result
            .ledger
            .records
            .iter()
            .any(|r| r.record.0 >= scenario.producer.records),
        "the second application's records"
    );
    assert!(
        result.ledger.anomalies.is_empty(),
        "{:?}",
        result.ledger.anomalies
    );
    assert_eq!(
        result.ledger.acknowledged(),
        2 * scenario.producer.records as usize
    );
}
