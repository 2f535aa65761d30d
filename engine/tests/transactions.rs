//! Transactions, each mechanism checked on the preset that shows it (kafka-semantics.md
//! §B.10, scenarios C29 and C30), and the config rules around `transactional.id`.

mod common;

use delivery_lab_engine::consumer::facts::ConsumerFact;
use delivery_lab_engine::errors::KafkaError;
use delivery_lab_engine::fault::Fault;
use delivery_lab_engine::ids::{NodeId, RecordId};
use delivery_lab_engine::message::ControlMarker;
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::trace::EventKind;
use delivery_lab_engine::transaction::facts::{AbortCause, TxnFact, TxnState};
use delivery_lab_engine::validate::ScenarioError;
use delivery_lab_engine::{AnomalyKind, Run, Scenario, run};

use common::preset;

/// Records the sink got, in order of processing.
fn processed(run: &Run) -> Vec<RecordId> {
    run.trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Consumer(ConsumerFact::RecordProcessed { record, .. }) => Some(*record),
            _ => None,
        })
        .collect()
}

fn txn_facts(run: &Run) -> Vec<(SimTime, NodeId, TxnFact)> {
    run.trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Transaction(f) => Some((e.time, e.node, f.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn read_committed_skips_the_aborted_transaction_and_every_marker() {
    let result = run(&preset("aborted-transaction-invisible-to-read-committed")).unwrap();
    let seen = processed(&result);
    let aborted: Vec<RecordId> = (5..10).map(RecordId).collect();
    assert_eq!(seen.len(), 10, "t0 and t2 only: {seen:?}");
    assert!(seen.iter().all(|r| !aborted.contains(r)));
    assert!(
        !seen.contains(&RecordId::CONTROL),
        "markers are never returned"
    );
    // Each transaction ended with a marker in each partition it wrote: offsets have gaps.
    let markers: Vec<ControlMarker> = result
        .trace
        .events
        .iter()
        .filter(|e| e.node == NodeId::Broker(delivery_lab_engine::ids::BrokerId(0)))
        .filter_map(|e| match e.kind {
            EventKind::RecordAppended {
                control: Some(m), ..
            } => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(
        markers
            .iter()
            .filter(|m| **m == ControlMarker::Abort)
            .count(),
        2
    );
    assert_eq!(
        markers
            .iter()
            .filter(|m| **m == ControlMarker::Commit)
            .count(),
        4
    );
    for r in &aborted {
        let fate = result
            .ledger
            .records
            .iter()
            .find(|f| f.record == *r)
            .unwrap();
        assert!(
            matches!(
                fate.outcome,
                delivery_lab_engine::ledger::ProduceOutcome::Failed {
                    error: KafkaError::TransactionAborted,
                    ..
                }
            ),
            "{r}: {:?}",
            fate.outcome
        );
        assert!(!fate.placements.is_empty(), "{r} is in the log, aborted");
        assert_eq!(fate.copies, 0, "{r} is invisible to read_committed");
    }
}

#[test]
fn read_uncommitted_applies_the_aborted_records() {
    let result = run(&preset("read-uncommitted-applies-aborted-transaction")).unwrap();
    let seen = processed(&result);
    assert_eq!(seen.len(), 15);
    assert_eq!(result.ledger.count(AnomalyKind::AbortedRead), 5);
    let cause = result.ledger.anomalies[0]
        .cause
        .expect("linked to the abort");
    assert!(matches!(
        result.trace.events[cause].kind,
        EventKind::Transaction(TxnFact::Aborted { .. })
    ));
}

#[test]
fn a_new_instance_fences_the_zombie_and_each_record_is_committed_once() {
    let result = run(&preset("zombie-producer-fenced-by-transactions")).unwrap();
    let text = result.trace.to_text();
    assert!(text.contains("InitProducerIdResponse error=CONCURRENT_TRANSACTIONS"));
    assert!(
        text.contains("INVALID_PRODUCER_EPOCH"),
        "the zombie's produce"
    );
    let facts = txn_facts(&result);
    assert!(facts.iter().any(|(_, _, f)| matches!(
        f,
        TxnFact::CoordinatorState {
            state: TxnState::PrepareAbort,
            cause: Some(AbortCause::Fenced),
            ..
        }
    )));
    let fatal = facts
        .iter()
        .find(|(_, _, f)| matches!(f, TxnFact::Fatal { .. }))
        .expect("the zombie closes");
    assert_eq!(fatal.1, NodeId::Producer(0));
    assert!(matches!(
        fatal.2,
        TxnFact::Fatal {
            error: KafkaError::ProducerFenced
        }
    ));
    assert!(result.ledger.anomalies.is_empty());
    assert!(result.ledger.records.iter().all(|r| r.copies == 1));
}

#[test]
fn a_new_transactional_id_gets_its_own_producer_id_and_fences_nothing() {
    let result = run(&preset("new-transactional-id-leaves-zombie-unfenced")).unwrap();
    let text = result.trace.to_text();
    assert!(text.contains("InitProducerId transactional.id=orders-app-2"));
    assert!(!text.contains("CONCURRENT_TRANSACTIONS"));
    assert!(!text.contains("INVALID_PRODUCER_EPOCH"));
    let facts = txn_facts(&result);
    assert!(
        !facts
            .iter()
            .any(|(_, _, f)| matches!(f, TxnFact::Fatal { .. }))
    );
    assert!(
        !facts
            .iter()
            .any(|(_, _, f)| matches!(f, TxnFact::CoordinatorState { cause: Some(_), .. }))
    );
    // Two producer ids, each with its own epochs starting at 0.
    let ids: std::collections::BTreeSet<u64> = facts
        .iter()
        .filter_map(|(_, _, f)| match f {
            TxnFact::CoordinatorState { producer_id, .. } => Some(*producer_id),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 2);
    // The zombie woke up and committed what its replacement also committed.
    let zombie_commits = facts
        .iter()
        .filter(|(t, node, f)| {
            *node == NodeId::Producer(0)
                && *t > SimTime::from_ms(3_250)
                && matches!(f, TxnFact::Committed { .. })
        })
        .count();
    assert!(zombie_commits > 0, "{facts:?}");
    assert!(result.ledger.count(AnomalyKind::Duplicate) > 0);
    assert!(result.ledger.count(AnomalyKind::DuplicateEffect) > 0);
    // With the same id (the fenced-zombie preset) the same stall commits each record once.
    let same_id = run(&preset("zombie-producer-fenced-by-transactions")).unwrap();
    assert!(same_id.ledger.anomalies.is_empty());
}

#[test]
fn a_new_transactional_id_needs_a_transactional_producer() {
    let mut scenario = preset("zombie-producer-without-transactions-duplicates");
    let restart = scenario
        .faults
        .iter_mut()
        .find(|f| matches!(f.fault, Fault::RestartProducer { .. }))
        .expect("a restart");
    restart.fault = Fault::RestartProducer {
        producer: NodeId::Producer(0),
        transactional_id: Some("other".into()),
    };
    let errors = scenario.validate().unwrap_err().to_string();
    assert!(errors.contains("transactional_id"), "{errors}");
}

#[test]
fn without_a_transactional_id_the_zombie_writes_duplicates() {
    let result = run(&preset("zombie-producer-without-transactions-duplicates")).unwrap();
    assert!(result.ledger.count(AnomalyKind::Duplicate) > 0);
    assert!(txn_facts(&result).is_empty());
}

#[test]
fn an_open_transaction_holds_read_committed_back_until_the_timeout_aborts_it() {
    let scenario = preset("transaction-timeout-fences-stalled-producer");
    let result = run(&scenario).unwrap();
    let facts = txn_facts(&result);
    let (aborted_at, _, _) = facts
        .iter()
        .find(|(_, _, f)| {
            matches!(
                f,
                TxnFact::CoordinatorState {
                    cause: Some(AbortCause::TimedOut),
                    ..
                }
            )
        })
        .expect("the coordinator aborts it");
    let timeout = scenario.producer.configs.transaction_timeout_ms.unwrap();
    assert!(
        aborted_at.as_us() >= timeout * 1_000,
        "not before transaction.timeout.ms"
    );
    // The stall began at 250 ms with t1 (r5..r9) open: none of it, nor anything after it,
    // is processed before the abort, though t1's first records are below the HW.
    let early: Vec<_> = result
        .trace
        .events
        .iter()
        .filter(|e| e.time < *aborted_at)
        .filter(|e| {
            matches!(e.kind, EventKind::Consumer(ConsumerFact::RecordProcessed { record, .. })
                if record.0 >= 5)
        })
        .collect();
    assert!(
        early.is_empty(),
        "the LSO held the consumer back: {early:?}"
    );
    assert!(facts.iter().any(|(_, node, f)| *node == NodeId::Producer(0)
        && matches!(
            f,
            TxnFact::Fatal {
                error: KafkaError::ProducerFenced
            }
        )));
    assert!(result.ledger.anomalies.is_empty());
    assert_eq!(processed(&result).len(), 30);
}

fn errors_of(json: &str) -> Vec<ScenarioError> {
    Scenario::from_json(json).unwrap_err().0
}

fn with_producer(producer: &str) -> String {
    let mut s: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::scenarios_dir().join("aborted-transaction-invisible-to-read-committed.json"),
        )
        .unwrap(),
    )
    .unwrap();
    s["producer"] = serde_json::from_str(producer).unwrap();
    s.to_string()
}

#[test]
fn a_transactional_id_without_idempotence_is_a_config_exception() {
    for configs in [
        r#"{"transactional.id": "t", "enable.idempotence": false}"#,
        r#"{"transactional.id": "t", "acks": "1"}"#,
    ] {
        let json = with_producer(&format!(
            r#"{{"records": 5, "interval_ms": 10, "configs": {configs}}}"#
        ));
        let errors = errors_of(&json);
        assert!(
            errors.iter().any(|e| matches!(e, ScenarioError::Invalid { path, reason }
                if path == "producer.configs.transactional.id" && reason.contains("ConfigException"))),
            "{configs}: {errors:?}"
        );
    }
}

#[test]
fn transactions_need_an_id_and_a_timeout_within_the_broker_maximum() {
    let json = with_producer(
        r#"{"records": 5, "interval_ms": 10, "transactions": {"records_per_transaction": 2}}"#,
    );
    assert!(
        errors_of(&json)
            .iter()
            .any(|e| matches!(e, ScenarioError::Invalid { path, .. }
        if path == "producer.transactions"))
    );
    let json = with_producer(
        r#"{"records": 5, "interval_ms": 10, "configs": {"transactional.id": "t", "transaction.timeout.ms": 900001}}"#,
    );
    assert!(
        errors_of(&json)
            .iter()
            .any(|e| matches!(e, ScenarioError::OutOfRange { path, max, .. }
        if path == "producer.configs.transaction.timeout.ms" && *max == 900_000))
    );
}

/// Output transactions: which consumer, how many records.
type Outputs = Vec<(NodeId, usize)>;

/// Each output transaction a consumer committed or aborted, by node.
fn outputs(run: &Run) -> (Outputs, Outputs) {
    let mut committed = Vec::new();
    let mut aborted = Vec::new();
    for e in &run.trace.events {
        match &e.kind {
            EventKind::Consumer(ConsumerFact::OutputCommitted { records }) => {
                committed.push((e.node, records.len()))
            }
            EventKind::Consumer(ConsumerFact::OutputAborted { records }) => {
                aborted.push((e.node, records.len()))
            }
            _ => {}
        }
    }
    (committed, aborted)
}

#[test]
fn read_process_write_output_appears_only_when_its_transaction_commits() {
    let result = run(&preset("read-process-write-exactly-once")).unwrap();
    let (committed, _) = outputs(&result);
    assert!(committed.len() > 1);
    // Nothing reaches the sink outside a committed transaction: every processing is staged.
    assert!(result.trace.events.iter().all(|e| !matches!(
        &e.kind,
        EventKind::Consumer(ConsumerFact::RecordProcessed { outcome, .. })
            if *outcome != delivery_lab_engine::consumer::sink::EffectOutcome::Staged
    )));
    assert!(result.ledger.anomalies.is_empty());
    assert_eq!(result.ledger.applied(), 400);
}

#[test]
fn read_process_write_fences_the_zombie_member_whose_partitions_moved() {
    let result = run(&preset("read-process-write-fences-zombie-consumer")).unwrap();
    let (_, aborted) = outputs(&result);
    assert!(
        aborted
            .iter()
            .any(|(node, n)| *node == NodeId::Consumer(0) && *n > 0),
        "the woken member's transaction aborts: {aborted:?}"
    );
    assert!(result.ledger.anomalies.is_empty());
    // Without the fence the same pause writes the batch twice.
    let unfenced = run(&preset("offsets-in-sink-zombie-consumer-duplicates")).unwrap();
    assert!(unfenced.ledger.count(AnomalyKind::DuplicateEffect) > 0);
}

#[test]
fn read_process_write_needs_synchronous_processing() {
    let mut s: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::scenarios_dir().join("read-process-write-exactly-once.json"),
        )
        .unwrap(),
    )
    .unwrap();
    s["consumer_group"]["processing"] = "buffered".into();
    let errors = errors_of(&s.to_string());
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, ScenarioError::Invalid { path, .. }
        if path == "consumer_group.commit"))
    );
}

