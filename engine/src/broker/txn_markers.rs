//! A partition leader writing transaction markers (`WriteTxnMarkers`, kafka-semantics.md
//! §B.10): the coordinator asks it to end a producer's transaction with a COMMIT or ABORT
//! control record. The marker takes an offset, is replicated like any batch, and is
//! confirmed once the high watermark passes it (the coordinator writes with acks=all). Once
//! appended, the transaction no longer holds back the last stable offset.
//!
//! A marker is written even where none of the transaction's records arrived: it moves the
//! partition's producer epoch, so a late batch of the ended transaction is refused
//! (INVALID_PRODUCER_EPOCH after a fence) instead of slipping into the next one. A resent
//! request whose marker is already the producer's last one here is confirmed without a
//! second copy.

use super::Broker;
use super::delayed_produce::{answer_ack, await_high_watermark};
use super::replica::{PendingAck, Role, note_append};
use crate::errors::KafkaError;
use crate::ids::{NodeId, Offset, PartitionId, RecordId};
use crate::message::{BatchSequence, ControlMarker, LogRecord, Message};
use crate::outbox::Outbox;
use crate::shared_slice::SharedSlice;
use crate::time::SimTime;
use crate::trace::EventKind;
use crate::transaction::protocol::TxnMessage;

/// How long a marker write waits for replication before the coordinator is told to retry.
const MARKER_TIMEOUT_MS: u64 = 30_000;

impl Broker {
    /// WriteTxnMarkers for one partition.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_write_txn_marker(
        &mut self,
        now: SimTime,
        coordinator: NodeId,
        producer_id: u64,
        epoch: u16,
        partition: PartitionId,
        marker: ControlMarker,
        out: &mut Outbox,
    ) {
        let reply = |out: &mut Outbox, error: Option<KafkaError>| {
            let answer = TxnMessage::WriteTxnMarkersResponse {
                producer_id,
                partition,
                marker,
                error,
            };
            out.send(coordinator, Message::Txn(answer));
        };
        let roll_ms = self.rules.roll_ms;
        let strict = self.rules.epoch_per_transaction;
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return reply(out, Some(KafkaError::NotLeaderOrFollower));
        };
        let Role::Leader(state) = &mut replica.role else {
            return reply(out, Some(KafkaError::NotLeaderOrFollower));
        };
        if state
            .pending_acks
            .iter()
            .any(|a| a.marker == Some((producer_id, marker)) && a.record() == RecordId::CONTROL)
        {
            return; // the first copy of this request is still waiting for the HW
        }
        if replica.producers.has_marker(producer_id, epoch, marker)
            || !replica.producers.marker_applies(producer_id, epoch, strict)
        {
            // A resent marker already written, or (transaction.version 2) a late marker of an
            // earlier transaction: nothing to write.
            return reply(out, None);
        }
        let entry = replica.log.push(LogRecord {
            offset: Offset(0),
            record: RecordId::CONTROL,
            leader_epoch: replica.leader_epoch,
            producer: Some(BatchSequence {
                producer_id,
                epoch,
                sequence: 0,
            }),
            transactional: true,
            control: Some(marker),
            continues_batch: false,
        });
        replica.producers.on_append(&entry);
        replica.producers.touch(producer_id, now);
        note_append(&mut replica.segments, entry.offset, now, roll_ms);
        out.emit(EventKind::RecordAppended {
            partition,
            offset: entry.offset,
            record: RecordId::CONTROL,
            leader_epoch: entry.leader_epoch,
            transactional: true,
            control: Some(marker),
            txn_producer: Some(producer_id),
        });
        let ack = PendingAck {
            producer: coordinator,
            records: SharedSlice::Empty,
            base: entry.offset,
            offset: entry.offset,
            marker: Some((producer_id, marker)),
            attempt: 0,
        };
        if entry.offset < replica.high_watermark {
            answer_ack(out, &ack, partition, Ok(entry.offset));
        } else {
            await_high_watermark(state, ack, partition, now.plus_ms(MARKER_TIMEOUT_MS), out);
        }
        self.maybe_flush(partition, out);
        self.maybe_advance_high_watermark(partition, out);
        self.answer_parked_fetches(partition, out);
    }
}
