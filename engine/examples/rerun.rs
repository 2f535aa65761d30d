//! Runs the workshop-sized scenario with snapshots, then re-runs it after a crash dropped at
//! three quarters of the run (what the app does after a fault drop): a profiling target.
//! `cargo run --profile bench --example rerun`.

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::BrokerId;
use delivery_lab_engine::run_with_checkpoints;
use std::time::Instant;

#[path = "../benches/support/workshop.rs"]
mod support;

fn main() {
    let mut s = support::workshop();
    let started = Instant::now();
    let (run, checkpoints) = run_with_checkpoints(&s).expect("valid");
    let first = started.elapsed();
    s.faults.push(ScheduledFault {
        at_ms: 15_750,
        fault: Fault::CrashBroker {
            broker: BrokerId(1),
        },
    });
    let started = Instant::now();
    let (rerun, _) = checkpoints.rerun(&run, &s).expect("valid");
    println!(
        "run with snapshots {:.1} ms; re-run after a crash at 3/4: {:.1} ms ({} facts)",
        first.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3,
        rerun.trace.events.len()
    );
}
