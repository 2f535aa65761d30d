//! The network: when a message sent now arrives.
//!
//! Each link has a latency drawn per message, uniformly in the scenario's range, from the
//! network's own random stream. Kafka talks over TCP, so a link delivers in order: a message
//! never overtakes an earlier one on the same (sender, receiver) connection.

use crate::ids::{MessageId, NodeId};
use crate::rng::{SimRng, Stream};
use crate::scenario::NetworkSpec;
use crate::time::SimTime;
use std::collections::BTreeMap;

/// Latency and ordering of every link.
#[derive(Clone, Debug)]
pub struct Network {
    rng: SimRng,
    latency_us_min: u64,
    latency_us_max: u64,
    last_arrival: BTreeMap<(NodeId, NodeId), SimTime>,
    next_message: u64,
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
        }
    }

    /// Numbers a message sent now from `from` to `to`, and says when it arrives.
    pub fn route(&mut self, now: SimTime, from: NodeId, to: NodeId) -> (MessageId, SimTime) {
        let id = MessageId(self.next_message);
        self.next_message += 1;
        let latency = self.rng.between(self.latency_us_min, self.latency_us_max);
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
