//! The page's address: `?preset=<id>&t=<ms>` opens a preset paused at a moment of its run —
//! what a documentation page's iframe or a trainer's shared link carries — and
//! `&s=<scenario>` ([`crate::scenario_link`]) carries the whole scenario as it was edited
//! (faults dropped, settings changed) or opened from a file. The address bar follows what is
//! on screen, so copying it, or reloading the page, keeps every change.
//!
//! The address is untrusted input: a long one is ignored, an unknown preset, a damaged
//! scenario or a malformed moment is named in a message and the page opens on the first
//! preset (or at the start).

use crate::presets::PRESETS;
use crate::scenario_link::{self, MAX_ENCODED_CHARS};
use crate::texts::Lang;
use delivery_lab_engine::Scenario;

/// The longest query the page reads (a carried scenario and a little more); a longer one is
/// ignored, with a message.
pub const MAX_QUERY_CHARS: usize = MAX_ENCODED_CHARS + 1024;

/// What an address asks the page to open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opening {
    /// Index of the preset it names, if it names a known one.
    pub preset: Option<usize>,
    /// The scenario it carries, when it carries one (edited from `preset`, if that is given).
    pub scenario: Option<Scenario>,
    /// The moment to pause at, in milliseconds of simulated time.
    pub at_ms: Option<u64>,
    /// What could not be honoured, said the way the page shows it.
    pub problems: Vec<String>,
}

/// Reads a `location.search` string (with or without its leading `?`). Parameters other
/// than `preset`, `s` and `t` are left alone: a documentation site may add its own.
pub fn parse(search: &str) -> Opening {
    let mut opening = Opening::default();
    let query = search.strip_prefix('?').unwrap_or(search);
    if query.chars().count() > MAX_QUERY_CHARS {
        opening.problems.push(format!(
            "The address's query is longer than {MAX_QUERY_CHARS} characters; it was ignored."
        ));
        return opening;
    }
    let mut damaged = None;
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
            "s" => match scenario_link::decode(value) {
                Ok(scenario) => opening.scenario = Some(scenario),
                Err(e) => damaged = Some(e),
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
    if let Some(e) = damaged {
        opening.problems.push(match opening.preset {
            Some(i) => format!("{e} Preset `{}` is open as shipped instead.", PRESETS[i].id),
            None => format!("{e} The first preset is open instead."),
        });
    }
    opening
}

/// What an address opens: a preset as it is, a preset as edited, or a scenario of its own;
/// in the whole page or in embed mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    /// The preset shown in the picker (none: a scenario opened from a file).
    pub preset: Option<&'a str>,
    /// The scenario's encoding ([`scenario_link::encode`]) when it is not the preset as is.
    pub scenario: Option<&'a str>,
    /// Embed mode (`embed=1`): the page as a documentation iframe shows it.
    pub embed: bool,
    /// Workshop mode (`workshop=1`): the verdict hidden until the room has predicted it.
    pub workshop: bool,
    /// The language, when one was asked for (`lang=zh`); none: the browser's.
    pub lang: Option<Lang>,
}

/// The language an address asks for (`lang=zh`, `lang=en`), if it names one of the page's.
pub fn lang(search: &str) -> Option<Lang> {
    let query = search.strip_prefix('?').unwrap_or(search);
    if query.len() > MAX_QUERY_CHARS {
        return None;
    }
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::from_code)
}

/// Whether an address turns on mode `name` (`embed`, `workshop`): `name`, `name=1` or
/// `name=true`.
pub fn flag(search: &str, name: &str) -> bool {
    let query = search.strip_prefix('?').unwrap_or(search);
    query.len() <= MAX_QUERY_CHARS
        && query.split('&').any(|pair| {
            pair.strip_prefix(name)
                .is_some_and(|rest| matches!(rest, "" | "=1" | "=true"))
        })
}

/// The query that opens `target`, paused at `at_ms` if given.
pub fn query_for(target: &Target, at_ms: Option<u64>) -> String {
    let parts: Vec<String> = [
        target.preset.map(|id| format!("preset={id}")),
        target.scenario.map(|s| format!("s={s}")),
        at_ms.map(|ms| format!("t={ms}")),
        target.embed.then(|| "embed=1".to_string()),
        target.workshop.then(|| "workshop=1".to_string()),
        target.lang.map(|l| format!("lang={}", l.code())),
    ]
    .into_iter()
    .flatten()
    .collect();
    format!("?{}", parts.join("&"))
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

/// Whether an address's query already opens `target` (perhaps at a moment).
fn opens(search: &str, target: &Target) -> bool {
    let query = search.strip_prefix('?').unwrap_or(search);
    let value = |key: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
    };
    value("preset") == target.preset
        && value("s") == target.scenario
        && flag(search, "embed") == target.embed
        && flag(search, "workshop") == target.workshop
        && lang(search) == target.lang
}

