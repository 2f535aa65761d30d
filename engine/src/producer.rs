//! The producing application and its `KafkaProducer` (kafka-semantics.md §A.1, §B.4, §B.7,
//! §B.8): the accumulator, the sender's in-flight limit, retries with backoff until
//! `delivery.timeout.ms`, and the idempotent producer's sequence numbers.
//!
//! - Records gather in per-partition batches ([`accumulator`]: `linger.ms`, `batch.size`,
//!   `buffer.memory`); one produce request carries one batch (a real request carries a
//!   batch for each partition the broker leads: simplified).
//! - A batch is sent to its partition's leader while that connection has fewer than
//!   `max.in.flight.requests.per.connection` requests outstanding; with a limit of 1 the
//!   partition is muted while its batch is in flight (`guaranteeMessageOrder`).
//! - A retriable error, a request timeout or a closed connection re-enqueues the batch
//!   after `retry.backoff.ms` (exponential up to `retry.backoff.max.ms` with ±20 % jitter
//!   from 3.7), while attempts stay within `retries` and the batch within
//!   `delivery.timeout.ms`; otherwise the callback gets the error. Without idempotence the
//!   retry goes to the front of the queue, but batches already in flight may land first:
//!   that is how records are reordered.
//! - Idempotent: one producer id, a sequence per partition (a batch takes as many as it has
//!   records), retries keep their sequence and are re-inserted in sequence order, and no
//!   newer batch of the partition is sent while a retry is outstanding. An
//!   OUT_OF_ORDER_SEQUENCE_NUMBER answer is retried.
//! - MESSAGE_TOO_LARGE for a batch of several records: split and sent again, no retry used.
//! - acks=0 counts a record as sent once it is on the wire (offset -1).
//! - After errors, and every `metadata.max.age.ms`, the producer refreshes its metadata from
//!   a broker; partitions added to the topic join the round-robin from then on.
//! - Send styles: fire-and-forget and callback sends go on at the workload's pace; a
//!   synchronous `send().get()` waits for each result before the next send.
//!
//! - With a `transactional.id`, [`transaction`] runs `initTransactions()` and the
//!   application's transactions; batches go out only to partitions registered in the open
//!   transaction, a failed send makes the transaction abort (and run again), and the
//!   producer id and epoch come from the coordinator.
//!
//! Simplified for now: an idempotent producer's id comes without an InitProducerId round
//! trip.

use crate::acks::Acks;
use crate::dense_map::DenseMap;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId, PartitionId, RecordId};
use crate::message::Message;
use crate::outbox::{Outbox, Timer};
use crate::partition_map::PartitionMap;
use crate::rng::{SimRng, Stream};
use crate::scenario::{
    EffectiveConfig, FailurePolicy, Idempotence, ProducerSpec, SendStyle, TransactionPlan,
};
use crate::time::SimTime;
use crate::trace::EventKind;
use crate::transaction::PRODUCER_ID;
use accumulator::{Accumulator, Batch, Sizing};
use in_flight::InFlightSet;
use transaction::{TxnClient, TxnStep};

mod accumulator;
mod application;
mod in_flight;
mod outcome;
mod sender;
pub mod transaction;

/// The producer configs it acts on.
#[derive(Clone, Copy, Debug)]
struct Rules {
    acks: Acks,
    request_timeout_ms: u64,
    delivery_timeout_ms: u64,
    retries: u32,
    backoff_ms: u64,
    backoff_max_ms: u64,
    exponential_backoff: bool,
    max_in_flight: usize,
    idempotent: bool,
    /// One record in a batch of its own, header included (`ensureValidRecordSize`).
    record_batch_bytes: u32,
    max_request_size: u32,
    metadata_max_age_ms: u64,
    max_block_ms: u64,
}

/// A batch on the wire.
#[derive(Clone, Debug)]
struct InFlight {
    batch: Batch,
    broker: BrokerId,
    attempt: u32,
}

