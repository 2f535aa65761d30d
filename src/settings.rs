//! Every knob the engine models, editable under Kafka's own names: where it lives in the
//! scenario's JSON, what kind of input it takes, and its value in force (set, or the
//! version's default). An edit goes through the same untrusted-input path as a file
//! (`Scenario::from_json`), so a bad value gets the engine's own message, naming the field.

use delivery_lab_engine::consumer::spec::ConsumerSettings;
use delivery_lab_engine::{EffectiveConfig, Scenario};
use serde_json::Value;

mod catalogue;
pub use catalogue::FIELDS;

/// The kind of input a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// A whole number.
    Number,
    /// true / false.
    Bool,
    /// One of these (JSON strings).
    Choice(&'static [&'static str]),
    /// Free text (a JSON string), such as an id.
    Text,
}

/// One editable setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The panel section: Cluster, Producer, Consumer group.
    pub section: &'static str,
    /// Kafka's name (or the scenario's, for the shape of the cluster and workload).
    pub name: &'static str,
    /// Where it lives in the scenario's JSON.
    pub path: &'static [&'static str],
    /// Its input.
    pub input: Input,
}

impl Field {
    /// The path as the engine's messages write it.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }

    /// Whether the scenario has the part this field lives in (a consumer group).
    pub fn applies(&self, scenario: &Scenario) -> bool {
        self.section != "Consumer group" || scenario.consumer_group.is_some()
    }

    /// The value the scenario sets, if it sets one.
    pub fn explicit(&self, scenario: &Scenario) -> Option<String> {
        self.explicit_in(&serde_json::to_value(scenario).ok()?)
    }

