//! The verdict of the whole run: the anomalies the ledger found (named as Jepsen names
//! them, each linked to its record and its cause), the delivery guarantee observed producer
//! to log and end to end, the failed sends and the invariants broken; after a workshop's
//! prediction, how it compares.

use crate::components::failures::{FailedSends, failures};
use crate::components::prediction::{Pick, PredictionResult};
use delivery_lab_engine::Run;
use delivery_lab_engine::time::SimTime;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`WholeRun`].
#[derive(Properties)]
pub struct WholeRunProps {
    /// The run.
    pub run: Rc<Run>,
    /// Move the play position (to an anomaly's cause).
    pub on_seek: Callback<SimTime>,
    /// Show a record's timeline.
    pub on_select_record: Callback<delivery_lab_engine::ids::RecordId>,
    /// What the room predicted, in workshop mode, once revealed.
    #[prop_or_default]
    pub prediction: Option<Rc<Vec<Pick>>>,
}

/// Equal for the same run and prediction, whatever the callbacks (new ones every frame do
/// the same for the same run): the verdict need not be drawn again while the run plays.
impl PartialEq for WholeRunProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run) && self.prediction == other.prediction
    }
}

fn anomaly_summary(t: &crate::texts::Texts, kinds: &[delivery_lab_engine::AnomalyKind]) -> String {
    let text = t.anomaly_list(kinds);
    let mut chars = text.chars();
    chars
        .next()
        .map_or(text.clone(), |c| c.to_uppercase().chain(chars).collect())
}

/// How many anomalies or violations to list before summarising.
const MAX_LISTED: usize = 6;

/// The whole run's verdict.
#[function_component(WholeRun)]
pub fn whole_run(props: &WholeRunProps) -> Html {
    let t = crate::texts::use_texts();
    let ledger = &props.run.ledger;
    let delivery = ledger.delivery();
    let safe = ledger.anomalies.is_empty();
    let kinds = ledger.anomaly_kinds();
    html! {
        <section class="whole-run">
            <h2>{ t.whole_run }</h2>
            if let Some(picks) = &props.prediction {
                <PredictionResult picks={Rc::clone(picks)} found={kinds.clone()} />
            }
            <p class={classes!("headline", if safe { "safe" } else { "unsafe" })} data-testid="headline">
                { if safe { t.no_anomaly_headline.to_string() } else { format!("✗ {}", anomaly_summary(t, &kinds)) } }
            </p>
            <p class="guarantee">{ t.observed.0 }<strong data-testid="delivery">{ (t.delivery)(delivery) }</strong>{ t.observed.1 }</p>
            if let Some(e2e) = ledger.end_to_end() {
                <p class="guarantee">{ t.end_to_end.0 }<strong data-testid="end-to-end">{ (t.delivery)(e2e) }</strong>{ t.end_to_end.1 }</p>
                <p class="verdict-detail" data-testid="effects">
                    { (t.effects)(ledger.applied(),
                        ledger.consumed.values().filter(|c| c.effects > 1).count(),
                        ledger.consumed.values().map(|c| u64::from(c.processed)).sum::<u64>()) }
                </p>
            }
            <p class="verdict-detail">
                { (t.record_counts)(ledger.records.len(), ledger.acknowledged(), ledger.failed()) }
                { if safe { t.none_lost.to_string() } else { (t.anomaly_count)(ledger.anomalies.len()) } }
            </p>
            if let Some(failures) = failures(ledger) {
                <FailedSends {failures} />
            }
            if !safe {
                { for kinds.iter().map(|k| html! {
                    <p class="anomaly-why"><strong>{ format!("{}: ", (t.anomaly)(*k)) }</strong>{ (t.anomaly_why)(*k) }</p>
                }) }
                <ul class="anomalies">
                    { for ledger.anomalies.iter().take(MAX_LISTED).map(|a| {
                        let trace = &props.run.trace.events;
                        let at = a.cause.or(Some(a.event)).and_then(|i| trace.get(i)).map(|e| e.time);
                        let cause = a.cause.and_then(|i| trace.get(i)).map(|e| (t.cause_on)(e.kind.name(), &e.node.to_string()));
                        let on_seek = props.on_seek.clone();
                        let on_record = props.on_select_record.clone();
                        let record = a.record;
                        html! {
                            <li>
                                { format!("{} — ", t.anomaly_short(a.kind)) }
                                <button type="button" class="record-link" aria-label={(t.timeline_of)(&format!("r{}", a.record.0))}
                                        onclick={Callback::from(move |_| on_record.emit(record))}>{ format!("r{}", a.record.0) }</button>
                                if let Some(cause) = cause { <span class="cause">{ format!(" · {cause}") }</span> }
                                if let Some(at) = at {
                                    <button type="button" class="jump" aria-label={(t.show_cause_of)((t.anomaly)(a.kind), &format!("r{}", a.record.0))}
                                            onclick={Callback::from(move |_| on_seek.emit(at))}>{ t.show }</button>
                                }
                            </li>
                        }
                    }) }
                    if ledger.anomalies.len() > MAX_LISTED {
                        <li>{ (t.and_more)(ledger.anomalies.len() - MAX_LISTED) }</li>
                    }
                </ul>
            }
            { for ledger.offline_partitions.iter().map(|p| html! {
                <p class="offline">{ (t.offline_partition)(&p.to_string()) }</p>
            }) }
            if !ledger.violations.is_empty() {
                <h2>{ t.invariants_broken }</h2>
                <ul class="violations">
                    { for ledger.violations.iter().take(MAX_LISTED).map(|v| {
                        let at = props.run.trace.events.get(v.event).map(|e| e.time);
                        let on_seek = props.on_seek.clone();
                        html! {
                            <li title={v.detail.clone()}>
                                <code>{ v.invariant.to_string() }</code>{ format!(" {}", v.partition) }
                                if let Some(at) = at {
                                    <button type="button" class="jump" onclick={Callback::from(move |_| on_seek.emit(at))}>{ t.show }</button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
