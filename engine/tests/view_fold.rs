//! The app's cluster view folded forward step by step, or kept across a re-run from a
//! snapshot, is the view folded from the start.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::BrokerId;
use delivery_lab_engine::run_with_checkpoints;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::view::{ClusterView, ViewFold};

#[test]
fn folding_forward_in_steps_gives_the_view_from_the_start() {
    for (name, scenario) in common::presets() {
        let run = delivery_lab_engine::run(&scenario).expect("valid");
        let end = run.trace.end_time().as_us();
        let brokers = scenario.cluster.brokers;
        let mut fold = ViewFold::new(brokers);
        for step in 1..=12 {
            let time = SimTime(end * step / 12);
            fold.advance(&run.trace, time);
            assert_eq!(
                fold.view(&run.trace, time),
                ClusterView::at(&run.trace, brokers, time),
                "{name} at {time}"
            );
        }
        assert!(
            !fold.can_reach(SimTime(end / 2)) || end == 0,
            "{name}: cannot fold back"
        );
    }
}

#[test]
fn a_fold_kept_across_a_rerun_holds_for_the_shared_events() {
    let scenario = common::preset("workshop-cluster");
    let (run, checkpoints) = run_with_checkpoints(&scenario).expect("valid");
    let brokers = scenario.cluster.brokers;
    let drop_at = SimTime::from_ms(1_230);
    // The app's fold stands just before the play position when the fault is dropped there.
    let mut fold = ViewFold::new(brokers);
    fold.advance(&run.trace, SimTime(drop_at.as_us() - 1));
    let mut edited = scenario.clone();
    edited.faults.push(ScheduledFault {
        at_ms: 1_230,
        fault: Fault::CrashBroker {
            broker: BrokerId(0),
        },
    });
    let (rerun, next) = checkpoints.rerun(&run, &edited).expect("valid");
    assert!(fold.applied() <= next.unchanged_events());
    for ms in [1_230, 1_500, 1_999] {
        let time = SimTime::from_ms(ms);
        fold.advance(&rerun.trace, time);
        let fresh = ClusterView::at(&rerun.trace, brokers, time);
        assert_eq!(fold.view(&rerun.trace, time), fresh, "at {time}");
    }
    let stopped = ClusterView::at(&rerun.trace, brokers, SimTime::from_ms(1_500));
    assert!(
        !stopped.brokers[0].running,
        "the crash is in the re-run's view"
    );
}
