//! The key to the cluster drawing: message colours and log-cell styles.

use yew::prelude::*;

/// A one-line legend under the drawing.
#[function_component(Legend)]
pub fn legend() -> Html {
    let message = |class: &'static str, name: &'static str| {
        html! {
            <li><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><circle class={class} cx="8" cy="8" r="6" /></svg>{name}</li>
        }
    };
    html! {
        <ul class="legend" aria-label="Legend">
            { message("dot produce-request", "ProduceRequest") }
            { message("dot produce-response", "ProduceResponse") }
            { message("dot fetch-request", "FetchRequest") }
            { message("dot fetch-response", "FetchResponse") }
            { message("dot consumer-fetch-response", "consumer fetch") }
            { message("dot commit", "OffsetCommit") }
            { message("dot control", "controller / group") }
            { message("dot lost", "will be lost") }
            <li><span class="swatch committed" aria-hidden="true"></span>{"committed (below HW)"}</li>
            <li><span class="swatch uncommitted" aria-hidden="true"></span>{"not yet committed"}</li>
            <li><span class="swatch hw" aria-hidden="true"></span>{"high watermark"}</li>
            <li><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><polygon class="commit-marker" points="2,3 14,3 8,12" /></svg>{"group's committed offset"}</li>
            <li><span class="swatch committed disk" aria-hidden="true"></span>{"on disk (fsynced)"}</li>
        </ul>
    }
}
