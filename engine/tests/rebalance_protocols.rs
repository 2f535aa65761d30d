//! Eager and cooperative rebalances (`partition.assignment.strategy`, kafka-semantics.md
//! §B.9): who keeps consuming while the group rebalances, which commits fail with
//! `RebalanceInProgressException`, and what a revoke-time commit changes.

mod common;

use delivery_lab_engine::consumer::facts::ConsumerFact;
use delivery_lab_engine::errors::KafkaError;
use delivery_lab_engine::ids::{NodeId, PartitionId};
use delivery_lab_engine::time::SimTime;
use delivery_lab_engine::trace::{EventKind, TraceEvent};
use delivery_lab_engine::{AnomalyKind, Run, run};

use common::preset;

fn facts(run: &Run) -> impl Iterator<Item = (&TraceEvent, &ConsumerFact)> {
    run.trace.events.iter().filter_map(|e| match &e.kind {
        EventKind::Consumer(f) => Some((e, f)),
        _ => None,
    })
}

/// When the rebalance C2's start triggers is answered (the first generation after 8 s).
fn rebalanced_after_scale_out(run: &Run) -> SimTime {
    facts(run)
        .find_map(|(e, f)| match f {
            ConsumerFact::GroupRebalanced { generation: 2, .. } => Some(e.time),
            _ => None,
        })
        .expect("a second generation")
}

/// When `consumer` sent its JoinGroup for the scale-out rebalance.
fn rejoined(run: &Run, consumer: u32) -> SimTime {
    run.trace
        .events
        .iter()
        .find(|e| {
            e.node == NodeId::Consumer(consumer)
                && e.time > SimTime::from_ms(8_000)
                && e.kind.name() == "MessageSent"
                && run.trace.details(e).to_string().contains("JoinGroup")
        })
        .map(|e| e.time)
        .expect("C0 rejoined")
}

/// Records `consumer` processed in `(from, to)`.
fn processed_between(run: &Run, consumer: u32, from: SimTime, to: SimTime) -> usize {
    facts(run)
        .filter(|(e, f)| {
            e.node == NodeId::Consumer(consumer)
                && e.time > from
                && e.time < to
                && matches!(f, ConsumerFact::RecordProcessed { .. })
        })
        .count()
}

fn commit_failures(run: &Run, consumer: u32, error: KafkaError) -> usize {
    facts(run)
        .filter(|(e, f)| {
            e.node == NodeId::Consumer(consumer)
                && matches!(f, ConsumerFact::CommitFailed { error: x, sync: true } if *x == error)
        })
        .count()
}

#[test]
fn eager_members_stop_while_the_group_rebalances_and_nothing_is_processed_twice() {
    let result = run(&preset("eager-rebalance-stops-the-group")).unwrap();
    let from = rejoined(&result, 0);
    let to = rebalanced_after_scale_out(&result);
    assert!(to > from, "C0 waited for the others");
    assert_eq!(processed_between(&result, 0, from, to), 0);
    assert!(
        processed_between(&result, 1, from, to) > 0,
        "C1 had not rejoined yet"
    );
    assert_eq!(
        commit_failures(&result, 0, KafkaError::RebalanceInProgress),
        0
    );
    // Eager: onPartitionsRevoked with everything C0 owned, as it rejoins.
    let revoked = facts(&result)
        .find_map(|(e, f)| match f {
            ConsumerFact::PartitionsRevoked { partitions, .. } if e.node == NodeId::Consumer(0) => {
                Some((e.time, partitions.clone()))
            }
            _ => None,
        })
        .expect("C0 revoked its partitions");
    assert_eq!(revoked.0, from);
    assert_eq!(revoked.1, vec![PartitionId(2), PartitionId(3)]);
    assert_eq!(result.ledger.count(AnomalyKind::DuplicateEffect), 0);
}

