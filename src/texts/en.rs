//! The page in English. Anomaly and guarantee names are the engine's own.

use super::Texts;
use crate::edit::FaultKind;
use delivery_lab_engine::AnomalyKind;
use delivery_lab_engine::ledger::Delivery;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// English.
pub static EN: Texts = Texts {
    tagline: "When does Kafka lose, duplicate or reorder a message — and what fixes it?",
    workshop_toggle: "Workshop: predict, then reveal",
    workshop_toggle_title: "Workshop mode: the verdict stays hidden until the room has predicted it",
    language: "Language",
    scenario: "Scenario",
    opened_from_file: "— opened from a file —",
    open_scenario: "Open scenario…",
    moment_link: "Link to this moment ↗",
    open_in_lab: "Open in Kafka Delivery Lab ↗",
    moment_link_title_edited: "Opens this scenario, with every change you made, paused here in a new tab, whose address you can share",
    moment_link_title_preset: "Opens this preset paused here in a new tab, whose address you can share",
    hidden_until_reveal: "Workshop mode: the scenario's description, the records' lanes, the replica charts, each record's timeline and the trace ahead of the play position appear once the verdict is revealed.",
    rerunning_from: |t| format!("Re-running the engine from its snapshot at {t}…"),
    rerunning_from_start: "Re-running the engine from the start…",

    palette_hint: "Drag a fault onto a broker, the producer, a consumer, the controller or a link — or select one (click, or Tab and Enter) and press a fault.",
    palette_hint_selected: |node| {
        format!("Selected {node}: a fault button applies to it at the play position.")
    },

    fault: FaultKind::label,
    fault_title: |kind| format!("{}: applies to {}", kind.label(), kind.applies_to()),

    broker_stopped: "✕ stopped",
    broker_fenced: "⚠ fenced by the controller",
    leader: "leader",
    old_leader: "old leader",
    in_isr: "in ISR",
    out_of_isr: "out of ISR",
    producer_sent: |n| format!("sent {n}"),
    producer_acked: |n| format!("acked {n}"),
    producer_failed: |n| format!("failed {n}"),

    playback: "Playback",
    rewind: "Back to the start (Home)",
    step_back: "Step back one event (←)",
    play: "Play (Space)",
    pause: "Pause (Space)",
    step_forward: "Step forward one event (→)",
    to_end: "To the end (End)",
    play_position: "Play position",
    fault_marker: |what, at| {
        format!("{what} at {at}: Enter jumps there, ←/→ move it, Delete removes it, or drag it")
    },
    speed: "Speed ",
    playback_speed: "Playback speed",

    legend: "Legend",
    consumer_fetch: "consumer fetch",
    controller_group: "controller / group",
    will_be_lost: "will be lost",
    committed_below_hw: "committed (below HW)",
    not_yet_committed: "not yet committed",
    high_watermark: "high watermark",
    group_committed_offset: "group's committed offset",
    on_disk: "on disk (fsynced)",

    verdict: "Verdict",
    at_this_moment: "At this moment",
    sent: "sent",
    acknowledged: "acknowledged",
    failed: "failed",
    in_flight: "in flight",

    whole_run: "Verdict of the whole run",
    no_anomaly_headline: "✓ No anomaly",
    observed: ("Observed: ", " producer → log"),
    end_to_end: ("End to end: ", " producer → sink"),
    effects: |applied, twice, processings| {
        format!(
            "{applied} records' effects reached the sink, {twice} of them more than once; {processings} processings in all."
        )
    },
    record_counts: |sent, acknowledged, failed| {
        format!(
            "{} sent, {acknowledged} acknowledged, {failed} failed with an error the application saw; ",
            plural(sent, "record", "records")
        )
    },
    none_lost: "none lost, duplicated or reordered.",
    anomaly_count: |n| format!("{}.", plural(n, "anomaly", "anomalies")),
    cause_on: |event, node| format!("{event} on {node}"),
    show: "show",
    show_cause_of: |kind, record| format!("Show the cause of the {kind} of {record}"),
    timeline_of: |record| format!("Timeline of {record}"),
    and_more: |n| format!("… and {n} more"),
    offline_partition: |p| {
        format!("{p} has no leader at the end: its records are unavailable, not lost.")
    },
    invariants_broken: "Invariants broken",
    anomaly: AnomalyKind::name,
    anomaly_why: AnomalyKind::explanation,
    delivery: Delivery::name,

    configs_heading: |v| format!("Configs (Kafka {v})"),
    configs_key: |v| {
        format!(
            "Marked set: from the scenario or changed by you; the rest are Kafka {v}'s defaults."
        )
    },
    consumer_group: "Consumer group",
    model_simplifies: "What this model simplifies",
    settings_summary: "Settings — every knob, under Kafka's names",
    trace: "Trace",
    trace_heading: |at, of| format!("Trace · event {at} of {of}"),
    untranslated_lang: None,

    hide: "hide",
    unfold: "show",
    hide_panel: |title| format!("Hide {title}"),
    show_panel: |title| format!("Show {title}"),
    records: "Records",
    records_lanes: "Records, one lane each",
    lanes_summary: |n, anomalous| {
        format!(
            "{}, {anomalous} with an anomaly (listed first). ",
            plural(n, "record", "records")
        )
    },
    lanes_key: [
        "○ sent",
        "| appended",
        "● acknowledged",
        "◆ committed",
        "✕ failed or aborted",
        "■ processed",
    ],
    replica_logs: "Replica logs over time",
    replica_span: |end| format!("From the start to {end} (the last change)."),
    replica_caption: |p| {
        format!("{p}: log end offset (solid) and high watermark (dashed) per replica")
    },

    sends_failed: |n| format!("{} failed: ", plural(n, "send", "sends")),
    failed_in_log: "in the final log anyway (resending duplicates)",
    failed_not_kept: "written, but not in the final log (aborted or truncated away)",
    failed_never_written: "never written to any replica",
    failed_not_a_loss: |parts| format!(". Not a loss: the application was told. Of them: {parts}."),

    predict_question: "Hidden until you reveal it. What will this run show?",
    prediction: "Prediction",
    no_anomaly: "no anomaly",
    reveal: "Reveal the verdict",
    prediction_right: |what| format!("✓ The prediction was right: {what}."),
    prediction_off: |parts| format!("✗ The prediction was off: {parts}."),
    was_right: |what| format!("{what} was right"),
    was_not_predicted: |what| format!("{what} was not predicted"),
    did_not_happen: |what| format!("{what} did not happen"),
    list_separator: ", ",
    clause_separator: "; ",
};
