//! The consuming application as data: a consumer group, its poll loop, its commit strategy
//! and the downstream sink it writes to, with the `KafkaConsumer` configs it sets
//! (kafka-semantics.md §A.2, §B.9).

use crate::profile::Setting;
use serde::{Deserialize, Serialize};

/// One consumer group reading the topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerGroupSpec {
    /// `group.id`.
    #[serde(default = "default_group_id")]
    pub group_id: String,
    /// How many consumer instances (members) run, numbered `C0, C1, …`.
    pub members: u32,
    /// When the members start, in milliseconds.
    #[serde(default)]
    pub start_ms: u64,
    /// How long the application works on one record, in milliseconds.
    #[serde(default = "default_processing_ms")]
    pub processing_ms: u64,
    /// How the poll loop hands records to the processing code.
    #[serde(default)]
    pub processing: Processing,
    /// When the application commits offsets itself (on top of `enable.auto.commit`).
    #[serde(default)]
    pub commit: CommitStrategy,
    /// Where the effects of processing go.
    #[serde(default)]
    pub sink: SinkSpec,
    /// When each member starts, in milliseconds (none: every member at `start_ms`). A
    /// member starting later joins a running group: it scales the group out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_start_ms: Option<Vec<u64>>,
    /// A `ConsumerRebalanceListener` whose `onPartitionsRevoked` calls `commitSync()` for
    /// the partitions being given up (the javadoc's advice for manual commits).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub commit_on_revoke: bool,
    /// Consumer configs, by Kafka name.
    #[serde(default)]
    pub configs: ConsumerConfigs,
}

impl ConsumerGroupSpec {
    /// When member `index` starts.
    pub fn start_of(&self, index: u32) -> u64 {
        self.member_start_ms
            .as_ref()
            .and_then(|starts| starts.get(index as usize).copied())
            .unwrap_or(self.start_ms)
    }
}

fn default_group_id() -> String {
    "app".to_string()
}

fn default_processing_ms() -> u64 {
    5
}

/// How the poll loop processes what `poll()` returned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Processing {
    /// `poll → process every record → poll`: the loop the javadoc asks for.
    #[default]
    Synchronous,
    /// Records are copied into a buffer (or handed to a worker thread) and `poll()` is
    /// called again before they are processed: the javadoc's batching example.
    Buffered,
}

/// The application's own commits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitStrategy {
    /// No manual commits (only `enable.auto.commit`, if on).
    #[default]
    None,
    /// `commitSync()` after processing each batch (at-least-once).
    SyncAfterBatch,
    /// `commitAsync()` after processing each batch: the loop does not wait, and a failed
    /// commit is only logged.
    AsyncAfterBatch,
    /// `commitSync()` after each record.
    SyncPerRecord,
    /// `commitSync()` as soon as `poll()` returns, before processing (at-most-once).
    SyncBeforeProcessing,
    /// The sink stores each record's offset in the same transaction as its result; on
    /// assignment the consumer seeks to the offsets the sink holds (seed 004's MySQL advice).
    InSinkTransaction,
    /// Read-process-write with Kafka transactions: each batch's output records and its
    /// offsets (`sendOffsetsToTransaction`) commit in one transaction; the sink is the output
    /// topic as a read_committed reader sees it, so the output appears only on commit. The
    /// offsets commit is fenced by the group generation (KIP-447): a member that lost its
    /// partitions cannot commit, and its transaction aborts.
    KafkaTransaction,
}

/// The downstream system the processing writes to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SinkSpec {
    /// Every processing applies its effect again (an insert, an e-mail, a payment).
    #[default]
    Plain,
    /// A de-duplicating store keyed by record id; `window` keeps only the last N ids (seed
    /// 003's bounded set), so an older duplicate gets through.
    Dedup {
        /// How many recent ids it remembers (none: all).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<u32>,
    },
    /// An idempotent upsert by the record's key (seed 004's HBase row key): a second write
    /// overwrites the first with the same value.
    Upsert,
    /// The offset as an optimistic lock (seed 000): the store keeps each partition's last
    /// applied offset and refuses a write whose offset is not above it.
    OffsetGuard,
}

/// `auto.offset.reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    /// The log start offset.
    Earliest,
    /// The end of the log (the high watermark).
    Latest,
    /// No reset: the consumer throws `NoOffsetForPartitionException`.
    None,
}

impl std::fmt::Display for OffsetReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
            OffsetReset::None => "none",
        })
    }
}

/// `group.protocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupProtocol {
    /// The classic protocol (JoinGroup / SyncGroup), the client default.
    Classic,
    /// KIP-848's consumer protocol (`AsyncKafkaConsumer`). Only its auto-commit timing is
    /// modelled: on 3.7–3.9 clients the background auto-commit could include the positions
    /// of the poll in progress (KAFKA-18641, fixed in 4.0).
    Consumer,
}

impl std::fmt::Display for GroupProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GroupProtocol::Classic => "classic",
            GroupProtocol::Consumer => "consumer",
        })
    }
}

/// `partition.assignment.strategy` (classic protocol). The client default is the list
/// `[RangeAssignor, CooperativeStickyAssignor]`, whose first entry, the eager range
/// assignor, is used until every member lists cooperative-sticky first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignmentStrategy {
    /// `RangeAssignor`, eager: every rebalance revokes every partition first.
    #[serde(
        rename = "range",
        alias = "org.apache.kafka.clients.consumer.RangeAssignor"
    )]
    Range,
    /// `CooperativeStickyAssignor` (KIP-429): members keep consuming what they own during a
    /// rebalance and give up only the partitions that move, which a second rebalance then
    /// assigns.
    #[serde(
        rename = "cooperative-sticky",
        alias = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
    )]
    CooperativeSticky,
}

