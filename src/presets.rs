//! The preset scenarios, compiled in from `scenarios/` so the page works offline.

/// One preset: its file stem, its group in the picker, and its JSON text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// File stem in `scenarios/`, also its id in links.
    pub id: &'static str,
    /// Where the picker lists it: Basics, Producer, Broker, Consumer, End to end.
    pub group: &'static str,
    /// The scenario JSON.
    pub json: &'static str,
}

/// The name of preset `index` (its scenario's `name`, or its id if it has none), parsed once.
pub fn name(index: usize) -> &'static str {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        PRESETS
            .iter()
            .map(|p| {
                delivery_lab_engine::Scenario::from_json(p.json)
                    .map(|s| s.name)
                    .unwrap_or_else(|_| p.id.to_string())
            })
            .collect()
    });
    names.get(index).map_or("", String::as_str)
}

macro_rules! presets {
    ($($group:literal: [$($id:literal),* $(,)?]),* $(,)?) => {
        /// Every preset, grouped, in the order the picker lists them.
        pub const PRESETS: &[Preset] = &[
            $($(Preset {
                id: $id,
                group: $group,
                json: include_str!(concat!("../scenarios/", $id, ".json")),
            },)*)*
        ];
    };
}

presets!(
    "Basics": [
        "replication-acks-all",
        "acks-1-answers-before-replication",
        "workshop-cluster",
        "blank-cluster",
    ],
    "Producer": [
        "min-isr-above-replication-factor",
        "record-too-large-for-broker",
        "record-over-max-request-size",
        "lost-response-retry-duplicates",
        "lost-response-retry-idempotent",
        "acks-1-silently-disables-idempotence",
        "retries-reorder-without-idempotence",
        "retries-in-order-with-idempotence",
        "sync-send-keeps-order",
        "app-resend-after-timeout-duplicates",
        "failure-table-replays-failed-sends",
        "idempotence-forgets-idle-producer",
        "buffer-full-send-blocks-then-throws",
        "batch-lost-response-duplicates-whole-batch",
        "batch-too-large-is-split",
    ],
    "Broker": [
        "acks-0-leader-crash",
        "acks-1-leader-dies-before-followers-copy",
        "acks-all-same-fault-is-safe",
        "min-isr-2-survives-one-crash",
        "slow-follower-leaves-and-rejoins-isr",
        "isr-shrinks-to-leader-clean-election",
        "isr-shrinks-to-leader-unclean-election",
        "below-min-isr-leader-dies-without-elr",
        "below-min-isr-leader-dies-with-elr",
        "acks-1-below-min-isr-never-visible",
        "power-loss-all-replicas",
        "process-crash-all-replicas",
        "power-loss-with-flush-every-message",
        "legacy-hw-truncation-loses-committed",
        "epoch-truncation-keeps-committed",
    ],
    "Consumer": [
        "auto-commit-crash-sync-processing",
        "auto-commit-buffered-processing-loses",
        "new-consumer-auto-commit-race-loses",
        "commit-after-processing-crash-duplicates",
        "commit-before-processing-crash-loses",
        "poll-interval-exceeded-commit-fails",
        "eager-rebalance-stops-the-group",
        "cooperative-rebalance-commit-fails-duplicates",
        "cooperative-rebalance-commit-on-revoke",
        "close-commits-on-the-way-out",
        "unsubscribe-before-close-duplicates",
        "dedup-sink-turns-duplicates-into-one-effect",
        "bounded-dedup-window-misses-old-duplicates",
        "offsets-in-sink-transaction-exactly-once",
        "offset-lock-sink-exactly-once",
        "auto-offset-reset-latest-skips-earlier-records",
        "partitions-added-offsets-in-sink-skips",
        "partitions-added-earliest-reads-all",
        "consumer-behind-retention-loses-records",
        "offsets-expire-while-group-is-down",
        "unclean-election-consumer-detects-truncation",
        "unclean-election-legacy-consumer-skips-records",
    ],
    "End to end": [
        "pipeline-exactly-once-effects",
        "pipeline-plain-sink-at-least-once",
        "aborted-transaction-invisible-to-read-committed",
        "read-uncommitted-applies-aborted-transaction",
        "zombie-producer-fenced-by-transactions",
        "new-transactional-id-leaves-zombie-unfenced",
        "transactions-write-cycle-g0",
        "zombie-producer-without-transactions-duplicates",
        "transaction-timeout-fences-stalled-producer",
        "late-produce-joins-next-transaction",
        "late-produce-fenced-by-epoch-per-transaction",
        "delayed-abort-marker-ends-next-transaction",
        "delayed-abort-marker-ignored-with-epoch-per-transaction",
        "read-process-write-exactly-once",
        "read-process-write-fences-zombie-consumer",
        "offsets-in-sink-zombie-consumer-duplicates",
    ],
);

/// Preset `id`'s scenario, for tests.
#[cfg(test)]
pub fn scenario(id: &str) -> delivery_lab_engine::Scenario {
    let p = PRESETS.iter().find(|p| p.id == id).expect("a preset");
    delivery_lab_engine::Scenario::from_json(p.json).expect("valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_file_is_a_preset() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let path = e.unwrap().path();
                (path.extension()? == "json")
                    .then(|| path.file_stem().unwrap().to_string_lossy().into_owned())
            })
            .collect();
        files.sort();
        let mut listed: Vec<String> = PRESETS.iter().map(|p| p.id.to_string()).collect();
        listed.sort();
        assert_eq!(files, listed, "scenarios/ and PRESETS disagree");
    }

    #[test]
    fn every_preset_is_a_valid_scenario() {
        for p in PRESETS {
            delivery_lab_engine::Scenario::from_json(p.json)
                .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        }
    }
}
