//! A Kafka config name (`max.in.flight.requests.per.connection`) drawn so that a narrow
//! column wraps it after one of its dots, never inside a word.

use yew::prelude::*;

/// `name` as `<code>`, with a line-break opportunity after every dot.
pub fn config_name(name: &str) -> Html {
    html! {
        <code>
            { for name.split_inclusive('.').enumerate().map(|(i, part)| html! {
                <>if i > 0 { <wbr/> }{ part.to_string() }</>
            }) }
        </code>
    }
}
