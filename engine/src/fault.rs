//! Faults as data: what goes wrong, to whom, and when.
//!
//! Each fault is a value in the scenario's fault plan, applied by the simulator at its time,
//! so it can be serialised, removed, shifted and replayed. The broker faults follow
//! kafka-semantics.md §B.11: a process crash keeps the OS page cache (nothing appended is
//! lost locally); a power loss drops every record not yet fsynced; a disk loss drops the log.

mod reader;

use crate::ids::{BrokerId, NodeId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One thing that goes wrong (or is repaired).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Fault {
    /// The broker's JVM dies; the machine stays up, so its page cache survives.
    CrashBroker {
        /// Which broker.
        broker: BrokerId,
    },
    /// The broker's machine loses power: records not yet flushed to disk are gone.
    PowerLoss {
        /// Which broker.
        broker: BrokerId,
    },
    /// The broker's disk is destroyed: its whole log is gone.
    DiskLoss {
        /// Which broker.
        broker: BrokerId,
    },
    /// A stopped broker starts again, recovers its log and rejoins the cluster.
    RestartBroker {
        /// Which broker.
        broker: BrokerId,
    },
    /// Messages from `from` to `to` (and back, unless `one_way`) are lost until healed.
    CutLink {
        /// One end.
        from: NodeId,
        /// The other end.
        to: NodeId,
        /// Cut only the direction from `from` to `to`.
        #[serde(default)]
        one_way: bool,
    },
    /// Adds `latency_us` to every message between `from` and `to`, both ways (a congested or
    /// long link), until healed.
    SlowLink {
        /// One end.
        from: NodeId,
        /// The other end.
        to: NodeId,
        /// Extra one-way latency, in microseconds.
        latency_us: u64,
    },
    /// Repairs a cut or slow link (both directions).
    HealLink {
        /// One end.
        from: NodeId,
        /// The other end.
        to: NodeId,
    },
    /// Cuts every link of a node.
    Isolate {
        /// Which node.
        node: NodeId,
    },
    /// Repairs every link of a node.
    Reconnect {
        /// Which node.
        node: NodeId,
    },
    /// An administrator adds `count` partitions to the topic (`kafka-topics --alter
    /// --partitions`): the controller creates them, producers and consumers find them at
    /// their next metadata refresh (`metadata.max.age.ms`).
    AddPartitions {
        /// How many.
        count: u32,
    },
    /// A consumer's process dies (kill -9, OOM): what it had fetched, processed but not
    /// committed, or buffered is gone; the group notices after `session.timeout.ms`.
    CrashConsumer {
        /// Which consumer (`C0`, `C1`, …).
        consumer: NodeId,
    },
    /// A stopped consumer starts again and joins the group as a new member.
    RestartConsumer {
        /// Which consumer.
        consumer: NodeId,
    },
    /// The consumer's whole process stops for `ms` (a long GC pause): no processing, no
    /// heartbeats; messages wait in its socket.
    PauseConsumer {
        /// Which consumer.
        consumer: NodeId,
        /// How long, in milliseconds.
        ms: u64,
    },
    /// From now on each record takes `processing_ms` to process (a slow downstream).
    SlowConsumer {
        /// Which consumer.
        consumer: NodeId,
        /// Processing time per record, in milliseconds.
        processing_ms: u64,
    },
    /// The application shuts its consumer down gracefully at its next `poll()`: `close()`,
    /// or `unsubscribe()` then `close()` (seed 004).
    CloseConsumer {
        /// Which consumer.
        consumer: NodeId,
        /// Call `unsubscribe()` before `close()`.
        #[serde(default)]
        unsubscribe_first: bool,
    },
    /// The producing application's process dies: nothing more is sent, what was buffered or
    /// in flight is gone, and an open transaction stays open until the coordinator aborts it
    /// (`transaction.timeout.ms`) or a new instance fences it.
    CrashProducer {
        /// Which producer instance (`P0`, `P1`, …).
        producer: NodeId,
    },
    /// The producer's whole process stops for `ms` (a long GC pause): nothing is sent,
    /// answers wait in its socket, and it goes on afterwards as if nothing happened.
    PauseProducer {
        /// Which producer instance.
        producer: NodeId,
        /// How long, in milliseconds.
        ms: u64,
    },
    /// An orchestrator starts a new instance of the producing application (the next `P`
    /// number) with the same configs and, unless `transactional_id` names another, the same
    /// `transactional.id`. With transactions it reads where to resume once
    /// `initTransactions()` returns: after the last record committed in Kafka (with the same
    /// id the old instance has been fenced by then; with a new id it has not). Without,
    /// after the last record the application saw acknowledged. The old instance is left as
    /// it is: if it is only paused or cut off, it lives on as a zombie.
    RestartProducer {
        /// The instance being replaced.
        producer: NodeId,
        /// A different `transactional.id` for the new instance (for example one generated
        /// per process start), so nothing fences the old one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transactional_id: Option<String>,
    },
    /// The next `count` produce responses `broker` sends are lost on the way back: the
    /// request was applied, the producer never hears so.
    DropResponses {
        /// Which broker.
        broker: BrokerId,
        /// How many responses.
        count: u32,
    },
}

impl Fault {
    /// Every broker the fault names.
    pub fn brokers(&self) -> Vec<BrokerId> {
        let of = |n: &NodeId| match n {
            NodeId::Broker(b) => Some(*b),
            _ => None,
        };
        match self {
            Fault::CrashBroker { broker }
            | Fault::PowerLoss { broker }
            | Fault::DiskLoss { broker }
            | Fault::RestartBroker { broker }
            | Fault::DropResponses { broker, .. } => vec![*broker],
            Fault::CutLink { from, to, .. }
            | Fault::SlowLink { from, to, .. }
            | Fault::HealLink { from, to } => [of(from), of(to)].into_iter().flatten().collect(),
            Fault::Isolate { node } | Fault::Reconnect { node } => of(node).into_iter().collect(),
            Fault::CrashConsumer { .. }
            | Fault::RestartConsumer { .. }
            | Fault::PauseConsumer { .. }
            | Fault::SlowConsumer { .. }
            | Fault::CloseConsumer { .. }
            | Fault::CrashProducer { .. }
            | Fault::PauseProducer { .. }
            | Fault::RestartProducer { .. }
            | Fault::AddPartitions { .. } => Vec::new(),
        }
    }

    /// Every consumer the fault names.
    pub fn consumers(&self) -> Vec<u32> {
        let nodes: Vec<&NodeId> = match self {
            Fault::CutLink { from, to, .. }
            | Fault::SlowLink { from, to, .. }
            | Fault::HealLink { from, to } => vec![from, to],
            Fault::Isolate { node } | Fault::Reconnect { node } => vec![node],
            Fault::CrashConsumer { consumer }
            | Fault::RestartConsumer { consumer }
            | Fault::PauseConsumer { consumer, .. }
            | Fault::SlowConsumer { consumer, .. }
            | Fault::CloseConsumer { consumer, .. } => vec![consumer],
            _ => Vec::new(),
        };
        nodes
            .into_iter()
            .filter_map(|n| match n {
                NodeId::Consumer(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// The node a fault happens to (where the app draws its marker).
    pub fn target(&self) -> NodeId {
        match self {
            Fault::CrashBroker { broker }
            | Fault::PowerLoss { broker }
            | Fault::DiskLoss { broker }
            | Fault::RestartBroker { broker }
            | Fault::DropResponses { broker, .. } => NodeId::Broker(*broker),
            Fault::CutLink { from, .. }
            | Fault::SlowLink { from, .. }
            | Fault::HealLink { from, .. } => *from,
            Fault::Isolate { node } | Fault::Reconnect { node } => *node,
            Fault::CrashConsumer { consumer }
            | Fault::RestartConsumer { consumer }
            | Fault::PauseConsumer { consumer, .. }
            | Fault::SlowConsumer { consumer, .. }
            | Fault::CloseConsumer { consumer, .. } => *consumer,
            Fault::AddPartitions { .. } => NodeId::Controller,
            Fault::CrashProducer { producer }
            | Fault::PauseProducer { producer, .. }
            | Fault::RestartProducer { producer, .. } => *producer,
        }
    }

    /// Every producer the fault names.
    pub fn producers(&self) -> Vec<u32> {
        let nodes: Vec<&NodeId> = match self {
            Fault::CutLink { from, to, .. }
            | Fault::SlowLink { from, to, .. }
            | Fault::HealLink { from, to } => vec![from, to],
            Fault::Isolate { node } | Fault::Reconnect { node } => vec![node],
            Fault::CrashProducer { producer }
            | Fault::PauseProducer { producer, .. }
            | Fault::RestartProducer { producer, .. } => vec![producer],
            _ => Vec::new(),
        };
        nodes
            .into_iter()
            .filter_map(|n| match n {
                NodeId::Producer(p) => Some(*p),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::CrashBroker { broker } => write!(f, "process crash of {broker}"),
            Fault::PowerLoss { broker } => write!(f, "power loss on {broker}"),
            Fault::DiskLoss { broker } => write!(f, "disk loss on {broker}"),
            Fault::RestartBroker { broker } => write!(f, "restart of {broker}"),
            Fault::CutLink {
                from,
                to,
                one_way: false,
            } => write!(f, "link {from}–{to} cut"),
            Fault::CutLink {
                from,
                to,
                one_way: true,
            } => write!(f, "link {from}→{to} cut"),
            Fault::SlowLink {
                from,
                to,
                latency_us,
            } => {
                write!(f, "link {from}–{to} slowed by {}", Latency(*latency_us))
            }
            Fault::HealLink { from, to } => write!(f, "link {from}–{to} healed"),
            Fault::Isolate { node } => write!(f, "{node} isolated"),
            Fault::Reconnect { node } => write!(f, "{node} reconnected"),
            Fault::DropResponses { broker, count } => {
                write!(f, "next {count} produce response(s) from {broker} lost")
            }
            Fault::AddPartitions { count } => write!(f, "{count} partition(s) added to the topic"),
            Fault::CrashConsumer { consumer } => write!(f, "process crash of {consumer}"),
            Fault::RestartConsumer { consumer } => write!(f, "restart of {consumer}"),
            Fault::PauseConsumer { consumer, ms } => write!(f, "{consumer} paused for {ms}ms"),
            Fault::SlowConsumer {
                consumer,
                processing_ms,
            } => write!(f, "{consumer} now takes {processing_ms}ms per record"),
            Fault::CloseConsumer {
                consumer,
                unsubscribe_first: false,
            } => write!(f, "{consumer}: close()"),
            Fault::CloseConsumer {
                consumer,
                unsubscribe_first: true,
            } => write!(f, "{consumer}: unsubscribe() then close()"),
            Fault::CrashProducer { producer } => write!(f, "process crash of {producer}"),
            Fault::PauseProducer { producer, ms } => write!(f, "{producer} paused for {ms}ms"),
            Fault::RestartProducer {
                producer,
                transactional_id: None,
            } => write!(f, "a new instance replaces {producer}"),
            Fault::RestartProducer {
                producer,
                transactional_id: Some(id),
            } => write!(
                f,
                "a new instance with transactional.id={id} replaces {producer}"
            ),
        }
    }
}

/// An added delay, in whole milliseconds when it is whole (`50ms`), else to the microsecond
/// (`0.250ms`).
struct Latency(u64);

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ms, us) = (self.0 / 1_000, self.0 % 1_000);
        if us == 0 {
            write!(f, "{ms}ms")
        } else {
            write!(f, "{ms}.{us:03}ms")
        }
    }
}

/// A fault and the moment it strikes: `{"at_ms": 120, "type": "crash_broker", "broker": 0}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "reader::FaultFields")]
pub struct ScheduledFault {
    /// When, in milliseconds from the start.
    pub at_ms: u64,
    /// What.
    #[serde(flatten)]
    pub fault: Fault,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{BrokerId, NodeId};

    #[test]
    fn an_added_latency_reads_in_whole_milliseconds_when_it_is_whole() {
        let slow = |latency_us| Fault::SlowLink {
            from: NodeId::Broker(BrokerId(0)),
            to: NodeId::Broker(BrokerId(1)),
            latency_us,
        };
        assert_eq!(slow(1_500_000).to_string(), "link B0–B1 slowed by 1500ms");
        assert_eq!(slow(250).to_string(), "link B0–B1 slowed by 0.250ms");
    }
}
