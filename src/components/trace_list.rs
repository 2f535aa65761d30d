//! The trace around the play position: the events just before it, the next ones greyed.

use delivery_lab_engine::Run;
use std::rc::Rc;
use yew::prelude::*;

/// How many events to show before and after the play position.
const BEFORE: usize = 9;
const AFTER: usize = 4;

/// Props of [`TraceList`].
#[derive(Properties)]
pub struct TraceListProps {
    /// The run whose trace to show.
    pub run: Rc<Run>,
    /// How many events have happened at the play position.
    pub applied: usize,
}

impl PartialEq for TraceListProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run) && self.applied == other.applied
    }
}

/// A window of the trace.
#[function_component(TraceList)]
pub fn trace_list(props: &TraceListProps) -> Html {
    let t = crate::texts::use_texts();
    let events = &props.run.trace.events;
    let start = props.applied.saturating_sub(BEFORE);
    let end = (props.applied + AFTER).min(events.len());
    html! {
        <section class="trace" aria-label={t.trace}>
            <h2>{ (t.trace_heading)(props.applied, events.len()) }</h2>
            <ol class="trace-list" lang={t.untranslated_lang} start={(start + 1).to_string()}>
                { for events.range(start..end).enumerate().map(|(i, e)| {
                    let index = start + i;
                    let state = if index + 1 == props.applied { "current" } else if index < props.applied { "past" } else { "future" };
                    html! {
                        <li class={classes!("trace-event", state, e.kind.is_inference().then_some("inference"))}
                            title={format!("{}{}", e.kind.explanation(), if e.kind.is_inference() { " (model inference)" } else { "" })}>
                            <span class="t">{ e.time.to_string() }</span>
                            <span class="node">{ e.node.to_string() }</span>
                            <span class="name">{ e.kind.name() }</span>
                            <span class="detail">{ props.run.trace.details(e).to_string() }</span>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
