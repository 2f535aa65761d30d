//! Snapshots of the simulator during a run, so a changed fault plan re-runs only from the last
//! snapshot before its first change.
//!
//! The app re-runs the engine after every fault dropped, moved or removed. Everything before
//! the earliest changed fault is the same as in the previous run: the run is a pure function
//! of the scenario and the seed, and faults are kept outside the event queue (a fault strikes
//! before any other event due at its microsecond), so the simulator's state at a snapshot
//! time does not depend on faults due at or after it. A resumed run therefore produces the
//! very trace a full run of the changed scenario would (property-tested in
//! `tests/checkpoints.rs`). This is the same idea as a database's checkpoints, or Kafka
//! Streams restoring a state store from a checkpoint and replaying only the changelog after it.

use crate::Run;
use crate::ledger::LedgerFold;
use crate::scenario::Scenario;
use crate::sim::{Pause, Sim, in_time_order};
use crate::time::SimTime;
use crate::trace::Trace;
use crate::validate::ScenarioErrors;
use std::rc::Rc;

/// How many snapshots a run takes at most: one every 1/16 of its simulated duration.
pub const SNAPSHOTS: u64 = 16;

/// Every how many snapshots the ledger's fold is kept too.
pub const LEDGER_EVERY: usize = 4;

/// Snapshots stop once the facts their states were built from add up to this many (a state
/// grows with the logs, which grow with the trace): memory stays bounded on the largest runs.
pub const SNAPSHOT_FACT_BUDGET: usize = 4_000_000;

/// The simulator's whole state at `at`: every event due before `at` handled, none after.
#[derive(Clone)]
struct Snapshot {
    at: SimTime,
    /// The simulator, holding an empty trace.
    sim: Sim,
    /// How many trace events and messages the state had produced.
    events: usize,
    messages: usize,
    /// The ledger's fold over those events, kept at every [`LEDGER_EVERY`]th snapshot only
    /// (its maps cost more to copy than the simulator; a re-run reads the few events between).
    ledger: Option<Rc<LedgerFold>>,
}

/// A run's snapshots, and what it ran, to re-run a changed fault plan from them.
#[derive(Clone)]
pub struct Checkpoints {
    scenario: Scenario,
    seed: u64,
    snapshots: Vec<Rc<Snapshot>>,
    resumed_at: Option<SimTime>,
    /// How many of the trace's first events are those of the run it was re-run from.
    unchanged: usize,
}

impl std::fmt::Debug for Checkpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpoints")
            .field("snapshots", &self.times())
            .field("resumed_at", &self.resumed_at)
            .finish()
    }
}

/// Runs a scenario with its own seed, keeping snapshots for [`Checkpoints::rerun`].
pub fn run_with_checkpoints(scenario: &Scenario) -> Result<(Run, Checkpoints), ScenarioErrors> {
    Ok(start_with_checkpoints(scenario)?.finish())
}

/// Starts a run of a scenario with its own seed, keeping snapshots, to be driven in slices
/// ([`Progress::advance`]).
pub fn start_with_checkpoints(scenario: &Scenario) -> Result<Progress, ScenarioErrors> {
    scenario.validate()?;
    let sim = Sim::new(scenario, scenario.seed);
    Ok(Progress::new(
        scenario,
        sim,
        Rc::default(),
        Vec::new(),
        None,
    ))
}

impl Checkpoints {
    /// When each snapshot was taken.
    pub fn times(&self) -> Vec<SimTime> {
        self.snapshots.iter().map(|s| s.at).collect()
    }

    /// The snapshot this run resumed from, or none if it ran from the start.
    pub fn resumed_at(&self) -> Option<SimTime> {
        self.resumed_at
    }

    /// How many of this run's first trace events are exactly those of the run it re-ran
    /// (every event before the first changed fault); 0 for a run from the start. A view
    /// folded over no more than these holds for this run too.
    pub fn unchanged_events(&self) -> usize {
        self.unchanged
    }

