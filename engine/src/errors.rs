//! Errors a Kafka client can see, by their wire names (`Errors.java`) and exception classes.
//!
//! Whether an error is retriable decides whether the producer resends, which is where
//! duplicates and reordering come from (kafka-semantics.md §A.4).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An error code a broker returns, or the client raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KafkaError {
    /// `NOT_ENOUGH_REPLICAS` (19): acks=all and ISR < min.insync.replicas before the append;
    /// nothing was written.
    NotEnoughReplicas,
    /// `NOT_ENOUGH_REPLICAS_AFTER_APPEND` (20): written, but ISR < min when acks were checked.
    NotEnoughReplicasAfterAppend,
    /// `NOT_LEADER_OR_FOLLOWER` (6): the broker does not lead this partition.
    NotLeaderOrFollower,
    /// `INVALID_PRODUCER_EPOCH` (47): the batch carries an older producer epoch than the
    /// partition has seen.
    InvalidProducerEpoch,
    /// `OUT_OF_ORDER_SEQUENCE_NUMBER` (45): an idempotent batch's sequence is not the next
    /// one the broker expects. The idempotent producer retries it after the earlier batch.
    OutOfOrderSequenceNumber,
    /// The client's `delivery.timeout.ms` expired ("Expiring N record(s)"): a
    /// `TimeoutException`. Ambiguous: the record may have been written.
    DeliveryTimeout,
    /// Client side: the serialized record exceeds `max.request.size` (or `buffer.memory`);
    /// `send()` fails at once and nothing is sent.
    RecordTooLarge,
    /// `MESSAGE_TOO_LARGE` (10): the batch exceeds the broker's `message.max.bytes`.
    /// Not retriable; nothing was written.
    MessageTooLarge,
    /// `LEADER_NOT_AVAILABLE` (5): the partition has no leader right now.
    LeaderNotAvailable,
    /// `NETWORK_EXCEPTION` (13): the connection closed before a response arrived.
    /// Ambiguous: the request may have been applied.
    NetworkException,
    /// `REQUEST_TIMED_OUT` (7): no answer within `request.timeout.ms` (the broker's
    /// DelayedProduce expired, or the client gave up on the connection). Ambiguous: the
    /// record may have been written.
    RequestTimedOut,
    /// `FENCED_LEADER_EPOCH` (74): the request carried an older leader epoch than the
    /// broker's (KIP-320).
    FencedLeaderEpoch,
    /// `UNKNOWN_LEADER_EPOCH` (75): the request carried a newer leader epoch than the
    /// broker knows yet.
    UnknownLeaderEpoch,
}

impl KafkaError {
    /// The Java exception the application sees.
    pub fn exception(self) -> &'static str {
        match self {
            KafkaError::NotEnoughReplicas => "NotEnoughReplicasException",
            KafkaError::NotEnoughReplicasAfterAppend => "NotEnoughReplicasAfterAppendException",
            KafkaError::NotLeaderOrFollower => "NotLeaderOrFollowerException",
            KafkaError::MessageTooLarge | KafkaError::RecordTooLarge => "RecordTooLargeException",
            KafkaError::DeliveryTimeout => "TimeoutException",
            KafkaError::OutOfOrderSequenceNumber => "OutOfOrderSequenceException",
            KafkaError::InvalidProducerEpoch => "InvalidProducerEpochException",
            KafkaError::LeaderNotAvailable => "LeaderNotAvailableException",
            KafkaError::NetworkException => "NetworkException",
            KafkaError::RequestTimedOut => "TimeoutException",
            KafkaError::FencedLeaderEpoch => "FencedLeaderEpochException",
            KafkaError::UnknownLeaderEpoch => "UnknownLeaderEpochException",
        }
    }

    /// Whether the class extends `RetriableException`.
    pub fn is_retriable(self) -> bool {
        match self {
            KafkaError::MessageTooLarge
            | KafkaError::RecordTooLarge
            | KafkaError::OutOfOrderSequenceNumber
            | KafkaError::InvalidProducerEpoch => false,
            KafkaError::NotEnoughReplicas
            | KafkaError::NotEnoughReplicasAfterAppend
            | KafkaError::NotLeaderOrFollower
            | KafkaError::LeaderNotAvailable
            | KafkaError::NetworkException
            | KafkaError::DeliveryTimeout
            | KafkaError::RequestTimedOut
            | KafkaError::FencedLeaderEpoch
            | KafkaError::UnknownLeaderEpoch => true,
        }
    }
}

impl fmt::Display for KafkaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KafkaError::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            KafkaError::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            KafkaError::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            KafkaError::MessageTooLarge => "MESSAGE_TOO_LARGE",
            KafkaError::RecordTooLarge => "record larger than max.request.size",
            KafkaError::DeliveryTimeout => "delivery.timeout.ms expired",
            KafkaError::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            KafkaError::InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            KafkaError::LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            KafkaError::NetworkException => "NETWORK_EXCEPTION",
            KafkaError::RequestTimedOut => "REQUEST_TIMED_OUT",
            KafkaError::FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            KafkaError::UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
        })
    }
}
