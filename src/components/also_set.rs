//! The configs a scenario sets beyond the verdict's usual list: the knobs its story turns
//! (`buffer.memory` and `max.block.ms` for a full buffer, `isolation.level` for a
//! read_committed consumer), so the verdict names every config that differs from the
//! profile's defaults.

use crate::settings::FIELDS;
use delivery_lab_engine::Scenario;

/// The configs the verdict lists for every scenario (cluster and producer, then the
/// consumer group's).
pub const LISTED: &[&str] = &[
    "acks",
    "min.insync.replicas",
    "unclean.leader.election.enable",
    "replica.lag.time.max.ms",
    "log.flush.interval.messages",
    "eligible.leader.replicas.version",
    "message.max.bytes",
    "request.timeout.ms",
    "retries",
    "delivery.timeout.ms",
    "max.in.flight.requests.per.connection",
    "max.request.size",
    "enable.idempotence",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "max.poll.records",
    "max.poll.interval.ms",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "partition.assignment.strategy",
];

/// Every Kafka config (a field under some `configs`) of the consumer group (`group`) or of
/// the cluster and producer (not `group`) that `scenario` sets and [`LISTED`] leaves out,
/// in the settings panel's order, with the value set.
pub fn also_set(scenario: &Scenario, group: bool) -> Vec<(&'static str, String)> {
    let Ok(json) = serde_json::to_value(scenario) else {
        return Vec::new();
    };
    FIELDS
        .iter()
        .filter(|f| f.path.contains(&"configs") && !LISTED.contains(&f.name))
        .filter(|f| (f.section == "Consumer group") == group && f.applies(scenario))
        .filter_map(|f| Some((f.name, f.explicit_in(&json)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::scenario as preset;

    #[test]
    fn a_full_buffer_names_the_buffer_and_the_block_time() {
        let s = preset("buffer-full-send-blocks-then-throws");
        let names: Vec<&str> = also_set(&s, false).iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"buffer.memory"), "{names:?}");
        assert!(names.contains(&"max.block.ms"), "{names:?}");
        assert!(!names.contains(&"acks"), "acks is listed anyway");
        assert!(also_set(&s, true).is_empty(), "no consumer group");
    }

    #[test]
    fn a_read_committed_consumer_names_its_isolation_level() {
        let s = preset("aborted-transaction-invisible-to-read-committed");
        let group = also_set(&s, true);
        assert!(
            group.contains(&("isolation.level", "read_committed".to_string())),
            "{group:?}"
        );
    }

    #[test]
    fn every_listed_name_is_a_setting_of_the_panel() {
        for name in LISTED {
            assert!(FIELDS.iter().any(|f| f.name == *name), "{name}");
        }
    }
}
