//! The network: when a message sent now arrives, and whether it arrives at all.
//!
//! Each link has a latency drawn per message, uniformly in the scenario's range, from the
//! network's own random stream. Kafka talks over TCP, so a link delivers in order: a message
//! never overtakes an earlier one on the same (sender, receiver) connection. Faults cut links
//! (one way or both), isolate nodes, or make a broker's next produce responses vanish after
//! the request was applied.

use crate::dense_map::DenseMap;
use crate::ids::{BrokerId, MessageId, NodeId};
use crate::limits;
use crate::rng::{SimRng, Stream};
use crate::scenario::NetworkSpec;
use crate::time::SimTime;

/// Node slots: the controller, the producers, the brokers, then the consumers.
const SLOTS: usize = 1
    + limits::MAX_PRODUCERS as usize
    + limits::MAX_BROKERS as usize
    + limits::MAX_CONSUMERS as usize;

/// A node's slot in the link table (dense, so a send costs an index, not a map lookup).
fn slot(node: NodeId) -> usize {
    let i = match node {
        NodeId::Controller => 0,
        NodeId::Producer(p) => 1 + p as usize,
        NodeId::Broker(b) => 1 + limits::MAX_PRODUCERS as usize + b.0 as usize,
        NodeId::Consumer(c) => {
            1 + limits::MAX_PRODUCERS as usize + limits::MAX_BROKERS as usize + c as usize
        }
    };
    // Validation caps producers and brokers, so this only guards against our own bugs.
    assert!(i < SLOTS, "node {node} outside the link table");
    i
}

/// One direction of one link.
#[derive(Clone, Copy, Debug, Default)]
struct Link {
    /// When the latest message on this connection arrives (TCP keeps order).
    last_arrival: SimTime,
    /// Added latency from a `slow_link` fault.
    extra_latency_us: u64,
    /// Cut by a fault.
    cut: bool,
}

/// Latency and ordering of every link.
#[derive(Clone, Debug)]
pub struct Network {
    rng: SimRng,
    latency_us_min: u64,
    latency_us_max: u64,
    links: Vec<Link>,
    isolated: [bool; SLOTS],
    next_message: u64,
    responses_to_drop: DenseMap<BrokerId, u32>,
}

impl Network {
    /// A network drawing latencies from `seed`'s network stream.
    pub fn new(spec: &NetworkSpec, seed: u64) -> Network {
        Network {
            rng: SimRng::new(seed, Stream::Network),
            latency_us_min: spec.latency_us_min,
            latency_us_max: spec.latency_us_max,
            links: vec![Link::default(); SLOTS * SLOTS],
            isolated: [false; SLOTS],
            next_message: 0,
            responses_to_drop: DenseMap::new(),
        }
    }

    #[inline]
    fn link(&mut self, from: NodeId, to: NodeId) -> &mut Link {
        &mut self.links[Network::link_index(from, to)]
    }

