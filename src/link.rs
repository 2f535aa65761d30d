//! The page's address: `?preset=<id>&t=<ms>` opens a preset paused at a moment of its run —
//! what a documentation page's iframe or a trainer's shared link carries. The address bar
//! follows the preset in use, so copying it shares what is on screen (the preset, not faults
//! dropped or settings changed since).
//!
//! The address is untrusted input: a long one is ignored, an unknown preset or a malformed
//! moment is named in a message and the page opens on the first preset (or at the start).

use crate::presets::PRESETS;

/// The longest query the page reads; a longer one is ignored, with a message.
pub const MAX_QUERY_CHARS: usize = 1024;

/// What an address asks the page to open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opening {
    /// Index of the preset it names, if it names a known one.
    pub preset: Option<usize>,
    /// The moment to pause at, in milliseconds of simulated time.
    pub at_ms: Option<u64>,
    /// What could not be honoured, said the way the page shows it.
    pub problems: Vec<String>,
}

/// Reads a `location.search` string (with or without its leading `?`). Parameters other
/// than `preset` and `t` are left alone: a documentation site may add its own.
pub fn parse(search: &str) -> Opening {
    let mut opening = Opening::default();
    let query = search.strip_prefix('?').unwrap_or(search);
    if query.chars().count() > MAX_QUERY_CHARS {
        opening.problems.push(format!(
            "The address's query is longer than {MAX_QUERY_CHARS} characters; it was ignored."
        ));
        return opening;
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "preset" => match PRESETS.iter().position(|p| p.id == value) {
                Some(i) => opening.preset = Some(i),
                None => opening.problems.push(format!(
                    "The address names preset `{}`, which does not exist; the first preset is open instead (a preset's id is its file name in scenarios/, e.g. `{}`).",
                    shorten(value),
                    PRESETS[0].id
                )),
            },
            "t" => match value.parse::<u64>() {
                Ok(ms) => opening.at_ms = Some(ms),
                Err(_) => opening.problems.push(format!(
                    "The address's t=`{}` is not a whole number of milliseconds; the run opens at its start.",
                    shorten(value)
                )),
            },
            _ => {}
        }
    }
    opening
}

/// The query that opens preset `id`, paused at `at_ms` if given.
pub fn query_for(id: &str, at_ms: Option<u64>) -> String {
    match at_ms {
        Some(ms) => format!("?preset={id}&t={ms}"),
        None => format!("?preset={id}"),
    }
}

/// At most 40 characters of what the address said, for a message.
fn shorten(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// The page's current query (empty outside a browser).
pub fn current_search() -> String {
    gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default()
}

/// Makes the address bar name preset `id` (none: a scenario opened from a file), without a
/// new history entry; an address that already opens that preset (perhaps at a moment) stays.
pub fn show(id: Option<&str>) {
    let search = current_search();
    let shown = parse(&search).preset.map(|i| PRESETS[i].id);
    if shown == id {
        return;
    }
    let location = gloo::utils::window().location();
    let path = location.pathname().unwrap_or_default();
    let url = match id {
        Some(id) => format!("{path}{}", query_for(id, None)),
        None => path,
    };
    // Some embedding pages forbid it (a sandboxed iframe): the page works on without it.
    let _ =
        gloo::utils::history().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(id: &str) -> usize {
        PRESETS.iter().position(|p| p.id == id).unwrap()
    }

    #[test]
    fn a_preset_and_a_moment() {
        let o = parse("?preset=acks-0-leader-crash&t=1500");
        assert_eq!(o.preset, Some(index("acks-0-leader-crash")));
        assert_eq!(o.at_ms, Some(1500));
        assert!(o.problems.is_empty());
        assert_eq!(parse(&query_for("acks-0-leader-crash", Some(1500))), o);
    }

    #[test]
    fn other_parameters_are_left_alone() {
        let o = parse("utm_source=docs&preset=workshop-cluster&embed");
        assert_eq!(o.preset, Some(index("workshop-cluster")));
        assert!(o.problems.is_empty());
        assert_eq!(parse(""), Opening::default());
    }

    #[test]
    fn mistakes_are_named_and_nothing_else_is_lost() {
        let o = parse("?preset=no-such-thing&t=soon");
        assert_eq!(o.preset, None);
        assert_eq!(o.at_ms, None);
        assert_eq!(o.problems.len(), 2);
        assert!(
            o.problems[0].contains("`no-such-thing`"),
            "{:?}",
            o.problems
        );
        assert!(o.problems[1].contains("t=`soon`"), "{:?}", o.problems);
        let o = parse("?t=-5&preset=acks-0-leader-crash");
        assert_eq!(o.preset, Some(index("acks-0-leader-crash")));
        assert_eq!(o.problems.len(), 1);
    }

    #[test]
    fn a_long_address_is_ignored_and_a_long_value_is_cut_in_the_message() {
        let long = format!("?preset={}", "x".repeat(MAX_QUERY_CHARS));
        let o = parse(&long);
        assert_eq!(o.preset, None);
        assert!(o.problems[0].contains("longer than"));
        let o = parse(&format!("?preset={}", "é".repeat(200)));
        assert!(o.problems[0].contains(&format!("{}…", "é".repeat(40))));
    }
}
