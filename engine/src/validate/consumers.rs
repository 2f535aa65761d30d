//! The consumer group: its size and each consumer config against its range.

use super::Checks;
use crate::limits;
use crate::scenario::Scenario;
use crate::validate::ScenarioError;

/// The consumer group and its configs.
pub(super) fn consumers(s: &Scenario, checks: &mut Checks) {
    if let (Some(g), Some(c)) = (&s.consumer_group, s.consumer_settings()) {
        checks.range(
            "consumer_group.group_id.length",
            g.group_id.len() as u64,
            1,
            limits::MAX_NAME_BYTES,
        );
        checks.range(
            "consumer_group.members",
            g.members.into(),
            1,
            limits::MAX_CONSUMERS,
        );
        checks.range("consumer_group.start_ms", g.start_ms, 0, s.duration_ms);
        if let Some(starts) = &g.member_start_ms {
            if starts.len() != g.members as usize {
                checks.conflicts.push(ScenarioError::Invalid {
                    path: "consumer_group.member_start_ms".into(),
                    reason: format!(
                        "gives {} start times for {} members: give one per member",
                        starts.len(),
                        g.members
                    ),
                });
            }
            for (i, &at) in starts
                .iter()
                .take(limits::MAX_CONSUMERS as usize)
                .enumerate()
            {
                checks.range(
                    &format!("consumer_group.member_start_ms[{i}]"),
                    at,
                    0,
                    s.duration_ms,
                );
            }
        }
        checks.range(
            "consumer_group.processing_ms",
            g.processing_ms,
            0,
            limits::MAX_PROCESSING_MS,
        );
        if let crate::consumer::spec::SinkSpec::Dedup { window: Some(n) } = g.sink {
            checks.range("consumer_group.sink.window", n.into(), 1, 1_000_000);
        }
        if g.commit == crate::consumer::spec::CommitStrategy::KafkaTransaction
            && g.processing == crate::consumer::spec::Processing::Buffered
        {
            checks.conflicts.push(ScenarioError::Invalid {
                path: "consumer_group.commit".into(),
                reason: "kafka_transaction commits each polled batch in one transaction: \
                         it needs processing: synchronous"
                    .into(),
            });
        }
        let configs = "consumer_group.configs";
        // group.min.session.timeout.ms / group.max.session.timeout.ms (broker defaults).
        checks.range(
            &format!("{configs}.session.timeout.ms"),
            c.session_timeout_ms.value,
            6_000,
            1_800_000,
        );
        checks.range(
            &format!("{configs}.heartbeat.interval.ms"),
            c.heartbeat_interval_ms.value,
            1,
            c.session_timeout_ms.value.saturating_sub(1),
        );
        checks.range(
            &format!("{configs}.max.poll.interval.ms"),
            c.max_poll_interval_ms.value,
            1,
            limits::MAX_DURATION_MS,
        );
        checks.range(
            &format!("{configs}.max.poll.records"),
            c.max_poll_records.value.into(),
            1,
            100_000,
        );
        checks.range(
            &format!("{configs}.auto.commit.interval.ms"),
            c.auto_commit_interval_ms.value,
            1,
            limits::MAX_DURATION_MS,
        );
    }
}
