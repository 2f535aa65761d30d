//! The page: header with the scenario picker, the cluster drawing, the verdict, the
//! playback bar and the trace. Keyboard: Space plays/pauses, ←/→ step, Home/End jump.

use crate::components::legend::Legend;
use crate::components::playback::Playback;
use crate::components::scenario_picker::ScenarioPicker;
use crate::components::topology::Topology;
use crate::components::trace_list::TraceList;
use crate::components::verdict::Verdict;
use crate::hooks::use_animation_frame;
use crate::store::{Action, LabState};
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::view::ClusterView;
use gloo::events::{EventListener, EventListenerOptions};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(LabState::initial);
    let dispatch = |action: Action| {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(action.clone()))
    };
    use_keyboard_shortcuts(state.dispatcher());
    {
        let state = state.clone();
        use_animation_frame(
            state.playing,
            Callback::from(move |ms| state.dispatch(Action::Tick(ms))),
        );
    }
    let view = use_memo(
        (state.run.clone_ptr(), state.position),
        |(run, position)| ClusterView::at(&run.0.trace, state.scenario.cluster.brokers, *position),
    );
    let on_seek = {
        let state = state.clone();
        Callback::from(move |t| state.dispatch(Action::Seek(t)))
    };
    let on_speed = {
        let state = state.clone();
        Callback::from(move |i| state.dispatch(Action::SetSpeed(i)))
    };
    let on_select = {
        let state = state.clone();
        Callback::from(move |i| state.dispatch(Action::SelectPreset(i)))
    };
    let faults: Vec<(SimTime, String)> = state
        .scenario
        .faults
        .iter()
        .map(|f| (SimTime::from_ms(f.at_ms), f.fault.to_string()))
        .collect();
    html! {
        <div class="app">
            <header class="masthead">
                <div class="brand">
                    <h1>{"Kafka Delivery Lab"}</h1>
                    <p class="tagline">{"When does Kafka lose, duplicate or reorder a message — and what fixes it?"}</p>
                </div>
                <ScenarioPicker selected={state.preset} {on_select} />
            </header>
            if let Some(error) = &state.error {
                <div class="error-banner" role="alert">{ error.clone() }</div>
            }
            <p class="scenario-description">
                <strong>{ state.scenario.name.clone() }</strong>{ " — " }{ state.scenario.description.clone() }
            </p>
            <main class="stage">
                <div class="drawing">
                    <Topology view={Rc::clone(&view)} sink={state.scenario.consumer_group.as_ref().map(|g| g.sink)} />
                    <Legend />
                </div>
                <Verdict scenario={state.scenario.clone()} run={state.run.clone()} view={Rc::clone(&view)} on_seek={on_seek.clone()} />
            </main>
            <Playback position={state.position} end={state.end()} playing={state.playing} speed={state.speed}
                on_toggle={dispatch(Action::TogglePlay)} on_step_forward={dispatch(Action::StepForward)}
                on_step_back={dispatch(Action::StepBack)} on_rewind={dispatch(Action::Rewind)}
                on_end={dispatch(Action::End)} {on_seek} {on_speed} faults={faults} />
            <TraceList run={state.run.clone()} applied={view.applied} />
        </div>
    }
}

/// Compares an `Rc` by pointer, so memoised views re-fold only when the run changes.
trait ClonePtr<T> {
    fn clone_ptr(&self) -> PtrEq<T>;
}

/// An `Rc` whose equality is pointer identity.
pub struct PtrEq<T>(pub Rc<T>);

impl<T> PartialEq for PtrEq<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> ClonePtr<T> for Rc<T> {
    fn clone_ptr(&self) -> PtrEq<T> {
        PtrEq(Rc::clone(self))
    }
}

/// Space, arrows, Home and End drive playback, unless a form field has the focus.
#[hook]
fn use_keyboard_shortcuts(dispatcher: UseReducerDispatcher<LabState>) {
    use_effect_with((), move |_| {
        let listener = gloo::utils::window().document().map(|document| {
            // Not passive: Space and the arrows must not also scroll the page.
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&document, "keydown", options, move |event| {
                let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if key.alt_key() || key.ctrl_key() || key.meta_key() || in_form_field(key) {
                    return;
                }
                let action = match key.key().as_str() {
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::StepForward,
                    "ArrowLeft" => Action::StepBack,
                    "Home" => Action::Rewind,
                    "End" => Action::End,
                    _ => return,
                };
                key.prevent_default();
                dispatcher.dispatch(action);
            })
        });
        move || drop(listener)
    });
}

fn in_form_field(event: &KeyboardEvent) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(
        target.tag_name().as_str(),
        "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
    )
}
