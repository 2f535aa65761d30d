//! The preset picker.

use crate::presets::PRESETS;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props of [`ScenarioPicker`].
#[derive(Properties, PartialEq)]
pub struct ScenarioPickerProps {
    /// The preset in use (none: a scenario opened from a file).
    pub selected: Option<usize>,
    /// Choose another.
    pub on_select: Callback<usize>,
}

/// The groups, in the order their first preset appears.
fn groups() -> Vec<&'static str> {
    let mut groups: Vec<&'static str> = Vec::new();
    for p in PRESETS {
        if !groups.contains(&p.group) {
            groups.push(p.group);
        }
    }
    groups
}

/// A labelled drop-down of every preset, by its name, in groups.
#[function_component(ScenarioPicker)]
pub fn scenario_picker(props: &ScenarioPickerProps) -> Html {
    let t = crate::texts::use_texts();
    let on_select = props.on_select.clone();
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        if let Ok(i) = select.value().parse::<usize>() {
            on_select.emit(i);
        }
    });
    html! {
        <label class="picker">
            <span>{ t.scenario }</span>
            <select {onchange} aria-label={t.scenario}>
                if props.selected.is_none() {
                    <option value="" selected=true disabled=true>{ t.opened_from_file }</option>
                }
                { for groups().into_iter().map(|group| html! {
                    <optgroup label={group}>
                        { for PRESETS.iter().enumerate().filter(|(_, p)| p.group == group).map(|(i, _)| {
                            let name = crate::presets::name(i);
                            html! { <option value={i.to_string()} selected={Some(i) == props.selected}>{name}</option> }
                        }) }
                    </optgroup>
                }) }
            </select>
        </label>
    }
}
