//! Workshop mode's predict-then-reveal: the verdict of the whole run stays hidden while the
//! room predicts which anomalies (named as Jepsen names them) the run will show, then the
//! trainer reveals it and the page says what was right, missed, or did not happen.

use delivery_lab_engine::{AnomalyKind, Scenario};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// One answer: an anomaly kind, or none for "no anomaly".
pub type Pick = Option<AnomalyKind>;

/// The anomaly kinds a scenario can show, so a prediction offers only those: the log's
/// three always; with a consumer group the effects at the sink (and the aborted read when
/// transactions write); a write cycle with transactions.
pub fn offered(scenario: &Scenario) -> Vec<AnomalyKind> {
    let transactional = scenario.producer.configs.transactional_id.is_some();
    let group = scenario.consumer_group.is_some();
    let mut kinds = vec![
        AnomalyKind::LostAcknowledgedWrite,
        AnomalyKind::Duplicate,
        AnomalyKind::Reorder,
    ];
    if group {
        kinds.extend([AnomalyKind::DuplicateEffect, AnomalyKind::LostEffect]);
        if transactional {
            kinds.push(AnomalyKind::AbortedRead);
        }
    }
    if transactional {
        kinds.push(AnomalyKind::WriteCycle);
    }
    kinds
}

/// Props of [`Prediction`].
#[derive(Properties, PartialEq)]
pub struct PredictionProps {
    /// The kinds to choose from.
    pub offered: Vec<AnomalyKind>,
    /// Reveal the verdict, with what was predicted (possibly nothing).
    pub on_reveal: Callback<Vec<Pick>>,
}

/// The hidden verdict: a choice of outcomes and the button that reveals it.
#[function_component(Prediction)]
pub fn prediction(props: &PredictionProps) -> Html {
    let picks = use_state(Vec::<Pick>::new);
    let choice = |pick: Pick, label: String| {
        let picks = picks.clone();
        let checked = picks.contains(&pick);
        let onchange = Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            picks.set(toggled(&picks, pick, on));
        });
        html! {
            <li><label><input type="checkbox" {checked} {onchange} />{ label }</label></li>
        }
    };
    let reveal = {
        let picks = picks.clone();
        let on_reveal = props.on_reveal.clone();
        Callback::from(move |_| on_reveal.emit((*picks).clone()))
    };
    html! {
        <section class="whole-run prediction" data-testid="prediction">
            <h2>{"Verdict of the whole run"}</h2>
            <p class="verdict-detail">{"Hidden until you reveal it. What will this run show?"}</p>
            <ul class="picks" aria-label="Prediction">
                { choice(None, "no anomaly".to_string()) }
                { for props.offered.iter().map(|k| choice(Some(*k), k.to_string())) }
            </ul>
            <button type="button" class="reveal" onclick={reveal}>{"Reveal the verdict"}</button>
        </section>
    }
}

/// `picks` with `pick` on or off; "no anomaly" and the anomalies exclude each other.
fn toggled(picks: &[Pick], pick: Pick, on: bool) -> Vec<Pick> {
    let mut next: Vec<Pick> = picks
        .iter()
        .copied()
        .filter(|p| *p != pick && (!on || p.is_some() == pick.is_some()))
        .collect();
    if on {
        next.push(pick);
        next.sort();
    }
    next
}

/// How a prediction compares with the kinds the run showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// Whether the prediction named exactly what happened.
    pub right: bool,
    /// Kinds predicted that happened.
    pub hit: Vec<AnomalyKind>,
    /// Kinds that happened and were not predicted.
    pub missed: Vec<AnomalyKind>,
    /// Kinds predicted that did not happen.
    pub wrong: Vec<AnomalyKind>,
}

/// Compares `picks` with `found`; none when nothing was predicted.
pub fn compare(picks: &[Pick], found: &[AnomalyKind]) -> Option<Comparison> {
    if picks.is_empty() {
        return None;
    }
    let predicted: Vec<AnomalyKind> = picks.iter().flatten().copied().collect();
    let hit: Vec<AnomalyKind> = found
        .iter()
        .copied()
        .filter(|k| predicted.contains(k))
        .collect();
    let missed: Vec<AnomalyKind> = found
        .iter()
        .copied()
        .filter(|k| !predicted.contains(k))
        .collect();
    let wrong: Vec<AnomalyKind> = predicted
        .iter()
        .copied()
        .filter(|k| !found.contains(k))
        .collect();
    Some(Comparison {
        right: missed.is_empty() && wrong.is_empty(),
        hit,
        missed,
        wrong,
    })
}

