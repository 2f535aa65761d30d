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
    /// `UNKNOWN_MEMBER_ID` (25): the group coordinator does not know this member (it was
    /// removed after a session timeout or left the group).
    UnknownMemberId,
    /// `ILLEGAL_GENERATION` (22): the member's generation is not the group's current one.
    IllegalGeneration,
    /// `REBALANCE_IN_PROGRESS` (27): the group is rebalancing; the member must rejoin.
    RebalanceInProgress,
    /// `NOT_COORDINATOR` (16): this broker is not the group's coordinator (any more).
    NotCoordinator,
    /// `COORDINATOR_NOT_AVAILABLE` (15): no broker hosts the group's coordinator right now.
    CoordinatorNotAvailable,
    /// Client side: a `commitSync()` of a member that is no longer in the group's current
    /// generation (`UNKNOWN_MEMBER_ID` / `ILLEGAL_GENERATION`): `CommitFailedException`.
    CommitFailed,
    /// `OFFSET_OUT_OF_RANGE` (1): the fetch position is outside the log.
    OffsetOutOfRange,
    /// Client side: no committed offset and `auto.offset.reset=none`.
    NoOffsetForPartition,
    /// `PRODUCER_FENCED` (90): a newer instance with the same `transactional.id` exists (or
    /// the coordinator fenced a timed-out transaction). Fatal: the producer must be closed.
    ProducerFenced,
    /// `CONCURRENT_TRANSACTIONS` (51): the coordinator is still completing the previous
    /// transaction (for example aborting it during `initTransactions`). Retriable.
    ConcurrentTransactions,
    /// `INVALID_TXN_STATE` (48): the request does not fit the transaction's state.
    InvalidTxnState,
    /// Client side: the record's transaction was aborted (`TransactionAbortedException`).
    TransactionAborted,
    /// Client side: `send()` waited `max.block.ms` for buffer space (`buffer.memory`) and
    /// threw a `TimeoutException`; the record was never sent.
    BufferFull,
    /// Client side: the consumer's position is past the end of its epoch in the new
    /// leader's log and `auto.offset.reset=none` (`LogTruncationException`, KIP-320).
    LogTruncation,
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
            KafkaError::UnknownMemberId => "UnknownMemberIdException",
            KafkaError::IllegalGeneration => "IllegalGenerationException",
            KafkaError::RebalanceInProgress => "RebalanceInProgressException",
            KafkaError::NotCoordinator => "NotCoordinatorException",
            KafkaError::CoordinatorNotAvailable => "CoordinatorNotAvailableException",
            KafkaError::CommitFailed => "CommitFailedException",
            KafkaError::OffsetOutOfRange => "OffsetOutOfRangeException",
            KafkaError::NoOffsetForPartition => "NoOffsetForPartitionException",
            KafkaError::ProducerFenced => "ProducerFencedException",
            KafkaError::ConcurrentTransactions => "ConcurrentTransactionsException",
            KafkaError::InvalidTxnState => "InvalidTxnStateException",
            KafkaError::TransactionAborted => "TransactionAbortedException",
            KafkaError::LogTruncation => "LogTruncationException",
            KafkaError::BufferFull => "TimeoutException",
        }
    }

    /// Whether the class extends `RetriableException`.
    pub fn is_retriable(self) -> bool {
        match self {
            KafkaError::MessageTooLarge
            | KafkaError::RecordTooLarge
            | KafkaError::OutOfOrderSequenceNumber
            | KafkaError::InvalidProducerEpoch
            | KafkaError::UnknownMemberId
            | KafkaError::IllegalGeneration
            | KafkaError::RebalanceInProgress
            | KafkaError::CommitFailed
            | KafkaError::OffsetOutOfRange
            | KafkaError::NoOffsetForPartition
            | KafkaError::ProducerFenced
            | KafkaError::InvalidTxnState
            | KafkaError::TransactionAborted
            | KafkaError::LogTruncation
            | KafkaError::BufferFull => false,
            KafkaError::NotEnoughReplicas
            | KafkaError::NotEnoughReplicasAfterAppend
            | KafkaError::NotLeaderOrFollower
            | KafkaError::LeaderNotAvailable
            | KafkaError::NetworkException
            | KafkaError::DeliveryTimeout
            | KafkaError::RequestTimedOut
            | KafkaError::FencedLeaderEpoch
            | KafkaError::UnknownLeaderEpoch
            | KafkaError::NotCoordinator
            | KafkaError::CoordinatorNotAvailable
            | KafkaError::ConcurrentTransactions => true,
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
            KafkaError::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            KafkaError::IllegalGeneration => "ILLEGAL_GENERATION",
            KafkaError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            KafkaError::NotCoordinator => "NOT_COORDINATOR",
            KafkaError::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            KafkaError::CommitFailed => "CommitFailedException",
            KafkaError::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            KafkaError::NoOffsetForPartition => "NoOffsetForPartitionException",
            KafkaError::ProducerFenced => "PRODUCER_FENCED",
            KafkaError::ConcurrentTransactions => "CONCURRENT_TRANSACTIONS",
            KafkaError::InvalidTxnState => "INVALID_TXN_STATE",
            KafkaError::TransactionAborted => "TransactionAbortedException",
            KafkaError::LogTruncation => "LogTruncationException",
            KafkaError::BufferFull => "max.block.ms expired waiting for buffer.memory",
        })
    }
}
