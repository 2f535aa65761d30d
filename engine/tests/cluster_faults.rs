//! The broker-side presets show their outcome for the reason Kafka would: each test checks
//! the mechanism in the trace, not only the verdict.

mod common;

use delivery_lab_engine::errors::KafkaError;
use delivery_lab_engine::ledger::ProduceOutcome;
use delivery_lab_engine::trace::{EventKind, TruncationReason};
use delivery_lab_engine::{AnomalyKind, Run, Scenario, run};

fn preset(name: &str) -> (Scenario, Run) {
    let (_, scenario) = common::presets()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name}"));
    let result = run(&scenario).unwrap();
    (scenario, result)
}

fn lost(run: &Run) -> Vec<u32> {
    run.ledger
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::LostAcknowledgedWrite)
        .map(|a| a.record.0)
        .collect()
}

fn errors(run: &Run) -> Vec<KafkaError> {
    run.ledger
        .records
        .iter()
        .filter_map(|r| match r.outcome {
            ProduceOutcome::Failed { error, .. } => Some(error),
            _ => None,
        })
        .collect()
}

fn cause(run: &Run, record: u32) -> &EventKind {
    let a = run
        .ledger
        .anomalies
        .iter()
        .find(|a| a.record.0 == record)
        .expect("anomaly");
    &run.trace.events[a.cause.expect("a cause")].kind
}

#[test]
fn acks_zero_loses_records_silently_after_a_leader_crash() {
    let (_, run) = preset("acks-0-leader-crash");
    assert!(!lost(&run).is_empty());
    assert!(errors(&run).is_empty(), "the application is never told");
    assert!(
        run.ledger
            .records
            .iter()
            .all(|r| matches!(r.outcome, ProduceOutcome::Acknowledged { offset: None, .. }))
    );
}

#[test]
fn acks_one_loses_what_only_the_dead_leader_had() {
    let (_, run) = preset("acks-1-leader-dies-before-followers-copy");
    let lost = lost(&run);
    assert!(!lost.is_empty());
    for r in &lost {
        let fate = &run.ledger.records[*r as usize];
        assert!(
            fate.placements.iter().all(|p| p.broker.0 == 0),
            "r{r} only ever reached B0"
        );
        assert!(matches!(
            cause(&run, *r),
            EventKind::LeaderElected { unclean: false, .. }
        ));
    }
}

#[test]
fn acks_all_turns_the_same_fault_into_retries_not_losses() {
    let (_, run) = preset("acks-all-same-fault-is-safe");
    assert!(run.ledger.anomalies.is_empty());
    assert_eq!(run.ledger.acknowledged(), 8, "every record arrives, once");
    assert!(run.trace.events.iter().any(|e| matches!(
        e.kind,
        EventKind::ProduceRetried {
            error: KafkaError::NetworkException,
            ..
        }
    )));
}

#[test]
fn min_isr_two_refuses_writes_once_two_brokers_are_down() {
    let (_, run) = preset("min-isr-2-survives-one-crash");
    assert!(lost(&run).is_empty());
    assert!(run.ledger.acknowledged() > 0, "one broker down is fine");
    let refused: Vec<u32> = run
        .trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::ProduceRetried {
                record,
                error: KafkaError::NotEnoughReplicas,
                ..
            } => Some(record.0),
            _ => None,
        })
        .collect();
    assert!(
        !refused.is_empty(),
        "two down: NOT_ENOUGH_REPLICAS, retried"
    );
    // A refusal appends nothing: no record gains a copy from a refused attempt.
    for r in refused {
        assert!(run.ledger.records[r as usize].placements.len() <= 1, "r{r}");
    }
}

#[test]
fn clean_election_leaves_the_partition_offline_rather_than_losing_writes() {
    let (_, run) = preset("isr-shrinks-to-leader-clean-election");
    assert!(run.ledger.anomalies.is_empty());
    assert_eq!(run.ledger.offline_partitions.len(), 1);
    assert!(
        run.trace
            .events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::IsrChanged { state } if state.isr.len() == 1))
    );
}

#[test]
fn unclean_election_loses_what_the_lone_leader_acknowledged() {
    let (_, run) = preset("isr-shrinks-to-leader-unclean-election");
    let lost = lost(&run);
    assert!(!lost.is_empty());
    assert!(run.ledger.offline_partitions.is_empty());
    for r in lost {
        assert!(
            matches!(
                cause(&run, r),
                EventKind::LeaderElected { unclean: true, .. }
            ),
            "r{r}"
        );
    }
}

#[test]
fn power_loss_everywhere_loses_acknowledged_records_but_a_process_crash_does_not() {
    let (_, power) = preset("power-loss-all-replicas");
    assert!(!lost(&power).is_empty());
    assert!(power.trace.events.iter().any(|e| matches!(
        e.kind,
        EventKind::LogTruncated {
            reason: TruncationReason::PowerLoss,
            ..
        }
    )));
    let (_, crash) = preset("process-crash-all-replicas");
    assert!(crash.ledger.anomalies.is_empty());
    assert_eq!(crash.ledger.acknowledged(), power.ledger.acknowledged());
}

#[test]
fn flushing_every_message_survives_the_power_loss() {
    let (_, run) = preset("power-loss-with-flush-every-message");
    assert!(run.ledger.anomalies.is_empty());
    assert!(
        run.trace
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::LogFlushed { .. }))
    );
}

