//! The simulator: one owner of time, the event queue, randomness and the world.
//!
//! It pops the earliest event, hands it to the node it concerns, and applies what the node
//! put in its outbox: facts go to the trace, messages go through the network, timers go to
//! the queue. Faults from the plan are events too. After every event the invariants are
//! checked. A run is a pure function of the scenario and the seed.

use crate::broker::{Broker, BrokerRules};
use crate::controller::Controller;
use crate::dense_map::DenseMap;
use crate::fault::ScheduledFault;
use crate::ids::{BrokerId, MessageId, NodeId, PartitionId};
use crate::invariants::InvariantChecker;
use crate::limits;
use crate::message::Message;
use crate::network::Network;
use crate::outbox::{Command, Outbox, Timer};
use crate::queue::EventQueue;
use crate::scenario::Scenario;
use crate::time::SimTime;
use crate::trace::{DropReason, EventKind, Trace, TraceEvent};

mod faults;
mod group;
mod producers;
mod transactions;

/// Something due at a point in simulated time.
#[derive(Clone, Debug)]
enum Event {
    /// A message arrives (or is lost, if `doomed` or the link is cut by then).
    /// Its body waits in the trace's messages, under `id`.
    Deliver {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        doomed: bool,
    },
    /// A node's timer fires, if the node is still the incarnation that set it.
    Timer {
        node: NodeId,
        timer: Timer,
        incarnation: u32,
    },
}

/// Event-queue lanes: one per link (TCP keeps order), then one per node and timer kind
/// (one delay each, so they fire in the order set).
const LANES: usize = Network::LINKS + Network::NODES * Timer::KINDS;

fn timer_lane(node: NodeId, timer: &Timer) -> usize {
    Network::LINKS + Network::node_index(node) * Timer::KINDS + timer.kind()
}

/// Why [`Sim::run_some`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pause {
    /// Every event due before the time asked for is handled.
    Reached,
    /// The steps allowed were used up first.
    OutOfSteps,
    /// The run is over: the scenario's end, the event limit or no events left.
    Ended,
}

/// A running simulation.
#[derive(Clone)]
pub struct Sim {
    now: SimTime,
    end: SimTime,
    queue: EventQueue<Event>,
    network: Network,
    brokers: Vec<Broker>,
    /// Bumped each time a broker stops, so timers of its previous life never fire.
    incarnations: Vec<u32>,
    controller: Controller,
    /// The producing application's instances (`P0`, and any that replaced it).
    producers: Vec<producers::Instance>,
    factory: producers::Factory,
    /// The transaction coordinator, if the producer is transactional.
    txn: Option<transactions::TxnHost>,
    /// The fault plan in time order (plan order among equal times), kept outside the queue:
    /// a fault strikes before any other event due at the same microsecond, so replacing the
    /// plan's future (see [`Sim::replace_faults`]) leaves every other event's order alone.
    faults: Vec<ScheduledFault>,
    /// How many of `faults` have struck.
    next_fault: usize,
    invariants: InvariantChecker,
    trace: Trace,
    events_handled: u64,
    outbox: Outbox,
    /// The consumer group, its coordinator and its sink, if the scenario has them.
    group: Option<group::Group>,
}

