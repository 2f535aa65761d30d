//! The fault plan: its length, each fault's time and the nodes and amounts it names.

use super::Checks;
use crate::limits;
use crate::scenario::Scenario;
use crate::validate::ScenarioError;

/// Partitions added by faults, and every fault in the plan.
pub(super) fn faults(s: &Scenario, checks: &mut Checks) {
    let added: u64 = s
        .faults
        .iter()
        .map(|f| match f.fault {
            crate::fault::Fault::AddPartitions { count } => u64::from(count),
            _ => 0,
        })
        .sum();
    checks.range(
        "topic.partitions (with those added by faults)",
        u64::from(s.topic.partitions) + added,
        1,
        limits::MAX_PARTITIONS,
    );
    checks.range(
        "faults.length",
        s.faults.len() as u64,
        0,
        limits::MAX_FAULTS,
    );
    for (i, scheduled) in s.faults.iter().enumerate() {
        let path = format!("faults[{i}]");
        checks.range(&format!("{path}.at_ms"), scheduled.at_ms, 0, s.duration_ms);
        for b in scheduled.fault.brokers() {
            let max = u64::from(s.cluster.brokers).saturating_sub(1);
            checks.range(&format!("{path}.broker"), b.0.into(), 0, max);
        }
        let instances = s.faults[..i]
            .iter()
            .filter(|f| matches!(f.fault, crate::fault::Fault::RestartProducer { .. }))
            .count() as u64
            + u64::from(s.producer.count.max(1))
            - 1;
        for p in scheduled.fault.producers() {
            checks.range(&format!("{path}.producer"), p.into(), 0, instances);
        }
        if let crate::fault::Fault::RestartProducer {
            transactional_id: Some(id),
            ..
        } = &scheduled.fault
        {
            if s.producer.configs.transactional_id.is_none() {
                checks.conflicts.push(ScenarioError::Invalid {
                    path: format!("{path}.transactional_id"),
                    reason: "the producer has no transactional.id to change: set \
                             producer.configs.transactional.id"
                        .into(),
                });
            }
            checks.range(
                &format!("{path}.transactional_id.length"),
                id.len() as u64,
                1,
                limits::MAX_NAME_BYTES,
            );
        }
        if matches!(scheduled.fault, crate::fault::Fault::RestartProducer { .. }) {
            checks.range(
                &format!("{path} (producer instances)"),
                instances + 2,
                1,
                limits::MAX_PRODUCERS,
            );
        }
        let members = s.consumer_group.as_ref().map_or(0, |g| g.members);
        for c in scheduled.fault.consumers() {
            let max = u64::from(members).saturating_sub(1);
            if members == 0 {
                checks.range(
                    &format!("{path}.consumer (no consumer_group)"),
                    c.into(),
                    1,
                    0,
                );
            } else {
                checks.range(&format!("{path}.consumer"), c.into(), 0, max);
            }
        }
        match scheduled.fault {
            crate::fault::Fault::AddPartitions { count } => {
                checks.range(
                    &format!("{path}.count"),
                    count.into(),
                    1,
                    limits::MAX_PARTITIONS,
                );
            }
            crate::fault::Fault::PauseConsumer { ms, .. }
            | crate::fault::Fault::PauseProducer { ms, .. } => {
                checks.range(&format!("{path}.ms"), ms, 1, limits::MAX_DURATION_MS);
            }
            crate::fault::Fault::SlowConsumer { processing_ms, .. } => {
                checks.range(
                    &format!("{path}.processing_ms"),
                    processing_ms,
                    0,
                    limits::MAX_PROCESSING_MS,
                );
            }
            _ => {}
        }
        if let crate::fault::Fault::SlowLink { latency_us, .. } = scheduled.fault {
            checks.range(
                &format!("{path}.latency_us"),
                latency_us,
                0,
                limits::MAX_LATENCY_US,
            );
        }
        if let crate::fault::Fault::DropResponses { count, .. } = scheduled.fault {
            checks.range(
                &format!("{path}.count"),
                count.into(),
                1,
                limits::MAX_DROPPED_RESPONSES,
            );
        }
    }
}
