//! The producing application and its `KafkaProducer`: sends, and what the callback reports.
//!
//! This first model sends one record per produce request to the partition's leader and
//! reports the response (kafka-semantics.md §A.1, §B.4). acks=0 counts a record as sent once
//! it is on the wire, offset -1. Batching, retries and idempotence are the producer issue's
//! work; until then a retriable error is reported to the callback as is.

use crate::acks::Acks;
use crate::ids::{BrokerId, NodeId, PartitionId, RecordId};
use crate::message::Message;
use crate::outbox::{Outbox, Timer};
use crate::scenario::ProducerSpec;
use crate::time::SimTime;
use crate::trace::EventKind;
use std::collections::BTreeMap;

/// One producing application.
#[derive(Clone, Debug)]
pub struct Producer {
    acks: Acks,
    records: u32,
    interval_ms: u64,
    partitions: u32,
    /// The leader of each partition, from the producer's metadata.
    leaders: BTreeMap<PartitionId, BrokerId>,
}

impl Producer {
    /// A producer that will send `spec.records` records over `partitions` partitions.
    pub fn new(
        spec: &ProducerSpec,
        acks: Acks,
        partitions: u32,
        leaders: BTreeMap<PartitionId, BrokerId>,
    ) -> Producer {
        Producer {
            acks,
            records: spec.records,
            interval_ms: spec.interval_ms,
            partitions,
            leaders,
        }
    }

    /// The timer for the first send, if there is anything to send.
    pub fn first_timer(&self) -> Option<Timer> {
        (self.records > 0).then_some(Timer::ProducerSend {
            record: RecordId(0),
        })
    }

    /// The application's send timer fired: `send()` the record and schedule the next one.
    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Outbox) {
        let Timer::ProducerSend { record } = timer else {
            return;
        };
        // Round-robin, as the default partitioner does for records without a key.
        let partition = PartitionId(record.0 % self.partitions.max(1));
        out.emit(EventKind::RecordSent { record, partition });
        if let Some(leader) = self.leaders.get(&partition) {
            let request = Message::ProduceRequest {
                partition,
                record,
                acks: self.acks,
            };
            out.send(NodeId::Broker(*leader), request);
            if self.acks == Acks::None {
                out.emit(EventKind::ProduceAcknowledged {
                    record,
                    partition,
                    offset: None,
                });
            }
        }
        let next = record.0 + 1;
        if next < self.records {
            let at = now.plus_ms(self.interval_ms);
            out.set_timer(
                at,
                Timer::ProducerSend {
                    record: RecordId(next),
                },
            );
        }
    }

    /// A produce response arrived: the send callback fires.
    pub fn on_message(&mut self, message: Message, out: &mut Outbox) {
        let Message::ProduceResponse {
            partition,
            record,
            result,
        } = message
        else {
            return;
        };
        match result {
            Ok(offset) => out.emit(EventKind::ProduceAcknowledged {
                record,
                partition,
                offset: Some(offset),
            }),
            Err(error) => out.emit(EventKind::ProduceFailed {
                record,
                partition,
                error,
            }),
        }
    }
}
