//! The simulator's transaction coordinator, hosted on a broker.
//!
//! Like the group coordinator it lives on the first broker the controller counts as alive
//! (standing in for the leader of the id's `__transaction_state` partition). FindCoordinator
//! is answered with that broker; a coordinator request to any other broker gets
//! NOT_COORDINATOR. When the answer changes, the new host takes the state over.
//!
//! It keeps one state per `transactional.id` (the scenario's, and any a restarted instance
//! uses instead), created when InitProducerId first names the id; requests after that are
//! routed by the producer id the id maps to.

use super::Sim;
use crate::errors::KafkaError;
use crate::ids::{BrokerId, NodeId};
use crate::message::Message;
use crate::outbox::Outbox;
use crate::scenario::Scenario;
use crate::time::SimTime;
use crate::transaction::coordinator::{TxnCoordinator, TxnRules, TxnTimer};
use crate::transaction::producer_id_of;
use crate::transaction::protocol::TxnMessage;
use std::rc::Rc;

/// The coordinator's states and where they run.
#[derive(Clone)]
pub(super) struct TxnHost {
    rules: TxnRules,
    /// One state per transactional id, in the order they were first heard of.
    ids: Vec<(Rc<str>, TxnCoordinator)>,
    pub(super) host: Option<BrokerId>,
}

impl TxnHost {
    /// The scenario's coordinator, if its producer is transactional.
    pub(super) fn new(scenario: &Scenario) -> Option<TxnHost> {
        scenario.producer.configs.transactional_id.as_ref()?;
        let config = scenario.effective_config();
        let rules = TxnRules {
            timeout_ms: config.transaction_timeout_ms.value,
            epoch_per_transaction: config.epoch_per_transaction,
        };
        // One transactional id per producing application, known from the start.
        let ids = (0..scenario.producer.count.max(1))
            .map(|app| {
                let id = scenario.producer.transactional_id_of(app);
                (
                    id.into(),
                    TxnCoordinator::new(rules, app, producer_id_of(app)),
                )
            })
            .collect();
        Some(TxnHost {
            rules,
            ids,
            host: None,
        })
    }

    /// A new host takes every state over.
    fn take_over(&mut self, now: SimTime, out: &mut Outbox) {
        for (_, coordinator) in &mut self.ids {
            coordinator.take_over(now, out);
        }
    }

    /// The state of `id`, created (and its timers started) the first time it is named.
    fn for_id(&mut self, id: &Rc<str>, now: SimTime, out: &mut Outbox) -> &mut TxnCoordinator {
        let slot = match self.ids.iter().position(|(known, _)| known == id) {
            Some(slot) => slot,
            None => {
                let slot = self.ids.len() as u32;
                let mut state = TxnCoordinator::new(self.rules, slot, producer_id_of(slot));
                state.take_over(now, out);
                self.ids.push((Rc::clone(id), state));
                slot as usize
            }
        };
        &mut self.ids[slot].1
    }

    /// The state a request about `producer_id` concerns.
    fn for_producer(&mut self, producer_id: u64) -> Option<&mut TxnCoordinator> {
        self.ids
            .iter_mut()
            .map(|(_, c)| c)
            .find(|c| c.producer_id() == producer_id)
    }
}

impl Sim {
    /// When the controller fences the broker hosting the coordinator, the next live broker
    /// takes it over and finishes what was in progress (markers of a prepared transaction),
    /// as the new leader of the id's `__transaction_state` partition would after loading it,
    /// without waiting for a client to look the coordinator up.
    pub(super) fn follow_txn_coordinator(&mut self) {
        let Some(current) = self.txn.as_ref().and_then(|t| t.host) else {
            return;
        };
        if self.controller.is_live(current) {
            return;
        }
        let Some(host) = self.coordinator_host() else {
            return;
        };
        let now = self.now;
        self.with_node(NodeId::Broker(host), |sim, out| {
            if let Some(t) = &mut sim.txn {
                t.host = Some(host);
                t.take_over(now, out);
            }
        });
    }

    /// The coordinator's timer fires on `host` (stale if it moved since).
    pub(super) fn txn_timer(&mut self, host: BrokerId, timer: TxnTimer) {
        if self.txn.as_ref().and_then(|t| t.host) != Some(host) {
            return;
        }
        let now = self.now;
        self.with_node(NodeId::Broker(host), |sim, out| {
            let Sim { brokers, txn, .. } = sim;
            if let Some(c) = txn
                .as_mut()
                .and_then(|t| t.ids.get_mut(timer.id() as usize))
            {
                let broker = &brokers[host.0 as usize];
                c.1.on_timer(now, timer, &|p| broker.leader_of(p), out);
            }
        });
    }

    /// A transaction message reaches broker `b`. Returns false if the broker itself handles
    /// it (WriteTxnMarkers to a partition leader).
    pub(super) fn txn_request(&mut self, b: BrokerId, from: NodeId, message: &TxnMessage) -> bool {
        if self.txn.is_none() {
            return false;
        }
        let now = self.now;
        let node = NodeId::Broker(b);
        if *message == TxnMessage::FindCoordinator {
            let host = self.coordinator_host();
            let moved = host.is_some() && host != self.txn.as_ref().and_then(|t| t.host);
            self.with_node(node, |sim, out| {
                if moved && let Some(t) = &mut sim.txn {
                    t.host = host;
                }
                let answer = TxnMessage::FindCoordinatorResponse { coordinator: host };
                out.send(from, Message::Txn(answer));
            });
            if moved && let Some(h) = host {
                self.with_node(NodeId::Broker(h), |sim, out| {
                    if let Some(t) = &mut sim.txn {
                        t.take_over(now, out);
                    }
                });
            }
            return true;
        }
        if !message.for_coordinator() {
            return false;
        }
        let is_host = self.txn.as_ref().and_then(|t| t.host) == Some(b);
        self.with_node(node, |sim, out| {
            if is_host {
                let Sim { brokers, txn, .. } = sim;
                let Some(t) = txn else { return };
                let coordinator = match message {
                    TxnMessage::InitProducerId { transactional_id } => {
                        Some(t.for_id(transactional_id, now, out))
                    }
                    TxnMessage::AddPartitionsToTxn { producer_id, .. }
                    | TxnMessage::EndTxn { producer_id, .. }
                    | TxnMessage::VerifyPartition { producer_id, .. }
                    | TxnMessage::WriteTxnMarkersResponse { producer_id, .. } => {
                        t.for_producer(*producer_id)
                    }
                    _ => None,
                };
                // Producer ids come from InitProducerId, so every request finds its state.
                if let Some(c) = coordinator {
                    let broker = &brokers[b.0 as usize];
                    c.on_message(now, from, message, &|p| broker.leader_of(p), out);
                }
                return;
            }
            let error = KafkaError::NotCoordinator;
            let answer = match message {
                TxnMessage::InitProducerId { .. } => {
                    TxnMessage::InitProducerIdResponse { result: Err(error) }
                }
                TxnMessage::AddPartitionsToTxn { partitions, .. } => {
                    TxnMessage::AddPartitionsToTxnResponse {
                        partitions: partitions.clone(),
                        error: Some(error),
                    }
                }
                TxnMessage::EndTxn { commit, .. } => TxnMessage::EndTxnResponse {
                    commit: *commit,
                    result: Err(error),
                },
                TxnMessage::VerifyPartition {
                    producer_id,
                    partition,
                    ..
                } => TxnMessage::VerifyPartitionResponse {
                    producer_id: *producer_id,
                    partition: *partition,
                    error: Some(error),
                },
                _ => return,
            };
            out.send(from, Message::Txn(answer));
        });
        true
    }
}
