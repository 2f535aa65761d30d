//! The scenario: everything a run depends on, as data (serde, JSON).
//!
//! Configs use Kafka's own dotted names (`min.insync.replicas`, `acks`) so a scenario reads
//! like a `server.properties` / `producer.properties` pair. A config left out takes the
//! default of the scenario's `kafka_version` (see [`crate::profile`]). A scenario from a URL
//! or a file is untrusted: [`Scenario::from_json`] caps its size and validates every field.

use crate::acks::Acks;
use crate::consumer::spec::{self as consumer_spec, ConsumerGroupSpec, ConsumerSettings};
use crate::fault::ScheduledFault;
use crate::ids::PartitionId;
use crate::ledger::AnomalyKind;
use crate::profile::{KafkaVersion, Setting, Truncation};
use serde::{Deserialize, Serialize};

/// A complete, replayable experiment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short title, shown in the app.
    pub name: String,
    /// What the scenario shows, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// The seed every random choice of the run derives from.
    #[serde(default)]
    pub seed: u64,
    /// The Kafka release whose defaults and rules apply.
    #[serde(default)]
    pub kafka_version: KafkaVersion,
    /// How long to simulate, in milliseconds.
    pub duration_ms: u64,
    /// The brokers and their configs.
    pub cluster: ClusterSpec,
    /// The one topic the producer writes to.
    pub topic: TopicSpec,
    /// The producing application.
    pub producer: ProducerSpec,
    /// The consumer group reading the topic, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_group: Option<ConsumerGroupSpec>,
    /// Latency of every link.
    #[serde(default)]
    pub network: NetworkSpec,
    /// What goes wrong, and when.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<ScheduledFault>,
    /// The outcome the engine must produce (presets carry one; tests check it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expectation>,
}

/// The brokers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    /// How many brokers, numbered `0..brokers`.
    pub brokers: u32,
    /// Broker configs, by Kafka name; unset ones take the profile's default.
    #[serde(default)]
    pub configs: BrokerConfigs,
}

/// Broker (and topic-level) configs the engine models.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerConfigs {
    /// `min.insync.replicas`.
    #[serde(
        rename = "min.insync.replicas",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub min_insync_replicas: Option<u32>,
    /// `replica.fetch.wait.max.ms`.
    #[serde(
        rename = "replica.fetch.wait.max.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub replica_fetch_wait_max_ms: Option<u64>,
    /// `replica.lag.time.max.ms`.
    #[serde(
        rename = "replica.lag.time.max.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub replica_lag_time_max_ms: Option<u64>,
    /// `unclean.leader.election.enable`.
    #[serde(
        rename = "unclean.leader.election.enable",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub unclean_leader_election_enable: Option<bool>,
    /// `log.flush.interval.messages`.
    #[serde(
        rename = "log.flush.interval.messages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub log_flush_interval_messages: Option<u64>,
    /// `log.flush.interval.ms`.
    #[serde(
        rename = "log.flush.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub log_flush_interval_ms: Option<u64>,
    /// `message.max.bytes`.
    #[serde(
        rename = "message.max.bytes",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub message_max_bytes: Option<u32>,
    /// `group.initial.rebalance.delay.ms`: how long an empty group waits for more members.
    #[serde(
        rename = "group.initial.rebalance.delay.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_initial_rebalance_delay_ms: Option<u64>,
    /// `log.retention.ms`: segments whose newest record is older are deleted.
    #[serde(
        rename = "log.retention.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub log_retention_ms: Option<u64>,
    /// `log.roll.ms`: a new segment is rolled once the active one is this old.
    #[serde(
        rename = "log.roll.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub log_roll_ms: Option<u64>,
    /// `offsets.retention.minutes`: committed offsets of an empty group expire after this.
    #[serde(
        rename = "offsets.retention.minutes",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub offsets_retention_minutes: Option<u64>,
    /// `offsets.retention.check.interval.ms`: how often the coordinator expires offsets.
    #[serde(
        rename = "offsets.retention.check.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub offsets_retention_check_interval_ms: Option<u64>,
    /// `producer.id.expiration.ms`: a broker forgets an idle producer's sequence state.
    #[serde(
        rename = "producer.id.expiration.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub producer_id_expiration_ms: Option<u64>,
    /// `producer.id.expiration.check.interval.ms`: how often it looks.
    #[serde(
        rename = "producer.id.expiration.check.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub producer_id_expiration_check_interval_ms: Option<u64>,
    /// `log.retention.check.interval.ms`: how often the broker looks for segments to delete.
    #[serde(
        rename = "log.retention.check.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub log_retention_check_interval_ms: Option<u64>,
    /// Feature level `eligible.leader.replicas.version` (KIP-966): 1 turns ELR on.
    #[serde(
        rename = "eligible.leader.replicas.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub eligible_leader_replicas_version: Option<u8>,
}

/// The topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// Topic name.
    pub name: String,
    /// Number of partitions.
    pub partitions: u32,
    /// `replication.factor`.
    pub replication_factor: u32,
}