    /// Cuts the direction `from → to`.
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.link(from, to).cut = true;
    }

    /// Heals both directions between `a` and `b`: no cut, no extra latency.
    pub fn heal(&mut self, a: NodeId, b: NodeId) {
        for (from, to) in [(a, b), (b, a)] {
            let link = self.link(from, to);
            link.cut = false;
            link.extra_latency_us = 0;
        }
    }

    /// Adds latency to both directions between `a` and `b`.
    pub fn slow(&mut self, a: NodeId, b: NodeId, latency_us: u64) {
        self.link(a, b).extra_latency_us = latency_us;
        self.link(b, a).extra_latency_us = latency_us;
    }

    /// Cuts (or restores) every link of `node`.
    pub fn set_isolated(&mut self, node: NodeId, isolated: bool) {
        self.isolated[slot(node)] = isolated;
    }

    /// Whether a message from `from` to `to` would be lost now.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        let (f, t) = (slot(from), slot(to));
        self.links[f * SLOTS + t].cut || self.isolated[f] || self.isolated[t]
    }

    /// The next `count` produce responses from `broker` will be lost.
    pub fn drop_responses(&mut self, broker: BrokerId, count: u32) {
        *self.responses_to_drop.entry(broker).or_default() += count;
    }

    /// Whether this produce response from `broker` is one to lose (and counts it).
    pub fn take_response_drop(&mut self, broker: BrokerId) -> bool {
        match self.responses_to_drop.get_mut(&broker) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// How many links there are (one per ordered pair of node slots).
    pub const LINKS: usize = SLOTS * SLOTS;

    /// The index of the link `from → to`, `0..LINKS`: messages on it arrive in order.
    pub fn link_index(from: NodeId, to: NodeId) -> usize {
        slot(from) * SLOTS + slot(to)
    }

    /// How many node slots there are.
    pub const NODES: usize = SLOTS;

    /// A node's slot, `0..NODES`.
    pub fn node_index(node: NodeId) -> usize {
        slot(node)
    }

    /// Numbers a message sent now from `from` to `to`, and says when it arrives.
    pub fn route(&mut self, now: SimTime, from: NodeId, to: NodeId) -> (MessageId, SimTime) {
        let id = MessageId(self.next_message);
        self.next_message += 1;
        let base = self.rng.between(self.latency_us_min, self.latency_us_max);
        let link = self.link(from, to);
        let arrival = now
            .plus_us(base.saturating_add(link.extra_latency_us))
            .max(link.last_arrival);
        link.last_arrival = arrival;
        (id, arrival)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::BrokerId;

    #[test]
    fn a_link_never_reorders_its_messages() {
        let spec = NetworkSpec {
            latency_us_min: 1,
            latency_us_max: 10_000,
        };
        let mut net = Network::new(&spec, 3);
        let (a, b) = (NodeId::Producer(0), NodeId::Broker(BrokerId(0)));
        let mut last = SimTime::ZERO;
        for t in 0..500 {
            let (_, arrival) = net.route(SimTime(t * 10), a, b);
            assert!(arrival >= last);
            last = arrival;
        }
    }

    #[test]
    fn cuts_are_directional_and_heal_both_ways() {
        let mut net = Network::new(&NetworkSpec::default(), 1);
        let (a, b) = (NodeId::Producer(0), NodeId::Broker(BrokerId(1)));
        net.cut(a, b);
        assert!(net.is_cut(a, b) && !net.is_cut(b, a));
        net.heal(b, a);
        assert!(!net.is_cut(a, b));
        net.set_isolated(b, true);
        assert!(net.is_cut(a, b) && net.is_cut(b, a));
    }

    #[test]
    fn a_slow_link_adds_latency_until_healed() {
        let spec = NetworkSpec {
            latency_us_min: 100,
            latency_us_max: 100,
        };
        let mut net = Network::new(&spec, 1);
        let (a, b) = (NodeId::Producer(0), NodeId::Broker(BrokerId(1)));
        net.slow(a, b, 5_000);
        assert_eq!(net.route(SimTime::ZERO, b, a).1, SimTime(5_100));
        net.heal(a, b);
        assert_eq!(net.route(SimTime(10_000), a, b).1, SimTime(10_100));
    }

    #[test]
    fn dropped_responses_are_counted_down() {
        let mut net = Network::new(&NetworkSpec::default(), 1);
        net.drop_responses(BrokerId(0), 2);
        assert!(net.take_response_drop(BrokerId(0)));
        assert!(net.take_response_drop(BrokerId(0)));
        assert!(!net.take_response_drop(BrokerId(0)));
    }

    #[test]
    fn latency_stays_in_range() {
        let spec = NetworkSpec {
            latency_us_min: 100,
            latency_us_max: 200,
        };
        let mut net = Network::new(&spec, 9);
        for i in 0..200u64 {
            let (_, arrival) = net.route(
                SimTime(i * 1_000),
                NodeId::Producer(0),
                NodeId::Broker(BrokerId(1)),
            );
            assert!((100..=200).contains(&(arrival.as_us() - i * 1_000)));
        }
    }
}
