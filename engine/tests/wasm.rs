//! The engine compiled to wasm and run in headless Chromium gives byte-identical traces:
//! each preset's digest must equal the golden digest the native test suite pins.
//! Run with `cargo test -p delivery-lab-engine --target wasm32-unknown-unknown --test wasm`.

#![cfg(target_arch = "wasm32")]

use delivery_lab_engine::{Scenario, run};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! preset {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../scenarios/", $name, ".json")),
            include_str!(concat!("golden/", $name, ".digest")),
        )
    };
}

const PRESETS: &[(&str, &str, &str)] = &[
    preset!("acks-0-leader-crash"),
    preset!("acks-1-answers-before-replication"),
    preset!("acks-1-below-min-isr-never-visible"),
    preset!("acks-1-leader-dies-before-followers-copy"),
    preset!("acks-1-silently-disables-idempotence"),
    preset!("acks-all-same-fault-is-safe"),
    preset!("app-resend-after-timeout-duplicates"),
    preset!("below-min-isr-leader-dies-with-elr"),
    preset!("below-min-isr-leader-dies-without-elr"),
    preset!("epoch-truncation-keeps-committed"),
    preset!("failure-table-replays-failed-sends"),
    preset!("isr-shrinks-to-leader-clean-election"),
    preset!("isr-shrinks-to-leader-unclean-election"),
    preset!("legacy-hw-truncation-loses-committed"),
    preset!("lost-response-retry-duplicates"),
    preset!("lost-response-retry-idempotent"),
    preset!("min-isr-2-survives-one-crash"),
    preset!("min-isr-above-replication-factor"),
    preset!("power-loss-all-replicas"),
    preset!("power-loss-with-flush-every-message"),
    preset!("process-crash-all-replicas"),
    preset!("record-over-max-request-size"),
    preset!("record-too-large-for-broker"),
    preset!("replication-acks-all"),
    preset!("retries-in-order-with-idempotence"),
    preset!("retries-reorder-without-idempotence"),
    preset!("slow-follower-leaves-and-rejoins-isr"),
    preset!("workshop-cluster"),
    preset!("blank-cluster"),
    preset!("auto-commit-crash-sync-processing"),
    preset!("auto-commit-buffered-processing-loses"),
    preset!("commit-after-processing-crash-duplicates"),
    preset!("commit-before-processing-crash-loses"),
    preset!("poll-interval-exceeded-commit-fails"),
    preset!("eager-rebalance-stops-the-group"),
    preset!("cooperative-rebalance-commit-fails-duplicates"),
    preset!("cooperative-rebalance-commit-on-revoke"),
    preset!("close-commits-on-the-way-out"),
    preset!("unsubscribe-before-close-duplicates"),
    preset!("dedup-sink-turns-duplicates-into-one-effect"),
    preset!("bounded-dedup-window-misses-old-duplicates"),
    preset!("offsets-in-sink-transaction-exactly-once"),
    preset!("offset-lock-sink-exactly-once"),
    preset!("auto-offset-reset-latest-skips-earlier-records"),
    preset!("pipeline-exactly-once-effects"),
    preset!("pipeline-plain-sink-at-least-once"),
    preset!("partitions-added-offsets-in-sink-skips"),
    preset!("partitions-added-earliest-reads-all"),
    preset!("sync-send-keeps-order"),
    preset!("aborted-transaction-invisible-to-read-committed"),
    preset!("read-uncommitted-applies-aborted-transaction"),
    preset!("zombie-producer-fenced-by-transactions"),
    preset!("new-transactional-id-leaves-zombie-unfenced"),
    preset!("transactions-write-cycle-g0"),
    preset!("zombie-producer-without-transactions-duplicates"),
    preset!("transaction-timeout-fences-stalled-producer"),
    preset!("read-process-write-exactly-once"),
    preset!("read-process-write-fences-zombie-consumer"),
    preset!("offsets-in-sink-zombie-consumer-duplicates"),
    preset!("consumer-behind-retention-loses-records"),
    preset!("offsets-expire-while-group-is-down"),
    preset!("unclean-election-consumer-detects-truncation"),
    preset!("unclean-election-legacy-consumer-skips-records"),
    preset!("idempotence-forgets-idle-producer"),
    preset!("new-consumer-auto-commit-race-loses"),
    preset!("late-produce-joins-next-transaction"),
    preset!("late-produce-fenced-by-epoch-per-transaction"),
    preset!("delayed-abort-marker-ends-next-transaction"),
    preset!("delayed-abort-marker-ignored-with-epoch-per-transaction"),
    preset!("buffer-full-send-blocks-then-throws"),
    preset!("batch-lost-response-duplicates-whole-batch"),
    preset!("batch-too-large-is-split"),
];

#[wasm_bindgen_test]
fn wasm_traces_match_the_native_golden_digests() {
    for (name, json, golden) in PRESETS {
        let scenario = Scenario::from_json(json).unwrap();
        let digest = run(&scenario).unwrap().trace.digest();
        assert_eq!(
            digest,
            golden.trim(),
            "{name}: wasm trace differs from the native one"
        );
    }
}

#[wasm_bindgen_test]
fn wasm_runs_are_repeatable() {
    let (_, json, _) = PRESETS[0];
    let scenario = Scenario::from_json(json).unwrap();
    assert_eq!(
        run(&scenario).unwrap().trace.to_text(),
        run(&scenario).unwrap().trace.to_text()
    );
}
