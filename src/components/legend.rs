//! The key to the cluster drawing: message colours and log-cell styles.

use yew::prelude::*;

/// A one-line legend under the drawing.
#[function_component(Legend)]
pub fn legend() -> Html {
    let t = crate::texts::use_texts();
    let message = |class: &'static str, name: &'static str| {
        html! {
            <li><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><circle class={class} cx="8" cy="8" r="6" /></svg>{name}</li>
        }
    };
    html! {
        <ul class="legend" aria-label={t.legend}>
            { message("dot produce-request", "ProduceRequest") }
            { message("dot produce-response", "ProduceResponse") }
            { message("dot fetch-request", "FetchRequest") }
            { message("dot fetch-response", "FetchResponse") }
            { message("dot consumer-fetch-response", t.consumer_fetch) }
            { message("dot commit", "OffsetCommit") }
            { message("dot control", t.controller_group) }
            { message("dot lost", t.will_be_lost) }
            <li><span class="swatch committed" aria-hidden="true"></span>{ t.committed_below_hw }</li>
            <li><span class="swatch uncommitted" aria-hidden="true"></span>{ t.not_yet_committed }</li>
            <li><span class="swatch hw" aria-hidden="true"></span>{ t.high_watermark }</li>
            <li><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><polygon class="commit-marker" points="2,3 14,3 8,12" /></svg>{ t.group_committed_offset }</li>
            <li><span class="swatch committed disk" aria-hidden="true"></span>{ t.on_disk }</li>
        </ul>
    }
}
