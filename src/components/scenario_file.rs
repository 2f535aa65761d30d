//! Opening a scenario from a JSON file. The file is untrusted: its size is checked before
//! it is read and the engine validates what it holds; a bad file shows what is wrong and
//! where, and the scenario on screen stays.

use delivery_lab_engine::Scenario;
use delivery_lab_engine::limits::MAX_SCENARIO_BYTES;
use gloo::file::File;
use gloo::file::callbacks::{FileReader, read_as_text};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`ScenarioFile`].
#[derive(Properties, PartialEq)]
pub struct ScenarioFileProps {
    /// A valid scenario was read.
    pub on_load: Callback<Rc<Scenario>>,
    /// The file could not be used, and why.
    pub on_error: Callback<String>,
}

/// The "Open scenario…" control.
#[function_component(ScenarioFile)]
pub fn scenario_file(props: &ScenarioFileProps) -> Html {
    let t = crate::texts::use_texts();
    // The reader is cancelled when dropped: keep it until it has finished.
    let reader = use_mut_ref(|| None::<FileReader>);
    let onchange = {
        let (on_load, on_error) = (props.on_load.clone(), props.on_error.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|list| list.get(0)) else {
                return;
            };
            input.set_value(""); // the same file can be chosen again after fixing it
            let file = File::from(file);
            let name = file.name();
            if file.size() > MAX_SCENARIO_BYTES as u64 {
                on_error.emit(format!(
                    "{name}: {} bytes is too large for a scenario (at most {MAX_SCENARIO_BYTES}).",
                    file.size()
                ));
                return;
            }
            let (on_load, on_error) = (on_load.clone(), on_error.clone());
            let task = read_as_text(&file, move |text| match text {
                Ok(text) => match Scenario::from_json(&text) {
                    Ok(scenario) => on_load.emit(Rc::new(scenario)),
                    Err(errors) => on_error.emit(format!("{name} was not loaded:\n{errors}")),
                },
                Err(e) => on_error.emit(format!("{name} could not be read: {e}")),
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    html! {
        <label class="open-file">
            { t.open_scenario }
            <input type="file" accept=".json,application/json" data-testid="open-scenario" {onchange} />
        </label>
    }
}