#[test]
fn cooperative_members_keep_consuming_and_their_commits_fail_until_the_rebalance_ends() {
    let result = run(&preset("cooperative-rebalance-commit-fails-duplicates")).unwrap();
    let from = rejoined(&result, 0);
    let to = rebalanced_after_scale_out(&result);
    assert!(processed_between(&result, 0, from, to) > 0);
    assert!(commit_failures(&result, 0, KafkaError::RebalanceInProgress) > 0);
    // The follow-up rebalance: only p3 moved, and only after C0 revoked it.
    let revoked: Vec<(SimTime, &Vec<PartitionId>)> = facts(&result)
        .filter_map(|(e, f)| match f {
            ConsumerFact::PartitionsRevoked { partitions, .. } => Some((e.time, partitions)),
            _ => None,
        })
        .collect();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].1, &vec![PartitionId(3)]);
    let c2_got_p3 = facts(&result)
        .find_map(|(e, f)| match f {
            ConsumerFact::PartitionsAssigned { partitions, .. }
                if e.node == NodeId::Consumer(2)
                    && partitions.iter().any(|(p, _)| *p == PartitionId(3)) =>
            {
                Some(e.time)
            }
            _ => None,
        })
        .expect("C2 got p3");
    assert!(c2_got_p3 > revoked[0].0);
    // What C0 processed of p3 without a successful commit is processed again by C2.
    let dups = result.ledger.count(AnomalyKind::DuplicateEffect);
    assert!(dups > 0);
    for a in result
        .ledger
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::DuplicateEffect)
    {
        let cause = &result.trace.events[a.cause.expect("a cause")];
        assert!(
            matches!(
                cause.kind,
                EventKind::Consumer(ConsumerFact::CommitFailed {
                    error: KafkaError::RebalanceInProgress,
                    ..
                })
            ),
            "caused by {cause:?}"
        );
    }
}

#[test]
fn committing_in_on_partitions_revoked_hands_the_partition_over_where_it_stopped() {
    let result = run(&preset("cooperative-rebalance-commit-on-revoke")).unwrap();
    assert_eq!(result.ledger.count(AnomalyKind::DuplicateEffect), 0);
    assert_eq!(result.ledger.count(AnomalyKind::LostEffect), 0);
    let revoked_at = facts(&result)
        .find_map(|(e, f)| matches!(f, ConsumerFact::PartitionsRevoked { .. }).then_some(e.time))
        .expect("a revocation");
    let p3_committed_after = facts(&result).any(|(e, f)| {
        e.time >= revoked_at
            && matches!(f, ConsumerFact::OffsetsCommitted { offsets, .. }
                if offsets.iter().any(|(p, _)| *p == PartitionId(3)))
    });
    assert!(p3_committed_after);
}

#[test]
fn no_partition_is_ever_owned_by_two_members_at_once() {
    for name in [
        "cooperative-rebalance-commit-fails-duplicates",
        "cooperative-rebalance-commit-on-revoke",
        "eager-rebalance-stops-the-group",
    ] {
        let scenario = preset(name);
        let result = run(&scenario).unwrap();
        assert_eq!(
            common::first_double_ownership(&result),
            None,
            "{name}: two owners"
        );
        let brokers = scenario.cluster.brokers;
        assert_eq!(
            common::first_double_ownership_drawn(&result, brokers),
            None,
            "{name}: two owners drawn"
        );
    }
}

#[test]
fn a_member_out_of_the_group_drops_its_partitions_before_it_rejoins() {
    let result = run(&preset("poll-interval-exceeded-commit-fails")).unwrap();
    let lost = facts(&result)
        .find_map(|(e, f)| match f {
            ConsumerFact::PartitionsLost { partitions } => Some((e.node, partitions.clone())),
            _ => None,
        })
        .expect("onPartitionsLost");
    assert_eq!(lost, (NodeId::Consumer(0), vec![PartitionId(0)]));
}

/// Eager: every member gives everything up as it rejoins, so the drawing never shows a
/// moved partition on its old owner once its new owner has it, whatever order the
/// generation's answers arrive in (the seed varies the network's latencies).
#[test]
fn an_eager_rebalance_never_draws_a_partition_on_two_members() {
    let scenario = preset("eager-rebalance-stops-the-group");
    for seed in 0..24 {
        let result = delivery_lab_engine::run_with_seed(&scenario, seed).unwrap();
        assert_eq!(
            common::first_double_ownership_drawn(&result, scenario.cluster.brokers),
            None,
            "seed {seed}"
        );
    }
}

#[test]
fn member_start_times_are_checked_against_the_member_count() {
    let mut scenario = preset("cooperative-rebalance-commit-on-revoke");
    let group = scenario.consumer_group.as_mut().unwrap();
    group.member_start_ms = Some(vec![100, 100]);
    let errors = scenario.validate().unwrap_err().to_string();
    assert!(
        errors.contains("consumer_group.member_start_ms"),
        "{errors}"
    );
    let group = scenario.consumer_group.as_mut().unwrap();
    group.member_start_ms = Some(vec![100, 100, 1_000_000]);
    let errors = scenario.validate().unwrap_err().to_string();
    assert!(
        errors.contains("consumer_group.member_start_ms[2]"),
        "{errors}"
    );
}
