//! The selected record's timeline: a lane across the run with a mark per step (sent, each
//! attempt, appended on each replica, removed, acknowledged or failed, polled, processed,
//! committed past), and the steps as a list; a step jumps the play position to it.

use crate::app::PtrEq;
use delivery_lab_engine::Run;
use delivery_lab_engine::ids::RecordId;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::timeline::{StepKind, record_timeline};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`RecordTimeline`].
#[derive(Properties)]
pub struct RecordTimelineProps {
    /// The run.
    pub run: Rc<Run>,
    /// The record whose life to show.
    pub record: RecordId,
    /// The play position.
    pub position: SimTime,
    /// The end of the run.
    pub end: SimTime,
    /// Move the play position.
    pub on_seek: Callback<SimTime>,
    /// Close the timeline.
    pub on_close: Callback<()>,
}

impl PartialEq for RecordTimelineProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run)
            && self.record == other.record
            && self.position == other.position
            && self.end == other.end
    }
}

fn class(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Sent => "step-sent",
        StepKind::Message => "step-message",
        StepKind::Appended => "step-appended",
        StepKind::Removed => "step-removed",
        StepKind::Acknowledged => "step-acked",
        StepKind::Failed => "step-failed",
        StepKind::Polled => "step-polled",
        StepKind::Processed => "step-processed",
        StepKind::Committed => "step-committed",
    }
}

/// The panel.
#[function_component(RecordTimeline)]
pub fn record_timeline_panel(props: &RecordTimelineProps) -> Html {
    let texts = crate::texts::use_texts();
    let steps = use_memo((PtrEq(props.run.clone()), props.record), |(run, record)| {
        record_timeline(&run.0.trace, *record)
    });
    let end = props.end.as_us().max(1) as f64;
    let x = |t: SimTime| 8.0 + 984.0 * t.as_us() as f64 / end;
    let on_close = props.on_close.clone();
    html! {
        <section class="record-timeline" aria-label={(texts.timeline_of)(&props.record.to_string())} data-testid="record-timeline">
            <header>
                <h2>{ (texts.timeline_of)(&props.record.to_string()) }</h2>
                <button type="button" class="close-timeline" aria-label="Close the timeline"
                        onclick={Callback::from(move |_| on_close.emit(()))}>{"×"}</button>
            </header>
            <svg class="lane" viewBox="0 0 1000 30" preserveAspectRatio="none" aria-hidden="true">
                <line class="lane-axis" x1="8" x2="992" y1="15" y2="15" />
                <line class="lane-now" x1={x(props.position).to_string()} x2={x(props.position).to_string()} y1="2" y2="28" />
                { for steps.iter().filter(|s| s.kind != StepKind::Message).map(|s| html! {
                    <circle class={class(s.kind)} cx={x(s.time).to_string()} cy="15" r="5"><title>{ format!("{} {} {}", s.time, s.node, s.what) }</title></circle>
                }) }
            </svg>
            <ol class="steps">
                { for steps.iter().map(|s| {
                    let on_seek = props.on_seek.clone();
                    let at = s.time;
                    let past = s.time <= props.position;
                    html! {
                        <li class={classes!(class(s.kind), past.then_some("past"))}>
                            <button type="button" class="step" onclick={Callback::from(move |_| on_seek.emit(at))}>
                                <span class="step-time">{ s.time.to_string() }</span>
                                <span class="step-node">{ s.node.to_string() }</span>
                                <span class="step-what">{ s.what.clone() }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