    /// The value a scenario's JSON form sets, if it sets one.
    pub fn explicit_in(&self, json: &Value) -> Option<String> {
        let value = self.path.iter().try_fold(json, |v, key| v.get(*key))?;
        Some(match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// The value in force when the scenario sets none: the version's default.
    pub fn default_value(&self, scenario: &Scenario) -> String {
        let consumer = scenario.consumer_settings();
        self.default_in(scenario, &scenario.effective_config(), consumer.as_ref())
    }

    /// The default, given the scenario's effective configs and consumer settings (worked out
    /// once for every field of a panel).
    pub fn default_in(
        &self,
        scenario: &Scenario,
        c: &EffectiveConfig,
        consumer: Option<&ConsumerSettings>,
    ) -> String {
        let none = || "never".to_string();
        match self.name {
            "min.insync.replicas" => c.min_insync_replicas.value.to_string(),
            "unclean.leader.election.enable" => c.unclean_leader_election_enable.value.to_string(),
            "replica.lag.time.max.ms" => c.replica_lag_time_max_ms.value.to_string(),
            "replica.fetch.wait.max.ms" => c.replica_fetch_wait_max_ms.value.to_string(),
            "log.flush.interval.messages" => c
                .log_flush_interval_messages
                .value
                .map_or_else(none, |v| v.to_string()),
            "log.flush.interval.ms" => c
                .log_flush_interval_ms
                .value
                .map_or_else(none, |v| v.to_string()),
            "message.max.bytes" => c.message_max_bytes.value.to_string(),
            "log.retention.ms" => c.log_retention_ms.value.to_string(),
            "offsets.retention.minutes" => c.offsets_retention_minutes.value.to_string(),
            "producer.id.expiration.ms" => c.producer_id_expiration_ms.value.to_string(),
            "offsets.retention.check.interval.ms" => {
                c.offsets_retention_check_interval_ms.value.to_string()
            }
            "log.roll.ms" => c.log_roll_ms.value.to_string(),
            "log.retention.check.interval.ms" => {
                c.log_retention_check_interval_ms.value.to_string()
            }
            "eligible.leader.replicas.version" => {
                c.eligible_leader_replicas_version.value.to_string()
            }
            "group.initial.rebalance.delay.ms" => scenario
                .group_initial_rebalance_delay_ms()
                .value
                .to_string(),
            "acks" => c.acks.value.to_string(),
            "retries" => c.retries.value.to_string(),
            "retry.backoff.ms" => c.retry_backoff_ms.value.to_string(),
            "request.timeout.ms" => c.request_timeout_ms.value.to_string(),
            "delivery.timeout.ms" => c.delivery_timeout_ms.value.to_string(),
            "max.in.flight.requests.per.connection" => {
                c.max_in_flight_requests_per_connection.value.to_string()
            }
            "enable.idempotence" => c.enable_idempotence.value.to_string(),
            "max.request.size" => c.max_request_size.value.to_string(),
            "linger.ms" => c.linger_ms.value.to_string(),
            "batch.size" => c.batch_size.value.to_string(),
            "buffer.memory" => c.buffer_memory.value.to_string(),
            "max.block.ms" => c.max_block_ms.value.to_string(),
            "metadata.max.age.ms" => c.metadata_max_age_ms.value.to_string(),
            "transactional.id" => "null (no transactions)".to_string(),
            "transaction.timeout.ms" => c.transaction_timeout_ms.value.to_string(),
            "records_per_transaction" => scenario
                .transaction_plan()
                .unwrap_or_default()
                .records_per_transaction
                .to_string(),
            "record_bytes" => "100".to_string(),
            "count" => "1".to_string(),
            "on_failure" => "ignore".to_string(),
            "send_style" => "callback".to_string(),
            "processing_ms" => "5".to_string(),
            "processing" => "synchronous".to_string(),
            "commit" => "none".to_string(),
            "commit_on_revoke" => "false".to_string(),
            name => consumer
                .map(|s| match name {
                    "enable.auto.commit" => s.enable_auto_commit.value.to_string(),
                    "auto.commit.interval.ms" => s.auto_commit_interval_ms.value.to_string(),
                    "auto.offset.reset" => s.auto_offset_reset.value.to_string(),
                    "isolation.level" => s.isolation_level.value.to_string(),
                    "group.protocol" => s.group_protocol.value.to_string(),
                    "partition.assignment.strategy" => {
                        s.partition_assignment_strategy.value.to_string()
                    }
                    "max.poll.records" => s.max_poll_records.value.to_string(),
                    "max.poll.interval.ms" => s.max_poll_interval_ms.value.to_string(),
                    "session.timeout.ms" => s.session_timeout_ms.value.to_string(),
                    "heartbeat.interval.ms" => s.heartbeat_interval_ms.value.to_string(),
                    "consumer metadata.max.age.ms" => s.metadata_max_age_ms.value.to_string(),
                    _ => String::new(),
                })
                .unwrap_or_default(),
        }
    }

    /// The scenario with this field set to `raw` (empty: back to the default), validated.
    pub fn set(&self, scenario: &Scenario, raw: &str) -> Result<Scenario, String> {
        let raw = raw.trim();
        let value = if raw.is_empty() {
            None
        } else {
            Some(match self.input {
                Input::Number => raw
                    .parse::<u64>()
                    .map(Value::from)
                    .map_err(|_| format!("{}: “{raw}” is not a whole number", self.name))?,
                Input::Bool => match raw {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => return Err(format!("{}: “{raw}” is not true or false", self.name)),
                },
                Input::Choice(options) if options.contains(&raw) => Value::String(raw.to_string()),
                Input::Text => Value::String(raw.to_string()),
                Input::Choice(options) => {
                    return Err(format!(
                        "{}: choose one of {}",
                        self.name,
                        options.join(", ")
                    ));
                }
            })
        };
        let mut json = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
        let (last, parents) = self.path.split_last().ok_or("empty path")?;
        let mut node = &mut json;
        for key in parents {
            let object = node.as_object_mut().ok_or("not an object")?;
            node = object
                .entry(*key)
                .or_insert_with(|| Value::Object(Default::default()));
        }
        let object = node.as_object_mut().ok_or("not an object")?;
        let cleared = value.is_none();
        match value {
            Some(v) => object.insert((*last).to_string(), v),
            None => object.remove(*last),
        };
        if cleared {
            prune_empty(&mut json, parents);
        }
        Scenario::from_json(&json.to_string()).map_err(|e| e.to_string())
    }
}

/// Removes the objects along `path` that a cleared setting left empty (an empty
/// `transactions` block would ask for transactions without a plan).
fn prune_empty(json: &mut Value, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(object) = json.as_object_mut() else {
        return;
    };
    if let Some(child) = object.get_mut(*first) {
        prune_empty(child, rest);
        if child.as_object().is_some_and(|o| o.is_empty()) && *first != "configs" {
            object.remove(*first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        Scenario::from_json(include_str!(
            "../scenarios/acks-1-answers-before-replication.json"
        ))
        .unwrap()
    }

    fn named(name: &str) -> &'static Field {
        FIELDS.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn a_setting_shows_its_value_or_the_versions_default() {
        let s = scenario();
        assert_eq!(named("acks").explicit(&s).as_deref(), Some("1"));
        assert_eq!(named("retries").explicit(&s), None);
        assert_eq!(named("retries").default_value(&s), "2147483647");
        assert!(
            !named("session.timeout.ms").applies(&s),
            "no consumer group"
        );
    }

    #[test]
    fn setting_and_clearing_goes_through_validation() {
        let s = scenario();
        let set = named("min.insync.replicas").set(&s, "2").unwrap();
        assert!(set.effective_config().min_insync_replicas.explicit);
        let cleared = named("min.insync.replicas").set(&set, "").unwrap();
        assert!(!cleared.effective_config().min_insync_replicas.explicit);
        let err = named("replication.factor").set(&s, "7").unwrap_err();
        assert!(err.contains("topic.replication_factor"), "{err}");
        assert!(
            named("retries")
                .set(&s, "lots")
                .unwrap_err()
                .contains("whole number")
        );
        let version = named("kafka_version").set(&s, "0.10").unwrap();
        assert_eq!(version.kafka_version.to_string(), "0.10");
    }

    #[test]
    fn every_field_round_trips_its_default_on_every_preset() {
        for p in crate::presets::PRESETS {
            let s = Scenario::from_json(p.json).unwrap();
            for f in FIELDS.iter().filter(|f| f.applies(&s)) {
                let now = f.explicit(&s).unwrap_or_default();
                let again = f.set(&s, &now);
                assert!(again.is_ok(), "{} {}: {:?}", p.id, f.name, again.err());
            }
        }
    }
}
