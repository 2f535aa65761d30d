//! The re-run after an edit: from the last snapshot before the first changed fault, only up to
//! the play position at once (what the drawing shows), the rest over the next animation
//! frames ([`crate::store::Action::Continue`], scheduled after each paint), after which the
//! verdict, the lanes and the trace list show the new run. An edit made meanwhile resumes
//! from the re-run still in progress.

use crate::store::LabState;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::{Checkpoints, Progress, Run, Scenario, Trace};
use std::cell::{Ref, RefCell};
use std::rc::Rc;

/// How many engine events a re-run handles between two looks at the clock (well under a
/// millisecond in wasm).
pub const EVENTS_PER_SLICE: u64 = 1_000;

/// How many engine events an edit may handle at once to bring its re-run up to the play
/// position (≈ 10 ms in wasm): a fault drop resumes from a snapshot at most 1/16 of the
/// run before it and stays well within; a setting changed late in a long run re-runs from the
/// start, so the rest of the way is run over the next frames while the drawing shows the
/// last run, dimmed.
pub const SETTLE_EVENTS: u64 = 10_000;

/// How much of an animation frame a pending re-run may take while paused, in milliseconds
/// (nothing else is drawn until it is done).
pub const RERUN_MS_PER_FRAME: f64 = 12.0;

/// How much of an animation frame a pending re-run may take while playing (the frame is
/// redrawn too).
pub const RERUN_MS_PER_PLAYING_FRAME: f64 = 6.0;

/// A re-run in progress (shared by the states that show it; only the reducer advances it).
#[derive(Debug)]
pub struct Pending {
    progress: RefCell<Option<Progress>>,
}

impl Pending {
    /// When the re-run resumed from a snapshot (none: from the start).
    pub fn resumed_at(&self) -> Option<SimTime> {
        let progress = self.progress.borrow();
        progress.as_ref().and_then(|p| p.checkpoints().resumed_at())
    }
}

impl LabState {
    /// Calls `f` with the trace the drawing shows: the pending re-run's once it is final up to
    /// the play position, else the finished run's.
    pub fn with_trace<R>(&self, f: impl FnOnce(&Trace) -> R) -> R {
        let pending = self.in_progress();
        match pending.as_deref().and_then(Option::as_ref) {
            Some(progress) if progress.settled_through(self.position) => f(progress.trace()),
            _ => f(&self.run.trace),
        }
    }

    /// Whether the drawing shows the newest trace: no re-run is pending, or it has reached the
    /// play position.
    pub fn caught_up(&self) -> bool {
        let pending = self.in_progress();
        match pending.as_deref() {
            Some(Some(progress)) => progress.settled_through(self.position),
            _ => true,
        }
    }

    /// How many brokers the drawn trace's scenario has.
    pub fn drawn_brokers(&self) -> u32 {
        if self.caught_up() {
            self.scenario.cluster.brokers
        } else {
            self.run_brokers
        }
    }

    /// Names the trace the drawing shows (see [`LabState::with_trace`]).
    pub fn drawn_trace_id(&self) -> u64 {
        if self.caught_up() {
            self.trace_id
        } else {
            self.run_id
        }
    }

