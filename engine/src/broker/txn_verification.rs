//! KIP-890 part 1 (`transaction.partition.verification.enable`, 3.6+): before the first
//! transactional write of a producer to a partition, the leader asks the transaction
//! coordinator whether that producer's transaction is ongoing and includes the partition
//! (AddPartitionsToTxn with verifyOnly). A late request from a transaction that already
//! ended is refused with INVALID_TXN_STATE instead of opening a hanging transaction.
//!
//! The leader finds the coordinator as clients do, with FindCoordinator (sent to itself:
//! any broker answers it). Requests wait while verification is under way.

use super::Broker;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId, PartitionId};
use crate::message::{Message, ProduceRequest};
use crate::outbox::Outbox;
use crate::time::SimTime;
use crate::transaction::protocol::TxnMessage;
use std::collections::BTreeSet;

/// The leader's verification state.
#[derive(Clone, Debug, Default)]
pub(super) struct Verification {
    coordinator: Option<BrokerId>,
    looking_up: bool,
    /// Produce requests waiting for their verification, with who sent them.
    waiting: Vec<(NodeId, ProduceRequest)>,
    /// `(partition, producer id)` verified and not yet written.
    verified: BTreeSet<(PartitionId, u64)>,
    /// Verifications asked and not yet answered.
    asked: BTreeSet<(PartitionId, u64)>,
}

impl Broker {
    /// Whether `request` must wait for a verification: a transactional write from a
    /// producer with no transaction open here yet. Parks it and asks if so.
    pub(super) fn needs_verification(
        &mut self,
        from: NodeId,
        request: &ProduceRequest,
        open_here: bool,
        out: &mut Outbox,
    ) -> bool {
        let Some(id) = request.producer.filter(|_| request.transactional) else {
            return false;
        };
        if !self.rules.verify_transactions || open_here {
            return false;
        }
        let key = (request.partition, id.producer_id);
        if self.verification.verified.remove(&key) {
            return false;
        }
        self.verification.waiting.push((from, request.clone()));
        if self.verification.asked.insert(key) {
            self.ask(id.producer_id, id.epoch, request.partition, out);
        }
        true
    }

    fn ask(&mut self, producer_id: u64, epoch: u16, partition: PartitionId, out: &mut Outbox) {
        match self.verification.coordinator {
            Some(c) => {
                let verify = TxnMessage::VerifyPartition {
                    producer_id,
                    epoch,
                    partition,
                };
                out.send(NodeId::Broker(c), Message::Txn(verify));
            }
            None if !self.verification.looking_up => {
                self.verification.looking_up = true;
                let find = Message::Txn(TxnMessage::FindCoordinator);
                out.send(NodeId::Broker(self.id), find);
            }
            None => {}
        }
    }

    /// FindCoordinator answered: send the verifications that waited for it.
    pub(super) fn on_verification_coordinator(
        &mut self,
        coordinator: Option<BrokerId>,
        out: &mut Outbox,
    ) {
        self.verification.looking_up = false;
        self.verification.coordinator = coordinator;
        if coordinator.is_none() {
            return;
        }
        let waiting: Vec<(PartitionId, u64, u16)> = self
            .verification
            .waiting
            .iter()
            .filter_map(|(_, r)| r.producer.map(|id| (r.partition, id.producer_id, id.epoch)))
            .collect();
        let mut sent = BTreeSet::new();
        for (partition, producer_id, epoch) in waiting {
            if sent.insert((partition, producer_id)) {
                self.ask(producer_id, epoch, partition, out);
            }
        }
    }

    /// The coordinator answered: the waiting writes go ahead, or are refused.
    pub(super) fn on_verified(
        &mut self,
        now: SimTime,
        producer_id: u64,
        partition: PartitionId,
        error: Option<KafkaError>,
        out: &mut Outbox,
    ) {
        let key = (partition, producer_id);
        self.verification.asked.remove(&key);
        let (ready, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.verification.waiting)
            .into_iter()
            .partition(|(_, r)| {
                r.partition == partition
                    && r.producer.is_some_and(|id| id.producer_id == producer_id)
            });
        self.verification.waiting = rest;
        if error == Some(KafkaError::NotCoordinator) {
            self.verification.coordinator = None;
        }
        for (from, request) in ready {
            match error {
                None => {
                    self.verification.verified.insert(key);
                    self.on_produce(now, from, request, out);
                }
                Some(e) => {
                    let answer = Message::ProduceResponse {
                        partition,
                        records: request.records,
                        result: Err(e),
                        attempt: request.attempt,
                    };
                    out.send(from, answer);
                }
            }
        }
    }
}
