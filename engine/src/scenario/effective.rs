//! What a scenario means once its profile fills the gaps: the configs in force (each with
//! whether the scenario set it), whether the producer ends up idempotent, and the derived
//! facts the engine and the app read (replica assignment, transaction plan, consumer
//! settings).

use super::{Scenario, TransactionPlan};
use crate::acks::Acks;
use crate::consumer::spec::{self as consumer_spec, ConsumerSettings};
use crate::ids::PartitionId;
use crate::profile::{Setting, Truncation};
use serde::Serialize;

/// Whether the producer is idempotent in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum Idempotence {
    /// Producer id and sequence numbers: the broker drops duplicate retries.
    On,
    /// Not enabled.
    Off,
    /// Enabled by default, but switched off without an error because of this setting
    /// (Kafka logs it at INFO).
    SilentlyDisabled(&'static str),
}

/// The configs in force for a run: each value with whether the scenario set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EffectiveConfig {
    /// Producer `acks`.
    pub acks: Setting<Acks>,
    /// `min.insync.replicas`.
    pub min_insync_replicas: Setting<u32>,
    /// `replica.fetch.wait.max.ms`.
    pub replica_fetch_wait_max_ms: Setting<u64>,
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max_ms: Setting<u64>,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: Setting<bool>,
    /// `log.flush.interval.messages` (none: never by count).
    pub log_flush_interval_messages: Setting<Option<u64>>,
    /// `log.flush.interval.ms` (none: never on a timer).
    pub log_flush_interval_ms: Setting<Option<u64>>,
    /// Producer `request.timeout.ms`.
    pub request_timeout_ms: Setting<u64>,
    /// Broker `message.max.bytes`.
    pub message_max_bytes: Setting<u32>,
    /// Producer `retries`.
    pub retries: Setting<u32>,
    /// Producer `retry.backoff.ms`.
    pub retry_backoff_ms: Setting<u64>,
    /// Producer `retry.backoff.max.ms` (not a scenario field yet: the default).
    pub retry_backoff_max_ms: u64,
    /// Whether backoff is exponential with jitter (3.7+).
    pub exponential_backoff: bool,
    /// Producer `delivery.timeout.ms`.
    pub delivery_timeout_ms: Setting<u64>,
    /// Producer `max.in.flight.requests.per.connection`.
    pub max_in_flight_requests_per_connection: Setting<u32>,
    /// Producer `enable.idempotence` as configured (set or default).
    pub enable_idempotence: Setting<bool>,
    /// Producer `max.request.size`.
    pub max_request_size: Setting<u32>,
    /// `linger.ms` (0; 5 from 4.0).
    pub linger_ms: Setting<u64>,
    /// `batch.size` (16 KiB).
    pub batch_size: Setting<u32>,
    /// `buffer.memory` (32 MiB).
    pub buffer_memory: Setting<u64>,
    /// `max.block.ms` (60 s).
    pub max_block_ms: Setting<u64>,
    /// Producer `metadata.max.age.ms`.
    pub metadata_max_age_ms: Setting<u64>,
    /// `transaction.timeout.ms`.
    pub transaction_timeout_ms: Setting<u64>,
    /// transaction.version 2 (KIP-890 part 2, 4.0): the epoch is bumped per transaction.
    pub epoch_per_transaction: bool,
    /// KIP-890 part 1 (3.6+): leaders verify a transaction's first write to a partition.
    pub verify_transactions: bool,
    /// Feature `eligible.leader.replicas.version`.
    pub eligible_leader_replicas_version: Setting<u8>,
    /// `log.retention.ms` (168 hours by default).
    pub log_retention_ms: Setting<u64>,
    /// `log.roll.ms` (168 hours by default).
    pub log_roll_ms: Setting<u64>,
    /// `log.retention.check.interval.ms` (5 minutes by default).
    pub log_retention_check_interval_ms: Setting<u64>,
    /// `producer.id.expiration.ms` (1 day from 3.4, KIP-854; before, the 7 days of
    /// `transactional.id.expiration.ms`).
    pub producer_id_expiration_ms: Setting<u64>,
    /// `producer.id.expiration.check.interval.ms` (10 minutes).
    pub producer_id_expiration_check_interval_ms: Setting<u64>,
    /// `offsets.retention.minutes` (7 days from 2.0, KIP-186; 1 day before).
    pub offsets_retention_minutes: Setting<u64>,
    /// `offsets.retention.check.interval.ms` (10 minutes).
    pub offsets_retention_check_interval_ms: Setting<u64>,
    /// Broker session timeout (KRaft `broker.session.timeout.ms`; ZooKeeper's before it).
    pub broker_session_timeout_ms: u64,
    /// `broker.heartbeat.interval.ms`.
    pub broker_heartbeat_interval_ms: u64,
    /// `replica.fetch.backoff.ms`.
    pub replica_fetch_backoff_ms: u64,
    /// `replica.high.watermark.checkpoint.interval.ms`.
    pub high_watermark_checkpoint_interval_ms: u64,
    /// Whether the HW freezes while ISR < min ISR (a rule of the version, not a config).
    pub high_watermark_frozen_below_min_isr: bool,
    /// How new followers truncate (a rule of the version).
    pub truncation: Truncation,
}

