//! The producing application and its `KafkaProducer`: sends, and what the callback reports.
//!
//! This model sends one record per produce request to the partition's leader as the
//! producer's metadata knows it, and reports the answer (kafka-semantics.md §A.1, §B.4):
//! - acks=0 counts a record as sent once it is on the wire (offset -1), whatever happens;
//! - no answer within `request.timeout.ms` is a REQUEST_TIMED_OUT (ambiguous: the record
//!   may have been written);
//! - after an error the producer refreshes its metadata from a broker.
//!
//! Batching, retries and idempotence are the producer issue's work; until then a retriable
//! error is reported to the callback as is.

use crate::acks::Acks;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId, PartitionId, RecordId};
use crate::message::{BATCH_OVERHEAD_BYTES, Message, ProduceRequest};
use crate::outbox::{Outbox, Timer};
use crate::scenario::ProducerSpec;
use crate::time::SimTime;
use crate::trace::EventKind;
use std::collections::BTreeMap;

/// One producing application.
#[derive(Clone, Debug)]
pub struct Producer {
    acks: Acks,
    request_timeout_ms: u64,
    batch_bytes: u32,
    records: u32,
    interval_ms: u64,
    partitions: u32,
    brokers: u32,
    /// The leader of each partition, from the producer's metadata.
    leaders: BTreeMap<PartitionId, Option<BrokerId>>,
    /// Records sent and not yet answered.
    in_flight: BTreeMap<RecordId, (PartitionId, BrokerId)>,
    /// Which broker the next metadata request goes to (round-robin).
    next_metadata_broker: u32,
}

impl Producer {
    /// A producer that will send `spec.records` records over `partitions` partitions.
    pub fn new(
        spec: &ProducerSpec,
        acks: Acks,
        request_timeout_ms: u64,
        brokers: u32,
        leaders: BTreeMap<PartitionId, Option<BrokerId>>,
    ) -> Producer {
        Producer {
            acks,
            request_timeout_ms,
            batch_bytes: spec.record_bytes.saturating_add(BATCH_OVERHEAD_BYTES),
            records: spec.records,
            interval_ms: spec.interval_ms,
            partitions: leaders.len() as u32,
            brokers,
            leaders,
            in_flight: BTreeMap::new(),
            next_metadata_broker: 0,
        }
    }

    /// The timer for the first send, if there is anything to send.
    pub fn first_timer(&self) -> Option<Timer> {
        (self.records > 0).then_some(Timer::ProducerSend {
            record: RecordId(0),
        })
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Outbox) {
        match timer {
            Timer::ProducerSend { record } => self.send(now, record, out),
            Timer::RequestTimeout { record } => {
                if let Some((partition, _)) = self.in_flight.remove(&record) {
                    let error = KafkaError::RequestTimedOut;
                    out.emit(EventKind::ProduceFailed {
                        record,
                        partition,
                        error,
                    });
                    self.refresh_metadata(out);
                }
            }
            _ => {}
        }
    }

    /// The application calls `send()`; the next send is scheduled.
    fn send(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) {
        // Round-robin, as the default partitioner does for records without a key.
        let partition = PartitionId(record.0 % self.partitions.max(1));
        out.emit(EventKind::RecordSent { record, partition });
        match self.leaders.get(&partition).copied().flatten() {
            Some(leader) => {
                let timeout_ms = self.request_timeout_ms;
                let request = Message::ProduceRequest(ProduceRequest {
                    partition,
                    record,
                    acks: self.acks,
                    timeout_ms,
                    batch_bytes: self.batch_bytes,
                });
                out.send(NodeId::Broker(leader), request);
                if self.acks == Acks::None {
                    out.emit(EventKind::ProduceAcknowledged {
                        record,
                        partition,
                        offset: None,
                    });
                } else {
                    self.in_flight.insert(record, (partition, leader));
                    out.set_timer(now.plus_ms(timeout_ms), Timer::RequestTimeout { record });
                }
            }
            None => {
                let error = KafkaError::LeaderNotAvailable;
                out.emit(EventKind::ProduceFailed {
                    record,
                    partition,
                    error,
                });
                self.refresh_metadata(out);
            }
        }
        let next = record.0 + 1;
        if next < self.records {
            out.set_timer(
                now.plus_ms(self.interval_ms),
                Timer::ProducerSend {
                    record: RecordId(next),
                },
            );
        }
    }

    /// Handles a response, or a closed connection from `from`.
    pub fn on_message(&mut self, from: NodeId, message: &Message, out: &mut Outbox) {
        match *message {
            Message::ConnectionClosed => {
                let NodeId::Broker(broker) = from else { return };
                let lost: Vec<RecordId> = self
                    .in_flight
                    .iter()
                    .filter(|(_, (_, b))| *b == broker)
                    .map(|(r, _)| *r)
                    .collect();
                for record in lost {
                    if let Some((partition, _)) = self.in_flight.remove(&record) {
                        let error = KafkaError::NetworkException;
                        out.emit(EventKind::ProduceFailed {
                            record,
                            partition,
                            error,
                        });
                    }
                }
                self.refresh_metadata(out);
            }
            Message::ProduceResponse {
                partition,
                record,
                result,
            } => {
                if self.in_flight.remove(&record).is_none() {
                    return; // already timed out: the callback has fired
                }
                match result {
                    Ok(offset) => out.emit(EventKind::ProduceAcknowledged {
                        record,
                        partition,
                        offset: Some(offset),
                    }),
                    Err(error) => {
                        out.emit(EventKind::ProduceFailed {
                            record,
                            partition,
                            error,
                        });
                        self.refresh_metadata(out);
                    }
                }
            }
            Message::MetadataResponse { ref leaders } => {
                for &(partition, leader) in leaders {
                    self.leaders.insert(partition, leader);
                }
            }
            _ => {}
        }
    }

    fn refresh_metadata(&mut self, out: &mut Outbox) {
        let broker = BrokerId(self.next_metadata_broker % self.brokers.max(1));
        self.next_metadata_broker = self.next_metadata_broker.wrapping_add(1);
        out.send(NodeId::Broker(broker), Message::MetadataRequest);
    }
}
