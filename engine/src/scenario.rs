//! The scenario: everything a run depends on, as data (serde, JSON).
//!
//! Configs use Kafka's own dotted names (`min.insync.replicas`, `acks`) so a scenario reads
//! like a `server.properties` / `producer.properties` pair. A config left out takes the
//! default of the scenario's `kafka_version` (see [`crate::profile`]). A scenario from a URL
//! or a file is untrusted: [`Scenario::from_json`] caps its size and validates every field.

use crate::acks::Acks;
use crate::consumer::spec::ConsumerGroupSpec;
use crate::fault::ScheduledFault;
use crate::ledger::AnomalyKind;
use crate::profile::KafkaVersion;
use serde::{Deserialize, Serialize};

mod effective;
pub use effective::{EffectiveConfig, Idempotence};

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