impl Scenario {
    /// The configs in force: the scenario's values over the profile's defaults.
    pub fn effective_config(&self) -> EffectiveConfig {
        let d = self.kafka_version.defaults();
        let b = &self.cluster.configs;
        let p = &self.producer.configs;
        EffectiveConfig {
            acks: Setting::resolve(self.producer.configs.acks, d.acks),
            min_insync_replicas: Setting::resolve(b.min_insync_replicas, d.min_insync_replicas),
            replica_fetch_wait_max_ms: Setting::resolve(
                b.replica_fetch_wait_max_ms,
                d.replica_fetch_wait_max_ms,
            ),
            replica_lag_time_max_ms: Setting::resolve(
                b.replica_lag_time_max_ms,
                d.replica_lag_time_max_ms,
            ),
            unclean_leader_election_enable: Setting::resolve(
                b.unclean_leader_election_enable,
                d.unclean_leader_election_enable,
            ),
            log_flush_interval_messages: Setting::resolve(
                b.log_flush_interval_messages.map(Some),
                d.log_flush_interval_messages,
            ),
            log_flush_interval_ms: Setting::resolve(
                b.log_flush_interval_ms.map(Some),
                d.log_flush_interval_ms,
            ),
            request_timeout_ms: Setting::resolve(
                self.producer.configs.request_timeout_ms,
                d.request_timeout_ms,
            ),
            message_max_bytes: Setting::resolve(b.message_max_bytes, d.message_max_bytes),
            retries: Setting::resolve(p.retries, d.retries),
            retry_backoff_ms: Setting::resolve(p.retry_backoff_ms, d.retry_backoff_ms),
            retry_backoff_max_ms: d.retry_backoff_max_ms,
            exponential_backoff: d.exponential_backoff,
            // An implicit delivery.timeout.ms below linger.ms + request.timeout.ms is raised
            // to that sum (`KafkaProducer.configureDeliveryTimeout`).
            delivery_timeout_ms: Setting::resolve(
                p.delivery_timeout_ms,
                d.delivery_timeout_ms.max(
                    p.request_timeout_ms
                        .unwrap_or(d.request_timeout_ms)
                        .saturating_add(p.linger_ms.unwrap_or(d.linger_ms)),
                ),
            ),
            max_in_flight_requests_per_connection: Setting::resolve(
                p.max_in_flight_requests_per_connection,
                d.max_in_flight_requests_per_connection,
            ),
            enable_idempotence: Setting::resolve(p.enable_idempotence, d.enable_idempotence),
            max_request_size: Setting::resolve(p.max_request_size, d.max_request_size),
            linger_ms: Setting::resolve(p.linger_ms, d.linger_ms),
            batch_size: Setting::resolve(p.batch_size, 16_384),
            buffer_memory: Setting::resolve(p.buffer_memory, 33_554_432),
            max_block_ms: Setting::resolve(p.max_block_ms, 60_000),
            metadata_max_age_ms: Setting::resolve(p.metadata_max_age_ms, 300_000),
            transaction_timeout_ms: Setting::resolve(p.transaction_timeout_ms, 60_000),
            epoch_per_transaction: self.kafka_version >= crate::profile::KafkaVersion::V4_0,
            verify_transactions: self.kafka_version >= crate::profile::KafkaVersion::V3_9,
            log_retention_ms: Setting::resolve(b.log_retention_ms, 604_800_000),
            log_roll_ms: Setting::resolve(b.log_roll_ms, 604_800_000),
            log_retention_check_interval_ms: Setting::resolve(
                b.log_retention_check_interval_ms,
                300_000,
            ),
            producer_id_expiration_ms: Setting::resolve(
                b.producer_id_expiration_ms,
                if self.kafka_version >= crate::profile::KafkaVersion::V3_9 {
                    86_400_000
                } else {
                    604_800_000
                },
            ),
            producer_id_expiration_check_interval_ms: Setting::resolve(
                b.producer_id_expiration_check_interval_ms,
                600_000,
            ),
            offsets_retention_minutes: Setting::resolve(
                b.offsets_retention_minutes,
                if self.kafka_version == crate::profile::KafkaVersion::V0_10 {
                    1_440
                } else {
                    10_080
                },
            ),
            offsets_retention_check_interval_ms: Setting::resolve(
                b.offsets_retention_check_interval_ms,
                600_000,
            ),
            eligible_leader_replicas_version: Setting::resolve(
                b.eligible_leader_replicas_version,
                d.eligible_leader_replicas_version,
            ),
            broker_session_timeout_ms: d.broker_session_timeout_ms,
            broker_heartbeat_interval_ms: d.broker_heartbeat_interval_ms,
            replica_fetch_backoff_ms: d.replica_fetch_backoff_ms,
            high_watermark_checkpoint_interval_ms: d.high_watermark_checkpoint_interval_ms,
            high_watermark_frozen_below_min_isr: d.high_watermark_frozen_below_min_isr,
            truncation: d.truncation,
        }
    }