/// The producing application and its `KafkaProducer` configs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    /// How many records the application sends.
    pub records: u32,
    /// How many such applications run side by side (`P0`, `P1`, …), each with its own
    /// producer and its own `records` records (application `k` sends `r{k·records}` on).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u32,
    /// When the first send happens, in milliseconds.
    #[serde(default)]
    pub start_ms: u64,
    /// Gap between two sends, in milliseconds.
    pub interval_ms: u64,
    /// Size of each record's value, in bytes.
    #[serde(default = "default_record_bytes")]
    pub record_bytes: u32,
    /// How the application calls `send()` (seed 002: fire-and-forget, callback, synchronous).
    #[serde(default)]
    pub send_style: SendStyle,
    /// What the application does when a send's callback reports an error.
    #[serde(default)]
    pub on_failure: FailurePolicy,
    /// Producer configs, by Kafka name.
    #[serde(default)]
    pub configs: ProducerConfigs,
    /// With a `transactional.id`: how sends are grouped into transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<TransactionPlan>,
}

impl ProducerSpec {
    /// The `transactional.id` application `app` uses: the configured one, suffixed `-{app}`
    /// when several applications run (each instance needs its own id, or they fence each
    /// other). Empty without transactions.
    pub fn transactional_id_of(&self, app: u32) -> String {
        let id = self.configs.transactional_id.as_deref().unwrap_or_default();
        if self.count > 1 {
            format!("{id}-{app}")
        } else {
            id.to_string()
        }
    }
}

/// How the application calls `send()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendStyle {
    /// `send(record)` and move on: the application never learns of a failure.
    FireAndForget,
    /// `send(record, callback)`: the callback reports success or the error.
    #[default]
    Callback,
    /// `send(record).get()`: the application waits for each result before the next send,
    /// so only one record is ever in flight.
    Sync,
}

/// The application's answer to a failed send (the seeds' advice, put to the test).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    /// The callback's error is dropped (or only logged): the record is given up.
    #[default]
    Ignore,
    /// The application calls send() again at once, as a new record to Kafka: idempotence
    /// does not cover it, so a send that failed ambiguously can be written twice.
    Resend,
    /// The record goes to a failure table and a job replays it later (seed 000).
    FailureTable,
}

impl FailurePolicy {
    /// Delay before a failure-table replay.
    pub const REPLAY_AFTER_MS: u64 = 10_000;
    /// Most times the application sends one record again.
    pub const MAX_RESENDS: u32 = 3;
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

fn default_record_bytes() -> u32 {
    100
}

/// Producer configs the engine models.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerConfigs {
    /// `acks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acks: Option<Acks>,
    /// `request.timeout.ms`.
    #[serde(
        rename = "request.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub request_timeout_ms: Option<u64>,
    /// `retries`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// `retry.backoff.ms`.
    #[serde(
        rename = "retry.backoff.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_backoff_ms: Option<u64>,
    /// `delivery.timeout.ms`.
    #[serde(
        rename = "delivery.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delivery_timeout_ms: Option<u64>,
    /// `max.in.flight.requests.per.connection`.
    #[serde(
        rename = "max.in.flight.requests.per.connection",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_in_flight_requests_per_connection: Option<u32>,
    /// `enable.idempotence`.
    #[serde(
        rename = "enable.idempotence",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_idempotence: Option<bool>,
    /// `max.request.size`.
    #[serde(
        rename = "max.request.size",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_request_size: Option<u32>,
    /// `linger.ms`: how long a batch waits for more records before it is sendable.
    #[serde(rename = "linger.ms", default, skip_serializing_if = "Option::is_none")]
    pub linger_ms: Option<u64>,
    /// `batch.size`: the most bytes of records a batch collects per partition.
    #[serde(
        rename = "batch.size",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub batch_size: Option<u32>,
    /// `buffer.memory`: bytes the producer may hold for records not yet acknowledged.
    #[serde(
        rename = "buffer.memory",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub buffer_memory: Option<u64>,
    /// `max.block.ms`: how long `send()` waits for buffer space.
    #[serde(
        rename = "max.block.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_block_ms: Option<u64>,
    /// `metadata.max.age.ms`: how often the producer refreshes its metadata even without
    /// errors (how it finds partitions added to the topic).
    #[serde(
        rename = "metadata.max.age.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub metadata_max_age_ms: Option<u64>,
    /// `transactional.id`: turns on transactions (and requires idempotence).
    #[serde(
        rename = "transactional.id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`: the coordinator aborts a transaction open longer.
    #[serde(
        rename = "transaction.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_timeout_ms: Option<u64>,
}

/// How a transactional application groups its sends: `beginTransaction()`, a number of
/// `send()`s, then `commitTransaction()` (or `abortTransaction()` for the listed ones). A
/// transaction that fails (an abortable error) is aborted and run again with the same records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionPlan {
    /// Records per transaction.
    pub records_per_transaction: u32,
    /// Transactions (numbered from 0) the application aborts on purpose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abort: Vec<u32>,
}

impl Default for TransactionPlan {
    fn default() -> Self {
        TransactionPlan {
            records_per_transaction: 5,
            abort: Vec::new(),
        }
    }
}

/// One-way latency of every link: uniform in `[latency_us_min, latency_us_max]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Smallest one-way latency, in microseconds.
    pub latency_us_min: u64,
    /// Largest one-way latency, in microseconds.
    pub latency_us_max: u64,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec {
            latency_us_min: 500,
            latency_us_max: 2_000,
        }
    }
}

/// What a preset promises: the anomalies its run shows, and optionally some counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Exactly the kinds of anomaly the run must show (empty: a safe run).
    pub anomalies: Vec<AnomalyKind>,
    /// How many records the producer must see acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<u32>,
}

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
