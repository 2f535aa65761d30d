//! The producer's accumulator (kafka-semantics.md §A.1): `linger.ms`, `batch.size`, one
//! retry per batch, and a too-large batch split without using a retry.

mod common;

use delivery_lab_engine::ids::RecordId;
use delivery_lab_engine::message::{Message, batch_bytes};
use delivery_lab_engine::trace::EventKind;
use delivery_lab_engine::{AnomalyKind, Run, Scenario, run};

/// The records of every produce request the producer sent, in order.
fn produce_requests(run: &Run) -> Vec<Vec<RecordId>> {
    run.trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::MessageSent { message, .. } => match run.trace.message(*message) {
                Message::ProduceRequest(r) => Some(r.records.to_vec()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn count(run: &Run, name: &str) -> usize {
    run.trace
        .events
        .iter()
        .filter(|e| e.kind.name() == name)
        .count()
}

#[test]
fn one_lost_response_duplicates_every_record_of_the_batch() {
    let scenario = common::preset("batch-lost-response-duplicates-whole-batch");
    let run = run(&scenario).unwrap();
    let retried: Vec<RecordId> = run
        .trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::ProduceRetried { record, .. } => Some(record),
            _ => None,
        })
        .collect();
    assert!(retried.len() > 1, "a whole batch was retried: {retried:?}");
    let duplicated: Vec<RecordId> = run
        .ledger
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::Duplicate)
        .map(|a| a.record)
        .collect();
    assert_eq!(
        duplicated, retried,
        "every record of the retried batch twice"
    );
    assert_eq!(run.ledger.acknowledged(), 15);
}

#[test]
fn with_idempotence_the_retried_batch_is_answered_with_its_first_offset() {
    let mut scenario = common::preset("batch-lost-response-duplicates-whole-batch");
    scenario.producer.configs.enable_idempotence = Some(true);
    let run = run(&scenario).unwrap();
    assert!(
        count(&run, "ProduceRetried") > 1,
        "the batch was still retried"
    );
    assert!(
        run.ledger.anomalies.is_empty(),
        "{:?}",
        run.ledger.anomalies
    );
    assert!(run.ledger.records.iter().all(|r| r.copies == 1));
}

#[test]
fn linger_gathers_records_and_batch_size_caps_the_batch() {
    let mut scenario = common::preset("batch-lost-response-duplicates-whole-batch");
    scenario.faults.clear();
    let lingering = run(&scenario).unwrap();
    let batches = produce_requests(&lingering);
    assert!(
        batches.iter().any(|b| b.len() >= 4),
        "linger.ms=50 with a send every 10 ms: {batches:?}"
    );

    scenario.producer.configs.batch_size = Some(batch_bytes(2, scenario.producer.record_bytes));
    let capped = run(&scenario).unwrap();
    let batches = produce_requests(&capped);
    assert!(batches.iter().all(|b| b.len() <= 2), "{batches:?}");
    assert!(batches.iter().any(|b| b.len() == 2), "{batches:?}");

    scenario.producer.configs.batch_size = Some(0);
    let unbatched = run(&scenario).unwrap();
    assert!(
        produce_requests(&unbatched).iter().all(|b| b.len() == 1),
        "batch.size=0: one record per batch"
    );
    for r in [&lingering, &capped, &unbatched] {
        assert!(r.ledger.anomalies.is_empty());
        assert_eq!(r.ledger.acknowledged(), 15);
    }
}

#[test]
fn a_batch_waits_linger_ms_before_it_is_sent() {
    let mut scenario = common::preset("replication-acks-all");
    let sent_at = |s: &Scenario| {
        let r = run(s).unwrap();
        let send = r
            .trace
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::RecordSent { .. }))
            .unwrap()
            .time;
        let request = r
            .trace
            .events
            .iter()
            .find(|e| {
                matches!(&e.kind, EventKind::MessageSent { message, .. }
                    if matches!(r.trace.message(*message), Message::ProduceRequest(_)))
            })
            .unwrap()
            .time;
        (request.0 - send.0) / 1_000
    };
    assert_eq!(
        scenario.effective_config().linger_ms.value,
        5,
        "4.0 default"
    );
    assert_eq!(sent_at(&scenario), 5);
    scenario.producer.configs.linger_ms = Some(0);
    assert_eq!(sent_at(&scenario), 0);
    scenario.kafka_version = delivery_lab_engine::profile::KafkaVersion::V3_9;
    scenario.producer.configs.linger_ms = None;
    assert_eq!(scenario.effective_config().linger_ms.value, 0, "before 4.0");
}

#[test]
fn a_batch_too_large_for_the_broker_is_split_without_using_a_retry() {
    let scenario = common::preset("batch-too-large-is-split");
    assert_eq!(scenario.effective_config().retries.value, 0);
    let run = run(&scenario).unwrap();
    assert_eq!(count(&run, "BatchSplit"), 1);
    assert_eq!(count(&run, "ProduceRetried"), 0);
    assert_eq!(count(&run, "ProduceFailed"), 0);
    assert!(run.ledger.anomalies.is_empty());
    assert_eq!(run.ledger.acknowledged(), 10);
    let batches = produce_requests(&run);
    assert_eq!(batches[0].len(), 10, "first the whole batch");
    assert!(batches[1..].iter().all(|b| b.len() < 10));
}

#[test]
fn linger_and_batch_size_are_checked_against_the_other_configs() {
    let mut scenario = common::preset("replication-acks-all");
    scenario.producer.configs.request_timeout_ms = Some(30_000);
    scenario.producer.configs.delivery_timeout_ms = Some(30_000);
    let err = scenario.validate().unwrap_err().to_string();
    assert!(
        err.contains("producer.configs.delivery.timeout.ms")
            && err.contains("linger.ms + request.timeout.ms"),
        "{err}"
    );
    scenario.producer.configs.linger_ms = Some(0);
    assert!(scenario.validate().is_ok(), "30 000 ≥ 0 + 30 000");

    scenario.producer.configs.buffer_memory = Some(1_000);
    let err = scenario.validate().unwrap_err().to_string();
    assert!(err.contains("producer.configs.batch.size"), "{err}");

    scenario.producer.configs.delivery_timeout_ms = None;
    scenario.producer.configs.buffer_memory = None;
    scenario.producer.configs.request_timeout_ms = Some(200_000);
    assert_eq!(
        scenario.effective_config().delivery_timeout_ms.value,
        200_000,
        "an implicit delivery.timeout.ms is raised to linger.ms + request.timeout.ms"
    );
}
