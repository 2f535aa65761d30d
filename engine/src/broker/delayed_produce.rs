//! DelayedProduce and produce answers (`ReplicaManager`, `DelayedProduce`): an acks=all
//! batch waits until the high watermark passes its last offset or its timeout; acks=0 hears
//! nothing, except a closed connection on an error.

use super::replica::{LeaderState, PendingAck};
use crate::acks::Acks;
use crate::errors::KafkaError;
use crate::ids::{NodeId, Offset, PartitionId};
use crate::message::{Message, ProduceRequest};
use crate::outbox::{Outbox, Timer};
use crate::time::SimTime;
use crate::transaction::protocol::TxnMessage;

/// Answers a request that waited in DelayedProduce: a produce response, or the marker
/// answer to the transaction coordinator.
pub(in crate::broker) fn answer_ack(
    out: &mut Outbox,
    ack: &PendingAck,
    partition: PartitionId,
    result: Result<Offset, KafkaError>,
) {
    match ack.marker {
        None => {
            let answer = Message::ProduceResponse {
                partition,
                records: ack.records.clone(),
                result,
                attempt: ack.attempt,
            };
            out.send(ack.producer, answer);
        }
        Some((producer_id, marker)) => {
            let answer = TxnMessage::WriteTxnMarkersResponse {
                producer_id,
                partition,
                marker,
                error: result.err(),
            };
            out.send(ack.producer, Message::Txn(answer));
        }
    }
}

/// DelayedProduce: an acks=all request waits until the HW passes its record, or `deadline`.
pub(in crate::broker) fn await_high_watermark(
    state: &mut LeaderState,
    ack: PendingAck,
    partition: PartitionId,
    deadline: SimTime,
    out: &mut Outbox,
) {
    let record = ack.record();
    state.pending_acks.push(ack);
    out.set_timer(deadline, Timer::ProduceTimeout { partition, record });
}

/// Sends a produce response. acks=0 never gets one: on success nothing is sent, on an error
/// the broker closes the connection (`KafkaApis`), the only signal an acks=0 client gets.
pub(in crate::broker) fn respond(
    out: &mut Outbox,
    producer: NodeId,
    request: &ProduceRequest,
    result: Result<Offset, KafkaError>,
) {
    if request.acks == Acks::None {
        if result.is_err() {
            out.send(producer, Message::ConnectionClosed);
        }
    } else {
        out.send(
            producer,
            Message::ProduceResponse {
                partition: request.partition,
                records: request.records.clone(),
                result,
                attempt: request.attempt,
            },
        );
    }
}
