//! A member's commits (kafka-semantics.md §B.9): `commitSync` and what the application does
//! once it returns, async commits, their answers, and read-process-write's transaction end.

use super::{Member, Then, Thread, fact};
use crate::consumer::facts::ConsumerFact;
use crate::consumer::protocol::GroupMessage;
use crate::consumer::sink::Sink;
use crate::consumer::spec::CommitStrategy;
use crate::errors::KafkaError;
use crate::ids::{NodeId, Offset, PartitionId};
use crate::message::Message;
use crate::outbox::Outbox;
use crate::time::SimTime;

impl Member {
    pub(super) fn commit_sync(
        &mut self,
        offsets: Vec<(PartitionId, Offset)>,
        then: Then,
        sink: &mut Sink,
        now: SimTime,
        out: &mut Outbox,
    ) {
        if self.rejoin_blocks_commit_sync() && !offsets.is_empty() {
            let error = KafkaError::RebalanceInProgress;
            fact(out, ConsumerFact::CommitFailed { error, sync: true });
            return self.resume(then, now, sink, out);
        }
        if self.generation.is_none() || offsets.is_empty() {
            if self.generation.is_none() && !offsets.is_empty() {
                let error = KafkaError::CommitFailed;
                fact(out, ConsumerFact::CommitFailed { error, sync: true });
                self.end_transaction(false, sink, out);
            }
            return self.resume(then, now, sink, out);
        }
        self.thread = Thread::Committing(then);
        self.pending_commit = Some((offsets.clone(), true));
        self.pending_since = now;
        self.commit_sent_at = now;
        if self.coordinator.is_some() {
            self.send_commit(offsets, true, out);
        }
    }

    /// `generationIfStable()` is null while the member's own JoinGroup is unanswered: a
    /// `commitSync` is refused with `RebalanceInProgressException`, not sent (a
    /// read-process-write commit goes through the producer's transaction instead).
    pub(super) fn rejoin_blocks_commit_sync(&self) -> bool {
        self.joining && self.rules.commit != CommitStrategy::KafkaTransaction
    }

    pub(super) fn send_commit(
        &mut self,
        offsets: Vec<(PartitionId, Offset)>,
        sync: bool,
        out: &mut Outbox,
    ) {
        if offsets.is_empty() {
            return;
        }
        if self.joining && !sync {
            // An async commit while rejoining fails in its callback, which only logs it.
            let error = KafkaError::RebalanceInProgress;
            fact(out, ConsumerFact::CommitFailed { error, sync });
            return;
        }
        let (Some(coordinator), Some(member), Some(generation)) =
            (self.coordinator, self.member_id, self.generation)
        else {
            return;
        };
        let commit = GroupMessage::OffsetCommit {
            member,
            generation,
            offsets,
            sync,
        };
        out.send(NodeId::Broker(coordinator), Message::Group(commit));
    }

    pub(super) fn resume(&mut self, then: Then, now: SimTime, sink: &mut Sink, out: &mut Outbox) {
        match then {
            Then::Process => {
                self.thread = Thread::Processing;
                self.start_processing(now, out);
                if self.work.is_empty() {
                    self.thread = Thread::Polling;
                    self.poll(now, sink, out);
                }
            }
            Then::ContinueProcessing => {
                self.thread = Thread::Processing;
                self.after_record(now, sink, out);
            }
            Then::Poll => {
                self.thread = Thread::Polling;
                self.poll(now, sink, out);
            }
        }
    }

    pub(super) fn on_commit_response(
        &mut self,
        now: SimTime,
        error: Option<KafkaError>,
        sync: bool,
        sink: &mut Sink,
        out: &mut Outbox,
    ) {
        if let Some(error) = error {
            match error {
                KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable if sync => {
                    // Retriable: find the coordinator again and resend.
                    self.lose_coordinator();
                    return self.retry_later(now, out);
                }
                KafkaError::UnknownMemberId | KafkaError::IllegalGeneration => {
                    self.generation = None;
                    if error == KafkaError::UnknownMemberId {
                        self.member_id = None;
                    }
                    let error = if sync {
                        KafkaError::CommitFailed
                    } else {
                        error
                    };
                    fact(out, ConsumerFact::CommitFailed { error, sync });
                }
                KafkaError::RebalanceInProgress => {
                    self.rejoin = true;
                    fact(out, ConsumerFact::CommitFailed { error, sync });
                }
                _ => fact(out, ConsumerFact::CommitFailed { error, sync }),
            }
        }
        if sync && let Thread::Committing(then) = self.thread {
            self.pending_commit = None;
            self.end_transaction(error.is_none(), sink, out);
            self.resume(then, now, sink, out);
        }
    }

    /// Read-process-write: the transaction with the staged output commits (the output
    /// reaches the sink) or aborts (it never appears).
    pub(super) fn end_transaction(&mut self, committed: bool, sink: &mut Sink, out: &mut Outbox) {
        if self.staged.is_empty() {
            return;
        }
        let staged = std::mem::take(&mut self.staged);
        if committed {
            let records = staged
                .iter()
                .map(|d| {
                    (
                        d.record,
                        sink.write(d.record, (d.partition, d.offset), false),
                    )
                })
                .collect();
            fact(out, ConsumerFact::OutputCommitted { records });
        } else {
            let records = staged.iter().map(|d| d.record).collect();
            fact(out, ConsumerFact::OutputAborted { records });
        }
    }
}
