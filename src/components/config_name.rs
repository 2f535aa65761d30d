//! A Kafka config name (`max.in.flight.requests.per.connection`) drawn so that a narrow
//! column wraps it after one of its dots, never inside a word.

use yew::prelude::*;

/// `name` as `<code>`, with a line-break opportunity after every dot.
pub fn config_name(name: &str) -> Html {
    let mut parts = name.split_inclusive('.').peekable();
    html! {
        <code class="config-name">
            { for std::iter::from_fn(|| {
                let part = parts.next()?;
                let more = parts.peek().is_some();
                Some(html! { <>{ part.to_string() }if more { <wbr/> }</> })
            }) }
        </code>
    }
}
