//! Broker and producer configs: each against its range, and the combinations Kafka refuses
//! with a `ConfigException`.

use super::Checks;
use crate::limits;
use crate::scenario::Scenario;
use crate::validate::ScenarioError;

/// Broker and producer configs, idempotence and transactions.
pub(super) fn configs(s: &Scenario, checks: &mut Checks) {
    let c = &s.cluster.configs;
    if let Some(v) = c.min_insync_replicas {
        checks.range(
            "cluster.configs.min.insync.replicas",
            v.into(),
            1,
            limits::MAX_MIN_ISR,
        );
    }
    if let Some(v) = c.replica_fetch_wait_max_ms {
        checks.range(
            "cluster.configs.replica.fetch.wait.max.ms",
            v,
            1,
            limits::MAX_INTERVAL_MS,
        );
    }
    if let Some(v) = c.replica_lag_time_max_ms {
        checks.range(
            "cluster.configs.replica.lag.time.max.ms",
            v,
            1,
            limits::MAX_DURATION_MS,
        );
    }
    if let Some(v) = c.log_flush_interval_messages {
        checks.range(
            "cluster.configs.log.flush.interval.messages",
            v,
            1,
            u64::MAX,
        );
    }
    if let Some(v) = c.log_flush_interval_ms {
        checks.range(
            "cluster.configs.log.flush.interval.ms",
            v,
            1,
            limits::MAX_DURATION_MS,
        );
    }
    if let Some(v) = s.producer.configs.request_timeout_ms {
        checks.range(
            "producer.configs.request.timeout.ms",
            v,
            1,
            limits::MAX_DURATION_MS,
        );
    }
    if let Some(v) = s.producer.configs.linger_ms {
        checks.range("producer.configs.linger.ms", v, 0, limits::MAX_DURATION_MS);
    }
    if let Some(v) = s.producer.configs.batch_size {
        checks.range(
            "producer.configs.batch.size",
            v.into(),
            0,
            limits::MAX_BATCH_SIZE,
        );
    }
    checks.range(
        "producer.record_bytes",
        s.producer.record_bytes.into(),
        0,
        limits::MAX_RECORD_BYTES,
    );
    if let Some(v) = c.message_max_bytes {
        checks.range(
            "cluster.configs.message.max.bytes",
            v.into(),
            1,
            u64::from(u32::MAX),
        );
    }
    if let Some(v) = c.eligible_leader_replicas_version {
        checks.range(
            "cluster.configs.eligible.leader.replicas.version",
            v.into(),
            0,
            1,
        );
    }
    if let (Err(reason), Some(_)) = (s.idempotence(), &s.producer.configs.transactional_id) {
        checks.conflicts.push(ScenarioError::Invalid {
            path: "producer.configs.transactional.id".into(),
            reason: format!(
                "ConfigException: cannot set a transactional.id without also enabling \
                 idempotence ({reason})"
            ),
        });
    } else if let Err(reason) = s.idempotence() {
        checks.conflicts.push(ScenarioError::Invalid {
            path: "producer.configs.enable.idempotence".into(),
            reason: format!(
                "ConfigException: enable.idempotence=true cannot hold because {reason}; \
                 the idempotent producer needs acks=all, retries > 0 and \
                 max.in.flight.requests.per.connection <= 5"
            ),
        });
    }
    if let Some(id) = &s.producer.configs.transactional_id {
        checks.range(
            "producer.configs.transactional.id (length)",
            id.len() as u64,
            1,
            limits::MAX_NAME_BYTES,
        );
    }
    if let Some(v) = s.producer.configs.transaction_timeout_ms {
        // Above the broker's transaction.max.timeout.ms: InvalidTxnTimeoutException.
        checks.range(
            "producer.configs.transaction.timeout.ms",
            v,
            1,
            limits::MAX_TRANSACTION_TIMEOUT_MS,
        );
    }
    if let Some(plan) = &s.producer.transactions {
        if s.producer.configs.transactional_id.is_none() {
            checks.conflicts.push(ScenarioError::Invalid {
                path: "producer.transactions".into(),
                reason: "transactions need producer.configs.transactional.id".into(),
            });
        }
        checks.range(
            "producer.transactions.records_per_transaction",
            plan.records_per_transaction.into(),
            1,
            limits::MAX_RECORDS,
        );
        checks.range(
            "producer.transactions.abort.length",
            plan.abort.len() as u64,
            0,
            limits::MAX_FAULTS,
        );
    }
    let c = s.effective_config();
    if c.delivery_timeout_ms.explicit
        && c.delivery_timeout_ms.value
            < c.request_timeout_ms.value.saturating_add(c.linger_ms.value)
    {
        checks.conflicts.push(ScenarioError::Invalid {
            path: "producer.configs.delivery.timeout.ms".into(),
            reason: "ConfigException: delivery.timeout.ms should be equal to or larger than \
                     linger.ms + request.timeout.ms"
                .into(),
        });
    }
    if u64::from(c.batch_size.value) > c.buffer_memory.value {
        checks.conflicts.push(ScenarioError::Invalid {
            path: "producer.configs.batch.size".into(),
            reason: "batch.size is larger than buffer.memory: every new batch takes batch.size \
                     bytes from the pool, and the BufferPool refuses an allocation larger \
                     than the whole pool"
                .into(),
        });
    }
    if let Some(v) = s.producer.configs.max_in_flight_requests_per_connection {
        checks.range(
            "producer.configs.max.in.flight.requests.per.connection",
            v.into(),
            1,
            100,
        );
    }
}

/// Retention, producer-id expiry and group timing configs; the send style against the failure policy.
pub(super) fn retention(s: &Scenario, checks: &mut Checks) {
    let c = s.effective_config();
    for (path, value) in [
        ("cluster.configs.log.retention.ms", c.log_retention_ms.value),
        ("cluster.configs.log.roll.ms", c.log_roll_ms.value),
    ] {
        checks.range(path, value, 1, limits::MAX_RETENTION_MS);
    }
    checks.range(
        "cluster.configs.producer.id.expiration.ms",
        c.producer_id_expiration_ms.value,
        1,
        limits::MAX_RETENTION_MS,
    );
    checks.range(
        "cluster.configs.producer.id.expiration.check.interval.ms",
        c.producer_id_expiration_check_interval_ms.value,
        1,
        limits::MAX_DURATION_MS,
    );
    checks.range(
        "cluster.configs.offsets.retention.minutes",
        c.offsets_retention_minutes.value,
        1,
        limits::MAX_RETENTION_MS / 60_000,
    );
    checks.range(
        "cluster.configs.offsets.retention.check.interval.ms",
        c.offsets_retention_check_interval_ms.value,
        1,
        limits::MAX_DURATION_MS,
    );
    checks.range(
        "cluster.configs.log.retention.check.interval.ms",
        c.log_retention_check_interval_ms.value,
        1,
        limits::MAX_DURATION_MS,
    );
    checks.range(
        "cluster.configs.group.initial.rebalance.delay.ms",
        s.group_initial_rebalance_delay_ms().value,
        0,
        limits::MAX_DURATION_MS,
    );
    if s.producer.send_style == crate::scenario::SendStyle::FireAndForget
        && s.producer.on_failure != crate::scenario::FailurePolicy::Ignore
    {
        checks.conflicts.push(ScenarioError::Invalid {
            path: "producer.on_failure".into(),
            reason: "a fire-and-forget send() never sees the error, so it cannot act on it; use send_style callback or sync".into(),
        });
    }
}