    /// The pending re-run's progress, borrowed (empty once it finished: a state that still
    /// names it then falls back to the finished run).
    fn in_progress(&self) -> Option<Ref<'_, Option<Progress>>> {
        self.pending.as_ref().map(|p| p.progress.borrow())
    }

    /// Runs `scenario` in place of the current one, keeping the play position, or keeps
    /// everything and says why the engine refused it. A scenario that differs only in its
    /// faults re-runs from the last snapshot before the first changed one (of a re-run still
    /// in progress too); only up to the play position at once.
    pub(crate) fn apply_edit(&mut self, scenario: Rc<Scenario>) {
        let pending = self.in_progress();
        let resumed = match pending.as_deref().and_then(Option::as_ref) {
            Some(progress) => progress.checkpoints().resume(progress.trace(), &scenario),
            None => self.checkpoints.resume(&self.run.trace, &scenario),
        };
        drop(pending);
        match resumed {
            Ok(progress) => {
                self.drop_pending();
                self.rerun_of = Some((self.trace_id, progress.checkpoints().unchanged_events()));
                self.trace_id += 1;
                self.pending = Some(Rc::new(Pending {
                    progress: RefCell::new(Some(progress)),
                }));
                // A run whose length changed (a consumer group added lengthens a short
                // one) plays at the speed chosen for its new length, unless the user picked
                // another one.
                if self.speed == crate::store::speed_for(self.scenario.duration_ms) {
                    self.speed = crate::store::speed_for(scenario.duration_ms);
                }
                self.scenario = scenario;
                self.edited = true;
                self.error = None;
                self.position = self.position.min(self.end());
                self.settle();
            }
            Err(e) => self.error = Some(format!("That change was not applied: {e}")),
        }
    }

    /// Runs the pending re-run through the play position, at most [`SETTLE_EVENTS`] events of
    /// it (the drawing shows it once it got there), and takes it in as the run if that
    /// finished it.
    pub(crate) fn settle(&mut self) {
        let through = SimTime(self.position.0.saturating_add(1));
        self.advance_pending(|p| p.advance(Some(through), SETTLE_EVENTS));
    }

    /// Lets `step` advance the pending re-run; once it is done, it becomes the run.
    pub(crate) fn advance_pending(&mut self, step: impl FnOnce(&mut Progress)) {
        let Some(pending) = self.pending.clone() else {
            return;
        };
        let mut slot = pending.progress.borrow_mut();
        let Some(progress) = slot.as_mut() else {
            // Finished already (through another state that shared it): nothing is pending.
            drop(slot);
            self.pending = None;
            return;
        };
        step(progress);
        if !progress.is_done() {
            return;
        }
        let finished = slot.take();
        drop(slot);
        let Some((run, checkpoints)) = finished.map(Progress::finish) else {
            return;
        };
        // The page still holds the old run; this keeps it alive past the redraw.
        crate::deferred_drop::after_redraw(Box::new((
            Rc::clone(&self.run),
            Rc::clone(&self.checkpoints),
            self.pending.take(),
        )));
        self.adopt_run(Rc::new(run), Rc::new(checkpoints));
    }

    /// Takes in a finished run of `scenario`, named `trace_id`.
    pub(crate) fn adopt_run(&mut self, run: Rc<Run>, checkpoints: Rc<Checkpoints>) {
        self.run = run;
        self.checkpoints = checkpoints;
        self.run_id = self.trace_id;
        self.run_brokers = self.scenario.cluster.brokers;
    }

    /// Handles the pending re-run slice by slice until the page's clock reads `deadline_ms`
    /// (at least one slice) or it is done.
    pub(crate) fn continue_pending(&mut self, deadline_ms: f64) {
        loop {
            self.advance_pending(|p| p.advance(None, EVENTS_PER_SLICE));
            if self.pending.is_none() || crate::frame_clock::now_ms() >= deadline_ms {
                return;
            }
        }
    }

    /// Forgets the pending re-run (replaced); the page still holds its trace, so it is freed
    /// after the redraw.
    pub(crate) fn drop_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            crate::deferred_drop::after_redraw(Box::new(p));
        }
    }

    /// Finishes the pending re-run now (stepping forward needs the events after the play
    /// position).
    pub(crate) fn finish_pending(&mut self) {
        self.advance_pending(|p| p.advance(None, u64::MAX));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::edit::{FaultKind, Target};
    use crate::store::Action;
    use delivery_lab_engine::ids::NodeId;
    use yew::Reducible;

    fn reduce(state: Rc<LabState>, action: Action) -> Rc<LabState> {
        state.reduce(action)
    }

    /// What the animation loop does while a re-run is pending; returns the state that
    /// finished it and how many frames it took.
    pub(crate) fn continue_to_the_end(mut s: Rc<LabState>) -> (Rc<LabState>, usize) {
        let mut frames = 0;
        while s.pending.is_some() {
            frames += 1;
            assert!(frames < 10_000, "a pending re-run finishes");
            s = reduce(s, Action::Continue { deadline_ms: 0.0 });
        }
        (s, frames)
    }

    /// The workshop preset, with enough records that a re-run takes several frames.
    pub(crate) fn long_workshop() -> Rc<LabState> {
        let mut scenario =
            Scenario::from_json(include_str!("../scenarios/workshop-cluster.json")).unwrap();
        scenario.producer.count = 2;
        scenario.producer.records = 4_000;
        scenario.producer.interval_ms = 2;
        scenario.duration_ms = 9_000;
        let s = reduce(
            Rc::new(LabState::initial()),
            Action::Open(Rc::new(scenario)),
        );
        continue_to_the_end(s).0
    }

    #[test]
    fn a_drop_draws_the_play_position_at_once_and_the_rest_over_the_next_frames() {
        let s = long_workshop();
        let at = SimTime::from_ms(1_500);
        let s = reduce(s, Action::Seek(at));
        let b1 = NodeId::Broker(delivery_lab_engine::ids::BrokerId(1));
        let dropped = reduce(
            s.clone(),
            Action::AddFault(Target::Node(b1), FaultKind::Crash),
        );
        let pending = dropped
            .pending
            .as_ref()
            .expect("the rest is left for later frames");
        assert!(pending.resumed_at().is_some_and(|t| t <= at));
        let full = delivery_lab_engine::run(&dropped.scenario).unwrap();
        let shown = dropped.with_trace(|t| t.events_until(at));
        assert_eq!(
            dropped.with_trace(|t| t.events.to_vec(0..shown)),
            full.trace.events.to_vec(0..full.trace.events_until(at)),
            "the drawing has every event up to the play position"
        );
        assert!(
            Rc::ptr_eq(&s.run, &dropped.run),
            "the verdict waits for the whole run"
        );
        let still = reduce(dropped.clone(), Action::Continue { deadline_ms: 0.0 });
        assert!(
            Rc::ptr_eq(&still, &dropped),
            "nothing to redraw while it runs"
        );
        let (done, frames) = continue_to_the_end(still);
        assert!(frames > 1, "took {frames} frames");
        assert_eq!(done.run.trace, full.trace);
        assert_eq!(done.run.ledger, full.ledger);
        assert_eq!(
            done.trace_id, dropped.trace_id,
            "the drawing's fold still holds"
        );
    }

    #[test]
    fn playing_and_further_drops_during_a_rerun_match_full_runs() {
        let s = long_workshop();
        let s = reduce(s, Action::Seek(SimTime::from_ms(3_000)));
        let b2 = NodeId::Broker(delivery_lab_engine::ids::BrokerId(2));
        let s = reduce(s, Action::AddFault(Target::Node(b2), FaultKind::Crash));
        let s = reduce(s, Action::TogglePlay);
        let s = reduce(s, Action::Tick(100));
        let full = delivery_lab_engine::run(&s.scenario).unwrap();
        let at = s.position;
        assert_eq!(
            s.with_trace(|t| t.events.to_vec(0..t.events_until(at))),
            full.trace.events.to_vec(0..full.trace.events_until(at))
        );
        // A second drop before the first re-run is done resumes from that re-run.
        let b0 = NodeId::Broker(delivery_lab_engine::ids::BrokerId(0));
        let s = reduce(s, Action::AddFault(Target::Node(b0), FaultKind::Crash));
        let s = reduce(s, Action::StepForward);
        assert!(
            s.pending.is_none(),
            "stepping forward needs the events after the position"
        );
        assert_eq!(
            s.run.trace,
            delivery_lab_engine::run(&s.scenario).unwrap().trace
        );
    }

    #[test]
    fn a_setting_changed_late_keeps_the_last_run_drawn_until_its_rerun_gets_there() {
        let s = reduce(long_workshop(), Action::Seek(SimTime::from_ms(8_000)));
        let before = s.with_trace(|t| t.events.to_vec(0..t.events_until(s.position)));
        let edited = crate::edit::set_acks(&s.scenario, delivery_lab_engine::acks::Acks::Leader);
        let edited = reduce(s.clone(), Action::Edit(Rc::new(edited)));
        assert!(edited.pending.is_some());
        assert!(
            !edited.caught_up(),
            "a re-run from the start to 8 s takes more than {SETTLE_EVENTS} events"
        );
        assert_eq!(edited.position, s.position, "the play position stays");
        assert_eq!(
            edited.drawn_trace_id(),
            s.trace_id,
            "the last run stays drawn"
        );
        let drawn = edited.with_trace(|t| t.events.to_vec(0..t.events_until(edited.position)));
        assert_eq!(drawn, before);
        // The animation loop brings it to the play position, then to the end.
        let mut frames = edited;
        while !frames.caught_up() {
            frames = reduce(frames, Action::Continue { deadline_ms: 0.0 });
        }
        assert_eq!(frames.drawn_trace_id(), frames.trace_id);
        let (done, _) = continue_to_the_end(frames);
        assert_eq!(done.run_id, done.trace_id);
        let full = delivery_lab_engine::run(&done.scenario).unwrap();
        assert_eq!(done.run.trace, full.trace);
        let shown = done.with_trace(|t| t.events.to_vec(0..t.events_until(done.position)));
        assert_eq!(
            shown,
            full.trace
                .events
                .to_vec(0..full.trace.events_until(done.position))
        );
    }
}
