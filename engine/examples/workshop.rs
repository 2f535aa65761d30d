//! Runs the workshop-sized scenario once and prints its event count: a target for
//! profilers (`valgrind --tool=callgrind`, `perf`). `cargo run --release --example workshop`.

use delivery_lab_engine::{Scenario, run};

fn main() {
    let text = include_str!("../../scenarios/workshop-cluster.json");
    let mut s = Scenario::from_json(text).expect("preset is valid");
    s.producer.records = 20_000;
    s.producer.interval_ms = 1;
    s.duration_ms = 21_000;
    let result = run(&s).expect("valid");
    println!(
        "{} events, {} trace facts",
        result.events,
        result.trace.events.len()
    );
}