/// Makes the address bar open `target`, without a new history entry; an address that
/// already opens it (perhaps at a moment) stays.
pub fn show(target: &Target) {
    if opens(&current_search(), target) {
        return;
    }
    let location = gloo::utils::window().location();
    let path = location.pathname().unwrap_or_default();
    let url = format!("{path}{}", query_for(target, None));
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
        let target = Target {
            preset: Some("acks-0-leader-crash"),
            scenario: None,
            embed: false,
            workshop: false,
            lang: None,
        };
        assert_eq!(parse(&query_for(&target, Some(1500))), o);
        assert!(opens("?preset=acks-0-leader-crash&t=1500", &target));
        assert!(!opens("?preset=acks-0-leader-crash&s=abc", &target));
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

    #[test]
    fn an_edited_preset_comes_back_with_its_changes() {
        let p = &PRESETS[index("acks-0-leader-crash")];
        let mut scenario = Scenario::from_json(p.json).unwrap();
        scenario.seed += 1;
        let encoded = scenario_link::encode(&scenario);
        let target = Target {
            preset: Some(p.id),
            scenario: Some(&encoded),
            embed: false,
            workshop: false,
            lang: None,
        };
        let o = parse(&query_for(&target, Some(20)));
        assert_eq!(o.preset, Some(index(p.id)));
        assert_eq!(o.scenario, Some(scenario));
        assert_eq!(o.at_ms, Some(20));
        assert!(o.problems.is_empty());
        assert!(opens(&query_for(&target, Some(20)), &target));
    }

    #[test]
    fn a_damaged_scenario_is_named() {
        let o = parse("?s=AAAA&t=20");
        assert_eq!(o.scenario, None);
        assert_eq!(o.at_ms, Some(20));
        assert!(
            o.problems[0].contains("first preset is open instead"),
            "{:?}",
            o.problems
        );
        let o = parse("?preset=acks-0-leader-crash&s=AAAA");
        assert_eq!(o.preset, Some(index("acks-0-leader-crash")));
        assert!(
            o.problems[0].contains("`acks-0-leader-crash` is open as shipped"),
            "{:?}",
            o.problems
        );
    }

    #[test]
    fn the_language_is_asked_for_and_kept() {
        assert_eq!(lang("?preset=acks-0-leader-crash&lang=zh"), Some(Lang::Zh));
        assert_eq!(lang("lang=zh-CN&t=5"), Some(Lang::Zh));
        assert_eq!(lang("?lang=en"), Some(Lang::En));
        assert_eq!(lang("?lang=fr"), None, "an unknown language: the browser's");
        assert_eq!(lang("?language=zh"), None);
        let target = Target {
            preset: Some("acks-0-leader-crash"),
            scenario: None,
            embed: false,
            workshop: true,
            lang: Some(Lang::Zh),
        };
        let query = query_for(&target, Some(40));
        assert_eq!(query, "?preset=acks-0-leader-crash&t=40&workshop=1&lang=zh");
        assert!(opens(&query, &target));
        assert!(!opens(
            &query,
            &Target {
                lang: None,
                ..target
            }
        ));
    }

    #[test]
    fn embed_mode_is_asked_for_and_kept() {
        assert!(flag("?preset=acks-0-leader-crash&embed", "embed"));
        assert!(flag("embed=1&t=5", "embed"));
        assert!(!flag("?preset=acks-0-leader-crash&embed=0", "embed"));
        assert!(!flag("?embedded=1", "embed"));
        assert!(flag("?workshop=1&preset=x", "workshop"));
        let target = Target {
            preset: Some("acks-0-leader-crash"),
            scenario: None,
            embed: true,
            workshop: false,
            lang: None,
        };
        let query = query_for(&target, Some(40));
        assert_eq!(query, "?preset=acks-0-leader-crash&t=40&embed=1");
        assert!(opens(&query, &target));
        assert!(!opens("?preset=acks-0-leader-crash", &target));
    }
}
