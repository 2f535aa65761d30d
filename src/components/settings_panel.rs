//! The settings panel: every knob the engine models under Kafka's own names, showing the
//! version's default when unset and marking what was changed. A value the engine refuses
//! gets its message beside the field, and the run on screen stays.

use crate::components::config_name::config_name;
use crate::settings::{FIELDS, Field, Input};
use delivery_lab_engine::consumer::spec::ConsumerSettings;
use delivery_lab_engine::{EffectiveConfig, Scenario};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// The scenario.
    pub scenario: Rc<Scenario>,
    /// Run an edited scenario.
    pub on_edit: Callback<Rc<Scenario>>,
}

/// The panel.
#[function_component(SettingsPanel)]
pub fn settings_panel(props: &SettingsPanelProps) -> Html {
    let t = crate::texts::use_texts();
    // Per field: the refused value's message.
    let errors = use_state(Vec::<(&'static str, String)>::new);
    let sections = ["Cluster", "Producer", "Consumer group"];
    // What every row reads, worked out once per render rather than once per field.
    let known = Known {
        json: serde_json::to_value(&*props.scenario).unwrap_or_default(),
        config: props.scenario.effective_config(),
        consumer: props.scenario.consumer_settings(),
    };
    html! {
        <details class="settings" data-testid="settings">
            <summary>{ t.settings_summary }</summary>
            { for sections.iter().map(|section| {
                let fields: Vec<&Field> = FIELDS.iter().filter(|f| f.section == *section && f.applies(&props.scenario)).collect();
                let group = (*section == "Consumer group").then(|| group_toggle(props));
                if fields.is_empty() && group.is_none() {
                    return html! {};
                }
                html! {
                    <fieldset>
                        <legend>{ *section }</legend>
                        { for fields.into_iter().map(|f| row(f, props, &known, &errors)) }
                        { group.unwrap_or_default() }
                    </fieldset>
                }
            }) }
        </details>
    }
}

/// Adds a consumer group to a scenario without one, or removes the one it has (with the
/// faults aimed at its members).
fn group_toggle(props: &SettingsPanelProps) -> Html {
    let (scenario, on_edit) = (props.scenario.clone(), props.on_edit.clone());
    let present = scenario.consumer_group.is_some();
    let onclick = Callback::from(move |_| {
        on_edit.emit(Rc::new(match present {
            true => crate::edit::remove_consumer_group(&scenario),
            false => crate::edit::add_consumer_group(&scenario),
        }))
    });
    let (label, hint) = match present {
        true => (
            "Remove the consumer group",
            "The topic is then only produced to; faults aimed at the group's members go too.",
        ),
        false => (
            "Add a consumer group",
            "Two members writing to a sink, Kafka's defaults, reading from the first record; a short run is lengthened so the group has time to join (group.initial.rebalance.delay.ms is 3 s).",
        ),
    };
    html! {
        <div class="group-toggle">
            <button type="button" {onclick}>{ label }</button>
            <span class="hint">{ hint }</span>
        </div>
    }
}

/// The scenario's JSON form, effective configs and consumer settings.
struct Known {
    json: serde_json::Value,
    config: EffectiveConfig,
    consumer: Option<ConsumerSettings>,
}

fn row(
    f: &'static Field,
    props: &SettingsPanelProps,
    known: &Known,
    errors: &UseStateHandle<Vec<(&'static str, String)>>,
) -> Html {
    let scenario = &props.scenario;
    let explicit = f.explicit_in(&known.json);
    let default = f.default_in(scenario, &known.config, known.consumer.as_ref());
    let error = errors
        .iter()
        .find(|(n, _)| *n == f.name)
        .map(|(_, e)| e.clone());
    let apply = {
        let (scenario, on_edit, errors) = (
            props.scenario.clone(),
            props.on_edit.clone(),
            errors.clone(),
        );
        Callback::from(move |raw: String| {
            let mut kept: Vec<_> = errors
                .iter()
                .filter(|(n, _)| *n != f.name)
                .cloned()
                .collect();
            match f.set(&scenario, &raw) {
                Ok(next) => on_edit.emit(Rc::new(next)),
                Err(e) => kept.push((f.name, e)),
            }
            errors.set(kept);
        })
    };
    let id = format!("setting-{}", f.name.replace('.', "-"));
    let input = match f.input {
        Input::Number | Input::Text => {
            let numeric = f.input == Input::Number;
            let apply = apply.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                apply.emit(input.value());
            });
            html! {
                <input id={id.clone()} type="text" inputmode={if numeric { "numeric" } else { "text" }} value={explicit.clone().unwrap_or_default()}
                       placeholder={default.clone()} aria-invalid={error.is_some().to_string()} {onchange} />
            }
        }
        Input::Bool | Input::Choice(_) => {
            let options: Vec<&str> = match f.input {
                Input::Choice(options) => options.to_vec(),
                _ => vec!["true", "false"],
            };
            let apply = apply.clone();
            let onchange = Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                apply.emit(select.value());
            });
            let current = explicit.clone().unwrap_or_default();
            html! {
                <select id={id.clone()} aria-invalid={error.is_some().to_string()} {onchange}>
                    <option value="" selected={current.is_empty()}>{ format!("default ({default})") }</option>
                    { for options.into_iter().map(|o| html! {
                        <option value={o} selected={current == o}>{ o }</option>
                    }) }
                </select>
            }
        }
    };
    let reset = explicit.is_some().then(|| {
        let apply = apply.clone();
        html! {
            <button type="button" class="reset-setting" aria-label={format!("Reset {} to its default", f.name)}
                    title="Back to the default" onclick={Callback::from(move |_| apply.emit(String::new()))}>{"↺"}</button>
        }
    });
    html! {
        <div class={classes!("setting-row", explicit.is_some().then_some("is-set"))}>
            <label for={id}>{ config_name(f.name) }</label>
            { input }
            <span class={classes!("origin", explicit.is_some().then_some("set"))}>{ if explicit.is_some() { "set" } else { "default" } }</span>
            { reset.unwrap_or_default() }
            if let Some(e) = error {
                <p class="setting-error" role="alert">{ e }</p>
            }
        </div>
    }
}
