//! Re-running from a snapshot gives exactly the run from the start: for every preset and
//! every edit of its fault plan the app can make (remove a fault, move it, drop a new one),
//! and over random seeds, plans and edits.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::{BrokerId, NodeId};
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::{Checkpoints, Run, Scenario, run_with_checkpoints, run_with_seed};
use proptest::prelude::*;

/// Re-runs `edited` from `checkpoints` and checks it against a run from the start; returns
/// where it resumed.
fn assert_resumes_exactly(
    previous: &Run,
    checkpoints: &Checkpoints,
    edited: &Scenario,
    what: &str,
) -> (Run, Checkpoints) {
    let (resumed, next) = checkpoints.rerun(previous, edited).expect("valid");
    let full = run_with_seed(edited, edited.seed).expect("valid");
    assert_eq!(resumed.events, full.events, "{what}: event count");
    if resumed.trace != full.trace {
        let a = resumed.trace.to_text();
        let b = full.trace.to_text();
        let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        panic!(
            "{what}: resumed from {:?}, traces differ at line {line:?}:\n{:?}\n{:?}",
            next.resumed_at(),
            line.and_then(|l| a.lines().nth(l)),
            line.and_then(|l| b.lines().nth(l)),
        );
    }
    assert_eq!(resumed.ledger, full.ledger, "{what}: ledger");
    let unchanged = next.unchanged_events();
    assert_eq!(
        previous.trace.events.to_vec(0..unchanged),
        full.trace.events.to_vec(0..unchanged),
        "{what}: the events said unchanged are those of the previous run"
    );
    (resumed, next)
}

fn crash(at_ms: u64, broker: u32) -> ScheduledFault {
    ScheduledFault {
        at_ms,
        fault: Fault::CrashBroker {
            broker: BrokerId(broker),
        },
    }
}

#[test]
fn every_preset_resumes_exactly_after_each_fault_edit() {
    let mut resumed = 0;
    for (name, scenario) in common::presets() {
        let (run, checkpoints) = run_with_checkpoints(&scenario).expect("valid");
        let mut edits: Vec<(String, Scenario)> = Vec::new();
        for i in 0..scenario.faults.len() {
            let mut removed = scenario.clone();
            removed.faults.remove(i);
            edits.push((format!("{name}: fault {i} removed"), removed));
            let mut moved = scenario.clone();
            moved.faults[i].at_ms = (moved.faults[i].at_ms + 37).min(scenario.duration_ms);
            edits.push((format!("{name}: fault {i} moved"), moved));
        }
        let mut added = scenario.clone();
        added.faults.push(crash(scenario.duration_ms / 2, 0));
        edits.push((format!("{name}: a crash added at the middle"), added));
        for (what, edited) in &edits {
            let (_, next) = assert_resumes_exactly(&run, &checkpoints, edited, what);
            resumed += usize::from(next.resumed_at().is_some());
        }
    }
    // Not vacuous: most edits fall after the first snapshot and really resume.
    assert!(
        resumed > 100,
        "only {resumed} edits resumed from a snapshot"
    );
}

#[test]
fn a_crash_dropped_at_the_middle_resumes_at_the_middle_and_edits_chain() {
    let scenario = common::preset("workshop-cluster");
    let (run, checkpoints) = run_with_checkpoints(&scenario).expect("valid");
    assert_eq!(
        checkpoints.times().len(),
        16,
        "one snapshot per 1/16 of the run"
    );
    let mut edited = scenario.clone();
    edited.faults.push(crash(1_000, 1));
    let (run, next) = assert_resumes_exactly(&run, &checkpoints, &edited, "crash at 1000 ms");
    assert_eq!(next.resumed_at(), Some(SimTime::from_ms(1_000)));
    // A second edit re-runs from the first edit's checkpoints: those up to the snapshot it
    // resumed from (a re-run takes no new ones).
    edited.faults.push(ScheduledFault {
        at_ms: 1_500,
        fault: Fault::RestartBroker {
            broker: BrokerId(1),
        },
    });
    let (_, last) = assert_resumes_exactly(&run, &next, &edited, "restart at 1500 ms");
    assert_eq!(last.resumed_at(), Some(SimTime::from_ms(1_000)));
    assert_eq!(last.times().len(), 8);
}

#[test]
fn anything_but_the_fault_plan_changed_runs_from_the_start() {
    let scenario = common::preset("workshop-cluster");
    let (run, checkpoints) = run_with_checkpoints(&scenario).expect("valid");
    let mut edited = scenario.clone();
    edited.seed += 1;
    let (_, next) = assert_resumes_exactly(&run, &checkpoints, &edited, "new seed");
    assert_eq!(next.resumed_at(), None);
    let mut edited = scenario.clone();
    edited.producer.records += 1;
    let (_, next) = assert_resumes_exactly(&run, &checkpoints, &edited, "one more record");
    assert_eq!(next.resumed_at(), None);
}

