//! Identifiers and offsets, named as Kafka names them.
//!
//! Newtypes keep a broker id from being mistaken for an offset or a partition: the
//! simulation passes many small integers around, and the compiler should tell them apart.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! newtype {
    ($(#[$doc:meta])* $name:ident($inner:ty), $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl Offset {
    /// The offset after this one.
    pub fn next(self) -> Offset {
        Offset(self.0 + 1)
    }
}

/// A node of the simulated system: something that sends and receives messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeId {
    /// The producing application (its `KafkaProducer` and the code around it).
    Producer(u32),
    /// A Kafka broker.
    Broker(BrokerId),
    /// The controller (KRaft quorum) that owns partition metadata.
    Controller,
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Producer(n) => write!(f, "P{n}"),
            NodeId::Broker(b) => write!(f, "{b}"),
            NodeId::Controller => f.write_str("C"),
        }
    }
}
