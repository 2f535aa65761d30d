//! Every record at a glance: one lane per record across the whole run, with a mark per
//! milestone (sent, retried or failed, appended at an offset, acknowledged or committed,
//! aborted, processed), records with an anomaly first. A lane opens that record's
//! timeline; the play position is a vertical line.

use crate::app::PtrEq;
use crate::components::foldable::{heading, is_open};
use delivery_lab_engine::Run;
use delivery_lab_engine::ids::RecordId;
use delivery_lab_engine::lanes::{Lane, Mark, record_lanes};
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::timeline::StepKind;
use std::rc::Rc;
use yew::prelude::*;

/// How many lanes are drawn (anomalies first); the rest are counted.
const MAX_LANES: usize = 40;

const LANE_H: f64 = 16.0;
const LABEL_W: f64 = 64.0;
const TRACK_END: f64 = 992.0;

/// Props of [`RecordLanes`].
#[derive(Properties)]
pub struct RecordLanesProps {
    /// The run.
    pub run: Rc<Run>,
    /// The play position.
    pub position: SimTime,
    /// The end of the run.
    pub end: SimTime,
    /// The record whose timeline is open, if any.
    #[prop_or_default]
    pub selected: Option<RecordId>,
    /// Open a record's timeline.
    pub on_select_record: Callback<RecordId>,
}

impl PartialEq for RecordLanesProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run)
            && self.position == other.position
            && self.end == other.end
            && self.selected == other.selected
    }
}

fn label(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Sent => "sent",
        StepKind::Message => "message",
        StepKind::Appended => "appended",
        StepKind::Removed => "aborted",
        StepKind::Acknowledged => "acknowledged",
        StepKind::Failed => "failed or retried",
        StepKind::Polled => "polled",
        StepKind::Processed => "processed",
        StepKind::Committed => "committed",
    }
}

/// A mark whose shape, not only its colour, tells its kind.
fn mark(m: &Mark, x: f64, y: f64) -> Html {
    let title = html! { <title>{ format!("{} {}", m.time, label(m.kind)) }</title> };
    let (xs, ys) = (x.to_string(), y.to_string());
    match m.kind {
        StepKind::Sent => html! {
            <circle class="mark step-sent hollow" cx={xs} cy={ys} r="3.5">{title}</circle>
        },
        StepKind::Appended => html! {
            <rect class="mark step-appended" x={(x - 1.0).to_string()} y={(y - 5.0).to_string()} width="2" height="10">{title}</rect>
        },
        StepKind::Acknowledged => html! {
            <circle class="mark step-acked" cx={xs} cy={ys} r="4">{title}</circle>
        },
        StepKind::Committed => html! {
            <polygon class="mark step-acked" points={format!("{x},{} {},{y} {x},{} {},{y}", y - 5.0, x + 5.0, y + 5.0, x - 5.0)}>{title}</polygon>
        },
        StepKind::Failed | StepKind::Removed => html! {
            <path class="mark step-failed cross" d={format!("M{} {} L{} {} M{} {} L{} {}", x - 4.0, y - 4.0, x + 4.0, y + 4.0, x - 4.0, y + 4.0, x + 4.0, y - 4.0)}>{title}</path>
        },
        StepKind::Processed | StepKind::Polled | StepKind::Message => html! {
            <rect class="mark step-processed" x={(x - 3.5).to_string()} y={(y - 3.5).to_string()} width="7" height="7">{title}</rect>
        },
    }
}

fn lane_label(l: &Lane) -> String {
    let kinds: Vec<String> = l.anomalies.iter().map(ToString::to_string).collect();
    let partition = l.partition.map(|p| format!(" on {p}")).unwrap_or_default();
    if kinds.is_empty() {
        format!(
            "{}{partition}: {} milestones; open its timeline",
            l.record,
            l.marks.len()
        )
    } else {
        format!(
            "{}{partition}: {}; open its timeline",
            l.record,
            kinds.join(", ")
        )
    }
}

#[derive(Properties)]
struct LaneRowsProps {
    lanes: Rc<Vec<Lane>>,
    end: SimTime,
    selected: Option<RecordId>,
    on_select_record: Callback<RecordId>,
}