    /// Idempotence after Kafka's rule (`postProcessAndValidateIdempotenceConfigs`): it
    /// needs acks=all, retries > 0 and at most 5 requests in flight. A conflicting setting
    /// silently switches a defaulted idempotence off; an explicit one is a ConfigException
    /// (reported by [`Scenario::validate`]).
    pub fn idempotence(&self) -> Result<Idempotence, &'static str> {
        let c = self.effective_config();
        let transactional = self.producer.configs.transactional_id.is_some();
        let conflict = if c.acks.value != Acks::All {
            Some("acks is not all")
        } else if c.retries.value == 0 {
            Some("retries is 0")
        } else if c.max_in_flight_requests_per_connection.value > 5 {
            Some("max.in.flight.requests.per.connection is above 5")
        } else {
            None
        };
        if transactional {
            // `transactional.id` implies idempotence; anything that rules it out is a
            // ConfigException ("Cannot set a transactional.id without also enabling
            // idempotence").
            return match (c.enable_idempotence, conflict) {
                (e, _) if e.explicit && !e.value => Err("enable.idempotence is false"),
                (_, Some(reason)) => Err(reason),
                _ => Ok(Idempotence::On),
            };
        }
        match (
            c.enable_idempotence.value,
            c.enable_idempotence.explicit,
            conflict,
        ) {
            (false, _, _) => Ok(Idempotence::Off),
            (true, _, None) => Ok(Idempotence::On),
            (true, false, Some(reason)) => Ok(Idempotence::SilentlyDisabled(reason)),
            (true, true, Some(reason)) => Err(reason),
        }
    }

    /// The replicas of `partition`, preferred leader first: Kafka's round-robin assignment
    /// (rack-unaware), starting at broker 0 so the layout is the same in every run.
    pub fn replicas_of(&self, partition: PartitionId) -> Vec<crate::ids::BrokerId> {
        let n = self.cluster.brokers.max(1);
        (0..self.topic.replication_factor)
            .map(|i| crate::ids::BrokerId((partition.0 + i) % n))
            .collect()
    }

    /// The transaction plan in force: the producer's, or the default one when it has a
    /// `transactional.id` and no plan.
    pub fn transaction_plan(&self) -> Option<TransactionPlan> {
        self.producer.configs.transactional_id.as_ref()?;
        Some(self.producer.transactions.clone().unwrap_or_default())
    }

    /// The consumer configs in force, if the scenario has a consumer group.
    pub fn consumer_settings(&self) -> Option<ConsumerSettings> {
        let d = self.kafka_version.defaults();
        self.consumer_group.as_ref().map(|g| {
            let mut s = consumer_spec::settings(&g.configs, d.consumer_session_timeout_ms);
            s.detect_truncation = self.kafka_version > crate::profile::KafkaVersion::V0_10;
            // KAFKA-18641: the 3.7–3.9 AsyncKafkaConsumer (fixed by PR #18737, 4.0).
            s.auto_commit_races_poll = s.group_protocol.value
                == consumer_spec::GroupProtocol::Consumer
                && self.kafka_version == crate::profile::KafkaVersion::V3_9;
            s
        })
    }

    /// Broker `group.initial.rebalance.delay.ms` in force.
    pub fn group_initial_rebalance_delay_ms(&self) -> Setting<u64> {
        Setting::resolve(
            self.cluster.configs.group_initial_rebalance_delay_ms,
            self.kafka_version
                .defaults()
                .group_initial_rebalance_delay_ms,
        )
    }

    /// The partitions of the topic.
    pub fn partitions(&self) -> impl Iterator<Item = PartitionId> + use<> {
        (0..self.topic.partitions).map(PartitionId)
    }
}
