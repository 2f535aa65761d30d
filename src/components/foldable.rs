//! A panel heading with a show / hide button. Panels that cost a pass over a large trace
//! start folded for big runs, so a re-simulation after a fault drop is not slowed by
//! drawing what nobody looks at.

use yew::prelude::*;

/// Trace facts above which the costly panels start folded.
pub const FOLD_ABOVE_FACTS: usize = 60_000;

/// Whether the panel is open: the reader's choice if they made one, else open unless the
/// run has more than [`FOLD_ABOVE_FACTS`] trace facts.
pub fn is_open(choice: &UseStateHandle<Option<bool>>, facts: usize) -> bool {
    choice.unwrap_or(facts <= FOLD_ABOVE_FACTS)
}

/// The heading of a foldable panel.
pub fn heading(
    t: &crate::texts::Texts,
    title: &str,
    choice: &UseStateHandle<Option<bool>>,
    open: bool,
) -> Html {
    let toggle = {
        let choice = choice.clone();
        Callback::from(move |_| choice.set(Some(!open)))
    };
    html! {
        <header class="panel-head">
            <h2>{ title.to_string() }</h2>
            <button type="button" class="fold" aria-expanded={open.to_string()}
                    aria-label={if open { (t.hide_panel)(title) } else { (t.show_panel)(title) }} onclick={toggle}>
                { if open { t.hide } else { t.unfold } }
            </button>
        </header>
    }
}
