//! Runs the benchmark's workshop-sized scenario (with its 10 faults) a few times and prints its
//! event count and the fastest wall time: a target for profilers (`valgrind --tool=callgrind`,
//! `perf`).
//! `cargo run --profile bench --example workshop [runs]`.

use delivery_lab_engine::run;
use std::time::Instant;

#[path = "../benches/support/workshop.rs"]
mod support;

fn main() {
    let s = support::workshop();
    let mut best = f64::MAX;
    let mut result = None;
    let runs: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    for _ in 0..runs {
        let started = Instant::now();
        result = Some(run(&s).expect("valid"));
        best = best.min(started.elapsed().as_secs_f64());
    }
    let result = result.expect("ran");
    println!(
        "{} events, {} trace facts, best {:.1} ms, {:.2} M events/s",
        result.events,
        result.trace.events.len(),
        best * 1e3,
        result.events as f64 / best / 1e6
    );
}
