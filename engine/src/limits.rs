//! Limits on everything that drives work ("put a limit on everything", TigerStyle).
//!
//! They bound a run's memory and time so an untrusted scenario cannot freeze a browser tab.

/// Largest scenario text accepted, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 256 * 1024;
/// Longest name (scenario, topic), in bytes.
pub const MAX_NAME_BYTES: u64 = 200;
/// Longest description, in bytes.
pub const MAX_TEXT_BYTES: u64 = 4_000;
/// Most producers (the network reserves a slot for each).
pub const MAX_PRODUCERS: u64 = 8;
/// Most brokers in a cluster.
pub const MAX_BROKERS: u64 = 9;
/// Most consumer group members.
pub const MAX_CONSUMERS: u64 = 8;
/// Longest processing time of one record, in milliseconds.
pub const MAX_PROCESSING_MS: u64 = 600_000;
/// Most partitions of the topic.
pub const MAX_PARTITIONS: u64 = 64;
/// Most records one producer sends.
pub const MAX_RECORDS: u64 = 20_000;
/// Every application record's id is below this (each producing application numbers its
/// records in its own range); [`crate::ids::RecordId::CONTROL`] is not.
pub const MAX_RECORD_IDS: u64 = MAX_PRODUCERS * MAX_RECORDS;
/// Longest simulated run: ten minutes.
pub const MAX_DURATION_MS: u64 = 600_000;
/// Longest interval or wait config, in milliseconds.
pub const MAX_INTERVAL_MS: u64 = 60_000;
/// Largest `min.insync.replicas` accepted (Kafka accepts more than the replica count).
pub const MAX_MIN_ISR: u64 = 100;
/// Largest one-way latency (a stalled link): one minute.
pub const MAX_LATENCY_US: u64 = 60_000_000;
/// Most events one run may handle before it stops and says so in the trace.
pub const MAX_EVENTS: u64 = 2_000_000;
/// Largest record value, in bytes (10 MiB).
pub const MAX_RECORD_BYTES: u64 = 10 * 1024 * 1024;
/// Most faults in one plan.
pub const MAX_FAULTS: u64 = 200;
/// Most responses one `drop_responses` fault may drop.
pub const MAX_DROPPED_RESPONSES: u64 = 10_000;
/// Largest `transaction.timeout.ms`: the broker's `transaction.max.timeout.ms` default.
pub const MAX_TRANSACTION_TIMEOUT_MS: u64 = 900_000;
/// Longest `log.retention.ms` / `log.roll.ms` accepted: ten years.
pub const MAX_RETENTION_MS: u64 = 315_360_000_000;
/// Largest `batch.size` accepted (64 MiB; Kafka takes any int, but a batch is bounded by
/// `max.request.size` and `message.max.bytes` anyway).
pub const MAX_BATCH_SIZE: u64 = 64 * 1024 * 1024;
