//! Identifiers and offsets, named as Kafka names them.
//!
//! Newtypes keep a broker id from being mistaken for an offset or a partition: the
//! simulation passes many small integers around, and the compiler should tell them apart.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! newtype {
    ($(#[$doc:meta])* $name:ident($inner:ty), $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

newtype!(
    /// A broker's `node.id` (`broker.id` before KRaft).
    BrokerId(u32),
    "B"
);
newtype!(
    /// A partition of the scenario's topic, `0..partitions`.
    PartitionId(u32),
    "p"
);
newtype!(
    /// One record the application sends, numbered in send order from 0.
    RecordId(u32),
    "r"
);
newtype!(
    /// A position in a partition's log. Offsets start at 0 and are dense.
    Offset(u64),
    ""
);
newtype!(
    /// A partition's leader epoch: bumped on every leader change, carried by every batch.
    LeaderEpoch(u32),
    "e"
);
newtype!(
    /// One network message, numbered in send order, so the view can follow it in flight.
    MessageId(u64),
    "m"
);

impl RecordId {
    /// What a control record (a transaction marker) holds in place of a record.
    pub const CONTROL: RecordId = RecordId(u32::MAX);
}

impl Offset {
    /// The offset after this one.
    pub fn next(self) -> Offset {
        Offset(self.0 + 1)
    }
}

/// A node of the simulated system: something that sends and receives messages.
/// Written `B0`, `P0`, `C` (the controller) or `C0` (a consumer) in scenarios and traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum NodeId {
    /// The producing application (its `KafkaProducer` and the code around it).
    Producer(u32),
    /// A Kafka broker.
    Broker(BrokerId),
    /// The controller (KRaft quorum) that owns partition metadata.
    Controller,
    /// A member of the consumer group (its `KafkaConsumer` and the poll loop around it).
    Consumer(u32),
}

impl NodeId {
    /// The broker this node is, if it is one.
    pub fn broker(self) -> Option<BrokerId> {
        match self {
            NodeId::Broker(b) => Some(b),
            _ => None,
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Producer(n) => write!(f, "P{n}"),
            NodeId::Broker(b) => write!(f, "{b}"),
            NodeId::Controller => f.write_str("C"),
            NodeId::Consumer(n) => write!(f, "C{n}"),
        }
    }
}

impl TryFrom<String> for NodeId {
    type Error = String;
    fn try_from(text: String) -> Result<NodeId, String> {
        let bad = || {
            format!(
                "`{text}` is not a node: write B0, B1, … for brokers, P0 for the producer, C for the controller, C0, C1, … for consumers"
            )
        };
        let number = |rest: &str| rest.parse::<u32>().map_err(|_| bad());
        match text.split_at_checked(1) {
            Some(("B" | "b", rest)) => Ok(NodeId::Broker(BrokerId(number(rest)?))),
            Some(("P" | "p", rest)) => Ok(NodeId::Producer(number(rest)?)),
            Some(("C" | "c", "")) => Ok(NodeId::Controller),
            Some(("C" | "c", rest)) => Ok(NodeId::Consumer(number(rest)?)),
            _ => Err(bad()),
        }
    }
}

impl From<NodeId> for String {
    fn from(node: NodeId) -> String {
        node.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_read_and_write_as_short_names() {
        for (text, node) in [
            ("B2", NodeId::Broker(BrokerId(2))),
            ("P0", NodeId::Producer(0)),
            ("C", NodeId::Controller),
            ("C1", NodeId::Consumer(1)),
        ] {
            assert_eq!(NodeId::try_from(text.to_string()), Ok(node));
            assert_eq!(String::from(node), text);
        }
    }

    #[test]
    fn a_bad_node_name_explains_the_format() {
        let err = NodeId::try_from("X9".to_string()).unwrap_err();
        assert!(err.contains("B0, B1"), "{err}");
        assert!(NodeId::try_from("B".to_string()).is_err());
    }
}