/// Props of [`PredictionResult`].
#[derive(Properties, PartialEq)]
pub struct PredictionResultProps {
    /// What was predicted.
    pub picks: Rc<Vec<Pick>>,
    /// The kinds the run showed.
    pub found: Vec<AnomalyKind>,
}

/// One line under the revealed verdict: right, or what was missed and what did not happen.
#[function_component(PredictionResult)]
pub fn prediction_result(props: &PredictionResultProps) -> Html {
    let Some(c) = compare(&props.picks, &props.found) else {
        return html! {};
    };
    let list = |kinds: &[AnomalyKind]| {
        kinds
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = if c.right {
        if c.hit.is_empty() {
            "✓ The prediction was right: no anomaly.".to_string()
        } else {
            format!("✓ The prediction was right: {}.", list(&c.hit))
        }
    } else {
        let mut parts = Vec::new();
        if !c.hit.is_empty() {
            parts.push(format!("{} was right", list(&c.hit)));
        }
        if !c.missed.is_empty() {
            parts.push(format!("{} was not predicted", list(&c.missed)));
        }
        if !c.wrong.is_empty() {
            parts.push(format!("{} did not happen", list(&c.wrong)));
        }
        format!("✗ The prediction was off: {}.", parts.join("; "))
    };
    html! {
        <p class={classes!("prediction-result", if c.right { "right" } else { "off" })}
           data-testid="prediction-result">{ text }</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::scenario;
    use AnomalyKind::*;

    #[test]
    fn no_anomaly_and_the_anomalies_exclude_each_other() {
        let p = toggled(&[], Some(Duplicate), true);
        let p = toggled(&p, Some(LostAcknowledgedWrite), true);
        assert_eq!(p, vec![Some(LostAcknowledgedWrite), Some(Duplicate)]);
        assert_eq!(toggled(&p, None, true), vec![None]);
        assert_eq!(toggled(&[None], Some(Reorder), true), vec![Some(Reorder)]);
        assert_eq!(
            toggled(&p, Some(Duplicate), false),
            vec![Some(LostAcknowledgedWrite)]
        );
    }

    #[test]
    fn a_prediction_is_right_only_when_it_names_exactly_what_happened() {
        assert_eq!(compare(&[], &[Duplicate]), None, "nothing predicted");
        assert!(compare(&[None], &[]).unwrap().right);
        let off = compare(&[None], &[Duplicate]).unwrap();
        assert!(!off.right);
        assert_eq!(off.missed, vec![Duplicate]);
        let c = compare(&[Some(Duplicate), Some(Reorder)], &[Duplicate]).unwrap();
        assert_eq!(
            (c.hit, c.wrong, c.right),
            (vec![Duplicate], vec![Reorder], false)
        );
    }

    #[test]
    fn every_kind_a_preset_shows_is_offered_for_it() {
        for p in crate::presets::PRESETS {
            let s = scenario(p.id);
            let run = delivery_lab_engine::run(&s).unwrap();
            let offered = offered(&s);
            for kind in run.ledger.anomaly_kinds() {
                assert!(offered.contains(&kind), "{}: {kind} is not offered", p.id);
            }
        }
    }

    #[test]
    fn only_the_kinds_a_scenario_can_show_are_offered() {
        let plain = offered(&scenario("acks-1-leader-dies-before-followers-copy"));
        assert_eq!(plain, vec![LostAcknowledgedWrite, Duplicate, Reorder]);
        let consumers = offered(&scenario("commit-before-processing-crash-loses"));
        assert!(consumers.contains(&LostEffect) && !consumers.contains(&WriteCycle));
        let txn = offered(&scenario("transactions-write-cycle-g0"));
        assert!(txn.contains(&WriteCycle), "{txn:?}");
    }
}
