//! Untrusted scenarios never panic: any text either parses and validates, or is refused
//! with errors; any valid scenario runs to completion.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::{BrokerId, NodeId};
use delivery_lab_engine::{Scenario, run};
use proptest::prelude::*;

/// Every number in a preset's text, replaced in turn by `value`.
fn with_number_replaced(text: &str, nth: usize, value: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut digits = c.to_string();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            out.push_str(if count == nth { value } else { &digits });
            count += 1;
        } else {
            out.push(c);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn mutated_presets_are_refused_or_run(
        which in 0usize..64,
        nth in 0usize..40,
        value in prop_oneof![Just("0".to_string()), Just("4294967295".to_string()), Just("-1".to_string()),
                             Just("99999999999999999999".to_string()), (0u64..100_000).prop_map(|v| v.to_string())],
        cut in 0usize..4_000,
    ) {
        let presets = common::presets();
        let (name, scenario) = &presets[which % presets.len()];
        let text = serde_json::to_string(scenario).unwrap();
        let mutated = with_number_replaced(&text, nth, &value);
        if let Ok(s) = Scenario::from_json(&mutated) {
            run(&s).unwrap_or_else(|e| panic!("{name}: validated but refused: {e}"));
        }
        // Truncated text is malformed, never a panic.
        let truncated: String = text.chars().take(cut).collect();
        let _ = Scenario::from_json(&truncated);
    }

    #[test]
    fn any_valid_shape_runs(
        brokers in 1u32..=9,
        partitions in 1u32..=8,
        rf in 1u32..=9,
        min_isr in 1u32..=4,
        records in 0u32..=40,
        faults in prop::collection::vec((0u64..5_000, 0u32..9, 0u8..6), 0..10),
        seed in any::<u64>(),
    ) {
        let text = format!(r#"{{
            "name": "shape", "duration_ms": 6000, "seed": {seed},
            "cluster": {{"brokers": {brokers}, "configs": {{"min.insync.replicas": {min_isr}}}}},
            "topic": {{"name": "t", "partitions": {partitions}, "replication_factor": {}}},
            "producer": {{"records": {records}, "interval_ms": 100}}
        }}"#, rf.min(brokers));
        let mut s = Scenario::from_json(&text).unwrap();
        s.faults = faults
            .into_iter()
            .map(|(at_ms, b, kind)| {
                let broker = BrokerId(b % brokers);
                let node = NodeId::Broker(broker);
                let fault = match kind {
                    0 => Fault::CrashBroker { broker },
                    1 => Fault::PowerLoss { broker },
                    2 => Fault::DiskLoss { broker },
                    3 => Fault::RestartBroker { broker },
                    4 => Fault::Isolate { node },
                    _ => Fault::Reconnect { node },
                };
                ScheduledFault { at_ms, fault }
            })
            .collect();
        prop_assert!(s.validate().is_ok());
        let result = run(&s).unwrap();
        prop_assert!(result.ledger.records.len() <= records as usize);
    }
}
