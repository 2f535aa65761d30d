//! The network: when a message sent now arrives, and whether it arrives at all.
//!
//! Each link has a latency drawn per message, uniformly in the scenario's range, from the
//! network's own random stream. Kafka talks over TCP, so a link delivers in order: a message
//! never overtakes an earlier one on the same (sender, receiver) connection. Faults cut links
//! (one way or both), isolate nodes, or make a broker's next produce responses vanish after
//! the request was applied.

use crate::ids::{BrokerId, MessageId, NodeId};
use crate::rng::{SimRng, Stream};
use crate::scenario::NetworkSpec;
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};

/// Latency and ordering of every link.
#[derive(Clone, Debug)]
pub struct Network {
    rng: SimRng,
    latency_us_min: u64,
    latency_us_max: u64,
    last_arrival: BTreeMap<(NodeId, NodeId), SimTime>,
    next_message: u64,
    cut: BTreeSet<(NodeId, NodeId)>,
    extra_latency_us: BTreeMap<(NodeId, NodeId), u64>,
    isolated: BTreeSet<NodeId>,
    responses_to_drop: BTreeMap<BrokerId, u32>,
}

impl Network {
    /// A network drawing latencies from `seed`'s network stream.
    pub fn new(spec: &NetworkSpec, seed: u64) -> Network {
        Network {
            rng: SimRng::new(seed, Stream::Network),
            latency_us_min: spec.latency_us_min,
            latency_us_max: spec.latency_us_max,
            last_arrival: BTreeMap::new(),
            next_message: 0,
            cut: BTreeSet::new(),
            extra_latency_us: BTreeMap::new(),
            isolated: BTreeSet::new(),
            responses_to_drop: BTreeMap::new(),
        }
    }

    /// Cuts the direction `from → to`.
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cut.insert((from, to));
    }

    /// Heals both directions between `a` and `b`: no cut, no extra latency.
    pub fn heal(&mut self, a: NodeId, b: NodeId) {
        for link in [(a, b), (b, a)] {
            self.cut.remove(&link);
            self.extra_latency_us.remove(&link);
        }
    }

    /// Adds latency to both directions between `a` and `b`.
    pub fn slow(&mut self, a: NodeId, b: NodeId, latency_us: u64) {
        self.extra_latency_us.insert((a, b), latency_us);
        self.extra_latency_us.insert((b, a), latency_us);
    }

    /// Cuts (or restores) every link of `node`.
    pub fn set_isolated(&mut self, node: NodeId, isolated: bool) {
        if isolated {
            self.isolated.insert(node);
        } else {
            self.isolated.remove(&node);
        }
    }

    /// Whether a message from `from` to `to` would be lost now.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.contains(&(from, to))
            || self.isolated.contains(&from)
            || self.isolated.contains(&to)
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

    /// Numbers a message sent now from `from` to `to`, and says when it arrives.
    pub fn route(&mut self, now: SimTime, from: NodeId, to: NodeId) -> (MessageId, SimTime) {
        let id = MessageId(self.next_message);
        self.next_message += 1;
        let extra = if self.extra_latency_us.is_empty() {
            0
        } else {
            self.extra_latency_us.get(&(from, to)).copied().unwrap_or(0)
        };
        let latency = self
            .rng
            .between(self.latency_us_min, self.latency_us_max)
            .saturating_add(extra);
        let earliest = self
            .last_arrival
            .get(&(from, to))
            .copied()
            .unwrap_or(SimTime::ZERO);
        let arrival = now.plus_us(latency).max(earliest);
        self.last_arrival.insert((from, to), arrival);
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
        for i in 0..200u32 {
            let (_, arrival) = net.route(SimTime::ZERO, NodeId::Producer(i), NodeId::Producer(0));
            assert!((100..=200).contains(&arrival.as_us()));
        }
    }
}