impl Sim {
    /// Builds the world of a (validated) scenario, with every random choice derived from `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Sim {
        let config = scenario.effective_config();
        let rules = BrokerRules::from(&config);
        let controller = Controller::new(scenario);
        let brokers = (0..scenario.cluster.brokers)
            .map(BrokerId)
            .map(|b| {
                let hosted: DenseMap<PartitionId, Vec<BrokerId>> = scenario
                    .partitions()
                    .map(|p| (p, scenario.replicas_of(p)))
                    .filter(|(_, replicas)| replicas.contains(&b))
                    .collect();
                Broker::new(b, rules, hosted)
            })
            .collect();
        let leaders: DenseMap<PartitionId, Option<BrokerId>> = controller
            .states()
            .map(|s| (s.partition, s.leader))
            .collect();
        let factory = producers::Factory::new(scenario, seed);
        let apps: Vec<producers::Instance> = (0..factory.apps())
            .map(|app| factory.build_app(app, leaders.clone()))
            .collect();
        let mut sim = Sim {
            now: SimTime::ZERO,
            end: SimTime::from_ms(scenario.duration_ms),
            queue: EventQueue::with_lanes(LANES),
            network: Network::new(&scenario.network, seed),
            incarnations: vec![0; scenario.cluster.brokers as usize],
            brokers,
            controller,
            producers: apps,
            factory,
            txn: transactions::TxnHost::new(scenario),
            faults: in_time_order(&scenario.faults),
            next_fault: 0,
            invariants: InvariantChecker::default(),
            trace: Trace::default(),
            events_handled: 0,
            outbox: Outbox::until(SimTime::from_ms(scenario.duration_ms)),
            group: group::Group::new(scenario),
        };
        sim.create_cluster();
        for app in 0..sim.factory.apps() {
            sim.start_producer(app, SimTime::from_ms(scenario.producer.start_ms));
        }
        if let Some(spec) = &scenario.consumer_group {
            sim.start_consumers(spec);
        }
        sim
    }

    /// The same simulation with the invariants checked exhaustively (every leader of a
    /// partition after each append or HW move on it): the reference the lean checks are
    /// tested against (see [`InvariantChecker::check`]).
    pub fn with_exhaustive_checks(mut self) -> Sim {
        self.invariants = InvariantChecker::exhaustive();
        self
    }

    /// The controller creates the topic and every broker takes its role and starts its tasks.
    fn create_cluster(&mut self) {
        let states: Vec<_> = self.controller.states().cloned().collect();
        for state in &states {
            let replicas = self.controller.replicas(state.partition).to_vec();
            let leader = state.leader.expect("a new partition has a leader");
            let created = EventKind::PartitionCreated {
                partition: state.partition,
                replicas,
                leader,
                leader_epoch: state.leader_epoch,
            };
            self.record(NodeId::Controller, created);
        }
        self.with_node(NodeId::Controller, |sim, out| {
            sim.controller.start(SimTime::ZERO, out)
        });
        for b in 0..self.brokers.len() {
            self.with_node(NodeId::Broker(BrokerId(b as u32)), |sim, out| {
                sim.brokers[b].start(SimTime::ZERO, out);
                for state in &states {
                    let message = Message::PartitionChange(state.clone());
                    sim.brokers[b].on_message(SimTime::ZERO, NodeId::Controller, &message, out);
                }
            });
        }
    }

    /// Runs to the scenario's end (or the event limit); returns the trace and how many
    /// events were handled.
    pub fn run(mut self) -> (Trace, u64) {
        while self.run_before(None) {}
        self.finish()
    }

    /// Handles every event due before `until` (all of them if none), stopping early at the
    /// scenario's end or the event limit; says whether events remain to be handled.
    pub fn run_before(&mut self, until: Option<SimTime>) -> bool {
        self.run_some(until, u64::MAX) != Pause::Ended
    }

    /// Handles events due before `until` (all of them if none), at most `steps` of them:
    /// a caller can run a simulation in slices (the app re-runs one over several animation
    /// frames) and get the very trace one call would give.
    pub fn run_some(&mut self, until: Option<SimTime>, steps: u64) -> Pause {
        let mut left = steps;
        while let Some(time) = self.next_time() {
            if time > self.end {
                return Pause::Ended;
            }
            if until.is_some_and(|until| time >= until) {
                return Pause::Reached;
            }
            if self.events_handled >= limits::MAX_EVENTS {
                let events = self.events_handled;
                self.record(NodeId::Controller, EventKind::EventLimitReached { events });
                return Pause::Ended;
            }
            if left == 0 {
                return Pause::OutOfSteps;
            }
            left -= 1;
            self.step();
        }
        Pause::Ended
    }

    /// Whether every event due at or before `time` has been handled: the trace up to `time`
    /// is final.
    pub fn settled_through(&self, time: SimTime) -> bool {
        self.next_time()
            .is_none_or(|next| next > time || next > self.end)
    }

    /// How many events were handled so far.
    pub fn events_handled(&self) -> u64 {
        self.events_handled
    }

    /// The trace and the number of events handled.
    pub fn finish(self) -> (Trace, u64) {
        (self.trace, self.events_handled)
    }

    /// When the next event is due: the next fault's time or the queue's earliest.
    fn next_time(&self) -> Option<SimTime> {
        match (self.next_fault_time(), self.queue.peek_time()) {
            (Some(f), Some(q)) => Some(f.min(q)),
            (f, q) => f.or(q),
        }
    }

    /// When the next fault of the plan strikes, if any is left.
    fn next_fault_time(&self) -> Option<SimTime> {
        self.faults
            .get(self.next_fault)
            .map(|f| SimTime::from_ms(f.at_ms))
    }

    /// The trace so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Takes the trace out (leaving an empty one), e.g. to copy the rest of the simulator.
    pub fn take_trace(&mut self) -> Trace {
        std::mem::take(&mut self.trace)
    }

    /// Puts a trace back: the facts this simulator's state was built from.
    pub fn set_trace(&mut self, trace: Trace) {
        self.trace = trace;
    }

    /// Replaces the fault plan's entries that have not struck yet with `plan`'s from the same
    /// point on. The caller guarantees that `plan` agrees with the current plan on every fault
    /// that struck (see [`crate::checkpoint`]).
    pub fn replace_faults(&mut self, plan: &[ScheduledFault]) {
        self.faults = in_time_order(plan);
    }

    /// Handles exactly one event, then checks the invariants it could have broken.
    fn step(&mut self) {
        if let Some(at) = self
            .next_fault_time()
            .filter(|at| self.queue.peek_time().is_none_or(|q| *at <= q))
        {
            self.now = at;
            self.events_handled += 1;
            let first_fact = self.trace.events.len();
            let index = self.next_fault;
            self.next_fault += 1;
            let touched = self.apply_fault(index);
            self.after_event(first_fact, touched);
            return;
        }
        let Some((time, event)) = self.queue.pop() else {
            return;
        };
        self.now = time;
        self.events_handled += 1;
        let first_fact = self.trace.events.len();
        let touched = match event {
            Event::Deliver {
                id,
                from,
                to,
                doomed,
            } => self.deliver(id, from, to, doomed),
            Event::Timer {
                node,
                timer,
                incarnation,
            } => {
                if let Some(until) = self.paused_until(node) {
                    let event = Event::Timer {
                        node,
                        timer,
                        incarnation,
                    };
                    self.queue.push(until, event);
                    return;
                }
                match (node, timer) {
                    (NodeId::Consumer(c), Timer::Consumer(t)) => {
                        if incarnation == self.consumer_incarnation(c) {
                            self.consumer_timer(c, t);
                        }
                    }
                    (NodeId::Broker(b), Timer::Group(t)) => {
                        if self.is_current(node, incarnation) {
                            self.group_timer(b, t);
                        }
                    }
                    (NodeId::Broker(b), Timer::Txn(t)) => {
                        if self.is_current(node, incarnation) {
                            self.txn_timer(b, t);
                        }
                    }
                    (_, timer) => {
                        if self.is_current(node, incarnation) {
                            self.with_node(node, |sim, out| match node {
                                NodeId::Broker(b) => {
                                    sim.brokers[b.0 as usize].on_timer(time, timer, out)
                                }
                                NodeId::Producer(p) => sim.producers[p as usize]
                                    .producer
                                    .on_timer(time, timer, out),
                                NodeId::Controller => sim.controller.on_timer(timer, out),
                                NodeId::Consumer(_) => {}
                            });
                        }
                    }
                }
                Some(node)
            }
        };
        self.after_event(first_fact, touched);
    }

    /// What follows every event: the checks of the invariants it could have broken.
    fn after_event(&mut self, first_fact: usize, touched: Option<NodeId>) {
        if touched == Some(NodeId::Controller) {
            // The controller may have fenced the coordinator's broker.
            self.follow_txn_coordinator();
        }
        if let Some(node) = touched {
            // The step's facts are one slice, unless a chunk of the trace filled up meanwhile.
            let facts = &self.trace.events;
            let found = match facts.tail_from(first_fact) {
                Some(step) => self.invariants.check(step, &self.brokers, &self.controller),
                None => {
                    let step = facts.range(first_fact..usize::MAX);
                    self.invariants.check(step, &self.brokers, &self.controller)
                }
            };
            for violation in found {
                self.record(node, violation);
            }
        }
    }

    fn deliver(&mut self, id: MessageId, from: NodeId, to: NodeId, doomed: bool) -> Option<NodeId> {
        if let Some(until) = self.paused_until(to) {
            // A paused process reads its socket when it wakes.
            let event = Event::Deliver {
                id,
                from,
                to,
                doomed,
            };
            self.queue.push(until, event);
            return None;
        }
        let reason = if doomed {
            Some(DropReason::ResponseLost)
        } else if self.network.is_cut(from, to) {
            Some(DropReason::LinkCut)
        } else if !self.is_running(to) {
            Some(DropReason::ReceiverDown)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.record(
                to,
                EventKind::MessageDropped {
                    message: id,
                    from,
                    reason,
                },
            );
            self.maybe_refuse(from, to, reason);
            return None;
        }
        let slot = id.0 as usize;
        let by_host = matches!(
            (to, &self.trace.messages[slot]),
            (NodeId::Consumer(_), _) | (NodeId::Broker(_), Message::Group(_) | Message::Txn(_))
        );
        if by_host {
            self.lend_to_host(slot, from, to);
        } else {
            // The receiver reads it in place: the trace's messages are set aside while it
            // runs (it only reads, and puts facts and sends in its outbox), and are back
            // before its commands are carried out. (`with_node` spelled out: through its
            // closure this hot path costs 1 % more instructions.)
            let mut out = std::mem::take(&mut self.outbox);
            let messages = std::mem::take(&mut self.trace.messages);
            self.receive(to, from, &messages[slot], &mut out);
            self.trace.messages = messages;
            self.apply(to, &mut out);
            self.outbox = out;
        }
        if let NodeId::Producer(p) = to {
            self.maybe_resume_producer(p);
        }
        Some(to)
    }

    /// A consumer, or the group or transaction host on a broker, handles message `slot`:
    /// borrowed out of the trace meanwhile (they carry out their nodes' commands as they go,
    /// sending messages into the trace), then put back.
    #[inline(never)] // kept out of the delivery path that brokers and producers take
    fn lend_to_host(&mut self, slot: usize, from: NodeId, to: NodeId) {
        let message = std::mem::replace(&mut self.trace.messages[slot], Message::MetadataRequest);
        let handled = match (to, &message) {
            (NodeId::Consumer(c), _) => {
                self.consumer_message(c, from, &message);
                true
            }
            (NodeId::Broker(b), Message::Group(g)) => self.group_request(b, from, g),
            (NodeId::Broker(b), Message::Txn(t)) => self.txn_request(b, from, t),
            _ => false,
        };
        if !handled {
            self.with_node(to, |sim, out| sim.receive(to, from, &message, out));
        }
        self.trace.messages[slot] = message;
    }

    /// A broker, producer or controller handles a message.
    fn receive(&mut self, to: NodeId, from: NodeId, message: &Message, out: &mut Outbox) {
        let now = self.now;
        match to {
            NodeId::Broker(b) => self.brokers[b.0 as usize].on_message(now, from, message, out),
            NodeId::Producer(p) => self.producers[p as usize]
                .producer
                .on_message(now, from, message, out),
            NodeId::Controller => self.controller.on_message(now, from, message, out),
            NodeId::Consumer(_) => {}
        }
    }

    /// A client's request to a crashed broker process: the machine's OS answers with a
    /// reset, so the client learns at once (a power or disk loss leaves it waiting).
    fn maybe_refuse(&mut self, from: NodeId, to: NodeId, reason: DropReason) {
        let (NodeId::Producer(_) | NodeId::Consumer(_), NodeId::Broker(b)) = (from, to) else {
            return;
        };
        if reason == DropReason::ReceiverDown && self.brokers[b.0 as usize].refuses_connections() {
            self.with_node(to, |_, out| out.send(from, Message::ConnectionClosed));
        }
    }

    fn is_running(&self, node: NodeId) -> bool {
        match node {
            NodeId::Broker(b) => self.brokers[b.0 as usize].is_running(),
            NodeId::Consumer(c) => self.consumer_running(c),
            NodeId::Producer(p) => self.producer_running(p),
            NodeId::Controller => true,
        }
    }

    fn incarnation(&self, node: NodeId) -> u32 {
        match node {
            NodeId::Broker(b) => self.incarnations[b.0 as usize],
            NodeId::Consumer(c) => self.consumer_incarnation(c),
            _ => 0,
        }
    }

    fn is_current(&self, node: NodeId, incarnation: u32) -> bool {
        self.is_running(node) && self.incarnation(node) == incarnation
    }

    /// Runs `f` with a fresh outbox for `node`, then carries out its commands.
    fn with_node(&mut self, node: NodeId, f: impl FnOnce(&mut Sim, &mut Outbox)) {
        let mut out = std::mem::take(&mut self.outbox);
        f(self, &mut out);
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
                    let doomed = match (node, &message) {
                        (NodeId::Broker(b), Message::ProduceResponse { .. }) => {
                            self.network.take_response_drop(b)
                        }
                        _ => false,
                    };
                    self.record(
                        node,
                        EventKind::MessageSent {
                            message: id,
                            to,
                            deliver_at,
                        },
                    );
                    debug_assert_eq!(id.0 as usize, self.trace.messages.len());
                    self.trace.messages.push(message);
                    self.schedule(
                        Network::link_index(node, to),
                        deliver_at,
                        Event::Deliver {
                            id,
                            from: node,
                            to,
                            doomed,
                        },
                    );
                }
                Command::SetTimer { at, timer } => {
                    let incarnation = self.incarnation(node);
                    self.schedule(
                        timer_lane(node, &timer),
                        at,
                        Event::Timer {
                            node,
                            timer,
                            incarnation,
                        },
                    );
                }
            }
        }
    }

    /// Queues `event` in `lane` at `at`, unless it is due after the scenario's end: the run
    /// stops before it, so it could never be handled (most request, delivery and fetch
    /// timeouts of a run outlast it). Leaving it out keeps the order of every other event
    /// (the queue orders by time, then by scheduling order) and the trace the same.
    fn schedule(&mut self, lane: usize, at: SimTime, event: Event) {
        if at <= self.end {
            self.queue.push_in_lane(lane, at, event);
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

/// A fault plan sorted by time, plan order kept among equal times.
pub(crate) fn in_time_order(plan: &[ScheduledFault]) -> Vec<ScheduledFault> {
    let mut sorted = plan.to_vec();
    crate::sort::by_key(&mut sorted, |f| f.at_ms);
    sorted
}