/// One producing application.
#[derive(Clone, Debug)]
pub struct Producer {
    rules: Rules,
    on_failure: FailurePolicy,
    send_style: SendStyle,
    /// A synchronous send waiting for its result, and when the next send is due.
    waiting: Option<(RecordId, SimTime)>,
    /// How many times the application has sent each record (1 for the first send).
    /// Per record id, once the application has sent it: the partition it went to (the
    /// partition count can grow) and how many times it was sent.
    sent: Vec<Option<(PartitionId, u32)>>,
    records: u32,
    interval_ms: u64,
    partitions: u32,
    brokers: u32,
    leaders: PartitionMap<Option<BrokerId>>,
    accumulator: Accumulator,
    in_flight: InFlightSet,
    /// Scratch list of partitions for the sender loop (kept to avoid an allocation a pass).
    scratch: Vec<PartitionId>,
    next_sequence: PartitionMap<u32>,
    /// The producer epoch; bumped after a batch fails with its sequence unresolved.
    epoch: u16,
    /// Per partition, the highest `(epoch, sequence)` acknowledged (`lastAckedSequence`).
    last_acked: PartitionMap<(u16, u32)>,
    next_metadata_broker: u32,
    next_attempt: u32,
    /// The earliest pending wake-up, so backoffs do not pile up timers.
    wake_at: Option<SimTime>,
    /// When the last metadata request left: refreshes are at most one per
    /// `retry.backoff.ms` (Kafka's metadata refresh backoff).
    last_metadata_at: Option<SimTime>,
    rng: SimRng,
    /// The transaction manager, with a `transactional.id`.
    txn: Option<TxnClient>,
    /// The first record this instance sends (a restarted instance resumes part-way).
    first_record: u32,
    /// The next record the application has not sent yet (transactional sends).
    next_fresh: u32,
    /// Which instance of the application this is (`P0`, `P1`, …).
    instance: u32,
    /// Which producing application it is (with `producer.count` > 1).
    app: u32,
    /// A transactional replacement waiting to be told where its application resumes.
    awaiting_resume: bool,
    /// A `send()` blocked on a full buffer, and when the application's next send is due.
    blocked: Option<(RecordId, SimTime)>,
}

