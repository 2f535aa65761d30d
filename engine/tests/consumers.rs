//! The consumer group's mechanisms, each checked on the preset that shows it
//! (kafka-semantics.md §B.9, scenarios C22–C26 and seed 004's shutdown advice).

mod common;

use delivery_lab_engine::consumer::facts::{ConsumerFact, LeaveReason};
use delivery_lab_engine::consumer::sink::EffectOutcome;
use delivery_lab_engine::errors::KafkaError;
use delivery_lab_engine::ids::{NodeId, Offset, PartitionId};
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

/// The offsets the group committed for `partition`, in order.
fn commits(run: &Run, partition: PartitionId) -> Vec<Offset> {
    facts(run)
        .filter_map(|(_, f)| match f {
            ConsumerFact::OffsetsCommitted { offsets, .. } => offsets
                .iter()
                .find(|(p, _)| *p == partition)
                .map(|(_, o)| *o),
            _ => None,
        })
        .collect()
}

#[test]
fn auto_commit_covers_only_earlier_polls_so_a_crash_duplicates_and_loses_nothing() {
    let scenario = preset("auto-commit-crash-sync-processing");
    let result = run(&scenario).unwrap();
    assert_eq!(result.ledger.count(AnomalyKind::LostEffect), 0);
    assert!(result.ledger.count(AnomalyKind::DuplicateEffect) > 0);
    // Each auto-commit happens inside a poll() before it returns records: the offset it
    // commits is exactly where that poll's batch starts, never past it.
    let mut checked = 0;
    let events = &result.trace.events;
    for (i, e) in events.iter().enumerate() {
        let EventKind::Consumer(ConsumerFact::RecordsPolled { records }) = &e.kind else {
            continue;
        };
        let Some(first) = records.first() else {
            continue;
        };
        // An auto-commit sent in the same poll has arrived at the coordinator by now.
        let committed_before = events
            .range(0..i)
            .filter_map(|x| match &x.kind {
                EventKind::Consumer(ConsumerFact::OffsetsCommitted { offsets, .. }) => offsets
                    .iter()
                    .find(|(p, _)| *p == first.partition)
                    .map(|(_, o)| *o),
                _ => None,
            })
            .max();
        if let Some(c) = committed_before {
            assert!(
                c <= first.offset,
                "a commit ran ahead of the records polled"
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
    // The duplicates start exactly at the crashed member's last commit.
    let p0 = PartitionId(0);
    let last_commit = *commits(&result, p0).iter().max().unwrap();
    let reprocessed_from = facts(&result)
        .filter_map(|(_, f)| match f {
            ConsumerFact::RecordProcessed {
                partition,
                offset,
                outcome: EffectOutcome::AppliedAgain,
                ..
            } if *partition == p0 => Some(*offset),
            _ => None,
        })
        .min()
        .unwrap();
    assert!(reprocessed_from <= last_commit);
}

#[test]
fn buffered_processing_with_auto_commit_loses_what_the_buffer_held() {
    let result = run(&preset("auto-commit-buffered-processing-loses")).unwrap();
    assert!(result.ledger.count(AnomalyKind::LostEffect) > 0);
    assert_eq!(result.ledger.count(AnomalyKind::DuplicateEffect), 0);
    // Every lost record was polled by C0 and never processed: the commit ran past it.
    let lost: Vec<_> = result
        .ledger
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::LostEffect)
        .collect();
    for a in lost {
        let polled_by_c0 = facts(&result).any(|(e, f)| {
            e.node == NodeId::Consumer(0)
                && matches!(f, ConsumerFact::RecordsPolled { records } if records.iter().any(|r| r.record == a.record))
        });
        assert!(polled_by_c0, "{} was polled before the crash", a.record);
        assert_eq!(
            result
                .ledger
                .consumed
                .get(&a.record)
                .map_or(0, |c| c.processed),
            0
        );
    }
}

#[test]
fn commit_before_processing_loses_and_after_processing_duplicates() {
    let before = run(&preset("commit-before-processing-crash-loses")).unwrap();
    assert!(before.ledger.count(AnomalyKind::LostEffect) > 0);
    assert_eq!(before.ledger.count(AnomalyKind::DuplicateEffect), 0);
    let after = run(&preset("commit-after-processing-crash-duplicates")).unwrap();
    assert!(after.ledger.count(AnomalyKind::DuplicateEffect) > 0);
    assert_eq!(after.ledger.count(AnomalyKind::LostEffect), 0);
}

#[test]
fn a_member_past_max_poll_interval_leaves_and_its_commit_fails() {
    let result = run(&preset("poll-interval-exceeded-commit-fails")).unwrap();
    let c0 = NodeId::Consumer(0);
    let left = facts(&result).find(|(e, f)| {
        e.node == c0
            && matches!(
                f,
                ConsumerFact::LeftGroup {
                    reason: LeaveReason::PollIntervalExceeded
                }
            )
    });
    let failed = facts(&result).find(|(e, f)| {
        e.node == c0
            && matches!(
                f,
                ConsumerFact::CommitFailed {
                    error: KafkaError::CommitFailed,
                    sync: true
                }
            )
    });
    let (left, failed) = (left.unwrap().0, failed.unwrap().0);
    assert!(
        left.time < failed.time,
        "it left first, then its commit failed"
    );
    assert_eq!(
        KafkaError::CommitFailed.exception(),
        "CommitFailedException"
    );
    assert!(result.ledger.count(AnomalyKind::DuplicateEffect) > 0);
}

#[test]
fn close_commits_but_unsubscribe_first_leaves_without_committing() {
    let close = run(&preset("close-commits-on-the-way-out")).unwrap();
    assert!(
        close.ledger.anomalies.is_empty(),
        "{:?}",
        close.ledger.anomalies
    );
    let unsubscribe = run(&preset("unsubscribe-before-close-duplicates")).unwrap();
    let c0 = NodeId::Consumer(0);
    let left_at = facts(&unsubscribe)
        .find(|(e, f)| {
            e.node == c0
                && matches!(
                    f,
                    ConsumerFact::LeftGroup {
                        reason: LeaveReason::Unsubscribe
                    }
                )
        })
        .unwrap()
        .0
        .time;
    // The member it was (m0) commits nothing once it has unsubscribed.
    let late_commit = facts(&unsubscribe).any(|(e, f)| {
        e.time > left_at && matches!(f, ConsumerFact::OffsetsCommitted { member: 0, .. })
    });
    assert!(!late_commit);
    assert!(unsubscribe.ledger.count(AnomalyKind::DuplicateEffect) > 0);
}

#[test]
fn a_dedup_sink_absorbs_the_duplicates_a_bounded_one_lets_old_ones_through() {
    let dedup = run(&preset("dedup-sink-turns-duplicates-into-one-effect")).unwrap();
    assert!(dedup.ledger.anomalies.is_empty());
    assert!(dedup.ledger.consumed.values().any(|c| c.processed > 1));
    assert!(dedup.ledger.consumed.values().all(|c| c.effects <= 1));
    let bounded = run(&preset("bounded-dedup-window-misses-old-duplicates")).unwrap();
    assert!(bounded.ledger.count(AnomalyKind::DuplicateEffect) > 0);
}

#[test]
fn offsets_stored_with_results_resume_exactly_after_the_last_result() {
    let result = run(&preset("offsets-in-sink-transaction-exactly-once")).unwrap();
    assert!(result.ledger.anomalies.is_empty());
    assert!(result.ledger.consumed.values().all(|c| c.processed == 1));
    assert_eq!(result.ledger.applied(), result.ledger.acknowledged());
}

#[test]
fn consumer_presets_report_an_end_to_end_verdict_and_others_do_not() {
    let with = run(&preset("auto-commit-crash-sync-processing")).unwrap();
    assert!(with.ledger.end_to_end().is_some());
    let without = run(&preset("replication-acks-all")).unwrap();
    assert_eq!(without.ledger.end_to_end(), None);
}

#[test]
fn no_committed_offset_with_reset_none_stops_the_consumer() {
    let mut scenario = preset("commit-after-processing-crash-duplicates");
    let group = scenario.consumer_group.as_mut().unwrap();
    group.configs.auto_offset_reset = Some(delivery_lab_engine::consumer::spec::OffsetReset::None);
    scenario.faults.clear();
    let result = run(&scenario).unwrap();
    let failed = facts(&result)
        .filter(|(_, f)| {
            matches!(
                f,
                ConsumerFact::ConsumerFailed {
                    error: KafkaError::NoOffsetForPartition
                }
            )
        })
        .count();
    assert_eq!(
        failed, 2,
        "both members throw NoOffsetForPartitionException"
    );
    assert_eq!(result.ledger.applied(), 0);
}

#[test]
fn a_member_cut_off_from_the_coordinator_is_replaced_and_rejoins_after_the_heal() {
    let mut scenario = preset("commit-after-processing-crash-duplicates");
    // Its commitSync hangs until request.timeout.ms (30 s) passes, then is resent and fails.
    scenario.duration_ms = 80_000;
    scenario.faults = serde_json::from_str(
        r#"[ { "at_ms": 6000, "type": "cut_link", "from": "C0", "to": "B0" },
             { "at_ms": 24000, "type": "heal_link", "from": "C0", "to": "B0" } ]"#,
    )
    .unwrap();
    let result = run(&scenario).unwrap();
    let removed = facts(&result).any(|(_, f)| {
        matches!(
            f,
            ConsumerFact::MemberRemoved {
                member: 0,
                reason: delivery_lab_engine::consumer::facts::MemberRemoval::SessionTimeout
            }
        )
    });
    assert!(removed, "no heartbeats for session.timeout.ms: removed");
    let generations = facts(&result)
        .filter(|(_, f)| matches!(f, ConsumerFact::GroupRebalanced { .. }))
        .count();
    assert!(
        generations >= 3,
        "formed, C0 removed, C0 back: {generations}"
    );
    assert_eq!(result.ledger.count(AnomalyKind::LostEffect), 0);
    let commit_failed = facts(&result).any(|(e, f)| {
        e.node == NodeId::Consumer(0)
            && matches!(
                f,
                ConsumerFact::CommitFailed {
                    error: KafkaError::CommitFailed,
                    ..
                }
            )
    });
    assert!(
        commit_failed,
        "its hanging commitSync fails once it gets through"
    );
}

#[test]
fn consumer_settings_and_faults_are_validated_with_their_paths() {
    let mut scenario = preset("auto-commit-crash-sync-processing");
    scenario.faults =
        serde_json::from_str(r#"[ { "at_ms": 10, "type": "crash_consumer", "consumer": "C7" } ]"#)
            .unwrap();
    let group = scenario.consumer_group.as_mut().unwrap();
    group.configs.session_timeout_ms = Some(1_000);
    group.members = 0;
    let errors = scenario.validate().unwrap_err().to_string();
    assert!(
        errors.contains("consumer_group.configs.session.timeout.ms"),
        "{errors}"
    );
    assert!(errors.contains("consumer_group.members"), "{errors}");
    assert!(errors.contains("faults[0].consumer"), "{errors}");
    let mut no_group = preset("replication-acks-all");
    no_group.faults = serde_json::from_str(
        r#"[ { "at_ms": 10, "type": "pause_consumer", "consumer": "C0", "ms": 5 } ]"#,
    )
    .unwrap();
    let errors = no_group.validate().unwrap_err().to_string();
    assert!(errors.contains("no consumer_group"), "{errors}");
}

#[test]
fn added_partitions_are_written_found_by_the_group_and_reset_by_policy() {
    let result = run(&preset("partitions-added-offsets-in-sink-skips")).unwrap();
    let created = result
        .trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PartitionCreated { .. }))
        .count();
    assert_eq!(created, 4, "two at creation, two added");
    let sent_to_new = result
        .ledger
        .records
        .iter()
        .filter(|r| r.partition.0 >= 2)
        .count();
    assert!(sent_to_new > 0, "the producer found the new partitions");
    let four_way = facts(&result).any(|(_, f)| match f {
        ConsumerFact::GroupRebalanced { assignment, .. } => {
            assignment.iter().map(|(_, ps)| ps.len()).sum::<usize>() == 4
        }
        _ => false,
    });
    assert!(four_way, "the group rebalanced over four partitions");
    let skipped_to = facts(&result).find_map(|(_, f)| match f {
        ConsumerFact::PositionReset { partition, to, .. } if partition.0 >= 2 => Some(*to),
        _ => None,
    });
    assert!(
        skipped_to.unwrap() > Offset(0),
        "latest starts past what was written"
    );
    let lost = result.ledger.count(AnomalyKind::LostEffect);
    assert!(
        lost > 0
            && result.ledger.anomalies.iter().all(|a| {
                result
                    .ledger
                    .records
                    .iter()
                    .any(|r| r.record == a.record && r.partition.0 >= 2)
            }),
        "only the new partitions' early records are lost"
    );
}

