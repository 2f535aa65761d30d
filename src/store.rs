//! The app's one store: the scenario, its run, and where playback stands.
//!
//! The browser holds no simulation state of its own: choosing a scenario runs the engine
//! once, and playing, stepping and scrubbing only move `position` along the trace. The run
//! keeps the engine's snapshots, so a fault dropped, moved or removed re-runs only from the
//! last snapshot before it; and only up to the play position at once (what the drawing
//! shows), the rest over the next animation frames ([`Action::Continue`]), after which the
//! verdict, the lanes and the trace list show the new run.

use crate::edit::{self, FaultKind, Target};
use crate::presets::PRESETS;
pub use crate::rerun::Pending;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::{Checkpoints, Run, Scenario, run_with_checkpoints};
use std::rc::Rc;
use yew::Reducible;

/// How often the trace list moves on while playing too fast to read it.
pub const TRACE_LIST_UPDATES_PER_SECOND: u64 = 8;

/// How many times a second the brokers' logs are redrawn while playing too fast to read them
/// ([`LabState::logs_position`]).
pub const LOG_UPDATES_PER_SECOND: u64 = 15;

/// How fast a log may grow while playing, in records per real second, for its cells to keep
/// their record names (about one every other frame).
pub const LABELLED_APPENDS_PER_SECOND: f64 = 30.0;

/// Playback speeds, simulated microseconds per real millisecond (a log scale).
pub const SPEEDS: &[(u64, &str)] = &[
    (5, "0.005×"),
    (10, "0.01×"),
    (20, "0.02×"),
    (50, "0.05×"),
    (100, "0.1×"),
    (250, "0.25×"),
    (1_000, "1×"),
    (2_500, "2.5×"),
    (5_000, "5×"),
];

/// The default index into [`SPEEDS`] for a short run: slow enough to follow one message.
pub const DEFAULT_SPEED: usize = 2;

/// A speed that plays a run of `duration_ms` in about half a minute (a short run keeps the
/// slow default, so single messages can be followed).
pub fn speed_for(duration_ms: u64) -> usize {
    let wanted = duration_ms.saturating_mul(1_000) / 30_000;
    let fitting = SPEEDS
        .iter()
        .position(|(us_per_ms, _)| *us_per_ms >= wanted);
    fitting.unwrap_or(SPEEDS.len() - 1).max(DEFAULT_SPEED)
}

/// Everything the page shows.
#[derive(Clone, Debug)]
pub struct LabState {
    /// Index of the preset in use (none: the scenario was opened from a file).
    pub preset: Option<usize>,
    /// The scenario, or the error that kept it from loading (the last good one stays).
    pub scenario: Rc<Scenario>,
    /// Whether `scenario` was changed since the preset was loaded (a fault or a setting): a
    /// link, which names the preset only, would not carry the change.
    pub edited: bool,
    /// The engine's last finished run: of `scenario`, unless a re-run is `pending`.
    pub run: Rc<Run>,
    /// The snapshots taken during that run.
    pub checkpoints: Rc<Checkpoints>,
    /// A re-run of `scenario` in progress: handled up to the play position, the rest over the
    /// next animation frames; it then becomes `run`.
    pub pending: Option<Rc<Pending>>,
    /// Names the newest trace (`pending`'s, else `run`'s); a re-run that finishes keeps the
    /// name, since its trace only grows.
    pub trace_id: u64,
    /// Names `run`'s trace (what the drawing shows while a re-run has not reached the play
    /// position yet; see [`LabState::drawn_trace_id`]).
    pub run_id: u64,
    /// How many brokers `run`'s scenario has.
    pub run_brokers: u32,
    /// The trace this one re-ran from a snapshot, and how many of its first events the two
    /// share: a view folded over no more of them holds for this trace too.
    pub rerun_of: Option<(u64, usize)>,
    /// A problem to show, e.g. a preset that failed validation.
    pub error: Option<String>,
    /// The play position.
    pub position: SimTime,
    /// Whether playback is running.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
}

