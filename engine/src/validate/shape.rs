//! The scenario's shape: its names, how long it runs, the cluster, the topic and the
//! producing workload's size, and the simulated network.

use super::Checks;
use crate::limits;
use crate::scenario::Scenario;
use crate::validate::ScenarioError;

/// Names, duration, cluster, topic and workload sizes.
pub(super) fn shape(s: &Scenario, checks: &mut Checks) {
    checks.range(
        "name.length",
        s.name.len() as u64,
        1,
        limits::MAX_NAME_BYTES,
    );
    checks.range(
        "description.length",
        s.description.len() as u64,
        0,
        limits::MAX_TEXT_BYTES,
    );
    checks.range("duration_ms", s.duration_ms, 1, limits::MAX_DURATION_MS);
    checks.range(
        "cluster.brokers",
        s.cluster.brokers.into(),
        1,
        limits::MAX_BROKERS,
    );
    checks.range(
        "topic.name.length",
        s.topic.name.len() as u64,
        1,
        limits::MAX_NAME_BYTES,
    );
    checks.range(
        "topic.partitions",
        s.topic.partitions.into(),
        1,
        limits::MAX_PARTITIONS,
    );
    let rf_max = u64::from(s.cluster.brokers).clamp(1, limits::MAX_BROKERS);
    checks.range(
        "topic.replication_factor",
        s.topic.replication_factor.into(),
        1,
        rf_max,
    );
    checks.range(
        "producer.records",
        s.producer.records.into(),
        0,
        limits::MAX_RECORDS,
    );
    checks.range(
        "producer.count",
        s.producer.count.into(),
        1,
        limits::MAX_PRODUCERS,
    );
    if s.producer.count > 1 {
        let restarts = s
            .faults
            .iter()
            .any(|f| matches!(f.fault, crate::fault::Fault::RestartProducer { .. }));
        if restarts {
            checks.conflicts.push(ScenarioError::Invalid {
                path: "producer.count".into(),
                reason: "several producing applications cannot yet be restarted; use \
                         producer.count 1"
                    .into(),
            });
        }
    }
    checks.range(
        "producer.start_ms",
        s.producer.start_ms,
        0,
        limits::MAX_DURATION_MS,
    );
    checks.range(
        "producer.interval_ms",
        s.producer.interval_ms,
        0,
        limits::MAX_INTERVAL_MS,
    );
}

/// The latency range of the network.
pub(super) fn network(s: &Scenario, checks: &mut Checks) {
    let net = &s.network;
    checks.range(
        "network.latency_us_min",
        net.latency_us_min,
        1,
        limits::MAX_LATENCY_US,
    );
    checks.range(
        "network.latency_us_max",
        net.latency_us_max,
        1,
        limits::MAX_LATENCY_US,
    );
    if net.latency_us_min > net.latency_us_max {
        checks.errors.push(ScenarioError::Invalid {
            path: "network.latency_us_min".into(),
            reason: format!(
                "{} is above latency_us_max ({})",
                net.latency_us_min, net.latency_us_max
            ),
        });
    }
}
