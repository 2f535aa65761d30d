//! The simulator: one owner of time, the event queue, randomness and the world.
//!
//! It pops the earliest event, hands it to the node it concerns, and applies what the node
//! put in its outbox: facts go to the trace, messages go through the network, timers go to
//! the queue. A run is a pure function of the scenario and the seed.

use crate::broker::{Broker, BrokerRules};
use crate::ids::{BrokerId, LeaderEpoch, MessageId, NodeId};
use crate::limits;
use crate::message::Message;
use crate::network::Network;
use crate::outbox::{Command, Outbox, Timer};
use crate::producer::Producer;
use crate::queue::EventQueue;
use crate::scenario::Scenario;
use crate::time::SimTime;
use crate::trace::{EventKind, Trace, TraceEvent};
use std::collections::BTreeMap;

/// Something due at a point in simulated time.
#[derive(Clone, Debug)]
enum Event {
    /// A message arrives.
    Deliver {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        message: Message,
    },
    /// A node's timer fires.
    Timer { node: NodeId, timer: Timer },
}

/// A running simulation.
pub struct Sim {
    now: SimTime,
    end: SimTime,
    queue: EventQueue<Event>,
    network: Network,
    brokers: Vec<Broker>,
    producer: Producer,
    trace: Trace,
    events_handled: u64,
    outbox: Outbox,
}

impl Sim {
    /// Builds the world of a (validated) scenario, with every random choice derived from `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Sim {
        let config = scenario.effective_config();
        let rules = BrokerRules::from(&config);
        let brokers = (0..scenario.cluster.brokers)
            .map(|b| Broker::new(BrokerId(b), rules))
            .collect();
        let leaders: BTreeMap<_, _> = scenario
            .partitions()
            .map(|p| (p, scenario.replicas_of(p)[0]))
            .collect();
        let producer = Producer::new(
            &scenario.producer,
            config.acks.value,
            scenario.topic.partitions,
            leaders,
        );
        let mut sim = Sim {
            now: SimTime::ZERO,
            end: SimTime::from_ms(scenario.duration_ms),
            queue: EventQueue::default(),
            network: Network::new(&scenario.network, seed),
            brokers,
            producer,
            trace: Trace::default(),
            events_handled: 0,
            outbox: Outbox::default(),
        };
        sim.create_partitions(scenario);
        if let Some(timer) = sim.producer.first_timer() {
            let at = SimTime::from_ms(scenario.producer.start_ms);
            sim.queue.push(
                at,
                Event::Timer {
                    node: NodeId::Producer(0),
                    timer,
                },
            );
        }
        sim
    }

    /// The controller creates the topic: each partition's replicas, led by the first one.
    fn create_partitions(&mut self, scenario: &Scenario) {
        for partition in scenario.partitions() {
            let replicas = scenario.replicas_of(partition);
            let leader = replicas[0];
            let leader_epoch = LeaderEpoch(0);
            self.record(
                NodeId::Controller,
                EventKind::PartitionCreated {
                    partition,
                    replicas: replicas.clone(),
                    leader,
                    leader_epoch,
                },
            );
            for broker in &replicas {
                let mut out = std::mem::take(&mut self.outbox);
                self.brokers[broker.0 as usize].create_replica(
                    partition,
                    &replicas,
                    leader,
                    leader_epoch,
                    &mut out,
                );
                self.apply(NodeId::Broker(*broker), &mut out);
                self.outbox = out;
            }
        }
    }

    /// Runs to the scenario's end (or the event limit); returns the trace and how many
    /// events were handled.
    pub fn run(mut self) -> (Trace, u64) {
        while let Some(time) = self.queue.peek_time() {
            if time > self.end {
                break;
            }
            if self.events_handled >= limits::MAX_EVENTS {
                let events = self.events_handled;
                self.record(NodeId::Controller, EventKind::EventLimitReached { events });
                break;
            }
            self.step();
        }
        (self.trace, self.events_handled)
    }

    /// Handles exactly one event.
    fn step(&mut self) {
        let Some((time, event)) = self.queue.pop() else {
            return;
        };
        self.now = time;
        self.events_handled += 1;
        let mut out = std::mem::take(&mut self.outbox);
        let node = match event {
            Event::Deliver {
                id,
                from,
                to,
                message,
            } => {
                self.record(to, EventKind::MessageDelivered { message: id, from });
                match to {
                    NodeId::Broker(b) => {
                        self.brokers[b.0 as usize].on_message(time, from, message, &mut out)
                    }
                    NodeId::Producer(_) => self.producer.on_message(message, &mut out),
                    NodeId::Controller => {}
                }
                to
            }
            Event::Timer { node, timer } => {
                match node {
                    NodeId::Broker(b) => self.brokers[b.0 as usize].on_timer(timer, &mut out),
                    NodeId::Producer(_) => self.producer.on_timer(time, timer, &mut out),
                    NodeId::Controller => {}
                }
                node
            }
        };
        self.apply(node, &mut out);
        self.outbox = out;
    }

    /// Carries out a node's commands, in the order it gave them.
    fn apply(&mut self, node: NodeId, out: &mut Outbox) {
        for command in out.drain() {
            match command {
                Command::Emit(kind) => self.record(node, kind),
                Command::Send { to, message } => {
                    let (id, deliver_at) = self.network.route(self.now, node, to);
                    self.record(
                        node,
                        EventKind::MessageSent {
                            message: id,
                            to,
                            deliver_at,
                            body: message.clone(),
                        },
                    );
                    self.queue.push(
                        deliver_at,
                        Event::Deliver {
                            id,
                            from: node,
                            to,
                            message,
                        },
                    );
                }
                Command::SetTimer { at, timer } => {
                    self.queue.push(at, Event::Timer { node, timer })
                }
            }
        }
    }

    fn record(&mut self, node: NodeId, kind: EventKind) {
        self.trace.events.push(TraceEvent {
            time: self.now,
            node,
            kind,
        });
    }
}