impl PartialEq for LabState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run)
            && self.trace_id == other.trace_id
            && self.drawn_trace_id() == other.drawn_trace_id()
            && self.preset == other.preset
            && self.edited == other.edited
            && self.error == other.error
            && self.position == other.position
            && self.playing == other.playing
            && self.speed == other.speed
    }
}

/// What the user (or the animation loop) can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Load preset `n` and run it.
    SelectPreset(usize),
    /// Move the play position.
    Seek(SimTime),
    /// Jump to the next moment something happens.
    StepForward,
    /// Jump back to the previous moment something happened.
    StepBack,
    /// Play or pause.
    TogglePlay,
    /// Go to the start.
    Rewind,
    /// Go to the end.
    End,
    /// Choose a speed from [`SPEEDS`].
    SetSpeed(usize),
    /// The animation loop: `ms` real milliseconds have passed.
    Tick(u64),
    /// Run an edited scenario (a fault dropped, moved or removed, a setting changed),
    /// keeping the play position; a scenario the engine refuses leaves the run as it was.
    Edit(Rc<Scenario>),
    /// A fault of this kind strikes this node at the play position.
    AddFault(Target, FaultKind),
    /// Fault `index` is removed from the plan.
    RemoveFault(usize),
    /// Fault `index` moves to this many milliseconds.
    MoveFault(usize, u64),
    /// Say why a request could not be carried out.
    Refuse(String),
    /// An animation frame while a re-run is pending: handle more of it, slice by slice,
    /// until the page's clock ([`crate::frame_clock::now_ms`]) reads `deadline_ms` (at least
    /// one slice).
    Continue {
        /// When to stop, in the page clock's milliseconds.
        deadline_ms: f64,
    },
    /// Run a scenario opened from a file, from the start.
    Open(Rc<Scenario>),
}

/// A scenario, its run and that run's snapshots.
pub type Loaded = (Rc<Scenario>, Rc<Run>, Rc<Checkpoints>);

/// Loads and runs one preset.
pub fn load(preset: usize) -> Result<Loaded, String> {
    let p = PRESETS
        .get(preset)
        .ok_or_else(|| format!("no preset number {preset}"))?;
    let scenario = Scenario::from_json(p.json).map_err(|e| format!("preset {}: {e}", p.id))?;
    let (run, checkpoints) =
        run_with_checkpoints(&scenario).map_err(|e| format!("preset {}: {e}", p.id))?;
    Ok((Rc::new(scenario), Rc::new(run), Rc::new(checkpoints)))
}

impl LabState {
    /// The last moment of the run.
    pub fn end(&self) -> SimTime {
        let duration = SimTime::from_ms(self.scenario.duration_ms);
        match self.pending {
            Some(_) => duration,
            None => duration.max(self.run.trace.end_time()),
        }
    }

    /// Whether log cells carry their record's name: always while paused; while playing, only
    /// if each log grows by fewer than [`LABELLED_APPENDS_PER_SECOND`] records a second (at
    /// the playback speed): names that change faster cannot be read, and drawing them costs
    /// the frame rate.
    pub fn cell_labels(&self) -> bool {
        if !self.playing {
            return true;
        }
        let p = &self.scenario.producer;
        let per_simulated_second =
            f64::from(p.count.max(1)) * 1_000.0 / p.interval_ms.max(1) as f64;
        // Simulated microseconds per real millisecond = simulated seconds per real second × 1 000.
        let speed = SPEEDS[self.speed].0 as f64 / 1_000.0;
        let per_log =
            per_simulated_second * speed / f64::from(self.scenario.topic.partitions.max(1));
        per_log < LABELLED_APPENDS_PER_SECOND
    }

    /// Where the trace list stands: the play position, or while playing too fast to read the
    /// list (see [`LabState::cell_labels`]), the play position rounded down to steps of
    /// 1/[`TRACE_LIST_UPDATES_PER_SECOND`] of a real second, so it moves on a few times a
    /// second instead of rewriting its lines every frame.
    pub fn trace_list_position(&self) -> SimTime {
        self.throttled_position(TRACE_LIST_UPDATES_PER_SECOND)
    }