impl AssignmentStrategy {
    /// Whether the protocol is cooperative (incremental) rather than eager.
    pub fn is_cooperative(self) -> bool {
        self == AssignmentStrategy::CooperativeSticky
    }
}

impl std::fmt::Display for AssignmentStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AssignmentStrategy::Range => "range",
            AssignmentStrategy::CooperativeSticky => "cooperative-sticky",
        })
    }
}

/// `isolation.level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    /// Read up to the high watermark, aborted and still-open transactions included.
    ReadUncommitted,
    /// Read up to the last stable offset, skipping aborted transactions.
    ReadCommitted,
}

impl std::fmt::Display for IsolationLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IsolationLevel::ReadUncommitted => "read_uncommitted",
            IsolationLevel::ReadCommitted => "read_committed",
        })
    }
}

/// Consumer configs the engine models.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerConfigs {
    /// `enable.auto.commit`.
    #[serde(
        rename = "enable.auto.commit",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_auto_commit: Option<bool>,
    /// `auto.commit.interval.ms`.
    #[serde(
        rename = "auto.commit.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_commit_interval_ms: Option<u64>,
    /// `auto.offset.reset`.
    #[serde(
        rename = "auto.offset.reset",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_offset_reset: Option<OffsetReset>,
    /// `max.poll.records`.
    #[serde(
        rename = "max.poll.records",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_poll_records: Option<u32>,
    /// `max.poll.interval.ms`.
    #[serde(
        rename = "max.poll.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_poll_interval_ms: Option<u64>,
    /// `session.timeout.ms`.
    #[serde(
        rename = "session.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub session_timeout_ms: Option<u64>,
    /// `heartbeat.interval.ms`.
    #[serde(
        rename = "heartbeat.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub heartbeat_interval_ms: Option<u64>,
    /// `metadata.max.age.ms`: how often the consumer refreshes its metadata (how the group
    /// leader notices partitions added to the topic).
    #[serde(
        rename = "metadata.max.age.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub metadata_max_age_ms: Option<u64>,
    /// `isolation.level`.
    #[serde(
        rename = "isolation.level",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isolation_level: Option<IsolationLevel>,
    /// `group.protocol`.
    #[serde(
        rename = "group.protocol",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_protocol: Option<GroupProtocol>,
    /// `partition.assignment.strategy`.
    #[serde(
        rename = "partition.assignment.strategy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub partition_assignment_strategy: Option<AssignmentStrategy>,
}

/// The consumer configs in force: each value with whether the scenario set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerSettings {
    /// `enable.auto.commit`.
    pub enable_auto_commit: Setting<bool>,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval_ms: Setting<u64>,
    /// `auto.offset.reset`.
    pub auto_offset_reset: Setting<OffsetReset>,
    /// `max.poll.records`.
    pub max_poll_records: Setting<u32>,
    /// `max.poll.interval.ms` (also the classic protocol's rebalance timeout).
    pub max_poll_interval_ms: Setting<u64>,
    /// `session.timeout.ms`.
    pub session_timeout_ms: Setting<u64>,
    /// `heartbeat.interval.ms`.
    pub heartbeat_interval_ms: Setting<u64>,
    /// `metadata.max.age.ms`.
    pub metadata_max_age_ms: Setting<u64>,
    /// `isolation.level`.
    pub isolation_level: Setting<IsolationLevel>,
    /// `group.protocol`.
    pub group_protocol: Setting<GroupProtocol>,
    /// `partition.assignment.strategy`.
    pub partition_assignment_strategy: Setting<AssignmentStrategy>,
    /// The auto-commit includes the poll in progress (KAFKA-18641: `group.protocol=consumer`
    /// on 3.7–3.9 clients).
    pub auto_commit_races_poll: bool,
    /// `fetch.max.wait.ms` (not a scenario field: the default, 500).
    pub fetch_max_wait_ms: u64,
    /// `retry.backoff.ms` of the consumer (the default, 100).
    pub retry_backoff_ms: u64,
    /// Log-truncation detection by leader epoch (KIP-320, clients 2.3+).
    pub detect_truncation: bool,
}

/// Client defaults (the same in every modelled version since 3.0; `session.timeout.ms` was
/// 10 s before 3.0, KIP-735).
pub fn settings(configs: &ConsumerConfigs, session_timeout_default_ms: u64) -> ConsumerSettings {
    ConsumerSettings {
        enable_auto_commit: Setting::resolve(configs.enable_auto_commit, true),
        auto_commit_interval_ms: Setting::resolve(configs.auto_commit_interval_ms, 5_000),
        auto_offset_reset: Setting::resolve(configs.auto_offset_reset, OffsetReset::Latest),
        max_poll_records: Setting::resolve(configs.max_poll_records, 500),
        max_poll_interval_ms: Setting::resolve(configs.max_poll_interval_ms, 300_000),
        session_timeout_ms: Setting::resolve(
            configs.session_timeout_ms,
            session_timeout_default_ms,
        ),
        heartbeat_interval_ms: Setting::resolve(configs.heartbeat_interval_ms, 3_000),
        metadata_max_age_ms: Setting::resolve(configs.metadata_max_age_ms, 300_000),
        isolation_level: Setting::resolve(configs.isolation_level, IsolationLevel::ReadUncommitted),
        group_protocol: Setting::resolve(configs.group_protocol, GroupProtocol::Classic),
        partition_assignment_strategy: Setting::resolve(
            configs.partition_assignment_strategy,
            AssignmentStrategy::Range,
        ),
        auto_commit_races_poll: false,
        fetch_max_wait_ms: 500,
        retry_backoff_ms: 100,
        detect_truncation: true,
    }
}
