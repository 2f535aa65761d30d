//! Validation of untrusted scenarios: typed errors that name the field and the limit.
//!
//! A scenario may come from a link, a file or a text box. Every size that drives work is
//! capped here, so no input can freeze a browser tab; the caps are in [`crate::limits`].

use crate::limits;
use crate::scenario::Scenario;
use std::fmt;
use thiserror::Error;

/// One thing wrong with a scenario, with the path of the field at fault.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ScenarioError {
    /// The text is longer than a scenario may be.
    #[error("the scenario is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Bytes given.
        size: usize,
        /// Bytes allowed.
        limit: usize,
    },
    /// The text is not valid scenario JSON.
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A number outside its allowed range.
    #[error("{path}: {value} is out of range; allowed {min}..={max}")]
    OutOfRange {
        /// Dotted path of the field, e.g. `topic.replication_factor`.
        path: String,
        /// The value given.
        value: u64,
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A value that conflicts with another field.
    #[error("{path}: {reason}")]
    Invalid {
        /// Dotted path of the field.
        path: String,
        /// Why it is wrong.
        reason: String,
    },
}

/// Every problem found in one scenario (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

impl Scenario {
    /// Parses and validates a scenario from untrusted JSON.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioErrors> {
        if text.len() > limits::MAX_SCENARIO_BYTES {
            return Err(ScenarioErrors(vec![ScenarioError::TooLarge {
                size: text.len(),
                limit: limits::MAX_SCENARIO_BYTES,
            }]));
        }
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            ScenarioErrors(vec![ScenarioError::Malformed {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            }])
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks every field against its limits and against the other fields.
    pub fn validate(&self) -> Result<(), ScenarioErrors> {
        let mut errors = Vec::new();
        let mut conflicts = Vec::new();
        let mut range = |path: &str, value: u64, min: u64, max: u64| {
            if value < min || value > max {
                errors.push(ScenarioError::OutOfRange {
                    path: path.into(),
                    value,
                    min,
                    max,
                });
            }
        };
        range(
            "name.length",
            self.name.len() as u64,
            1,
            limits::MAX_NAME_BYTES,
        );
        range(
            "description.length",
            self.description.len() as u64,
            0,
            limits::MAX_TEXT_BYTES,
        );
        range("duration_ms", self.duration_ms, 1, limits::MAX_DURATION_MS);
        range(
            "cluster.brokers",
            self.cluster.brokers.into(),
            1,
            limits::MAX_BROKERS,
        );
        range(
            "topic.name.length",
            self.topic.name.len() as u64,
            1,
            limits::MAX_NAME_BYTES,
        );
        range(
            "topic.partitions",
            self.topic.partitions.into(),
            1,
            limits::MAX_PARTITIONS,
        );
        let rf_max = u64::from(self.cluster.brokers).clamp(1, limits::MAX_BROKERS);
        range(
            "topic.replication_factor",
            self.topic.replication_factor.into(),
            1,
            rf_max,
        );
        range(
            "producer.records",
            self.producer.records.into(),
            0,
            limits::MAX_RECORDS,
        );
        range(
            "producer.count",
            self.producer.count.into(),
            1,
            limits::MAX_PRODUCERS,
        );
        if self.producer.count > 1 {
            let restarts = self
                .faults
                .iter()
                .any(|f| matches!(f.fault, crate::fault::Fault::RestartProducer { .. }));
            if restarts {
                conflicts.push(ScenarioError::Invalid {
                    path: "producer.count".into(),
                    reason: "several producing applications cannot yet be restarted; use \
                             producer.count 1"
                        .into(),
                });
            }
        }
        range(
            "producer.start_ms",
            self.producer.start_ms,
            0,
            limits::MAX_DURATION_MS,
        );
        range(
            "producer.interval_ms",
            self.producer.interval_ms,
            0,
            limits::MAX_INTERVAL_MS,
        );
        let c = &self.cluster.configs;
        if let Some(v) = c.min_insync_replicas {
            range(
                "cluster.configs.min.insync.replicas",
                v.into(),
                1,
                limits::MAX_MIN_ISR,
            );
        }
        if let Some(v) = c.replica_fetch_wait_max_ms {
            range(
                "cluster.configs.replica.fetch.wait.max.ms",
                v,
                1,
                limits::MAX_INTERVAL_MS,
            );
        }
        if let Some(v) = c.replica_lag_time_max_ms {
            range(
                "cluster.configs.replica.lag.time.max.ms",
                v,
                1,
                limits::MAX_DURATION_MS,
            );
        }
        if let Some(v) = c.log_flush_interval_messages {
            range(
                "cluster.configs.log.flush.interval.messages",
                v,
                1,
                u64::MAX,
            );
        }
        if let Some(v) = c.log_flush_interval_ms {
            range(
                "cluster.configs.log.flush.interval.ms",
                v,
                1,
                limits::MAX_DURATION_MS,
            );
        }
        if let Some(v) = self.producer.configs.request_timeout_ms {
            range(
                "producer.configs.request.timeout.ms",
                v,
                1,
                limits::MAX_DURATION_MS,
            );
        }
        if let Some(v) = self.producer.configs.linger_ms {
            range("producer.configs.linger.ms", v, 0, limits::MAX_DURATION_MS);
        }
        if let Some(v) = self.producer.configs.batch_size {
            range(
                "producer.configs.batch.size",
                v.into(),
                0,
                limits::MAX_BATCH_SIZE,
            );
        }
        range(
            "producer.record_bytes",
            self.producer.record_bytes.into(),
            0,
            limits::MAX_RECORD_BYTES,
        );
        if let Some(v) = c.message_max_bytes {
            range(
                "cluster.configs.message.max.bytes",
                v.into(),
                1,
                u64::from(u32::MAX),
            );
        }
        if let Some(v) = c.eligible_leader_replicas_version {
            range(
                "cluster.configs.eligible.leader.replicas.version",
                v.into(),
                0,
                1,
            );
        }
        if let (Err(reason), Some(_)) =
            (self.idempotence(), &self.producer.configs.transactional_id)
        {
            conflicts.push(ScenarioError::Invalid {
                path: "producer.configs.transactional.id".into(),
                reason: format!(
                    "ConfigException: cannot set a transactional.id without also enabling \
                     idempotence ({reason})"
                ),
            });
        } else if let Err(reason) = self.idempotence() {
            conflicts.push(ScenarioError::Invalid {
                path: "producer.configs.enable.idempotence".into(),
                reason: format!(
                    "ConfigException: enable.idempotence=true cannot hold because {reason}; \
                     the idempotent producer needs acks=all, retries > 0 and \
                     max.in.flight.requests.per.connection <= 5"
                ),
            });
        }
        if let Some(id) = &self.producer.configs.transactional_id {
            range(
                "producer.configs.transactional.id (length)",
                id.len() as u64,
                1,
                limits::MAX_NAME_BYTES,
            );
        }
        if let Some(v) = self.producer.configs.transaction_timeout_ms {
            // Above the broker's transaction.max.timeout.ms: InvalidTxnTimeoutException.
            range(
                "producer.configs.transaction.timeout.ms",
                v,
                1,
                limits::MAX_TRANSACTION_TIMEOUT_MS,
            );
        }
        if let Some(plan) = &self.producer.transactions {
            if self.producer.configs.transactional_id.is_none() {
                conflicts.push(ScenarioError::Invalid {
                    path: "producer.transactions".into(),
                    reason: "transactions need producer.configs.transactional.id".into(),
                });
            }
            range(
                "producer.transactions.records_per_transaction",
                plan.records_per_transaction.into(),
                1,
                limits::MAX_RECORDS,
            );
            range(
                "producer.transactions.abort.length",
                plan.abort.len() as u64,
                0,
                limits::MAX_FAULTS,
            );
        }
        let c = self.effective_config();
        if c.delivery_timeout_ms.explicit
            && c.delivery_timeout_ms.value
                < c.request_timeout_ms.value.saturating_add(c.linger_ms.value)
        {
            conflicts.push(ScenarioError::Invalid {
                path: "producer.configs.delivery.timeout.ms".into(),
                reason: "ConfigException: delivery.timeout.ms should be equal to or larger than \
                         linger.ms + request.timeout.ms"
                    .into(),
            });
        }
        if u64::from(c.batch_size.value) > c.buffer_memory.value {
            conflicts.push(ScenarioError::Invalid {
                path: "producer.configs.batch.size".into(),
                reason:
                    "batch.size is larger than buffer.memory: every new batch takes batch.size \
                         bytes from the pool, and the BufferPool refuses an allocation larger \
                         than the whole pool"
                        .into(),
            });
        }
        if let Some(v) = self.producer.configs.max_in_flight_requests_per_connection {
            range(
                "producer.configs.max.in.flight.requests.per.connection",
                v.into(),
                1,
                100,
            );
        }
        if let (Some(g), Some(c)) = (&self.consumer_group, self.consumer_settings()) {
            range(
                "consumer_group.group_id.length",
                g.group_id.len() as u64,
                1,
                limits::MAX_NAME_BYTES,
            );
            range(
                "consumer_group.members",
                g.members.into(),
                1,
                limits::MAX_CONSUMERS,
            );
            range("consumer_group.start_ms", g.start_ms, 0, self.duration_ms);
            if let Some(starts) = &g.member_start_ms {
                if starts.len() != g.members as usize {
                    conflicts.push(ScenarioError::Invalid {
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
                    range(
                        &format!("consumer_group.member_start_ms[{i}]"),
                        at,
                        0,
                        self.duration_ms,
                    );
                }
            }
            range(
                "consumer_group.processing_ms",
                g.processing_ms,
                0,
                limits::MAX_PROCESSING_MS,
            );
            if let crate::consumer::spec::SinkSpec::Dedup { window: Some(n) } = g.sink {
                range("consumer_group.sink.window", n.into(), 1, 1_000_000);
            }
            if g.commit == crate::consumer::spec::CommitStrategy::KafkaTransaction
                && g.processing == crate::consumer::spec::Processing::Buffered
            {
                conflicts.push(ScenarioError::Invalid {
                    path: "consumer_group.commit".into(),
                    reason: "kafka_transaction commits each polled batch in one transaction: \
                             it needs processing: synchronous"
                        .into(),
                });
            }
            let configs = "consumer_group.configs";
            // group.min.session.timeout.ms / group.max.session.timeout.ms (broker defaults).
            range(
                &format!("{configs}.session.timeout.ms"),
                c.session_timeout_ms.value,
                6_000,
                1_800_000,
            );
            range(
                &format!("{configs}.heartbeat.interval.ms"),
                c.heartbeat_interval_ms.value,
                1,
                c.session_timeout_ms.value.saturating_sub(1),
            );
            range(
                &format!("{configs}.max.poll.interval.ms"),
                c.max_poll_interval_ms.value,
                1,
                limits::MAX_DURATION_MS,
            );
            range(
                &format!("{configs}.max.poll.records"),
                c.max_poll_records.value.into(),
                1,
                100_000,
            );
            range(
                &format!("{configs}.auto.commit.interval.ms"),
                c.auto_commit_interval_ms.value,
                1,
                limits::MAX_DURATION_MS,
            );
        }
        let c = self.effective_config();
        for (path, value) in [
            ("cluster.configs.log.retention.ms", c.log_retention_ms.value),
            ("cluster.configs.log.roll.ms", c.log_roll_ms.value),
        ] {
            range(path, value, 1, limits::MAX_RETENTION_MS);
        }
        range(
            "cluster.configs.producer.id.expiration.ms",
            c.producer_id_expiration_ms.value,
            1,
            limits::MAX_RETENTION_MS,
        );
        range(
            "cluster.configs.producer.id.expiration.check.interval.ms",
            c.producer_id_expiration_check_interval_ms.value,
            1,
            limits::MAX_DURATION_MS,
        );
        range(
            "cluster.configs.offsets.retention.minutes",
            c.offsets_retention_minutes.value,
            1,
            limits::MAX_RETENTION_MS / 60_000,
        );
        range(
            "cluster.configs.offsets.retention.check.interval.ms",
            c.offsets_retention_check_interval_ms.value,
            1,
            limits::MAX_DURATION_MS,
        );
        range(
            "cluster.configs.log.retention.check.interval.ms",
            c.log_retention_check_interval_ms.value,
            1,
            limits::MAX_DURATION_MS,
        );
        range(
            "cluster.configs.group.initial.rebalance.delay.ms",
            self.group_initial_rebalance_delay_ms().value,
            0,
            limits::MAX_DURATION_MS,
        );
        if self.producer.send_style == crate::scenario::SendStyle::FireAndForget
            && self.producer.on_failure != crate::scenario::FailurePolicy::Ignore
        {
            conflicts.push(ScenarioError::Invalid {
                path: "producer.on_failure".into(),
                reason: "a fire-and-forget send() never sees the error, so it cannot act on it; use send_style callback or sync".into(),
            });
        }
        let added: u64 = self
            .faults
            .iter()
            .map(|f| match f.fault {
                crate::fault::Fault::AddPartitions { count } => u64::from(count),
                _ => 0,
            })
            .sum();
        range(
            "topic.partitions (with those added by faults)",
            u64::from(self.topic.partitions) + added,
            1,
            limits::MAX_PARTITIONS,
        );
        range(
            "faults.length",
            self.faults.len() as u64,
            0,
            limits::MAX_FAULTS,
        );
        for (i, scheduled) in self.faults.iter().enumerate() {
            let path = format!("faults[{i}]");
            range(
                &format!("{path}.at_ms"),
                scheduled.at_ms,
                0,
                self.duration_ms,
            );
            for b in scheduled.fault.brokers() {
                let max = u64::from(self.cluster.brokers).saturating_sub(1);
                range(&format!("{path}.broker"), b.0.into(), 0, max);
            }
            let instances = self.faults[..i]
                .iter()
                .filter(|f| matches!(f.fault, crate::fault::Fault::RestartProducer { .. }))
                .count() as u64
                + u64::from(self.producer.count.max(1))
                - 1;
            for p in scheduled.fault.producers() {
                range(&format!("{path}.producer"), p.into(), 0, instances);
            }
            if let crate::fault::Fault::RestartProducer {
                transactional_id: Some(id),
                ..
            } = &scheduled.fault
            {
                if self.producer.configs.transactional_id.is_none() {
                    conflicts.push(ScenarioError::Invalid {
                        path: format!("{path}.transactional_id"),
                        reason: "the producer has no transactional.id to change: set \
                                 producer.configs.transactional.id"
                            .into(),
                    });
                }
                range(
                    &format!("{path}.transactional_id.length"),
                    id.len() as u64,
                    1,
                    limits::MAX_NAME_BYTES,
                );
            }
            if matches!(scheduled.fault, crate::fault::Fault::RestartProducer { .. }) {
                range(
                    &format!("{path} (producer instances)"),
                    instances + 2,
                    1,
                    limits::MAX_PRODUCERS,
                );
            }
            let members = self.consumer_group.as_ref().map_or(0, |g| g.members);
            for c in scheduled.fault.consumers() {
                let max = u64::from(members).saturating_sub(1);
                if members == 0 {
                    range(
                        &format!("{path}.consumer (no consumer_group)"),
                        c.into(),
                        1,
                        0,
                    );
                } else {
                    range(&format!("{path}.consumer"), c.into(), 0, max);
                }
            }
            match scheduled.fault {
                crate::fault::Fault::AddPartitions { count } => {
                    range(
                        &format!("{path}.count"),
                        count.into(),
                        1,
                        limits::MAX_PARTITIONS,
                    );
                }
                crate::fault::Fault::PauseConsumer { ms, .. }
                | crate::fault::Fault::PauseProducer { ms, .. } => {
                    range(&format!("{path}.ms"), ms, 1, limits::MAX_DURATION_MS);
                }
                crate::fault::Fault::SlowConsumer { processing_ms, .. } => {
                    range(
                        &format!("{path}.processing_ms"),
                        processing_ms,
                        0,
                        limits::MAX_PROCESSING_MS,
                    );
                }
                _ => {}
            }
            if let crate::fault::Fault::SlowLink { latency_us, .. } = scheduled.fault {
                range(
                    &format!("{path}.latency_us"),
                    latency_us,
                    0,
                    limits::MAX_LATENCY_US,
                );
            }
            if let crate::fault::Fault::DropResponses { count, .. } = scheduled.fault {
                range(
                    &format!("{path}.count"),
                    count.into(),
                    1,
                    limits::MAX_DROPPED_RESPONSES,
                );
            }
        }
        let net = &self.network;
        range(
            "network.latency_us_min",
            net.latency_us_min,
            1,
            limits::MAX_LATENCY_US,
        );
        range(
            "network.latency_us_max",
            net.latency_us_max,
            1,
            limits::MAX_LATENCY_US,
        );
        if net.latency_us_min > net.latency_us_max {
            errors.push(ScenarioError::Invalid {
                path: "network.latency_us_min".into(),
                reason: format!(
                    "{} is above latency_us_max ({})",
                    net.latency_us_min, net.latency_us_max
                ),
            });
        }
        errors.extend(conflicts);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "name": "t", "duration_ms": 100,
        "cluster": {"brokers": 3},
        "topic": {"name": "orders", "partitions": 1, "replication_factor": 3},
        "producer": {"records": 2, "interval_ms": 10}
    }"#;

    #[test]
    fn a_good_scenario_parses() {
        let s = Scenario::from_json(GOOD).unwrap();
        assert_eq!(s.cluster.brokers, 3);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = Scenario::from_json("{\n  \"name\": }").unwrap_err();
        match &err.0[0] {
            ScenarioError::Malformed { line, .. } => assert_eq!(*line, 2),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_fields_are_rejected_by_name() {
        let text = GOOD.replace("\"brokers\": 3", "\"brokers\": 3, \"brokres\": 1");
        let err = Scenario::from_json(&text).unwrap_err().to_string();
        assert!(err.contains("brokres"), "{err}");
    }

    #[test]
    fn replication_factor_above_broker_count_is_named() {
        let text = GOOD.replace("\"replication_factor\": 3", "\"replication_factor\": 4");
        let err = Scenario::from_json(&text).unwrap_err();
        assert_eq!(
            err.0,
            vec![ScenarioError::OutOfRange {
                path: "topic.replication_factor".into(),
                value: 4,
                min: 1,
                max: 3
            }]
        );
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let text = GOOD
            .replace("\"brokers\": 3", "\"brokers\": 300")
            .replace("\"records\": 2", "\"records\": 99999999");
        let err = Scenario::from_json(&text).unwrap_err();
        let paths: Vec<String> = err
            .0
            .iter()
            .filter_map(|e| match e {
                ScenarioError::OutOfRange { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect();
        assert!(paths.contains(&"cluster.brokers".to_string()), "{paths:?}");
        assert!(paths.contains(&"producer.records".to_string()), "{paths:?}");
    }

    #[test]
    fn faults_read_flat_and_name_their_broker() {
        let text = GOOD.replace(
            "\"producer\":",
            "\"faults\": [{\"at_ms\": 50, \"type\": \"crash_broker\", \"broker\": 0}], \"producer\":",
        );
        let s = Scenario::from_json(&text).unwrap();
        assert_eq!(s.faults[0].at_ms, 50);
        let bad = text.replace("\"broker\": 0", "\"broker\": 7");
        let err = Scenario::from_json(&bad).unwrap_err().to_string();
        assert!(
            err.contains("faults[0].broker: 7 is out of range; allowed 0..=2"),
            "{err}"
        );
        let late = text.replace("\"at_ms\": 50", "\"at_ms\": 5000");
        let err = Scenario::from_json(&late).unwrap_err().to_string();
        assert!(err.contains("faults[0].at_ms"), "{err}");
    }

    #[test]
    fn an_unknown_fault_type_is_named() {
        let text = GOOD.replace(
            "\"producer\":",
            "\"faults\": [{\"at_ms\": 5, \"type\": \"explode\", \"broker\": 0}], \"producer\":",
        );
        let err = Scenario::from_json(&text).unwrap_err().to_string();
        assert!(err.contains("explode"), "{err}");
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let huge = " ".repeat(crate::limits::MAX_SCENARIO_BYTES + 1);
        let err = Scenario::from_json(&huge).unwrap_err();
        assert!(matches!(err.0[0], ScenarioError::TooLarge { .. }));
    }
}