    /// While playing too fast to read the logs (see [`LabState::cell_labels`]), the moment
    /// the brokers' logs are drawn at: the play position rounded down to steps of
    /// 1/[`LOG_UPDATES_PER_SECOND`] of a real second (records then appear in small groups,
    /// and the browser redraws the logs a few times a second instead of on every frame, while
    /// the messages on the wire move on every frame). None otherwise: drawn as they are.
    pub fn logs_position(&self) -> Option<SimTime> {
        (!self.cell_labels()).then(|| self.throttled_position(LOG_UPDATES_PER_SECOND))
    }

    /// The play position, or while playing too fast to read, rounded down to steps of
    /// 1/`per_second` of a real second.
    fn throttled_position(&self, per_second: u64) -> SimTime {
        if self.cell_labels() {
            return self.position;
        }
        let step = (SPEEDS[self.speed].0 * 1_000 / per_second).max(1);
        SimTime(self.position.0 / step * step)
    }

    fn next_event_time(&mut self) -> SimTime {
        self.finish_pending();
        let events = &self.run.trace.events;
        let i = self.run.trace.events_until(self.position);
        events.get(i).map_or(self.end(), |e| e.time)
    }

    fn previous_event_time(&self) -> SimTime {
        self.with_trace(|trace| {
            let events = &trace.events;
            let i = events.partition_point(|e| e.time < self.position);
            i.checked_sub(1).map_or(SimTime::ZERO, |j| events[j].time)
        })
    }
}