#[test]
fn retention_deletes_what_a_lagging_consumer_has_not_read() {
    let result = run(&preset("consumer-behind-retention-loses-records")).unwrap();
    let lost: Vec<_> = result
        .ledger
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::LostEffect)
        .collect();
    assert!(!lost.is_empty());
    // Every loss is blamed on a retention deletion, and nothing acknowledged was lost from
    // the log itself: the records were there, then deleted by policy.
    for a in &lost {
        let cause = a.cause.expect("a cause");
        assert!(
            matches!(
                result.trace.events[cause].kind,
                EventKind::LogStartMoved { .. }
            ),
            "{a:?}"
        );
    }
    assert_eq!(result.ledger.count(AnomalyKind::LostAcknowledgedWrite), 0);
    // The consumer's fetch fell below the log start and was reset by policy.
    assert!(facts(&result).any(|(_, f)| matches!(f, ConsumerFact::PositionReset { .. })));
    assert!(
        result.trace.to_text().contains("error=OFFSET_OUT_OF_RANGE"),
        "the fetch below the log start"
    );
}

#[test]
fn an_empty_groups_offsets_expire_and_latest_skips_what_was_written_meanwhile() {
    let scenario = preset("offsets-expire-while-group-is-down");
    let result = run(&scenario).unwrap();
    let expired = result
        .trace
        .events
        .iter()
        .position(|e| {
            matches!(
                e.kind,
                EventKind::Consumer(ConsumerFact::OffsetsExpired { .. })
            )
        })
        .expect("the offsets expire");
    // Not before the group had been empty for offsets.retention.minutes.
    let closed_at = SimTime::from_ms(20_000);
    let retention = scenario.cluster.configs.offsets_retention_minutes.unwrap() * 60_000;
    assert!(result.trace.events[expired].time >= closed_at.plus_ms(retention));
    let lost = result.ledger.count(AnomalyKind::LostEffect);
    assert!(
        lost > 50,
        "what was written while the group was away: {lost}"
    );
    assert!(
        result
            .ledger
            .anomalies
            .iter()
            .all(|a| a.cause == Some(expired)),
        "each loss is blamed on the expiry"
    );
}

