//! The fault plan striking (kafka-semantics.md §B.5, §B.6): a broker process crash (its
//! machine resets the clients' connections), a power or disk loss (nobody answers), a
//! restart; links cut, slowed, healed; nodes isolated; responses dropped after the request
//! was applied; partitions added; and the consumer and producer faults.

use super::Sim;
use crate::broker::Stop;
use crate::fault::Fault;
use crate::ids::{BrokerId, NodeId};
use crate::message::Message;
use crate::trace::EventKind;

impl Sim {
    pub(super) fn apply_fault(&mut self, index: usize) -> Option<NodeId> {
        let fault = self.faults[index].fault.clone();
        let node = fault.target();
        self.record(
            node,
            EventKind::FaultApplied {
                fault: fault.clone(),
            },
        );
        let now = self.now;
        match fault {
            Fault::CrashBroker { broker } => self.stop_broker(broker, Stop::Crash),
            Fault::PowerLoss { broker } => self.stop_broker(broker, Stop::PowerLoss),
            Fault::DiskLoss { broker } => self.stop_broker(broker, Stop::DiskLoss),
            Fault::RestartBroker { broker } => {
                self.with_node(NodeId::Broker(broker), |sim, out| {
                    sim.brokers[broker.0 as usize].restart(now, out)
                });
            }
            Fault::CutLink { from, to, one_way } => {
                self.network.cut(from, to);
                if !one_way {
                    self.network.cut(to, from);
                }
            }
            Fault::SlowLink {
                from,
                to,
                latency_us,
            } => self.network.slow(from, to, latency_us),
            Fault::HealLink { from, to } => self.network.heal(from, to),
            Fault::Isolate { node } => self.network.set_isolated(node, true),
            Fault::Reconnect { node } => self.network.set_isolated(node, false),
            Fault::DropResponses { broker, count } => self.network.drop_responses(broker, count),
            Fault::AddPartitions { count } => {
                self.with_node(NodeId::Controller, |sim, out| {
                    sim.controller.add_partitions(count, out)
                });
            }
            Fault::CrashConsumer { .. }
            | Fault::RestartConsumer { .. }
            | Fault::PauseConsumer { .. }
            | Fault::SlowConsumer { .. }
            | Fault::CloseConsumer { .. } => self.consumer_fault(&fault),
            Fault::CrashProducer { .. }
            | Fault::PauseProducer { .. }
            | Fault::RestartProducer { .. } => self.producer_fault(&fault),
        }
        Some(node)
    }

    fn stop_broker(&mut self, broker: BrokerId, how: Stop) {
        let b = broker.0 as usize;
        self.incarnations[b] = self.incarnations[b].wrapping_add(1);
        let was_running = self.brokers[b].is_running();
        self.with_node(NodeId::Broker(broker), |sim, out| {
            sim.brokers[b].stop(how, out);
            // The process died but its machine lives: the OS resets its connections, so
            // clients hear at once. After a power or disk loss nobody answers: they time out.
            if how == Stop::Crash && was_running {
                for p in 0..sim.producers.len() as u32 {
                    out.send(NodeId::Producer(p), Message::ConnectionClosed);
                }
            }
        });
        if how == Stop::Crash && was_running {
            self.reset_consumer_connections(broker);
        }
    }
}
