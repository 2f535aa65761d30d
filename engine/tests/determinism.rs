//! A run is a pure function of (scenario, seed): same inputs, same bytes.

mod common;

use delivery_lab_engine::{run, run_with_seed};

#[test]
fn same_seed_gives_identical_trace_bytes() {
    for (name, scenario) in common::presets() {
        let a = run(&scenario).unwrap().trace.to_text();
        let b = run(&scenario).unwrap().trace.to_text();
        assert_eq!(a, b, "{name}: two runs differ");
    }
}

#[test]
fn different_seeds_give_different_traces_when_latency_is_random() {
    let (_, scenario) = common::presets().into_iter().next().unwrap();
    assert!(scenario.network.latency_us_min < scenario.network.latency_us_max);
    let a = run_with_seed(&scenario, 1).unwrap().trace.digest();
    let b = run_with_seed(&scenario, 2).unwrap().trace.digest();
    assert_ne!(a, b);
}

#[test]
fn fixed_latency_makes_the_seed_irrelevant() {
    let (_, mut scenario) = common::presets().into_iter().next().unwrap();
    scenario.network.latency_us_min = 3_000;
    scenario.network.latency_us_max = 3_000;
    let a = run_with_seed(&scenario, 1).unwrap().trace.digest();
    let b = run_with_seed(&scenario, 2).unwrap().trace.digest();
    assert_eq!(a, b);
}