impl Producer {
    /// A producer sending `spec.records` records over the partitions in `leaders`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        spec: &ProducerSpec,
        config: &EffectiveConfig,
        idempotence: Idempotence,
        plan: Option<TransactionPlan>,
        (first_record, end): (u32, u32),
        (instance, app): (u32, u32),
        brokers: u32,
        leaders: DenseMap<PartitionId, Option<BrokerId>>,
        seed: u64,
    ) -> Producer {
        let rules = Rules {
            acks: config.acks.value,
            request_timeout_ms: config.request_timeout_ms.value,
            delivery_timeout_ms: config.delivery_timeout_ms.value,
            retries: config.retries.value,
            backoff_ms: config.retry_backoff_ms.value,
            backoff_max_ms: config
                .retry_backoff_max_ms
                .max(config.retry_backoff_ms.value),
            exponential_backoff: config.exponential_backoff,
            max_in_flight: config.max_in_flight_requests_per_connection.value.max(1) as usize,
            idempotent: idempotence == Idempotence::On,
            record_batch_bytes: crate::message::batch_bytes(1, spec.record_bytes),
            max_request_size: config.max_request_size.value,
            metadata_max_age_ms: config.metadata_max_age_ms.value.max(1),
            max_block_ms: config.max_block_ms.value,
        };
        Producer {
            rules,
            on_failure: spec.on_failure,
            send_style: spec.send_style,
            waiting: None,
            sent: Vec::new(),
            records: end,
            interval_ms: spec.interval_ms,
            partitions: leaders.len() as u32,
            brokers,
            leaders: leaders.into_iter().collect(),
            accumulator: Accumulator::new(Sizing {
                linger_ms: config.linger_ms.value,
                batch_size: config.batch_size.value,
                record_bytes: spec.record_bytes,
                buffer_memory: config.buffer_memory.value,
            }),
            in_flight: InFlightSet::default(),
            scratch: Vec::new(),
            next_sequence: PartitionMap::default(),
            epoch: 0,
            last_acked: PartitionMap::default(),
            next_metadata_broker: 0,
            next_attempt: 0,
            wake_at: None,
            last_metadata_at: None,
            rng: SimRng::new(seed, Stream::Producer),
            txn: plan.map(|plan| {
                TxnClient::new(
                    plan,
                    &spec.transactional_id_of(app),
                    brokers,
                    config.retry_backoff_ms.value,
                    config.request_timeout_ms.value,
                )
            }),
            first_record,
            next_fresh: first_record,
            instance,
            app,
            awaiting_resume: false,
            blocked: None,
        }
    }

    /// The timer for the first send (or `initTransactions()`), if there is anything to send.
    pub fn first_timer(&self) -> Option<Timer> {
        if self.first_record >= self.records {
            return None;
        }
        if self.txn.is_some() {
            return Some(Timer::Transactional(transaction::ProducerTxnTimer::Start));
        }
        Some(Timer::ProducerSend {
            record: RecordId(self.first_record),
        })
    }

    /// The producer id batches carry: the coordinator's with transactions; else a fresh one
    /// per instance (so an idempotent producer's deduplication lasts one session, §B.7).
    fn producer_id(&self) -> u64 {
        match self.txn.as_ref().and_then(TxnClient::identity) {
            Some((id, _)) => id,
            None => PRODUCER_ID + 1 + u64::from(self.instance),
        }
    }

    /// The transaction manager, for a transactional producer.
    pub fn transactions(&mut self) -> Option<&mut TxnClient> {
        self.txn.as_mut()
    }

    /// Which producing application this instance belongs to.
    pub fn app(&self) -> u32 {
        self.app
    }

    /// Whether the instance waits to be told where to resume (see [`Producer::resume_from`]).
    pub fn awaiting_resume(&self) -> bool {
        self.awaiting_resume
    }

    /// The application's source says where to go on: the first record not committed.
    pub fn resume_from(&mut self, now: SimTime, first: u32, out: &mut Outbox) {
        self.awaiting_resume = false;
        self.first_record = first;
        self.next_fresh = first;
        self.schedule_next_send(now, out);
    }

    /// How many times the application has sent `record` (0: never).
    fn sends_of(&self, record: RecordId) -> u32 {
        self.sent_record(record).map_or(0, |(_, sends)| sends)
    }

    /// Whether a fatal error closed this instance.
    pub fn is_closed(&self) -> bool {
        self.txn.as_ref().is_some_and(TxnClient::is_fatal)
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Outbox) {
        if self.is_closed() {
            return;
        }
        match timer {
            Timer::Transactional(t) => {
                if let Some(txn) = &mut self.txn {
                    txn.on_timer(now, t, out);
                }
            }
            Timer::ProducerSend { record } => {
                if record.0 == self.first_record {
                    let at = now.plus_ms(self.rules.metadata_max_age_ms);
                    out.set_timer(at, Timer::MetadataMaxAge);
                }
                self.send(now, record, out)
            }
            Timer::MetadataMaxAge => {
                self.refresh_metadata(now, out);
                let at = now.plus_ms(self.rules.metadata_max_age_ms);
                out.set_timer(at, Timer::MetadataMaxAge);
            }
            Timer::RequestTimeout { record, attempt }
                if self
                    .in_flight
                    .get(&record)
                    .is_some_and(|f| f.attempt == attempt) =>
            {
                self.failed_attempt(now, record, KafkaError::RequestTimedOut, out);
            }
            Timer::DeliveryTimeout { record, send } if self.sends_of(record) == send => {
                self.expire(now, record, out)
            }
            Timer::ApplicationResend { record } => {
                self.enqueue(now, record, out);
            }
            Timer::SendBlockTimeout { record } => self.give_up_blocked(now, record, out),
            Timer::ProducerWake if self.wake_at == Some(now) => self.wake_at = None,
            _ => {}
        }
        self.drain(now, out);
        if let Some(txn) = &mut self.txn {
            txn.maybe_end(now, out);
        }
    }

    /// A batch is done (acknowledged or failed for good): its memory goes back to the pool,
    /// and a blocked `send()` may go on.
    fn deallocate(&mut self, now: SimTime, batch: &Batch, out: &mut Outbox) {
        self.accumulator.deallocate(batch);
        let Some((blocked, due)) = self.blocked else {
            return;
        };
        if self.accumulator.has_room() {
            self.blocked = None;
            self.queue(now, blocked, out);
            self.send_after_block(now, blocked, due, out);
        }
    }

    fn partition_of(&self, record: RecordId) -> PartitionId {
        self.sent_record(record)
            .map_or(PartitionId(record.0 % self.partitions.max(1)), |(p, _)| p)
    }

    /// Where `record` went and how many times it was sent, if it was.
    fn sent_record(&self, record: RecordId) -> Option<(PartitionId, u32)> {
        self.sent.get(record.0 as usize).copied().flatten()
    }

    /// The transaction manager moved on: start sending, or go on after a commit.
    fn after_txn_step(&mut self, now: SimTime, step: TxnStep, out: &mut Outbox) {
        match step {
            TxnStep::Ready => {
                self.adopt_epoch(out);
                // The application reads where to resume only now that initTransactions()
                // has fenced any older instance: what that one committed until then is done.
                self.awaiting_resume = true;
            }
            TxnStep::Ended { .. } => {
                self.adopt_epoch(out);
                self.schedule_next_send(now.plus_ms(self.interval_ms), out);
            }
            TxnStep::Fatal => {
                self.accumulator.clear();
            }
            TxnStep::Nothing => {}
        }
    }

    /// Takes the epoch the coordinator gave; sequences restart under a new one.
    fn adopt_epoch(&mut self, out: &mut Outbox) {
        let Some((_, epoch)) = self.txn.as_ref().and_then(TxnClient::identity) else {
            return;
        };
        if epoch != self.epoch {
            self.epoch = epoch;
            self.next_sequence.clear();
            out.emit(EventKind::ProducerEpochBumped { epoch });
        }
    }

    /// `send()`: the record joins its partition's queue as a new batch (a resend by the
    /// application is new to Kafka: it gets a new sequence).
    /// Returns false when `send()` blocks on a full buffer (the record is not queued yet).
    fn enqueue(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) -> bool {
        // Round-robin, as the default partitioner does for records without a key.
        let i = record.0 as usize;
        if self.sent.len() <= i {
            self.sent.resize(i + 1, None);
        }
        let round_robin = PartitionId(record.0 % self.partitions.max(1));
        let (partition, sends) = self.sent[i].get_or_insert((round_robin, 0));
        *sends += 1;
        let partition = *partition;
        out.emit(EventKind::RecordSent {
            record,
            partition,
            app: self.app,
        });
        // `ensureValidRecordSize`: too large for a request, refused before it is ever sent,
        // and not retried.
        if self.rules.record_batch_bytes > self.rules.max_request_size {
            self.callback_failed(now, record, partition, KafkaError::RecordTooLarge, out);
            return true;
        }
        // `buffer.memory`: no room for one more record until answers free some. Only the
        // application's own sends block (a resend of a failed record goes in regardless).
        if self.txn.is_none()
            && self.sends_of(record) == 1
            && self.accumulator.needs_new_batch(partition)
            && !self.accumulator.has_room()
        {
            out.emit(EventKind::SendBlocked { record });
            let at = now.plus_ms(self.rules.max_block_ms);
            out.set_timer(at, Timer::SendBlockTimeout { record });
            return false;
        }
        self.queue(now, record, out);
        true
    }

    /// Puts the record in its partition's open batch, or a new one; `delivery.timeout.ms`
    /// counts from a batch's creation.
    fn queue(&mut self, now: SimTime, record: RecordId, out: &mut Outbox) {
        let partition = self.partition_of(record);
        if let Some(first) = self.accumulator.append(now, record, partition) {
            self.set_delivery_timeout(now, now, first, out);
        }
    }

    /// The delivery timeout of a batch created at `created` and named by `first`.
    fn set_delivery_timeout(
        &self,
        now: SimTime,
        created: SimTime,
        first: RecordId,
        out: &mut Outbox,
    ) {
        if self.rules.acks == Acks::None {
            return;
        }
        let send = self.sends_of(first).max(1);
        let at = created.plus_ms(self.rules.delivery_timeout_ms).max(now);
        out.set_timer(
            at,
            Timer::DeliveryTimeout {
                record: first,
                send,
            },
        );
    }

    /// Handles a response, or a closed connection from `from`.
    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: &Message, out: &mut Outbox) {
        if self.is_closed() {
            return;
        }
        match *message {
            Message::Txn(ref m) => {
                let step = match &mut self.txn {
                    Some(txn) => txn.on_message(now, m, out),
                    None => TxnStep::Nothing,
                };
                self.after_txn_step(now, step, out);
            }
            Message::ProduceResponse {
                ref records,
                result,
                attempt,
                ..
            } => {
                let Some(&first) = records.first() else {
                    return;
                };
                if self
                    .in_flight
                    .get(&first)
                    .is_none_or(|f| f.attempt != attempt)
                {
                    // Already expired or answered, or the answer to an earlier attempt of a
                    // record sent again since: the callback has fired for that one.
                    return;
                }
                match result {
                    Ok(base) => self.acknowledged(now, first, base, out),
                    Err(error) => self.failed_attempt(now, first, error, out),
                }
            }
            Message::ConnectionClosed => {
                let NodeId::Broker(broker) = from else { return };
                if let Some(txn) = &mut self.txn {
                    txn.on_connection_closed(now, broker, out);
                }
                let lost = self.in_flight.records_to(broker);
                for record in lost {
                    self.failed_attempt(now, record, KafkaError::NetworkException, out);
                }
                self.refresh_metadata(now, out);
            }
            Message::MetadataResponse { ref leaders } => {
                for &(partition, leader) in leaders {
                    self.leaders.insert(partition, leader);
                }
                // Partitions added to the topic: the partitioner spreads over them from now.
                self.partitions = self.partitions.max(leaders.len() as u32);
            }
            _ => {}
        }
        self.drain(now, out);
        if let Some(txn) = &mut self.txn {
            txn.maybe_end(now, out);
        }
    }

    fn refresh_metadata(&mut self, now: SimTime, out: &mut Outbox) {
        let backoff = self.rules.backoff_ms;
        if let Some(last) = self.last_metadata_at
            && now < last.plus_ms(backoff)
        {
            let at = last.plus_ms(backoff);
            if self.wake_at.is_none_or(|w| w > at || w < now) {
                self.wake_at = Some(at);
                out.set_timer(at, Timer::ProducerWake);
            }
            return;
        }
        self.last_metadata_at = Some(now);
        let broker = BrokerId(self.next_metadata_broker % self.brokers.max(1));
        self.next_metadata_broker = self.next_metadata_broker.wrapping_add(1);
        out.send(NodeId::Broker(broker), Message::MetadataRequest);
    }
}
