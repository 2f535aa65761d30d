//! The page's words, in English and Chinese (the product is used in both: documentation
//! embeds and workshops). One [`Texts`] per language, so a string missing in one language
//! does not compile. Kafka's own names — configs, errors, exceptions, request names — are
//! spelled as Kafka spells them in both; Jepsen's anomaly names keep their English term
//! beside the Chinese one, as Chinese writing on Kafka does.
//!
//! Not yet translated (shown in English, marked `lang="en"`): the presets' names and
//! descriptions, the trace's explanations, the settings' help and "what this model
//! simplifies".

mod en;
mod zh;

use crate::edit::FaultKind;
use delivery_lab_engine::AnomalyKind;
use delivery_lab_engine::ledger::Delivery;
use yew::prelude::*;

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language a code names (`en`, `en-US`, `zh`, `zh-CN`, `zh-Hans`…), if either.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The code the address carries (`lang=zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The page's `<html lang>` for it.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    /// Its name in itself, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "EN",
            Lang::Zh => "中文",
        }
    }

    /// Its words.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::EN,
            Lang::Zh => &zh::ZH,
        }
    }
}

/// The words of the page in the current language (English outside a provider).
#[hook]
pub fn use_texts() -> &'static Texts {
    use_context::<Lang>().unwrap_or_default().texts()
}

/// Every string of the translated parts of the page, in one language.
pub struct Texts {
    // Masthead.
    /// Under the title.
    pub tagline: &'static str,
    /// The workshop mode button.
    pub workshop_toggle: &'static str,
    /// Its tooltip.
    pub workshop_toggle_title: &'static str,
    /// The language switch's accessible name.
    pub language: &'static str,
    /// The preset picker's label.
    pub scenario: &'static str,
    /// The picker's entry for a scenario that came from a file.
    pub opened_from_file: &'static str,
    /// The file button.
    pub open_scenario: &'static str,
    /// The moment link, in the whole page.
    pub moment_link: &'static str,
    /// The moment link, in embed mode.
    pub open_in_lab: &'static str,
    /// The moment link's tooltip for an edited scenario.
    pub moment_link_title_edited: &'static str,
    /// The moment link's tooltip for a preset as it is.
    pub moment_link_title_preset: &'static str,
    /// In place of the lanes, charts and timelines while the room predicts.
    pub hidden_until_reveal: &'static str,
    /// While a re-run resumes from a snapshot at the time given.
    pub rerunning_from: fn(&str) -> String,
    /// While a re-run starts over.
    pub rerunning_from_start: &'static str,

    // Faults.
    /// The hint under the palette with nothing selected.
    pub palette_hint: &'static str,
    /// The hint with a node selected.
    pub palette_hint_selected: fn(&str) -> String,

    /// A fault button's name.
    pub fault: fn(FaultKind) -> &'static str,
    /// A fault button's tooltip: its name, what it applies to.
    pub fault_title: fn(FaultKind) -> String,

    // The drawing.
    /// A stopped broker's status.
    pub broker_stopped: &'static str,
    /// A fenced broker's status.
    pub broker_fenced: &'static str,
    /// The leader's badge.
    pub leader: &'static str,
    /// The badge of a replica that still thinks it leads.
    pub old_leader: &'static str,
    /// A follower in the ISR.
    pub in_isr: &'static str,
    /// A follower out of it.
    pub out_of_isr: &'static str,
    /// The producer's counts.
    pub producer_sent: fn(usize) -> String,
    /// Acknowledged.
    pub producer_acked: fn(usize) -> String,
    /// Failed.
    pub producer_failed: fn(usize) -> String,

    // Transport bar.
    /// Its accessible name.
    pub playback: &'static str,
    /// Rewind.
    pub rewind: &'static str,
    /// Step back.
    pub step_back: &'static str,
    /// Play.
    pub play: &'static str,
    /// Pause.
    pub pause: &'static str,
    /// Step forward.
    pub step_forward: &'static str,
    /// To the end.
    pub to_end: &'static str,
    /// The scrubber.
    pub play_position: &'static str,
    /// A fault marker's label: what, when.
    pub fault_marker: fn(&str, &str) -> String,
    /// Before the speed.
    pub speed: &'static str,
    /// The speed's accessible name.
    pub playback_speed: &'static str,

    // Legend.
    /// Its accessible name.
    pub legend: &'static str,
    /// Fetches by consumers.
    pub consumer_fetch: &'static str,
    /// Controller and group messages.
    pub controller_group: &'static str,
    /// A message that will be dropped.
    pub will_be_lost: &'static str,
    /// A committed log cell.
    pub committed_below_hw: &'static str,
    /// An uncommitted log cell.
    pub not_yet_committed: &'static str,
    /// The high watermark line.
    pub high_watermark: &'static str,
    /// The group's committed offset marker.
    pub group_committed_offset: &'static str,
    /// A fsynced cell.
    pub on_disk: &'static str,

    // The moment.
    /// The side column's accessible name.
    pub verdict: &'static str,
    /// Its first heading.
    pub at_this_moment: &'static str,
    /// Count: records sent.
    pub sent: &'static str,
    /// Count: acknowledged.
    pub acknowledged: &'static str,
    /// Count: failed.
    pub failed: &'static str,
    /// Count: messages in flight.
    pub in_flight: &'static str,

    // The whole run.
    /// Its heading.
    pub whole_run: &'static str,
    /// The headline of a safe run.
    pub no_anomaly_headline: &'static str,
    /// "Observed: X producer → log", around the guarantee.
    pub observed: (&'static str, &'static str),
    /// "End to end: X producer → sink", around the guarantee.
    pub end_to_end: (&'static str, &'static str),
    /// The sink's effects: applied, applied more than once, processings.
    pub effects: fn(usize, usize, u64) -> String,
    /// Records sent, acknowledged, failed.
    pub record_counts: fn(usize, usize, usize) -> String,
    /// After the counts of a safe run.
    pub none_lost: &'static str,
    /// After the counts: how many anomalies.
    pub anomaly_count: fn(usize) -> String,
    /// An anomaly's cause: event name, node.
    pub cause_on: fn(&str, &str) -> String,
    /// The button that moves to an anomaly's cause.
    pub show: &'static str,
    /// Its accessible name: anomaly, record.
    pub show_cause_of: fn(&str, &str) -> String,
    /// A record's timeline button's accessible name.
    pub timeline_of: fn(&str) -> String,
    /// The rest of a long list.
    pub and_more: fn(usize) -> String,
    /// A partition without a leader at the end.
    pub offline_partition: fn(&str) -> String,
    /// The heading of the invariants broken.
    pub invariants_broken: &'static str,
    /// An anomaly kind's name.
    pub anomaly: fn(AnomalyKind) -> &'static str,
    /// Why an anomaly kind happens and what prevents it.
    pub anomaly_why: fn(AnomalyKind) -> &'static str,
    /// A delivery guarantee's name.
    pub delivery: fn(Delivery) -> &'static str,

    /// The configs' heading, with the Kafka version.
    pub configs_heading: fn(&str) -> String,
    /// What the marks in the config list mean, with the Kafka version.
    pub configs_key: fn(&str) -> String,
    /// The consumer group's heading.
    pub consumer_group: &'static str,
    /// The model's simplifications' summary.
    pub model_simplifies: &'static str,
    /// The settings' summary.
    pub settings_summary: &'static str,
    /// The trace's accessible name.
    pub trace: &'static str,
    /// The trace's heading: event, of events.
    pub trace_heading: fn(usize, usize) -> String,
    /// The `lang` of the parts not translated yet (none in English).
    pub untranslated_lang: Option<&'static str>,

    /// A folded panel's button.
    pub hide: &'static str,
    /// The button of a folded panel.
    pub unfold: &'static str,
    /// Its accessible name when open, with the panel's title.
    pub hide_panel: fn(&str) -> String,
    /// Its accessible name when folded.
    pub show_panel: fn(&str) -> String,
    /// The record lanes' heading.
    pub records: &'static str,
    /// Their accessible name.
    pub records_lanes: &'static str,
    /// Records, with an anomaly.
    pub lanes_summary: fn(usize, usize) -> String,
    /// The lanes' key: one shape per milestone.
    pub lanes_key: [&'static str; 6],
    /// The replica charts' heading.
    pub replica_logs: &'static str,
    /// Their span, to the time of the last change.
    pub replica_span: fn(&str) -> String,
    /// One chart's caption, for a partition.
    pub replica_caption: fn(&str) -> String,

    // Failed sends.
    /// "N send(s) failed: ".
    pub sends_failed: fn(usize) -> String,
    /// Failed sends in the final log anyway.
    pub failed_in_log: &'static str,
    /// Failed sends written, not kept.
    pub failed_not_kept: &'static str,
    /// Failed sends never written.
    pub failed_never_written: &'static str,
    /// The closing sentence, with the parts.
    pub failed_not_a_loss: fn(&str) -> String,

    // Workshop.
    /// The question while the verdict is hidden.
    pub predict_question: &'static str,
    /// The prediction list's accessible name.
    pub prediction: &'static str,
    /// The "nothing goes wrong" choice.
    pub no_anomaly: &'static str,
    /// The reveal button.
    pub reveal: &'static str,
    /// Right: the kinds (or "no anomaly").
    pub prediction_right: fn(&str) -> String,
    /// Off: the parts.
    pub prediction_off: fn(&str) -> String,
    /// Part: predicted and happened.
    pub was_right: fn(&str) -> String,
    /// Part: happened, not predicted.
    pub was_not_predicted: fn(&str) -> String,
    /// Part: predicted, did not happen.
    pub did_not_happen: fn(&str) -> String,
    /// Between the items of a list.
    pub list_separator: &'static str,
    /// Between the parts of a sentence.
    pub clause_separator: &'static str,
}

impl Texts {
    /// An anomaly kind's name without the bracketed English term, for lists that repeat
    /// it (the term is in the headline above them).
    pub fn anomaly_short(&self, kind: AnomalyKind) -> &'static str {
        let name = (self.anomaly)(kind);
        name.split('（').next().unwrap_or(name)
    }

    /// `kinds`' names as one list.
    pub fn anomaly_list(&self, kinds: &[AnomalyKind]) -> String {
        let names: Vec<&str> = kinds.iter().map(|k| (self.anomaly)(*k)).collect();
        names.join(self.list_separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_name_the_languages() {
        assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("zh_Hans"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(Lang::from_code(lang.html_lang()), Some(lang));
        }
    }

    #[test]
    fn english_names_are_the_engines() {
        let en = Lang::En.texts();
        for kind in crate::components::prediction::ALL_KINDS {
            assert_eq!((en.anomaly)(kind), kind.to_string());
            assert_eq!((en.anomaly_why)(kind), kind.explanation());
        }
    }

    #[test]
    fn chinese_names_every_anomaly_and_keeps_jepsens_term() {
        let zh = Lang::Zh.texts();
        for kind in crate::components::prediction::ALL_KINDS {
            let name = (zh.anomaly)(kind);
            assert!(
                name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name}"
            );
            assert!(
                (zh.anomaly_why)(kind)
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            );
        }
        assert_eq!(zh.anomaly_short(AnomalyKind::Reorder), "乱序");
        assert_eq!(
            Lang::En.texts().anomaly_short(AnomalyKind::Reorder),
            "reorder"
        );
        assert_eq!(
            zh.anomaly_list(&[AnomalyKind::LostAcknowledgedWrite, AnomalyKind::Duplicate]),
            "已确认写入丢失（lost acknowledged write）、重复（duplicate）"
        );
    }

    #[test]
    fn counts_read_as_sentences() {
        assert_eq!(
            (Lang::En.texts().record_counts)(1, 1, 0),
            "1 record sent, 1 acknowledged, 0 failed with an error the application saw; "
        );
        assert_eq!(
            (Lang::Zh.texts().record_counts)(20, 18, 2),
            "共发送 20 条记录，18 条已确认，2 条失败且应用收到了错误；"
        );
    }
}