#[test]
fn kip_320_seeks_back_after_an_unclean_election_and_a_legacy_consumer_skips() {
    let truncated = |r: &Run| {
        facts(r)
            .filter(|(_, f)| matches!(f, ConsumerFact::PositionTruncated { .. }))
            .count()
    };
    let modern = run(&preset("unclean-election-consumer-detects-truncation")).unwrap();
    assert_eq!(truncated(&modern), 1);
    assert_eq!(modern.ledger.count(AnomalyKind::LostEffect), 0);
    assert!(
        modern
            .trace
            .to_text()
            .lines()
            .any(|l| l.contains(" C0 ") && l.contains("OffsetsForLeaderEpoch p0")),
        "the consumer asks the new leader where its epoch ends"
    );
    let legacy = run(&preset("unclean-election-legacy-consumer-skips-records")).unwrap();
    assert_eq!(truncated(&legacy), 0);
    assert!(legacy.ledger.count(AnomalyKind::LostEffect) > 100);
}

#[test]
fn the_new_consumers_auto_commit_race_loses_where_the_classic_one_duplicates() {
    let scenario = preset("new-consumer-auto-commit-race-loses");
    let raced = run(&scenario).unwrap();
    assert!(raced.ledger.count(AnomalyKind::LostEffect) > 0);
    // Fixed in 4.0, and never in the classic consumer: the same crash only duplicates.
    let mut fixed = scenario.clone();
    fixed.kafka_version = delivery_lab_engine::profile::KafkaVersion::V4_0;
    let fixed = run(&fixed).unwrap();
    assert_eq!(fixed.ledger.count(AnomalyKind::LostEffect), 0);
    let mut classic = scenario.clone();
    if let Some(g) = &mut classic.consumer_group {
        g.configs.group_protocol = None;
    }
    let classic = run(&classic).unwrap();
    assert_eq!(classic.ledger.count(AnomalyKind::LostEffect), 0);
    assert!(classic.ledger.count(AnomalyKind::DuplicateEffect) > 0);
}