impl PartialEq for LaneRowsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lanes, &other.lanes)
            && self.end == other.end
            && self.selected == other.selected
    }
}

/// The lanes themselves: re-rendered when the run or the selection changes, not on every
/// frame of play.
#[function_component(LaneRows)]
fn lane_rows(props: &LaneRowsProps) -> Html {
    let end = props.end.as_us().max(1) as f64;
    let x = |t: SimTime| LABEL_W + (TRACK_END - LABEL_W) * t.as_us() as f64 / end;
    html! {
        <>
                { for props.lanes.iter().take(MAX_LANES).enumerate().map(|(i, l)| {
                    let y = 4.0 + LANE_H * i as f64 + LANE_H / 2.0;
                    let record = l.record;
                    let on_click = props.on_select_record.clone();
                    let on_key = props.on_select_record.clone();
                    let onclick = Callback::from(move |_| on_click.emit(record));
                    let onkeydown = Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" {
                            e.prevent_default();
                            on_key.emit(record);
                        }
                    });
                    let bad = !l.anomalies.is_empty();
                    let selected = props.selected == Some(record);
                    html! {
                        <g class={classes!("record-lane", bad.then_some("has-anomaly"), selected.then_some("selected"))}
                           role="button" tabindex="0" aria-label={lane_label(l)} {onclick} {onkeydown}>
                            <rect class="lane-band" x="0" y={(y - LANE_H / 2.0).to_string()} width="1000" height={LANE_H.to_string()} />
                            <text class="lane-label" x="4" y={(y + 4.0).to_string()}>{ record.to_string() }</text>
                            <line class="lane-axis" x1={LABEL_W.to_string()} x2={TRACK_END.to_string()} y1={y.to_string()} y2={y.to_string()} />
                            { for l.marks.iter().map(|m| mark(m, x(m.time), y)) }
                        </g>
                    }
                }) }
        </>
    }
}

/// The panel.
#[function_component(RecordLanes)]
pub fn record_lanes_panel(props: &RecordLanesProps) -> Html {
    let t = crate::texts::use_texts();
    let choice = use_state(|| None::<bool>);
    let open = is_open(&choice, props.run.trace.events.len());
    let lanes = use_memo((PtrEq(props.run.clone()), open), |(run, open)| {
        if *open {
            record_lanes(&run.0.trace, &run.0.ledger)
        } else {
            Vec::new()
        }
    });
    if !open {
        return html! {
            <section class="record-lanes folded" aria-label={t.records_lanes} data-testid="record-lanes">
                { heading(t, t.records, &choice, open) }
            </section>
        };
    }
    let end = props.end.as_us().max(1) as f64;
    let x = |t: SimTime| LABEL_W + (TRACK_END - LABEL_W) * t.as_us() as f64 / end;
    let shown = lanes.len().min(MAX_LANES);
    let height = LANE_H * shown as f64 + 8.0;
    let now = x(props.position);
    let with_anomaly = lanes.iter().filter(|l| !l.anomalies.is_empty()).count();
    let rows: Rc<Vec<Lane>> = lanes.clone();
    html! {
        <section class="record-lanes" aria-label={t.records_lanes} data-testid="record-lanes">
            { heading(t, t.records, &choice, open) }
            <p class="lanes-summary">
                { (t.lanes_summary)(lanes.len(), with_anomaly) }
                <span class="lanes-key">
                    { for t.lanes_key.iter().enumerate().map(|(i, item)| html! {
                        <>{ if i > 0 { " · " } else { "" } }<span>{ *item }</span></>
                    }) }
                </span>
            </p>
            <svg class="lanes" viewBox={format!("0 0 1000 {height}")} preserveAspectRatio="none" role="group" aria-label="Record lanes">
                <LaneRows lanes={rows} end={props.end} selected={props.selected}
                          on_select_record={props.on_select_record.clone()} />
                <line class="lane-now" x1={now.to_string()} x2={now.to_string()} y1="0" y2={height.to_string()} />
            </svg>
            if lanes.len() > MAX_LANES {
                <p class="lanes-more">{ format!("… and {} more records (their timelines open from the log cells).", lanes.len() - MAX_LANES) }</p>
            }
        </section>
    }
}
