//! The cluster view at the play position, folded incrementally and kept across renders.
//!
//! Folding the whole trace on every animation frame cost a long run its frame rate, and
//! folding it again after every fault dropped cost the redraw. A [`FoldCache`] keeps the fold
//! and copies of it every few thousand events, and knows which of their events still hold
//! after a re-run from a snapshot ([`delivery_lab_engine::Checkpoints::unchanged_events`]).

use delivery_lab_engine::Run;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::view::{ClusterView, ViewFold};
use std::rc::{Rc, Weak};

/// A fold of the cluster view kept across renders, with copies of it every
/// [`FOLD_MARK_EVENTS`] events to fold again from.
pub struct FoldCache {
    run: Rc<Run>,
    fold: ViewFold,
    marks: Vec<ViewFold>,
}

/// How many trace events apart the kept copies of the fold are.
const FOLD_MARK_EVENTS: usize = 16_384;

/// The cluster at `position` of `run`. Playing or stepping forward folds only the new events;
/// scrubbing back, or a re-run from a snapshot (which shares the events before its first
/// changed fault), folds from the last kept copy that still holds; anything else from the
/// start.
pub fn cluster_view(
    kept: &mut Option<FoldCache>,
    run: &Rc<Run>,
    rerun_of: Option<&(Weak<Run>, usize)>,
    brokers: u32,
    position: SimTime,
) -> ClusterView {
    // How many of the kept fold's first events hold for `run`.
    let valid = kept.as_ref().map_or(0, |c| {
        if Rc::ptr_eq(&c.run, run) {
            usize::MAX
        } else {
            rerun_of
                .filter(|(previous, _)| std::ptr::eq(previous.as_ptr(), Rc::as_ptr(&c.run)))
                .map_or(0, |(_, unchanged)| *unchanged)
        }
    });
    let cache = match kept {
        Some(c) if valid > 0 => c,
        _ => kept.insert(FoldCache {
            run: Rc::clone(run),
            fold: ViewFold::new(brokers),
            marks: Vec::new(),
        }),
    };
    cache.run = Rc::clone(run);
    cache.marks.retain(|m| m.applied() <= valid);
    if cache.fold.applied() > valid || !cache.fold.can_reach(position) {
        while cache.marks.last().is_some_and(|m| !m.can_reach(position)) {
            cache.marks.pop();
        }
        cache.fold = cache
            .marks
            .last()
            .cloned()
            .unwrap_or_else(|| ViewFold::new(brokers));
    }
    let until = run.trace.events_until(position);
    loop {
        let mark = (cache.fold.applied() / FOLD_MARK_EVENTS + 1) * FOLD_MARK_EVENTS;
        if mark > until {
            break;
        }
        cache.fold.advance_to(&run.trace, mark);
        if cache.marks.last().is_none_or(|m| m.applied() < mark) {
            cache.marks.push(cache.fold.clone());
        }
    }
    cache.fold.advance(&run.trace, position);
    cache.fold.view(&run.trace, position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use delivery_lab_engine::fault::{Fault, ScheduledFault};
    use delivery_lab_engine::ids::BrokerId;
    use delivery_lab_engine::{Scenario, run_with_checkpoints};

    fn workshop() -> Scenario {
        let text = include_str!("../scenarios/workshop-cluster.json");
        let mut s = Scenario::from_json(text).unwrap();
        s.producer.count = 2;
        s.producer.records = 3_500;
        s.producer.interval_ms = 1;
        s.duration_ms = 4_000;
        s
    }

    #[test]
    fn playing_scrubbing_back_and_rerunning_give_the_view_folded_from_the_start() {
        let scenario = workshop();
        let (run, checkpoints) = run_with_checkpoints(&scenario).unwrap();
        let run = Rc::new(run);
        let brokers = scenario.cluster.brokers;
        assert!(
            run.trace.events.len() > 3 * FOLD_MARK_EVENTS,
            "marks are taken: {} events",
            run.trace.events.len()
        );
        let mut kept = None;
        for ms in [100, 900, 2_500, 3_900, 1_200, 3_000, 50] {
            let t = SimTime::from_ms(ms);
            let view = cluster_view(&mut kept, &run, None, brokers, t);
            assert_eq!(view, ClusterView::at(&run.trace, brokers, t), "at {t}");
        }
        let _ = cluster_view(&mut kept, &run, None, brokers, SimTime::from_ms(3_000));
        let mut edited = scenario.clone();
        edited.faults.push(ScheduledFault {
            at_ms: 2_999,
            fault: Fault::CrashBroker {
                broker: BrokerId(2),
            },
        });
        let (rerun, next) = checkpoints.rerun(&run, &edited).unwrap();
        let rerun = Rc::new(rerun);
        let rerun_of = (Rc::downgrade(&run), next.unchanged_events());
        for ms in [3_000, 3_500] {
            let t = SimTime::from_ms(ms);
            let view = cluster_view(&mut kept, &rerun, Some(&rerun_of), brokers, t);
            assert_eq!(
                view,
                ClusterView::at(&rerun.trace, brokers, t),
                "re-run at {t}"
            );
            assert!(!view.brokers[2].running);
        }
        let cache = kept.as_ref().unwrap();
        assert!(
            cache
                .marks
                .iter()
                .all(|m| m.applied() <= rerun.trace.events.len())
        );
    }
}