#[test]
fn a_late_produce_joins_the_next_transaction_unless_the_epoch_moved_on() {
    let old = run(&preset("late-produce-joins-next-transaction")).unwrap();
    assert_eq!(old.ledger.count(AnomalyKind::Duplicate), 1);
    let new = run(&preset("late-produce-fenced-by-epoch-per-transaction")).unwrap();
    assert!(new.ledger.anomalies.is_empty());
    assert!(
        new.trace.to_text().contains("error=INVALID_PRODUCER_EPOCH"),
        "the late request is refused"
    );
}

#[test]
fn leaders_verify_a_transactions_first_write_from_3_6_on() {
    let verified = |version: delivery_lab_engine::profile::KafkaVersion| {
        let mut s = preset("aborted-transaction-invisible-to-read-committed");
        s.kafka_version = version;
        // Before 3.0 acks defaults to 1, which a transactional producer may not use.
        s.producer.configs.acks = Some(delivery_lab_engine::acks::Acks::All);
        run(&s)
            .unwrap()
            .trace
            .to_text()
            .lines()
            .filter(|l| l.contains("AddPartitionsToTxn(verify)"))
            .count()
    };
    use delivery_lab_engine::profile::KafkaVersion;
    assert!(verified(KafkaVersion::V4_0) > 0);
    assert!(verified(KafkaVersion::V3_9) > 0);
    assert_eq!(verified(KafkaVersion::V2_8), 0, "before KIP-890 part 1");
}