impl Reducible for LabState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SelectPreset(n) => match load(n) {
                Ok((scenario, run, checkpoints)) => {
                    next.preset = Some(n);
                    next.scenario = scenario;
                    next.edited = false;
                    next.drop_pending();
                    next.trace_id += 1;
                    next.adopt_run(run, checkpoints);
                    next.rerun_of = None;
                    next.error = None;
                    next.position = SimTime::ZERO;
                    next.playing = false;
                    next.speed = speed_for(next.scenario.duration_ms);
                }
                Err(e) => next.error = Some(e),
            },
            Action::Edit(scenario) => next.apply_edit(scenario),
            Action::AddFault(target, kind) => {
                match edit::add_fault(&self.scenario, self.position, target, kind) {
                    Ok(s) => next.apply_edit(Rc::new(s)),
                    Err(e) => next.error = Some(e),
                }
            }
            Action::RemoveFault(i) => {
                next.apply_edit(Rc::new(edit::remove_fault(&self.scenario, i)));
            }
            Action::MoveFault(i, at_ms) => {
                next.apply_edit(Rc::new(edit::move_fault(&self.scenario, i, at_ms)));
            }
            Action::Refuse(why) => next.error = Some(why),
            Action::Open(scenario) => {
                next.position = SimTime::ZERO;
                next.playing = false;
                next.apply_edit(scenario);
                if next.error.is_none() {
                    next.preset = None;
                    next.speed = speed_for(next.scenario.duration_ms);
                }
            }
            Action::Seek(t) => next.position = t.min(self.end()),
            Action::StepForward => {
                next.playing = false;
                next.position = next.next_event_time();
            }
            Action::StepBack => {
                next.playing = false;
                next.position = self.previous_event_time();
            }
            Action::TogglePlay => {
                next.playing = !self.playing;
                if next.playing && self.position >= self.end() {
                    next.position = SimTime::ZERO;
                }
            }
            Action::Rewind => next.position = SimTime::ZERO,
            Action::End => {
                next.playing = false;
                next.position = self.end();
            }
            Action::SetSpeed(i) => next.speed = i.min(SPEEDS.len() - 1),
            Action::Continue { deadline_ms } => {
                if self.pending.is_none() {
                    return self;
                }
                let behind = !self.caught_up();
                next.continue_pending(deadline_ms);
                if next.pending.is_some() && !(behind && next.caught_up()) {
                    // Nothing new to draw until it is done (or reaches the play position).
                    return self;
                }
            }
            Action::Tick(ms) => {
                if !self.playing {
                    return self;
                }
                let advance = ms.saturating_mul(SPEEDS[self.speed].0);
                next.position = self.position.plus_us(advance).min(self.end());
                if next.position >= self.end() {
                    next.playing = false;
                }
            }
        }
        // The drawing shows the play position: the pending re-run must have reached it.
        next.settle();
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rerun::tests::{continue_to_the_end, long_workshop};
    use delivery_lab_engine::ids::NodeId;

    fn reduce(state: Rc<LabState>, action: Action) -> Rc<LabState> {
        state.reduce(action)
    }

    #[test]
    fn a_lengthened_run_plays_at_its_new_lengths_speed_unless_one_was_picked() {
        let s = Rc::new(LabState::initial());
        let longer = Rc::new(crate::edit::add_consumer_group(&s.scenario));
        let wanted = speed_for(longer.duration_ms);
        assert_ne!(s.speed, wanted, "the group lengthens the run");
        assert_eq!(
            reduce(Rc::clone(&s), Action::Edit(Rc::clone(&longer))).speed,
            wanted
        );
        let picked = reduce(s, Action::SetSpeed(0));
        assert_eq!(reduce(picked, Action::Edit(longer)).speed, 0);
    }

    #[test]
    fn stepping_lands_on_event_times() {
        let s = Rc::new(LabState::initial());
        let s = reduce(s, Action::StepForward);
        assert!(s.run.trace.events.iter().any(|e| e.time == s.position));
        let first = s.position;
        let s = reduce(s, Action::StepForward);
        assert!(s.position > first);
        let s = reduce(s, Action::StepBack);
        assert_eq!(s.position, first);
    }

    #[test]
    fn ticks_move_only_while_playing_and_stop_at_the_end() {
        let s = Rc::new(LabState::initial());
        let paused = reduce(s.clone(), Action::Tick(100));
        assert_eq!(paused.position, SimTime::ZERO);
        let playing = reduce(s, Action::TogglePlay);
        let moved = reduce(playing, Action::Tick(100));
        assert_eq!(moved.position, SimTime(100 * SPEEDS[DEFAULT_SPEED].0));
        let done = reduce(moved, Action::Tick(u64::MAX / 2_000));
        assert_eq!(done.position, done.end());
        assert!(!done.playing);
    }

    #[test]
    fn long_runs_play_faster_by_default() {
        assert_eq!(speed_for(400), DEFAULT_SPEED);
        let long = speed_for(65_000);
        assert!(long > DEFAULT_SPEED);
        assert!(
            65_000 * 1_000 / SPEEDS[long].0 <= 30_000,
            "plays in about half a minute"
        );
    }

    #[test]
    fn an_edit_reruns_the_engine_and_keeps_the_play_position() {
        let s = Rc::new(LabState::initial());
        let s = reduce(s, Action::Seek(SimTime::from_ms(50)));
        let target = NodeId::Broker(delivery_lab_engine::ids::BrokerId(0));
        let after = reduce(
            s.clone(),
            Action::AddFault(Target::Node(target), FaultKind::Crash),
        );
        assert_eq!(after.position, s.position);
        assert_eq!(after.scenario.faults.len(), s.scenario.faults.len() + 1);
        let (after, _) = continue_to_the_end(after);
        assert!(!Rc::ptr_eq(&s.run, &after.run), "re-ran");
        assert_eq!(
            after.run.trace,
            delivery_lab_engine::run(&after.scenario).unwrap().trace
        );
    }

    fn logs_position_once_paused(s: &Rc<LabState>) -> Option<SimTime> {
        reduce(Rc::clone(s), Action::TogglePlay).logs_position()
    }

    #[test]
    fn cells_keep_their_names_unless_records_arrive_faster_than_they_can_be_read() {
        let s = Rc::new(LabState::initial());
        assert!(s.cell_labels());
        let playing = reduce(s, Action::TogglePlay);
        assert!(playing.cell_labels(), "a small preset at its speed");
        let workshop = reduce(long_workshop(), Action::TogglePlay);
        assert_eq!(SPEEDS[workshop.speed].0, 1_000, "plays at 1×");
        assert!(!workshop.cell_labels(), "≈ 170 records a second per log");
        let later = reduce(workshop.clone(), Action::Tick(16));
        assert!(later.position > workshop.position);
        assert_eq!(
            later.trace_list_position(),
            workshop.trace_list_position(),
            "the trace list waits for an eighth of a second"
        );
        assert_eq!(
            later.logs_position(),
            workshop.logs_position(),
            "the logs wait for a fifteenth of a second"
        );
        let much_later = reduce(later.clone(), Action::Tick(70));
        assert!(much_later.logs_position() > later.logs_position());
        assert!(much_later.logs_position() <= Some(much_later.position));
        assert_eq!(
            logs_position_once_paused(&much_later),
            None,
            "paused: drawn as they are"
        );
        let slow = reduce(workshop, Action::SetSpeed(0));
        assert!(slow.cell_labels());
        assert_eq!(slow.trace_list_position(), slow.position);
        assert_eq!(slow.logs_position(), None);
    }

    #[test]
    fn a_fault_dropped_late_reruns_from_a_snapshot_and_matches_a_full_run() {
        let s = Rc::new(LabState::initial());
        let late = s.end().as_us() * 3 / 4;
        let s = reduce(s, Action::Seek(SimTime(late)));
        let target = NodeId::Broker(delivery_lab_engine::ids::BrokerId(0));
        let after = reduce(s, Action::AddFault(Target::Node(target), FaultKind::Crash));
        let (after, _) = continue_to_the_end(after);
        let resumed = after
            .checkpoints
            .resumed_at()
            .expect("resumed from a snapshot");
        assert!(resumed.as_us() <= late && resumed.as_us() > late / 2);
        let full = delivery_lab_engine::run(&after.scenario).unwrap();
        assert_eq!(after.run.trace, full.trace);
        assert_eq!(after.run.ledger, full.ledger);
    }

    #[test]
    fn a_fault_on_the_wrong_node_is_refused_and_a_removal_reruns() {
        let s = Rc::new(LabState::initial());
        let refused = reduce(
            s.clone(),
            Action::AddFault(Target::Node(NodeId::Producer(0)), FaultKind::PowerLoss),
        );
        assert!(
            refused
                .error
                .as_deref()
                .unwrap()
                .contains("applies to a broker")
        );
        assert!(Rc::ptr_eq(&s.run, &refused.run));
        assert!(!refused.edited, "a refused fault changes nothing");
        let b0 = NodeId::Broker(delivery_lab_engine::ids::BrokerId(0));
        let added = reduce(s, Action::AddFault(Target::Node(b0), FaultKind::Crash));
        assert!(
            added.edited,
            "the link no longer carries the scenario on screen"
        );
        let n = added.scenario.faults.len();
        let removed = reduce(added, Action::RemoveFault(n - 1));
        assert_eq!(removed.scenario.faults.len(), n - 1);
        assert!(!reduce(removed, Action::SelectPreset(0)).edited);
    }

    #[test]
    fn an_edit_the_engine_refuses_keeps_the_last_good_run() {
        let s = Rc::new(LabState::initial());
        let mut bad = (*s.scenario).clone();
        bad.topic.replication_factor = 99;
        let after = reduce(s.clone(), Action::Edit(Rc::new(bad)));
        assert!(
            after
                .error
                .as_deref()
                .unwrap()
                .contains("replication_factor")
        );
        assert!(Rc::ptr_eq(&s.run, &after.run));
    }

    #[test]
    fn a_scenario_from_a_file_is_no_preset_until_one_is_chosen() {
        let s = Rc::new(LabState::initial());
        let opened = reduce(s.clone(), Action::Open(s.scenario.clone()));
        assert_eq!(opened.preset, None);
        let chosen = reduce(opened, Action::SelectPreset(0));
        assert_eq!(chosen.preset, Some(0));
    }

    #[test]
    fn a_bad_preset_number_keeps_the_last_good_run() {
        let s = Rc::new(LabState::initial());
        let before = s.run.clone();
        let after = reduce(s, Action::SelectPreset(999));
        assert!(after.error.is_some());
        assert!(Rc::ptr_eq(&before, &after.run));
    }
}
