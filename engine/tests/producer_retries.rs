//! The producer's retries and idempotence (kafka-semantics.md §B.7, C11, C12).

mod common;

use delivery_lab_engine::scenario::Idempotence;
use delivery_lab_engine::{AnomalyKind, Run, Scenario, run};

fn preset(name: &str) -> (Scenario, Run) {
    let (_, scenario) = common::presets()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap();
    let result = run(&scenario).unwrap();
    (scenario, result)
}

#[test]
fn a_retry_after_a_lost_response_duplicates_without_idempotence() {
    let (scenario, run) = preset("lost-response-retry-duplicates");
    assert_eq!(scenario.idempotence(), Ok(Idempotence::Off));
    assert_eq!(run.ledger.anomaly_kinds(), vec![AnomalyKind::Duplicate]);
    let r2 = &run.ledger.records[2];
    assert_eq!(r2.copies, 2, "appended twice");
}

#[test]
fn idempotence_answers_the_retry_with_the_original_offset() {
    let (scenario, run) = preset("lost-response-retry-idempotent");
    assert_eq!(scenario.idempotence(), Ok(Idempotence::On));
    assert!(run.ledger.anomalies.is_empty());
    let r2 = &run.ledger.records[2];
    assert_eq!(r2.copies, 1);
    let leader_offset = r2
        .placements
        .iter()
        .find(|p| p.broker.0 == 0)
        .unwrap()
        .offset;
    match r2.outcome {
        delivery_lab_engine::ledger::ProduceOutcome::Acknowledged { offset, .. } => {
            assert_eq!(offset, Some(leader_offset), "the original offset")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn acks_one_silently_switches_idempotence_off_and_the_retry_duplicates() {
    let (scenario, run) = preset("acks-1-silently-disables-idempotence");
    assert_eq!(
        scenario.idempotence(),
        Ok(Idempotence::SilentlyDisabled("acks is not all"))
    );
    assert_eq!(run.ledger.anomaly_kinds(), vec![AnomalyKind::Duplicate]);
}

#[test]
fn retried_batches_go_out_newest_first_without_idempotence() {
    let (_, run) = preset("retries-reorder-without-idempotence");
    assert_eq!(run.ledger.anomaly_kinds(), vec![AnomalyKind::Reorder]);
    let leader_offset = |r: usize| {
        let fate = &run.ledger.records[r];
        fate.placements
            .iter()
            .rfind(|p| p.broker.0 == 1)
            .map(|p| p.offset.0)
    };
    assert!(
        leader_offset(7) < leader_offset(3),
        "r7 before r3 on the new leader"
    );
    let (_, ordered) = preset("retries-in-order-with-idempotence");
    assert!(
        ordered.ledger.anomalies.is_empty(),
        "idempotence keeps the order"
    );
}

#[test]
fn an_application_resend_after_a_timeout_duplicates_despite_idempotence() {
    let (scenario, run) = preset("app-resend-after-timeout-duplicates");
    assert_eq!(scenario.idempotence(), Ok(Idempotence::On));
    assert_eq!(run.ledger.anomaly_kinds(), vec![AnomalyKind::Duplicate]);
    assert_eq!(run.ledger.records[2].copies, 2);
}

#[test]
fn a_failure_table_recovers_every_send_and_duplicates_the_ambiguous_ones() {
    let (_, run) = preset("failure-table-replays-failed-sends");
    assert_eq!(
        run.ledger.acknowledged(),
        run.ledger.records.len(),
        "every record recovered"
    );
    for fate in &run.ledger.records {
        // Only records appended before their first failure can be written twice.
        let appended_before_failing = fate.placements.first().is_some_and(|p| p.offset.0 < 6);
        assert_eq!(
            fate.copies > 1,
            appended_before_failing && fate.record.0 > 0,
            "{fate:?}"
        );
    }
    assert!(
        run.trace
            .events
            .iter()
            .any(|e| e.kind.name() == "ProducerEpochBumped")
    );
}

#[test]
fn a_record_over_max_request_size_fails_at_once_and_is_never_sent() {
    let (_, run) = preset("record-over-max-request-size");
    assert_eq!(run.ledger.failed(), 3);
    assert!(run.ledger.records.iter().all(|r| matches!(
        r.outcome,
        delivery_lab_engine::ledger::ProduceOutcome::Failed {
            error: delivery_lab_engine::errors::KafkaError::RecordTooLarge,
            ..
        }
    )));
    let sent_produce = run.trace.events.iter().any(|e| {
        matches!(&e.kind, delivery_lab_engine::trace::EventKind::MessageSent { message, .. } if run.trace.message(*message).name() == "ProduceRequest")
    });
    assert!(!sent_produce, "never sent");
    assert!(
        !run.trace.to_text().contains("ProduceRetried"),
        "not retried"
    );
}

fn with_configs(configs: &str) -> Result<Scenario, String> {
    let text = format!(
        r#"{{"name": "t", "duration_ms": 100, "cluster": {{"brokers": 3}},
            "topic": {{"name": "t", "partitions": 1, "replication_factor": 3}},
            "producer": {{"records": 1, "interval_ms": 1, "configs": {{{configs}}}}}}}"#
    );
    Scenario::from_json(&text).map_err(|e| e.to_string())
}

#[test]
fn a_conflicting_setting_silently_disables_default_idempotence() {
    let s = with_configs(r#""acks": 1"#).unwrap();
    assert_eq!(
        s.idempotence(),
        Ok(Idempotence::SilentlyDisabled("acks is not all"))
    );
    let s = with_configs(r#""max.in.flight.requests.per.connection": 6"#).unwrap();
    assert!(matches!(
        s.idempotence(),
        Ok(Idempotence::SilentlyDisabled(_))
    ));
}

#[test]
fn an_explicit_idempotence_with_a_conflict_is_a_config_exception() {
    let err = with_configs(r#""acks": 1, "enable.idempotence": true"#).unwrap_err();
    assert!(
        err.contains("producer.configs.enable.idempotence: ConfigException"),
        "{err}"
    );
    let err = with_configs(r#""retries": 0, "enable.idempotence": true"#).unwrap_err();
    assert!(err.contains("retries is 0"), "{err}");
}

#[test]
fn delivery_timeout_below_request_timeout_is_a_config_exception() {
    let err = with_configs(r#""delivery.timeout.ms": 1000"#).unwrap_err();
    assert!(
        err.contains("delivery.timeout.ms should be equal to or larger"),
        "{err}"
    );
}

#[test]
fn a_synchronous_send_waits_for_each_result_so_retries_cannot_reorder() {
    use delivery_lab_engine::trace::EventKind;
    let scenario = common::preset("sync-send-keeps-order");
    let result = delivery_lab_engine::run(&scenario).unwrap();
    assert!(result.ledger.anomalies.is_empty());
    // Every send after the first comes after the previous record's result.
    let mut answered = std::collections::BTreeSet::new();
    for e in &result.trace.events {
        match &e.kind {
            EventKind::ProduceAcknowledged { record, .. }
            | EventKind::ProduceFailed { record, .. } => {
                answered.insert(record.0);
            }
            EventKind::RecordSent { record, .. } if record.0 > 0 => {
                assert!(
                    answered.contains(&(record.0 - 1)),
                    "r{} sent before r{} was answered",
                    record.0,
                    record.0 - 1
                );
            }
            _ => {}
        }
    }
    // The callback style on the same faults reorders (the preset beside it).
    let callback = common::preset("retries-reorder-without-idempotence");
    let reordered = delivery_lab_engine::run(&callback).unwrap();
    assert!(!reordered.ledger.anomalies.is_empty());
}

#[test]
fn fire_and_forget_cannot_have_a_failure_policy() {
    let mut scenario = common::presets().into_iter().next().unwrap().1;
    scenario.producer.send_style = delivery_lab_engine::scenario::SendStyle::FireAndForget;
    scenario.producer.on_failure = delivery_lab_engine::scenario::FailurePolicy::FailureTable;
    let err = scenario.validate().unwrap_err().to_string();
    assert!(err.contains("producer.on_failure"), "{err}");
}

#[test]
fn a_real_sequence_gap_bumps_the_idempotent_producers_epoch() {
    // After the unclean election the new leader never saw the producer's earlier batches:
    // its oldest unresolved batch gets OUT_OF_ORDER_SEQUENCE_NUMBER, which is a real gap.
    let scenario = common::preset("unclean-election-consumer-detects-truncation");
    let result = delivery_lab_engine::run(&scenario).unwrap();
    let text = result.trace.to_text();
    let gap = text
        .find("error=OUT_OF_ORDER_SEQUENCE_NUMBER")
        .expect("the gap");
    let bump = text.find("ProducerEpochBumped").expect("an epoch bump");
    assert!(bump > gap, "the bump answers the gap");
    assert_eq!(
        result
            .ledger
            .count(delivery_lab_engine::AnomalyKind::Reorder),
        0
    );
}

#[test]
fn a_retry_after_the_producer_state_expired_is_appended_again() {
    let scenario = common::preset("idempotence-forgets-idle-producer");
    let result = delivery_lab_engine::run(&scenario).unwrap();
    let text = result.trace.to_text();
    let expired = text
        .find("ProducerStateExpired")
        .expect("the state expires");
    let retry = text.find("ProduceRetried").expect("the retry");
    assert!(expired < retry, "forgotten before the retry arrives");
    assert_eq!(result.ledger.count(AnomalyKind::Duplicate), 1);
    // With the default expiry (a day) the same retry is recognised.
    let mut remembered = scenario.clone();
    remembered.cluster.configs.producer_id_expiration_ms = None;
    let result = delivery_lab_engine::run(&remembered).unwrap();
    assert_eq!(result.ledger.count(AnomalyKind::Duplicate), 0);
}

#[test]
fn a_full_buffer_blocks_send_then_throws_and_the_record_is_never_sent() {
    let scenario = common::preset("buffer-full-send-blocks-then-throws");
    let result = delivery_lab_engine::run(&scenario).unwrap();
    let text = result.trace.to_text();
    let blocked = text.find("SendBlocked").expect("send() blocks");
    let thrown = text.find("max.block.ms expired").expect("then throws");
    assert!(blocked < thrown);
    let failed: Vec<_> = result
        .ledger
        .records
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                delivery_lab_engine::ledger::ProduceOutcome::Failed {
                    error: delivery_lab_engine::errors::KafkaError::BufferFull,
                    ..
                }
            )
        })
        .collect();
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|r| r.placements.is_empty()), "never sent");
    // With the default 32 MiB nothing blocks.
    let mut roomy = scenario.clone();
    roomy.producer.configs.buffer_memory = None;
    let result = delivery_lab_engine::run(&roomy).unwrap();
    assert!(!result.trace.to_text().contains("SendBlocked"));
}
