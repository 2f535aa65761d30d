//! Engine speed: events per second, and the time to run a workshop-sized scenario (the
//! browser re-runs the engine after every change, so this must fit in an animation frame).
//! `cargo bench -p delivery-lab-engine`; figures go in the README.

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/workshop.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use super::support::workshop;
    use criterion::{Criterion, Throughput};
    use delivery_lab_engine::fault::{Fault, ScheduledFault};
    use delivery_lab_engine::ids::BrokerId;
    use delivery_lab_engine::time::SimTime;
    use delivery_lab_engine::{Scenario, run, run_with_checkpoints};
    use std::hint::black_box;

    /// The workshop scenario read by a consumer group of three members committing after
    /// each batch, 1 ms per record, with one member crashing and restarting.
    pub fn consumer_workshop() -> Scenario {
        let mut s = workshop();
        s.faults.clear();
        s.consumer_group = Some(
            serde_json::from_str(
                r#"{ "members": 3, "processing_ms": 1, "commit": "sync_after_batch",
                     "configs": { "enable.auto.commit": false, "auto.offset.reset": "earliest",
                                  "session.timeout.ms": 6000 } }"#,
            )
            .expect("valid group"),
        );
        s.faults = serde_json::from_str(
            r#"[ { "at_ms": 5000, "type": "crash_consumer", "consumer": "C1" },
                 { "at_ms": 9000, "type": "restart_consumer", "consumer": "C1" } ]"#,
        )
        .expect("valid faults");
        s
    }

    pub fn engine(c: &mut Criterion) {
        let scenario = workshop();
        let events = run(&scenario).expect("valid").events;
        let mut group = c.benchmark_group("engine");
        group.sample_size(20);
        group.throughput(Throughput::Elements(events));
        group.bench_function("workshop_20k_records", |b| {
            b.iter(|| run(black_box(&scenario)).expect("valid"))
        });
        group.finish();

        let consumers = consumer_workshop();
        let events = run(&consumers).expect("valid").events;
        let mut group = c.benchmark_group("engine");
        group.sample_size(20);
        group.throughput(Throughput::Elements(events));
        group.bench_function("workshop_with_consumer_group", |b| {
            b.iter(|| run(black_box(&consumers)).expect("valid"))
        });
        group.finish();

        // What the app does after a fault is dropped at the play position: re-run from the
        // last snapshot before it (here a crash of B1 dropped at 3/4 and at 1/2 of the run).
        let (full, checkpoints) = run_with_checkpoints(&scenario).expect("valid");
        for (name, at_ms) in [
            ("rerun_fault_at_three_quarters", 15_750),
            ("rerun_fault_at_half", 10_500),
        ] {
            let mut edited = scenario.clone();
            edited.faults.push(ScheduledFault {
                at_ms,
                fault: Fault::CrashBroker {
                    broker: BrokerId(1),
                },
            });
            c.bench_function(name, |b| {
                b.iter(|| checkpoints.rerun(&full, black_box(&edited)).expect("valid"))
            });
            // The part the app's redraw waits for: resume, and run up to the play position
            // (the rest runs over the following frames).
            let drop_at = SimTime::from_ms(at_ms + 1);
            c.bench_function(&format!("{name}_to_the_drop"), |b| {
                b.iter(|| {
                    let mut progress = checkpoints.resume(&full.trace, black_box(&edited));
                    let progress = progress.as_mut().expect("valid");
                    progress.advance(Some(drop_at), u64::MAX);
                    progress.trace().events.len()
                })
            });
        }
        c.bench_function("workshop_with_snapshots", |b| {
            b.iter(|| run_with_checkpoints(black_box(&scenario)).expect("valid"))
        });

        let small = Scenario::from_json(include_str!("../../scenarios/replication-acks-all.json"))
            .expect("preset is valid");
        c.bench_function("replication_preset", |b| {
            b.iter(|| run(black_box(&small)).expect("valid"))
        });
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, bench::engine);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