fn fault() -> impl Strategy<Value = Fault> {
    let broker = (0..3u32).prop_map(BrokerId);
    let node = prop_oneof![
        4 => (0..3u32).prop_map(|b| NodeId::Broker(BrokerId(b))),
        1 => Just(NodeId::Producer(0)),
        1 => Just(NodeId::Consumer(0)),
    ];
    prop_oneof![
        broker
            .clone()
            .prop_map(|broker| Fault::CrashBroker { broker }),
        broker
            .clone()
            .prop_map(|broker| Fault::PowerLoss { broker }),
        broker
            .clone()
            .prop_map(|broker| Fault::RestartBroker { broker }),
        (node.clone(), node.clone(), any::<bool>())
            .prop_map(|(from, to, one_way)| Fault::CutLink { from, to, one_way }),
        node.clone().prop_map(|node| Fault::Isolate { node }),
        node.prop_map(|node| Fault::Reconnect { node }),
        (broker, 1..4u32).prop_map(|(broker, count)| Fault::DropResponses { broker, count }),
        Just(Fault::CrashConsumer {
            consumer: NodeId::Consumer(1)
        }),
        Just(Fault::RestartConsumer {
            consumer: NodeId::Consumer(1)
        }),
    ]
}

fn plan() -> impl Strategy<Value = Vec<ScheduledFault>> {
    prop::collection::vec(
        (0..8_000u64, fault()).prop_map(|(at_ms, fault)| ScheduledFault { at_ms, fault }),
        0..6,
    )
}

const BASE: &str = r#"{
    "name": "checkpoints", "duration_ms": 8000,
    "cluster": {"brokers": 3, "configs": {"min.insync.replicas": 2}},
    "topic": {"name": "t", "partitions": 2, "replication_factor": 3},
    "producer": {"records": 40, "start_ms": 20, "interval_ms": 150},
    "consumer_group": {"members": 2, "processing_ms": 5, "commit": "sync_after_batch",
                       "configs": {"enable.auto.commit": false}}
}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn resuming_from_a_snapshot_equals_running_from_the_start(
        seed in any::<u64>(),
        faults in plan(),
        added in plan(),
        removed in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
    ) {
        let mut scenario = Scenario::from_json(BASE).unwrap();
        scenario.seed = seed;
        scenario.faults = faults;
        let (run, checkpoints) = run_with_checkpoints(&scenario).unwrap();
        let mut edited = scenario.clone();
        for index in removed {
            if !edited.faults.is_empty() {
                edited.faults.remove(index.index(edited.faults.len()));
            }
        }
        edited.faults.extend(added);
        assert_resumes_exactly(&run, &checkpoints, &edited, "random edit");
    }
}

/// Drives `progress` in slices: each `(until_ms, steps)` handles at most `steps` events due
/// before `until_ms`; then checks that what it says is settled is the finished run's.
fn drive_in_slices(
    progress: &mut delivery_lab_engine::Progress,
    slices: &[(u64, u64)],
    full: &Run,
) {
    for &(until_ms, steps) in slices {
        let until = SimTime::from_ms(until_ms);
        progress.advance(Some(until), steps);
        let trace = progress.trace();
        assert_eq!(
            trace.events.to_vec(0..trace.events.len()),
            full.trace.events.to_vec(0..trace.events.len()),
            "a slice's events are the first ones of the whole run"
        );
        let probe = SimTime(until.0.saturating_sub(1));
        if progress.settled_through(probe) {
            assert_eq!(
                trace.events_until(probe),
                full.trace.events_until(probe),
                "settled through {probe:?}: every event up to it is there"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// However a run is sliced (the app runs the part up to the play position at once and the
    /// rest over the next frames), and whether a further change resumes from a finished run or
    /// from one still in progress, the trace, ledger and snapshots are those of one run.
    #[test]
    fn a_run_driven_in_slices_equals_one_run(
        seed in any::<u64>(),
        faults in plan(),
        added in plan(),
        slices in prop::collection::vec((0..9_000u64, 0..400u64), 0..12),
    ) {
        let mut scenario = Scenario::from_json(BASE).unwrap();
        scenario.seed = seed;
        scenario.faults = faults;
        let (full, checkpoints) = run_with_checkpoints(&scenario).unwrap();

        let mut progress = delivery_lab_engine::start_with_checkpoints(&scenario).unwrap();
        drive_in_slices(&mut progress, &slices, &full);
        let mut edited = scenario.clone();
        edited.faults.extend(added);
        // A change made while the run is still in progress resumes from its snapshots.
        let from_progress = progress.checkpoints().resume(progress.trace(), &edited).unwrap();
        let (sliced, sliced_checkpoints) = progress.finish();
        prop_assert_eq!(&sliced.trace, &full.trace);
        prop_assert_eq!(&sliced.ledger, &full.ledger);
        prop_assert_eq!(sliced_checkpoints.times(), checkpoints.times());

        let edited_full = run_with_seed(&edited, edited.seed).unwrap();
        let mut resumed = checkpoints.resume(&full.trace, &edited).unwrap();
        drive_in_slices(&mut resumed, &slices, &edited_full);
        let (resumed, _) = resumed.finish();
        prop_assert_eq!(&resumed.trace, &edited_full.trace);
        prop_assert_eq!(&resumed.ledger, &edited_full.ledger);
        let (from_progress, _) = from_progress.finish();
        prop_assert_eq!(&from_progress.trace, &edited_full.trace);
        prop_assert_eq!(&from_progress.ledger, &edited_full.ledger);
    }
}