#[test]
fn pre_0_11_truncation_to_the_high_watermark_loses_a_committed_record() {
    let (_, run) = preset("legacy-hw-truncation-loses-committed");
    let lost = lost(&run);
    assert_eq!(lost.len(), 1);
    assert!(matches!(
        cause(&run, lost[0]),
        EventKind::LogTruncated {
            reason: TruncationReason::HighWatermark,
            ..
        }
    ));
    let (_, modern) = preset("epoch-truncation-keeps-committed");
    assert!(modern.ledger.anomalies.is_empty(), "leader epochs keep it");
}

#[test]
fn crash_only_presets_break_no_invariant() {
    for name in [
        "acks-1-leader-dies-before-followers-copy",
        "acks-all-same-fault-is-safe",
        "min-isr-2-survives-one-crash",
        "isr-shrinks-to-leader-clean-election",
        "isr-shrinks-to-leader-unclean-election",
        "process-crash-all-replicas",
        "epoch-truncation-keeps-committed",
    ] {
        let (_, run) = preset(name);
        assert!(
            run.ledger.violations.is_empty(),
            "{name}: {:?}",
            run.ledger.violations
        );
    }
}

#[test]
fn a_batch_over_message_max_bytes_is_refused_and_never_written() {
    let (_, run) = preset("record-too-large-for-broker");
    assert!(
        errors(&run)
            .iter()
            .all(|e| *e == KafkaError::MessageTooLarge)
    );
    assert_eq!(errors(&run).len(), 4);
    assert!(run.ledger.records.iter().all(|r| r.placements.is_empty()));
    assert!(!KafkaError::MessageTooLarge.is_retriable());
}

#[test]
fn a_slow_follower_leaves_the_isr_and_rejoins_after_catching_up() {
    let (_, run) = preset("slow-follower-leaves-and-rejoins-isr");
    let isrs: Vec<usize> = run
        .trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::IsrChanged { state } => Some(state.isr.len()),
            _ => None,
        })
        .collect();
    assert_eq!(isrs, vec![2, 3], "shrinks, then expands");
    assert_eq!(
        run.ledger.acknowledged(),
        50,
        "the waiting writes complete once it is out"
    );
    assert!(run.ledger.violations.is_empty());
}

#[test]
fn eligible_leader_replicas_restore_availability_without_loss() {
    let (_, without) = preset("below-min-isr-leader-dies-without-elr");
    assert!(without.ledger.anomalies.is_empty());
    assert_eq!(
        without.ledger.offline_partitions.len(),
        1,
        "no ELR: offline"
    );
    let (_, with) = preset("below-min-isr-leader-dies-with-elr");
    assert!(with.ledger.anomalies.is_empty());
    assert!(
        with.ledger.offline_partitions.is_empty(),
        "ELR: a leader again"
    );
    let from_elr = with.trace.events.iter().any(|e| {
        matches!(&e.kind, EventKind::LeaderElected { state, unclean: false } if state.leader.is_some() && !state.elr.is_empty())
    });
    assert!(from_elr, "elected from the ELR, cleanly");
    assert!(
        with.ledger.acknowledged() > without.ledger.acknowledged(),
        "writes resume"
    );
}

#[test]
fn acks_one_below_min_isr_acknowledges_records_that_never_commit() {
    let (_, run) = preset("acks-1-below-min-isr-never-visible");
    let lost = lost(&run);
    assert!(lost.len() > 40, "{lost:?}");
    let leader_hw = run
        .trace
        .events
        .iter()
        .filter_map(|e| match (&e.node, &e.kind) {
            (
                delivery_lab_engine::ids::NodeId::Broker(b),
                EventKind::HighWatermarkUpdated { high_watermark, .. },
            ) if b.0 == 0 => Some(high_watermark.0),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for r in &lost {
        let offset = run.ledger.records[*r as usize].placements[0].offset.0;
        assert!(offset >= leader_hw, "r{r} was never below the leader's HW");
        assert!(matches!(
            cause(&run, *r),
            EventKind::LeaderElected { unclean: false, .. }
        ));
    }
}

#[test]
fn the_view_marks_a_message_to_a_stopped_broker_as_lost_while_it_flies() {
    use delivery_lab_engine::ids::NodeId;
    use delivery_lab_engine::view::ClusterView;
    let (scenario, run) = preset("acks-1-leader-dies-before-followers-copy");
    let drop = run
        .trace
        .events
        .iter()
        .find(|e| {
            matches!(e.kind, EventKind::MessageDropped { .. })
                && e.node == NodeId::Broker(delivery_lab_engine::ids::BrokerId(0))
        })
        .expect("a message to the stopped B0 is dropped");
    let EventKind::MessageDropped { message, .. } = drop.kind else {
        unreachable!()
    };
    let before = delivery_lab_engine::time::SimTime(drop.time.as_us() - 1);
    let view = ClusterView::at(&run.trace, scenario.cluster.brokers, before);
    let flying = view
        .in_flight
        .iter()
        .find(|m| m.message == message)
        .expect("in flight just before");
    assert!(flying.lost);
    assert!(
        view.in_flight
            .iter()
            .filter(|m| m.message != message)
            .all(|m| !m.lost || m.to == NodeId::Broker(delivery_lab_engine::ids::BrokerId(0)))
    );
}
