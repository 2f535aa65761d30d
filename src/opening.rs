//! The first screen: what the page's address ([`crate::link`]) opens — a preset as shipped,
//! a preset as edited, or a scenario of its own — paused at the moment it names.

use crate::store::{LabState, Loaded, load, speed_for};
use delivery_lab_engine::Scenario;
use delivery_lab_engine::time::SimTime;
use std::rc::Rc;

impl LabState {
    /// The first screen: the first preset, paused at the start.
    pub fn initial() -> LabState {
        LabState::with_preset(0).expect("the first preset is valid (checked by a test)")
    }

    /// The first screen for the page's address ([`crate::link`]): the preset it names (else
    /// the first), paused at the moment it names (else the start); what it could not honour
    /// is said in the error banner.
    pub fn opening(search: &str) -> LabState {
        let link = crate::link::parse(search);
        let mut problems = link.problems;
        let opened = match (link.scenario, link.preset) {
            (Some(scenario), preset) => Some(LabState::with_scenario(scenario, preset)),
            (None, Some(preset)) => Some(LabState::with_preset(preset)),
            (None, None) => None,
        };
        let mut state = match opened {
            Some(Ok(state)) => state,
            Some(Err(e)) => {
                problems.push(e);
                LabState::initial()
            }
            None => LabState::initial(),
        };
        if let Some(ms) = link.at_ms {
            state.position = SimTime::from_ms(ms).min(state.end());
        }
        if !problems.is_empty() {
            state.error = Some(problems.join(" "));
        }
        state
    }

    /// Preset `n`, run, paused at the start.
    fn with_preset(n: usize) -> Result<LabState, String> {
        Ok(LabState::with_loaded(load(n)?, Some(n), false))
    }

    /// A scenario an address carries, paused at the start: preset `preset` as edited (from
    /// that preset's snapshots, so a late fault re-runs only the end), or a scenario of its
    /// own (in place of the first preset). It runs in slices over the next frames like any
    /// edit, so a large one does not freeze the tab.
    fn with_scenario(scenario: Scenario, preset: Option<usize>) -> Result<LabState, String> {
        let mut state = match preset {
            Some(n) => LabState::with_preset(n)?,
            None => LabState::initial(),
        };
        if *state.scenario == scenario {
            return Ok(state);
        }
        state.apply_edit(Rc::new(scenario));
        if let Some(e) = state.error.take() {
            return Err(e);
        }
        state.preset = preset;
        state.speed = speed_for(state.scenario.duration_ms);
        Ok(state)
    }

    /// A scenario run, paused at the start.
    fn with_loaded(
        (scenario, run, checkpoints): Loaded,
        preset: Option<usize>,
        edited: bool,
    ) -> LabState {
        let speed = speed_for(scenario.duration_ms);
        let run_brokers = scenario.cluster.brokers;
        LabState {
            preset,
            scenario,
            edited,
            run,
            checkpoints,
            pending: None,
            trace_id: 0,
            run_id: 0,
            run_brokers,
            rerun_of: None,
            error: None,
            position: SimTime::ZERO,
            playing: false,
            speed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::PRESETS;
    use crate::rerun::tests::continue_to_the_end;

    #[test]
    fn an_address_opens_its_preset_at_its_moment_and_names_what_it_cannot() {
        let acks0 = PRESETS.iter().position(|p| p.id == "acks-0-leader-crash");
        let s = LabState::opening("?preset=acks-0-leader-crash&t=150");
        assert_eq!(s.preset, acks0);
        assert_eq!(s.position, SimTime::from_ms(150));
        assert_eq!(s.error, None);
        assert!(!s.playing);
        let late = LabState::opening("?preset=acks-0-leader-crash&t=99999999999");
        assert_eq!(late.position, late.end());
        let wrong = LabState::opening("?preset=acks-9&t=later");
        assert_eq!(wrong.preset, Some(0));
        assert_eq!(wrong.position, SimTime::ZERO);
        let error = wrong.error.expect("a message");
        assert!(
            error.contains("`acks-9`") && error.contains("t=`later`"),
            "{error}"
        );
    }

    #[test]
    fn an_address_carrying_an_edited_preset_opens_it_edited() {
        let acks0 = PRESETS.iter().position(|p| p.id == "acks-0-leader-crash");
        let mut edited = Scenario::from_json(PRESETS[acks0.unwrap()].json).unwrap();
        edited.seed += 7;
        let query = format!(
            "?preset=acks-0-leader-crash&s={}&t=100",
            crate::scenario_link::encode(&edited)
        );
        let s = Rc::new(LabState::opening(&query));
        assert_eq!(s.error, None);
        assert_eq!(s.preset, acks0, "the picker names the preset it came from");
        assert!(s.edited);
        assert_eq!(*s.scenario, edited);
        assert_eq!(s.position, SimTime::from_ms(100));
        let (done, _) = continue_to_the_end(s);
        assert_eq!(
            done.run.seed, edited.seed,
            "the run is the carried scenario's"
        );
        let full = delivery_lab_engine::run(&edited).unwrap();
        assert_eq!(done.run.trace, full.trace);
    }
}
