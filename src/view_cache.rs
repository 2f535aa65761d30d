//! The cluster view at the play position, folded incrementally and kept across renders.
//!
//! Folding the whole trace on every animation frame cost a long run its frame rate, and
//! folding it again after every fault dropped cost the redraw. A [`FoldCache`] keeps the fold
//! and copies of it every few thousand events, and knows which of their events still hold
//! after a re-run from a snapshot ([`delivery_lab_engine::Checkpoints::unchanged_events`]).

use delivery_lab_engine::Trace;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::view::{ClusterView, ViewFold};

/// A fold of the cluster view kept across renders, with copies of it every
/// `FOLD_MARK_EVENTS` events to fold again from.
pub struct FoldCache {
    /// Names the trace folded (see [`crate::store::LabState::trace_id`]).
    trace_id: u64,
    fold: ViewFold,
    marks: Vec<ViewFold>,
}

/// How many trace events apart the kept copies of the fold are.
const FOLD_MARK_EVENTS: usize = 16_384;

/// The cluster at `position` of `trace`, named `trace_id`, which may have re-run the trace
/// named `rerun_of.0` sharing its first `rerun_of.1` events. Playing or stepping forward folds
/// only the new events; scrubbing back, or a re-run from a snapshot (which shares the events
/// before its first changed fault), folds from the last kept copy that still holds; anything
/// else from the start. `trace` must be final up to `position` (a re-run in progress may
/// still be running past it).
pub fn cluster_view(
    kept: &mut Option<FoldCache>,
    trace: &Trace,
    trace_id: u64,
    rerun_of: Option<(u64, usize)>,
    brokers: u32,
    position: SimTime,
) -> ClusterView {
    // How many of the kept fold's first events hold for `trace`.
    let valid = kept.as_ref().map_or(0, |c| {
        if c.trace_id == trace_id {
            usize::MAX
        } else {
            rerun_of
                .filter(|(previous, _)| *previous == c.trace_id)
                .map_or(0, |(_, unchanged)| unchanged)
        }
    });
    let cache = match kept {
        Some(c) if valid > 0 => c,
        _ => kept.insert(FoldCache {
            trace_id,
            fold: ViewFold::new(brokers),
            marks: Vec::new(),
        }),
    };
    cache.trace_id = trace_id;
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
    let until = trace.events_until(position);
    loop {
        let mark = (cache.fold.applied() / FOLD_MARK_EVENTS + 1) * FOLD_MARK_EVENTS;
        if mark > until {
            break;
        }
        cache.fold.advance_to(trace, mark);
        if cache.marks.last().is_none_or(|m| m.applied() < mark) {
            cache.marks.push(cache.fold.clone());
        }
    }
    cache.fold.advance(trace, position);
    cache.fold.view(trace, position)
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
        let brokers = scenario.cluster.brokers;
        assert!(
            run.trace.events.len() > 3 * FOLD_MARK_EVENTS,
            "marks are taken: {} events",
            run.trace.events.len()
        );
        let mut kept = None;
        for ms in [100, 900, 2_500, 3_900, 1_200, 3_000, 50] {
            let t = SimTime::from_ms(ms);
            let view = cluster_view(&mut kept, &run.trace, 1, None, brokers, t);
            assert_eq!(view, ClusterView::at(&run.trace, brokers, t), "at {t}");
        }
        let _ = cluster_view(
            &mut kept,
            &run.trace,
            1,
            None,
            brokers,
            SimTime::from_ms(3_000),
        );
        let mut edited = scenario.clone();
        edited.faults.push(ScheduledFault {
            at_ms: 2_999,
            fault: Fault::CrashBroker {
                broker: BrokerId(2),
            },
        });
        let (rerun, next) = checkpoints.rerun(&run, &edited).unwrap();
        let rerun_of = (1, next.unchanged_events());
        for ms in [3_000, 3_500] {
            let t = SimTime::from_ms(ms);
            let view = cluster_view(&mut kept, &rerun.trace, 2, Some(rerun_of), brokers, t);
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
