//! One plain sentence per kind of trace event, for the app's trace and timelines.
//!
//! Where the model follows an inference rather than a rule read in Kafka's source or docs
//! (kafka-semantics.md marks those `[inf]`), the sentence says so.

use crate::trace::EventKind;

impl EventKind {
    /// What this kind of event means, in Kafka's terms.
    pub fn explanation(&self) -> &'static str {
        match self {
            EventKind::PartitionCreated { .. } => {
                "The controller created the partition: the first replica leads, all replicas are in sync."
            }
            EventKind::RecordSent { .. } => {
                "The application called send(); the partitioner chose the partition."
            }
            EventKind::MessageSent { .. } => "A request or response left this node.",
            EventKind::SendBlocked { .. } => {
                "send() blocks: the batches waiting for an answer hold all of buffer.memory (each new batch takes batch.size bytes); it waits up to max.block.ms, then throws a TimeoutException and the record is never sent."
            }
            EventKind::BatchSplit { .. } => {
                "The broker refused the batch as larger than message.max.bytes (MESSAGE_TOO_LARGE). It held several records, so the producer splits it into batches of at most batch.size and sends them again without using a retry; only a single record still too large fails with RecordTooLargeException."
            }
            EventKind::MessageDropped { .. } => {
                "A message was lost: the link was cut, the receiver was down, or a fault dropped the response."
            }
            EventKind::RecordAppended { .. } => {
                "The replica appended the record to its log, in the OS page cache (not yet on disk)."
            }
            EventKind::HighWatermarkUpdated { .. } => {
                "The high watermark moved: records below it are committed and visible to consumers."
            }
            EventKind::ProduceAcknowledged { .. } => {
                "The send callback reported success (offset -1 for acks=0, which never waits)."
            }
            EventKind::ProduceFailed { .. } => {
                "The send callback reported an error. A timeout is ambiguous: the record may have been written."
            }
            EventKind::ProduceRetried { .. } => {
                "The attempt failed with a retriable error; the producer sends the record's whole batch again after its backoff. Without idempotence a retry of a batch that was in fact written makes a duplicate of every record in it."
            }
            EventKind::ProducerEpochBumped { .. } => {
                "A batch failed with its sequence number unresolved, so the idempotent producer bumped its epoch and restarted sequences at 0; unacknowledged batches lose their duplicate protection."
            }
            EventKind::EventLimitReached { .. } => {
                "The run reached its event limit and stopped early."
            }
            EventKind::FaultApplied { .. } => "A fault from the plan struck.",
            EventKind::BrokerStopped => {
                "The broker process stopped. After a process crash the page cache survives; after a power loss only fsynced records do."
            }
            EventKind::BrokerStarted => {
                "The broker started again, recovered its log, took its HW from the checkpoint and registered with the controller."
            }
            EventKind::BrokerFenced { .. } => {
                "No heartbeat within the session timeout: the controller fenced the broker, removed it from ISRs and moved its leaderships."
            }
            EventKind::BrokerUnfenced { .. } => {
                "The controller heard from the broker again and unfenced it."
            }
            EventKind::LeaderElected { .. } => {
                "The controller chose a leader from the ISR in assignment order (unclean: any live replica; none: the partition is offline) and bumped the epoch."
            }
            EventKind::IsrChanged { .. } => "The controller changed the in-sync replica set.",
            EventKind::BecameLeader { .. } => "The replica took the leader role for the new epoch.",
            EventKind::BecameFollower { .. } => {
                "The replica became a follower and will truncate its log before fetching."
            }
            EventKind::LogTruncated { .. } => {
                "Records were removed from the end of this replica's log."
            }
            EventKind::ProducerStateExpired { .. } => {
                "The replica forgot an idle producer's last sequence numbers (producer.id.expiration.ms): a later batch of that producer is accepted with any sequence, so a very late retry is no longer recognised as a duplicate (an inference from the broker's rule)."
            }
            EventKind::LogStartMoved { .. } => {
                "Retention (log.retention.ms) deleted the replica's oldest segments: records below the new log start offset are gone, read or not."
            }
            EventKind::LogFlushed { .. } => {
                "The replica fsynced its log: these records now survive a power loss."
            }
            EventKind::InvariantViolated { .. } => {
                "A replication invariant does not hold: committed data may be missing from a replica that could be elected."
            }
            EventKind::Consumer(fact) => fact.explanation(),
            EventKind::Transaction(fact) => fact.explanation(),
        }
    }

    /// Whether the model's behaviour here rests on an inference, not on a documented rule.
    pub fn is_inference(&self) -> bool {
        matches!(
            self,
            EventKind::LogTruncated {
                reason: crate::trace::TruncationReason::PowerLoss,
                ..
            }
        )
    }
}

impl crate::ledger::AnomalyKind {
    /// Why this anomaly happens, naming the settings involved.
    pub fn explanation(self) -> &'static str {
        use crate::ledger::AnomalyKind as K;
        match self {
            K::LostAcknowledgedWrite => {
                "The producer was told the write succeeded, yet the final leader's log lacks it: the replicas that had it were truncated or never led (acks=1, acks=0, an unclean election, or unflushed records lost with power)."
            }
            K::Duplicate => {
                "The log holds the record more than once: a retry or a resend of a write that had already landed. enable.idempotence removes the producer's own retry duplicates within one session; only a transactional.id fences a second instance."
            }
            K::Reorder => {
                "A later send landed before an earlier one: a retried batch overtaken by the next ones, with max.in.flight.requests.per.connection above 1 and no idempotence."
            }
            K::DuplicateEffect => {
                "The group processed the record again after a crash or rebalance, before its offset was committed: commit-after-processing is at-least-once unless the sink de-duplicates or stores the offsets with the result."
            }
            K::LostEffect => {
                "The group moved past the record before its effect reached the sink: auto-commit with buffered processing or a commit before processing, then a crash; or retention (log.retention.ms) deleted it before the group read it, and auto.offset.reset jumped over it."
            }
            K::WriteCycle => {
                "Two transactions wrote to the same partitions in opposite orders: on one partition the first one's records come first, on another the second one's. Each partition orders writes by arrival alone, so Kafka's transactions are atomic (all or nothing, read_committed) but not serializable; G0 is allowed (Jepsen's Kafka analyses)."
            }
            K::AbortedRead => {
                "A consumer applied a record whose transaction aborted: with isolation.level=read_uncommitted (the default) consumers read past open and aborted transactions; read_committed stops at the last stable offset."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ids::{Offset, PartitionId};
    use crate::trace::{EventKind, TruncationReason};

    #[test]
    fn power_loss_recovery_is_marked_as_an_inference() {
        let e = EventKind::LogTruncated {
            partition: PartitionId(0),
            to: Offset(0),
            removed: 1,
            reason: TruncationReason::PowerLoss,
        };
        assert!(e.is_inference());
        assert!(!EventKind::BrokerStopped.is_inference());
        assert!(e.explanation().contains("removed"));
    }
}