    /// Runs `scenario`, whose previous run is `previous` (the run these checkpoints came
    /// from). If it differs from that run's scenario only in faults, it resumes from the last
    /// snapshot taken before the first fault that changed; otherwise it runs from the start.
    pub fn rerun(
        &self,
        previous: &Run,
        scenario: &Scenario,
    ) -> Result<(Run, Checkpoints), ScenarioErrors> {
        Ok(self.resume(&previous.trace, scenario)?.finish())
    }

    /// Like [`Checkpoints::rerun`], but returns the re-run before it has handled any event, to
    /// be driven in slices. `previous` is the trace of the run these checkpoints came from, or
    /// of a run still in progress ([`Progress::checkpoints`]): only its events before the
    /// first change are read, and a run in progress holds every one a snapshot was taken
    /// after.
    pub fn resume(
        &self,
        previous: &Trace,
        scenario: &Scenario,
    ) -> Result<Progress, ScenarioErrors> {
        scenario.validate()?;
        let Some(changed) = self.first_change(scenario) else {
            return start_with_checkpoints(scenario);
        };
        let kept = self.snapshots.partition_point(|s| s.at <= changed);
        let Some(snapshot) = kept.checked_sub(1).map(|i| &self.snapshots[i]) else {
            return start_with_checkpoints(scenario);
        };
        let mut sim = snapshot.sim.clone();
        sim.replace_faults(&scenario.faults);
        // The full chunks of the previous trace are shared, not copied.
        sim.set_trace(Trace {
            events: previous.events.prefix(snapshot.events),
            messages: previous.messages.prefix(snapshot.messages),
        });
        // The snapshots after this one no longer hold; none are taken in their place (a copy
        // of a late state costs more than re-running from this one again), so later edits
        // resume from here.
        let snapshots = self.snapshots[..kept].to_vec();
        let ledger = self.snapshots[..kept]
            .iter()
            .rev()
            .find_map(|s| s.ledger.clone())
            .unwrap_or_default();
        let mut progress = Progress::new(scenario, sim, ledger, snapshots, Some(snapshot.at));
        progress.checkpoints.unchanged = previous.events.partition_point(|e| e.time < changed);
        Ok(progress)
    }

    /// The earliest time at which `scenario` can differ from the one these checkpoints ran,
    /// if it differs only in its fault plan; none if something else changed.
    fn first_change(&self, scenario: &Scenario) -> Option<SimTime> {
        let without_faults = |s: &Scenario| Scenario {
            faults: Vec::new(),
            ..s.clone()
        };
        if scenario.seed != self.seed || without_faults(scenario) != without_faults(&self.scenario)
        {
            return None;
        }
        let old = in_time_order(&self.scenario.faults);
        let new = in_time_order(&scenario.faults);
        let common = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let at = match (old.get(common), new.get(common)) {
            (Some(a), Some(b)) => a.at_ms.min(b.at_ms),
            (Some(a), None) => a.at_ms,
            (None, Some(b)) => b.at_ms,
            // The same plan: nothing changes before the end.
            (None, None) => u64::MAX,
        };
        Some(SimTime::from_ms(at.min(scenario.duration_ms)))
    }
}

/// A run with snapshots, handled in slices: the app re-runs a changed scenario up to the play
/// position at once and the rest over the next animation frames. However it is sliced, it
/// produces the trace, ledger and snapshots of one uninterrupted run.
pub struct Progress {
    sim: Sim,
    /// The ledger's fold over the trace up to the last snapshot that kept it; a re-run shares
    /// the snapshot's and copies it only when it reads on (at its end), not at the drop.
    ledger: Rc<LedgerFold>,
    /// What ran, and the snapshots taken so far.
    checkpoints: Checkpoints,
    /// The snapshot interval and the next boundary (never, in a re-run).
    every: SimTime,
    next: SimTime,
    /// How many more trace facts the snapshots may be built from.
    budget: usize,
    done: bool,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("events", &self.sim.events_handled())
            .field("done", &self.done)
            .finish()
    }
}

