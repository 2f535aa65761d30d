//! Workshop mode's predict-then-reveal: the verdict of the whole run stays hidden while the
//! room predicts which anomalies (named as Jepsen names them) the run will show, then the
//! trainer reveals it and the page says what was right, missed, or did not happen.

use delivery_lab_engine::{AnomalyKind, Scenario};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Every anomaly kind, in the ledger's order.
pub const ALL_KINDS: [AnomalyKind; 7] = [
    AnomalyKind::LostAcknowledgedWrite,
    AnomalyKind::Duplicate,
    AnomalyKind::Reorder,
    AnomalyKind::DuplicateEffect,
    AnomalyKind::LostEffect,
    AnomalyKind::AbortedRead,
    AnomalyKind::WriteCycle,
];

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
    let t = crate::texts::use_texts();
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
            <h2>{ t.whole_run }</h2>
            <p class="verdict-detail">{ t.predict_question }</p>
            <ul class="picks" aria-label={t.prediction}>
                { choice(None, t.no_anomaly.to_string()) }
                { for props.offered.iter().map(|k| choice(Some(*k), (t.anomaly)(*k).to_string())) }
            </ul>
            <button type="button" class="reveal" onclick={reveal}>{ t.reveal }</button>
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
    let t = crate::texts::use_texts();
    let Some(c) = compare(&props.picks, &props.found) else {
        return html! {};
    };
    let text = result_text(t, &c);
    html! {
        <p class={classes!("prediction-result", if c.right { "right" } else { "off" })}
           data-testid="prediction-result">{ text }</p>
    }
}

/// The line that says how `c` went, in `t`'s language.
pub fn result_text(t: &crate::texts::Texts, c: &Comparison) -> String {
    if c.right {
        let what = if c.hit.is_empty() {
            t.no_anomaly.to_string()
        } else {
            t.anomaly_list(&c.hit)
        };
        return (t.prediction_right)(&what);
    }
    let mut parts = Vec::new();
    if !c.hit.is_empty() {
        parts.push((t.was_right)(&t.anomaly_list(&c.hit)));
    }
    if !c.missed.is_empty() {
        parts.push((t.was_not_predicted)(&t.anomaly_list(&c.missed)));
    }
    if !c.wrong.is_empty() {
        parts.push((t.did_not_happen)(&t.anomaly_list(&c.wrong)));
    }
    (t.prediction_off)(&parts.join(t.clause_separator))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::scenario;
    use crate::texts::Lang;
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
    fn the_result_reads_as_a_sentence_in_both_languages() {
        let c = compare(
            &[Some(Duplicate), Some(Reorder)],
            &[LostAcknowledgedWrite, Duplicate],
        )
        .unwrap();
        assert_eq!(
            result_text(Lang::En.texts(), &c),
            "✗ The prediction was off: duplicate was right; lost acknowledged write was not predicted; reorder did not happen."
        );
        assert_eq!(
            result_text(Lang::Zh.texts(), &c),
            "✗ 预测有误：重复（duplicate）预测对了；已确认写入丢失（lost acknowledged write）没有被预测到；乱序（reorder）并没有发生。"
        );
        let none = compare(&[None], &[]).unwrap();
        assert_eq!(
            result_text(Lang::Zh.texts(), &none),
            "✓ 预测正确：没有异常。"
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