#[test]
fn a_delayed_marker_ends_the_wrong_transaction_unless_its_epoch_is_older() {
    let old = run(&preset("delayed-abort-marker-ends-next-transaction")).unwrap();
    let lost: Vec<_> = old
        .ledger
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::LostAcknowledgedWrite)
        .collect();
    assert_eq!(lost.len(), 1);
    let cause = lost[0].cause.expect("blamed on the marker");
    assert!(matches!(
        old.trace.events[cause].kind,
        EventKind::RecordAppended {
            control: Some(ControlMarker::Abort),
            ..
        }
    ));
    let new = run(&preset(
        "delayed-abort-marker-ignored-with-epoch-per-transaction",
    ))
    .unwrap();
    assert!(new.ledger.anomalies.is_empty());
}

#[test]
fn transactions_in_opposite_orders_form_write_cycles_that_kafka_allows() {
    let scenario = preset("transactions-write-cycle-g0");
    let result = run(&scenario).unwrap();
    // Atomic and exactly once: every record committed, once.
    assert!(result.ledger.records.iter().all(|r| r.copies == 1));
    assert_eq!(result.ledger.count(AnomalyKind::Duplicate), 0);
    // Each pair of concurrent two-partition transactions is ordered both ways.
    assert_eq!(result.ledger.count(AnomalyKind::WriteCycle), 4);
    let text = result.trace.to_text();
    assert!(text.contains("InitProducerId transactional.id=transfer-app-0"));
    assert!(text.contains("InitProducerId transactional.id=transfer-app-1"));
    // One record per transaction: nothing to order both ways.
    let mut single = scenario.clone();
    if let Some(plan) = single.producer.transactions.as_mut() {
        plan.records_per_transaction = 1;
    }
    let result = run(&single).unwrap();
    assert_eq!(result.ledger.count(AnomalyKind::WriteCycle), 0);
    assert!(result.ledger.anomalies.is_empty());
}

#[test]
fn several_transactional_applications_cannot_be_restarted_yet() {
    let mut scenario = preset("transactions-write-cycle-g0");
    scenario.faults = serde_json::from_str(
        r#"[ { "at_ms": 200, "type": "restart_producer", "producer": "P0" } ]"#,
    )
    .unwrap();
    let errors = scenario.validate().unwrap_err().to_string();
    assert!(errors.contains("producer.count"), "{errors}");
}