impl Progress {
    /// `sim` resumed at `resumed_at` (none: at the start) with `snapshots` already taken;
    /// `ledger` has read the trace `sim` holds so far.
    fn new(
        scenario: &Scenario,
        sim: Sim,
        ledger: Rc<LedgerFold>,
        snapshots: Vec<Rc<Snapshot>>,
        resumed_at: Option<SimTime>,
    ) -> Progress {
        let every = SimTime::from_ms((scenario.duration_ms / SNAPSHOTS).max(1));
        let budget =
            SNAPSHOT_FACT_BUDGET.saturating_sub(snapshots.iter().map(|s| s.events).sum::<usize>());
        // A re-run takes no snapshots: a copy of a late state costs more than re-running from
        // the one it resumed at, so later edits resume from there.
        let next = match resumed_at {
            Some(_) => SimTime(u64::MAX),
            None => SimTime(snapshots.last().map_or(0, |s| s.at.0) + every.0),
        };
        Progress {
            sim,
            ledger,
            checkpoints: Checkpoints {
                scenario: scenario.clone(),
                seed: scenario.seed,
                snapshots,
                resumed_at,
                unchanged: 0,
            },
            every,
            next,
            budget,
            done: false,
        }
    }

    /// Handles events due before `until` (to the end if none), at most `steps` of them,
    /// taking a snapshot at every interval boundary passed.
    pub fn advance(&mut self, until: Option<SimTime>, steps: u64) {
        let mut left = steps;
        while !self.done {
            let stop = until.map_or(self.next, |u| u.min(self.next));
            let before = self.sim.events_handled();
            let pause = self.sim.run_some(Some(stop), left);
            left -= self.sim.events_handled() - before;
            match pause {
                Pause::Ended => self.done = true,
                Pause::OutOfSteps => return,
                Pause::Reached => {
                    if stop == self.next {
                        self.snapshot();
                    }
                    if until.is_some_and(|u| u <= stop) {
                        return;
                    }
                }
            }
        }
    }

    /// Takes the snapshot due at `self.next`, if the budget allows, and moves to the next one.
    fn snapshot(&mut self) {
        let events = self.sim.trace().events.len();
        if events <= self.budget {
            self.budget -= events;
            let snapshots = &mut self.checkpoints.snapshots;
            let kept = (snapshots.len() % LEDGER_EVERY == LEDGER_EVERY - 1).then(|| {
                Rc::make_mut(&mut self.ledger).read_to(self.sim.trace(), events);
                Rc::new((*self.ledger).clone())
            });
            snapshots.push(Rc::new(take(&mut self.sim, self.next, kept)));
        }
        self.next = SimTime(self.next.0.saturating_add(self.every.0));
    }

    /// Whether the run is over.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether every event due at or before `time` has been handled, so the trace up to
    /// `time` is the finished run's.
    pub fn settled_through(&self, time: SimTime) -> bool {
        self.done || self.sim.settled_through(time)
    }

    /// The trace so far.
    pub fn trace(&self) -> &Trace {
        self.sim.trace()
    }

    /// What runs, and the snapshots taken so far: a further change can resume from them
    /// ([`Checkpoints::resume`] with this run's [`Progress::trace`]).
    pub fn checkpoints(&self) -> &Checkpoints {
        &self.checkpoints
    }

    /// Runs to the end and returns the run and its snapshots.
    pub fn finish(mut self) -> (Run, Checkpoints) {
        self.advance(None, u64::MAX);
        let scenario = &self.checkpoints.scenario;
        let (trace, events) = self.sim.finish();
        let ledger = Rc::unwrap_or_clone(self.ledger).finish(&trace);
        let run = Run {
            seed: scenario.seed,
            config: scenario.effective_config(),
            trace,
            ledger,
            events,
        };
        (run, self.checkpoints)
    }
}

/// Copies the simulator's state without its trace.
fn take(sim: &mut Sim, at: SimTime, ledger: Option<Rc<LedgerFold>>) -> Snapshot {
    let trace = sim.take_trace();
    let copy = sim.clone();
    let snapshot = Snapshot {
        at,
        sim: copy,
        events: trace.events.len(),
        messages: trace.messages.len(),
        ledger,
    };
    sim.set_trace(trace);
    snapshot
}
