//! Runs the workshop-sized scenario with snapshots, then re-runs it after a crash dropped at
//! three quarters of the run (what the app does after a fault drop): first up to the drop
//! (what the drawing needs at once), then the rest. A profiling target.
//! `cargo run --profile bench --example rerun` (`-- first`: only the run with snapshots).

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::BrokerId;
use delivery_lab_engine::run_with_checkpoints;
use delivery_lab_engine::time::SimTime;
use std::time::Instant;

#[path = "../benches/support/workshop.rs"]
mod support;

fn main() {
    let mut s = support::workshop();
    let started = Instant::now();
    let (run, checkpoints) = run_with_checkpoints(&s).expect("valid");
    let first = started.elapsed();
    if std::env::args().nth(1).as_deref() == Some("first") {
        // Only the run with snapshots (to count its instructions).
        println!("run with snapshots {:.1} ms", first.as_secs_f64() * 1e3);
        return;
    }
    let at_ms = 15_750;
    s.faults.push(ScheduledFault {
        at_ms,
        fault: Fault::CrashBroker {
            broker: BrokerId(1),
        },
    });
    let started = Instant::now();
    let mut progress = checkpoints.resume(&run.trace, &s).expect("valid");
    let resumed = started.elapsed();
    progress.advance(Some(SimTime::from_ms(at_ms + 1)), u64::MAX);
    let drawn = started.elapsed();
    let (rerun, _) = progress.finish();
    println!(
        "run with snapshots {:.1} ms; re-run after a crash at 3/4: resumed {:.1} ms, at the \
         drop {:.1} ms, done {:.1} ms ({} facts)",
        first.as_secs_f64() * 1e3,
        resumed.as_secs_f64() * 1e3,
        drawn.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3,
        rerun.trace.events.len()
    );
}
