//! The page: header with the scenario picker, the cluster drawing, the verdict, the
//! playback bar and the trace. Keyboard: Space plays/pauses, ←/→ step, Home/End jump.

use crate::components::fault_palette::FaultPalette;
use crate::components::legend::Legend;
use crate::components::playback::Playback;
use crate::components::record_lanes::RecordLanes;
use crate::components::record_timeline::RecordTimeline;
use crate::components::replica_history::ReplicaHistory;
use crate::components::scenario_file::ScenarioFile;
use crate::components::scenario_picker::ScenarioPicker;
use crate::components::settings_panel::SettingsPanel;
use crate::components::topology::Topology;
use crate::components::trace_list::TraceList;
use crate::components::verdict::Verdict;
use crate::drag::{Drag, target_at};
use crate::edit::FaultKind;
use crate::edit::Target;
use crate::hooks::use_animation_frame;
use crate::store::{Action, LabState};
use crate::texts::Lang;
use crate::view_cache;
use delivery_lab_engine::ids::NodeId;
use delivery_lab_engine::time::SimTime;
use gloo::events::{EventListener, EventListenerOptions};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| LabState::opening(&crate::link::current_search()));
    // The scenario as the address carries it, once it is no longer a preset as is (and not
    // when it is too large for an address the page would read back).
    let carried = use_memo(
        (
            state.scenario.clone(),
            state.edited || state.preset.is_none(),
        ),
        |(scenario, carry)| {
            carry
                .then(|| crate::scenario_link::encode(scenario))
                .filter(|s| s.len() <= crate::scenario_link::MAX_ENCODED_CHARS)
        },
    );
    // Embed mode, as the address asked for it when the page opened; workshop mode, as
    // asked for or turned on since.
    let embed = *use_memo((), |_| {
        crate::link::flag(&crate::link::current_search(), "embed")
    });
    let workshop = use_state(|| crate::link::flag(&crate::link::current_search(), "workshop"));
    // The language asked for by the address or the switch; otherwise the browser's.
    let lang_choice = use_state(|| crate::link::lang(&crate::link::current_search()));
    let browser_lang = *use_memo((), |_| {
        gloo::utils::window()
            .navigator()
            .language()
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default()
    });
    let lang = lang_choice.unwrap_or(browser_lang);
    let t = lang.texts();
    use_effect_with(lang, |lang| {
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("lang", lang.html_lang());
        }
    });
    // The moment link opens the whole page (also from an embedded one), in workshop mode
    // if it is on.
    let target = crate::link::Target {
        preset: state.preset.map(|i| crate::presets::PRESETS[i].id),
        scenario: carried.as_deref(),
        embed: false,
        workshop: *workshop,
        lang: *lang_choice,
    };
    use_effect_with(
        (state.preset, carried.clone(), *workshop, *lang_choice),
        move |(preset, carried, workshop, lang)| {
            crate::link::show(&crate::link::Target {
                preset: preset.map(|i| crate::presets::PRESETS[i].id),
                scenario: carried.as_deref(),
                embed,
                workshop: *workshop,
                lang: *lang,
            });
        },
    );
    // What the room predicted, kept with the scenario it answered: an edit makes a new
    // scenario, which is not revealed yet.
    type Revealed = Option<(
        Rc<delivery_lab_engine::Scenario>,
        Rc<Vec<crate::components::prediction::Pick>>,
    )>;
    let revealed = use_state(|| None as Revealed);
    let prediction = revealed
        .as_ref()
        .filter(|(answered, _)| Rc::ptr_eq(answered, &state.scenario))
        .map(|(_, picks)| Rc::clone(picks));
    let predicting = *workshop && prediction.is_none();
    let on_reveal = {
        let revealed = revealed.clone();
        let scenario = Rc::clone(&state.scenario);
        Callback::from(move |picks| revealed.set(Some((Rc::clone(&scenario), Rc::new(picks)))))
    };
    let on_workshop = {
        let workshop = workshop.clone();
        let revealed = revealed.clone();
        Callback::from(move |_| {
            workshop.set(!*workshop);
            revealed.set(None);
        })
    };
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
    let fold = use_mut_ref(|| None::<view_cache::FoldCache>);
    // The drawing shows the pending re-run as soon as it reaches the play position (at once
    // after a fault drop; a setting changed late in a long run may take a few frames, the
    // last run stays drawn meanwhile); the panels read from the whole run wait for it to finish.
    let view = use_memo(
        (state.drawn_trace_id(), state.position),
        |(id, position)| {
            state.with_trace(|trace| {
                view_cache::cluster_view(
                    &mut fold.borrow_mut(),
                    trace,
                    *id,
                    state.rerun_of,
                    state.drawn_brokers(),
                    *position,
                )
            })
        },
    );
    {
        let state = state.clone();
        use_animation_frame(
            state.pending.is_some(),
            Callback::from(move |_| {
                let budget = match state.playing {
                    true => crate::rerun::RERUN_MS_PER_PLAYING_FRAME,
                    false => crate::rerun::RERUN_MS_PER_FRAME,
                };
                // After this frame is painted (the drop's redraw must not wait for it).
                let state = state.clone();
                crate::deferred_drop::run_after_redraw(move || {
                    let deadline_ms = crate::frame_clock::now_ms() + budget;
                    state.dispatch(Action::Continue { deadline_ms })
                });
            }),
        );
    }
    let pending = state.pending.as_ref().map(|p| p.resumed_at());
    // The trace list reads the finished run (while a re-run is pending too); while playing
    // too fast to read it, it moves on a few times a second, not every frame.
    let list_at = state.trace_list_position();
    let applied = match pending.is_none() && list_at == state.position {
        true => view.applied,
        false => state.run.trace.events_until(list_at),
    };
    let on_seek = {
        let state = state.clone();
        Callback::from(move |t| state.dispatch(Action::Seek(t)))
    };
    let on_speed = {
        let state = state.clone();
        Callback::from(move |i| state.dispatch(Action::SetSpeed(i)))
    };
    let on_select = use_callback(state.dispatcher(), |i, d| {
        d.dispatch(Action::SelectPreset(i))
    });
    let selected = use_state(|| None::<Target>);
    let record = use_state(|| None::<delivery_lab_engine::ids::RecordId>);
    let on_select_record = {
        let record = record.clone();
        Callback::from(move |r| record.set(Some(r)))
    };
    let on_close_timeline = {
        let record = record.clone();
        Callback::from(move |_| record.set(None))
    };
    // A release after a real drag also "clicks" the chip: that click must not apply the
    // fault a second time.
    let just_dragged = use_mut_ref(|| false);
    let on_select_node = {
        let selected = selected.clone();
        Callback::from(move |node: NodeId| {
            let node = Target::Node(node);
            selected.set(if *selected == Some(node) {
                None
            } else {
                Some(node)
            })
        })
    };
    let on_select_link = {
        let selected = selected.clone();
        Callback::from(move |(a, b): (NodeId, NodeId)| {
            let link = Target::Link(a, b);
            selected.set(if *selected == Some(link) {
                None
            } else {
                Some(link)
            })
        })
    };
    let on_pick = {
        let state = state.clone();
        let selected = selected.clone();
        let just_dragged = just_dragged.clone();
        Callback::from(move |kind: FaultKind| {
            match *selected {
            _ if std::mem::take(&mut *just_dragged.borrow_mut()) => {}
            Some(node) => state.dispatch(Action::AddFault(node, kind)),
            None => state.dispatch(Action::Refuse(format!(
                "Drag “{}” onto {} in the drawing, or select one first (click it, or Tab to it and press Enter).",
                kind.label(),
                kind.applies_to()
            ))),
        }
        })
    };
    // The drag lives in a cell every pointer handler reads at once (a press, its moves and
    // its release can all arrive before the next render); the state copy draws the ghost.
    let drag_cell = use_mut_ref(|| None::<Drag>);
    let drag = use_state(|| None::<Drag>);
    let on_drag_start = {
        let cell = drag_cell.clone();
        Callback::from(move |(kind, x, y)| *cell.borrow_mut() = Some(Drag::start(kind, (x, y))))
    };
    let on_drag_move = {
        let (cell, drag) = (drag_cell.clone(), drag.clone());
        Callback::from(move |at| {
            let current = *cell.borrow();
            if let Some(d) = current {
                let next = d.to(at);
                *cell.borrow_mut() = Some(next);
                if next.moved {
                    drag.set(Some(next));
                }
            }
        })
    };
    let on_drag_end = {
        let (cell, drag) = (drag_cell.clone(), drag.clone());
        let state = state.clone();
        let just_dragged = just_dragged.clone();
        Callback::from(move |at: Option<(i32, i32)>| {
            let current = cell.borrow_mut().take();
            if let (Some(d), Some(at)) = (current, at) {
                let d = d.to(at);
                if d.moved {
                    *just_dragged.borrow_mut() = true;
                    if let Some(target) = target_at(at.0, at.1) {
                        state.dispatch(Action::AddFault(target, d.kind));
                    }
                }
            }
            drag.set(None);
        })
    };
    let on_remove_fault = {
        let state = state.clone();
        Callback::from(move |i| state.dispatch(Action::RemoveFault(i)))
    };
    let on_move_fault = {
        let state = state.clone();
        Callback::from(move |(i, ms)| state.dispatch(Action::MoveFault(i, ms)))
    };
    let on_set_acks = {
        let state = state.clone();
        Callback::from(move |acks| {
            let edited = crate::edit::set_acks(&state.scenario, acks);
            state.dispatch(Action::Edit(Rc::new(edited)))
        })
    };
    let on_set_min_isr = {
        let state = state.clone();
        Callback::from(move |n| {
            let edited = crate::edit::set_min_insync_replicas(&state.scenario, n);
            state.dispatch(Action::Edit(Rc::new(edited)))
        })
    };
    // Stable across renders (the dispatcher never changes), so the settings panel and the
    // picker are not redrawn on every animation frame while playing.
    let on_edit = use_callback(state.dispatcher(), |s, d| d.dispatch(Action::Edit(s)));
    let on_open = {
        let state = state.clone();
        Callback::from(move |s| state.dispatch(Action::Open(s)))
    };
    let on_refuse = {
        let state = state.clone();
        Callback::from(move |why| state.dispatch(Action::Refuse(why)))
    };
    let faults: Vec<(SimTime, String)> = state
        .scenario
        .faults
        .iter()
        .map(|f| (SimTime::from_ms(f.at_ms), f.fault.to_string()))
        .collect();
    let language_switch = html! {
        <div class="language-switch" role="group" aria-label={t.language}>
            { for Lang::ALL.into_iter().map(|l| {
                let lang_choice = lang_choice.clone();
                html! {
                    <button type="button" lang={l.html_lang()} aria-pressed={if l == lang { "true" } else { "false" }}
                            data-testid={format!("lang-{}", l.code())}
                            onclick={Callback::from(move |_| lang_choice.set(Some(l)))}>{ l.own_name() }</button>
                }
            }) }
        </div>
    };
    html! {
        <ContextProvider<Lang> context={lang}>
        <div class={classes!("app", embed.then_some("embed"), predicting.then_some("predicting"), pending.is_some().then_some("rerunning"), (!state.caught_up()).then_some("catching-up"))}>
            <header class="masthead">
                <div class="brand">
                    <h1>{"Kafka Delivery Lab"}</h1>
                    <p class="tagline">{ t.tagline }</p>
                </div>
                <div class="scenario-controls">
                    <ScenarioPicker selected={state.preset} {on_select} />
                    <ScenarioFile on_load={on_open} on_error={on_refuse} />
                    <button type="button" class="workshop-toggle" aria-pressed={if *workshop { "true" } else { "false" }}
                            onclick={on_workshop} data-testid="workshop-toggle"
                            title={t.workshop_toggle_title}>
                        { t.workshop_toggle }
                    </button>
                    { language_switch }
                </div>
            </header>
            if let Some(error) = &state.error {
                <div class="error-banner" role="alert">{ error.clone() }</div>
            }
            <p class="scenario-description">
                <span class="description-text" lang={state.preset.and(t.untranslated_lang)}><strong>{ state.scenario.name.clone() }</strong>
                    // A preset's description tells its outcome: in workshop mode it waits for the reveal.
                    if !predicting { { " — " }{ state.scenario.description.clone() } }</span>
                { " " }
                <span class="moment">
                    <a class="moment-link" href={crate::link::query_for(&target, Some(state.position.as_us() / 1_000))}
                       target="_blank" rel="noopener" data-testid="moment-link"
                       title={if target.scenario.is_some() { t.moment_link_title_edited } else { t.moment_link_title_preset }}>
                        { if embed { t.open_in_lab } else { t.moment_link } }
                    </a>
                </span>
            </p>
            <FaultPalette selected={*selected} {on_pick} {on_drag_start} {on_drag_move} {on_drag_end}
                faults={state.scenario.faults.clone()} on_remove={on_remove_fault.clone()} />
            <main class="stage" aria-busy={pending.is_some().then_some("true")}>
                <div class="drawing">
                    <Topology view={Rc::clone(&view)} hide_fate={predicting} cell_labels={state.cell_labels()} logs_at={state.logs_position()} sink={state.scenario.consumer_group.as_ref().map(|g| g.sink)}
                              selected={*selected} {on_select_node} {on_select_link} on_select_record={on_select_record.clone()} />
                    <Legend />
                    <SettingsPanel scenario={state.scenario.clone()} on_edit={on_edit} />
                    if predicting {
                        // Both draw the whole run, its end too: they would give the answer away.
                        <p class="hidden-until-reveal" data-testid="hidden-until-reveal">
                            { t.hidden_until_reveal }
                        </p>
                    } else {
                        <RecordLanes run={state.run.clone()} position={state.position} end={state.end()}
                                     selected={*record} on_select_record={on_select_record.clone()} />
                        <ReplicaHistory run={state.run.clone()} position={state.position} end={state.end()} />
                    }
                    if let (Some(r), false) = (*record, predicting) {
                        <RecordTimeline run={state.run.clone()} record={r} position={state.position} end={state.end()}
                                        on_seek={on_seek.clone()} on_close={on_close_timeline} />
                    }
                </div>
                <Verdict scenario={state.scenario.clone()} run={state.run.clone()} view={Rc::clone(&view)} on_seek={on_seek.clone()}
                         {on_set_acks} {on_set_min_isr} {on_select_record}
                         hide_outcome={predicting} {prediction} {on_reveal} />
            </main>
            <Playback position={state.position} end={state.end()} playing={state.playing} speed={state.speed}
                on_toggle={dispatch(Action::TogglePlay)} on_step_forward={dispatch(Action::StepForward)}
                on_step_back={dispatch(Action::StepBack)} on_rewind={dispatch(Action::Rewind)}
                on_end={dispatch(Action::End)} {on_seek} {on_speed} faults={faults}
                on_remove_fault={on_remove_fault} on_move_fault={on_move_fault} />
            <TraceList run={state.run.clone()} {applied} />
            if let Some(resumed_at) = pending {
                <p class="rerun-status" role="status">{ match resumed_at {
                    Some(at) => (t.rerunning_from)(&at.to_string()),
                    None => t.rerunning_from_start.to_string(),
                } }</p>
            }
            if let Some(d) = drag.as_ref().filter(|d| d.moved) {
                <div class="fault-ghost" aria-hidden="true"
                     style={format!("left: {}px; top: {}px", d.at.0 + 14, d.at.1 + 14)}>{ (t.fault)(d.kind) }</div>
            }
        </div>
        </ContextProvider<Lang>>
    }
}

/// An `Rc` whose equality is pointer identity.
pub struct PtrEq<T>(pub Rc<T>);

impl<T> PartialEq for PtrEq<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Space, arrows, Home and End drive playback, unless a form field has the focus (on a
/// button, only Space is the button's).
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
                // A control that handled the key itself (a fault marker's arrows) has
                // prevented its default; a form field keeps its own keys.
                if key.alt_key()
                    || key.ctrl_key()
                    || key.meta_key()
                    || key.default_prevented()
                    || in_form_field(key)
                {
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
    match target.tag_name().as_str() {
        "INPUT" | "SELECT" | "TEXTAREA" => true,
        // A button keeps Space (it presses it); arrows, Home and End still drive playback.
        "BUTTON" => event.key() == " ",
        _ => false,
    }
}
