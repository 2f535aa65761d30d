//! Reading a fault plan entry: `{"at_ms": 120, "type": "crash_broker", "broker": 0}`.
//!
//! serde's internally tagged and flattened enum reader buffers every entry and is the
//! largest single function the browser would download; one flat struct of optional fields,
//! checked against the fields each fault type takes, reads the same JSON with the same
//! strictness (an unknown field, a field the type does not take, a missing one are errors
//! that name the field and the type).

use super::{Fault, ScheduledFault};
use crate::ids::{BrokerId, NodeId};
use serde::Deserialize;

/// A fault's `type`, as the JSON spells it.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultType {
    CrashBroker,
    PowerLoss,
    DiskLoss,
    RestartBroker,
    CutLink,
    SlowLink,
    HealLink,
    Isolate,
    Reconnect,
    AddPartitions,
    CrashConsumer,
    RestartConsumer,
    PauseConsumer,
    SlowConsumer,
    CloseConsumer,
    CrashProducer,
    PauseProducer,
    RestartProducer,
    DropResponses,
}

impl FaultType {
    fn name(self) -> &'static str {
        match self {
            FaultType::CrashBroker => "crash_broker",
            FaultType::PowerLoss => "power_loss",
            FaultType::DiskLoss => "disk_loss",
            FaultType::RestartBroker => "restart_broker",
            FaultType::CutLink => "cut_link",
            FaultType::SlowLink => "slow_link",
            FaultType::HealLink => "heal_link",
            FaultType::Isolate => "isolate",
            FaultType::Reconnect => "reconnect",
            FaultType::AddPartitions => "add_partitions",
            FaultType::CrashConsumer => "crash_consumer",
            FaultType::RestartConsumer => "restart_consumer",
            FaultType::PauseConsumer => "pause_consumer",
            FaultType::SlowConsumer => "slow_consumer",
            FaultType::CloseConsumer => "close_consumer",
            FaultType::CrashProducer => "crash_producer",
            FaultType::PauseProducer => "pause_producer",
            FaultType::RestartProducer => "restart_producer",
            FaultType::DropResponses => "drop_responses",
        }
    }
}

/// Every field any fault takes; which ones a given type takes is checked after reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FaultFields {
    at_ms: u64,
    #[serde(rename = "type")]
    kind: FaultType,
    broker: Option<BrokerId>,
    from: Option<NodeId>,
    to: Option<NodeId>,
    one_way: Option<bool>,
    latency_us: Option<u64>,
    node: Option<NodeId>,
    count: Option<u32>,
    consumer: Option<NodeId>,
    ms: Option<u64>,
    processing_ms: Option<u64>,
    unsubscribe_first: Option<bool>,
    producer: Option<NodeId>,
    transactional_id: Option<String>,
}

/// Takes the fields out of [`FaultFields`] one by one, remembering which were used.
struct Taker {
    kind: &'static str,
    used: Vec<&'static str>,
}

impl Taker {
    fn need<T>(&mut self, name: &'static str, value: Option<T>) -> Result<T, String> {
        self.used.push(name);
        value.ok_or_else(|| format!("a {} fault needs `{name}`", self.kind))
    }

    fn may<T>(&mut self, name: &'static str, value: Option<T>) -> Option<T> {
        self.used.push(name);
        value
    }
}

impl TryFrom<FaultFields> for ScheduledFault {
    type Error = String;

    fn try_from(f: FaultFields) -> Result<ScheduledFault, String> {
        let mut t = Taker {
            kind: f.kind.name(),
            used: Vec::new(),
        };
        let present = [
            ("broker", f.broker.is_some()),
            ("from", f.from.is_some()),
            ("to", f.to.is_some()),
            ("one_way", f.one_way.is_some()),
            ("latency_us", f.latency_us.is_some()),
            ("node", f.node.is_some()),
            ("count", f.count.is_some()),
            ("consumer", f.consumer.is_some()),
            ("ms", f.ms.is_some()),
            ("processing_ms", f.processing_ms.is_some()),
            ("unsubscribe_first", f.unsubscribe_first.is_some()),
            ("producer", f.producer.is_some()),
            ("transactional_id", f.transactional_id.is_some()),
        ];
        let fault = match f.kind {
            FaultType::CrashBroker => Fault::CrashBroker {
                broker: t.need("broker", f.broker)?,
            },
            FaultType::PowerLoss => Fault::PowerLoss {
                broker: t.need("broker", f.broker)?,
            },
            FaultType::DiskLoss => Fault::DiskLoss {
                broker: t.need("broker", f.broker)?,
            },
            FaultType::RestartBroker => Fault::RestartBroker {
                broker: t.need("broker", f.broker)?,
            },
            FaultType::CutLink => Fault::CutLink {
                from: t.need("from", f.from)?,
                to: t.need("to", f.to)?,
                one_way: t.may("one_way", f.one_way).unwrap_or(false),
            },
            FaultType::SlowLink => Fault::SlowLink {
                from: t.need("from", f.from)?,
                to: t.need("to", f.to)?,
                latency_us: t.need("latency_us", f.latency_us)?,
            },
            FaultType::HealLink => Fault::HealLink {
                from: t.need("from", f.from)?,
                to: t.need("to", f.to)?,
            },
            FaultType::Isolate => Fault::Isolate {
                node: t.need("node", f.node)?,
            },
            FaultType::Reconnect => Fault::Reconnect {
                node: t.need("node", f.node)?,
            },
            FaultType::AddPartitions => Fault::AddPartitions {
                count: t.need("count", f.count)?,
            },
            FaultType::CrashConsumer => Fault::CrashConsumer {
                consumer: t.need("consumer", f.consumer)?,
            },
            FaultType::RestartConsumer => Fault::RestartConsumer {
                consumer: t.need("consumer", f.consumer)?,
            },
            FaultType::PauseConsumer => Fault::PauseConsumer {
                consumer: t.need("consumer", f.consumer)?,
                ms: t.need("ms", f.ms)?,
            },
            FaultType::SlowConsumer => Fault::SlowConsumer {
                consumer: t.need("consumer", f.consumer)?,
                processing_ms: t.need("processing_ms", f.processing_ms)?,
            },
            FaultType::CloseConsumer => Fault::CloseConsumer {
                consumer: t.need("consumer", f.consumer)?,
                unsubscribe_first: t
                    .may("unsubscribe_first", f.unsubscribe_first)
                    .unwrap_or(false),
            },
            FaultType::CrashProducer => Fault::CrashProducer {
                producer: t.need("producer", f.producer)?,
            },
            FaultType::PauseProducer => Fault::PauseProducer {
                producer: t.need("producer", f.producer)?,
                ms: t.need("ms", f.ms)?,
            },
            FaultType::RestartProducer => Fault::RestartProducer {
                producer: t.need("producer", f.producer)?,
                transactional_id: t.may("transactional_id", f.transactional_id),
            },
            FaultType::DropResponses => Fault::DropResponses {
                broker: t.need("broker", f.broker)?,
                count: t.need("count", f.count)?,
            },
        };
        if let Some((name, _)) = present
            .iter()
            .find(|(name, set)| *set && !t.used.contains(name))
        {
            return Err(format!(
                "a {} fault does not take `{name}` (it takes at_ms, type, {})",
                t.kind,
                t.used.join(", ")
            ));
        }
        Ok(ScheduledFault {
            at_ms: f.at_ms,
            fault,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<ScheduledFault, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn every_fault_reads_back_what_it_writes() {
        let node = |s: &str| NodeId::try_from(s.to_string()).unwrap();
        let faults = [
            Fault::CrashBroker {
                broker: BrokerId(1),
            },
            Fault::PowerLoss {
                broker: BrokerId(0),
            },
            Fault::DiskLoss {
                broker: BrokerId(2),
            },
            Fault::RestartBroker {
                broker: BrokerId(1),
            },
            Fault::CutLink {
                from: node("B0"),
                to: node("B1"),
                one_way: true,
            },
            Fault::CutLink {
                from: node("P0"),
                to: node("B1"),
                one_way: false,
            },
            Fault::SlowLink {
                from: node("B0"),
                to: node("C"),
                latency_us: 1_500,
            },
            Fault::HealLink {
                from: node("B0"),
                to: node("B1"),
            },
            Fault::Isolate { node: node("B2") },
            Fault::Reconnect { node: node("B2") },
            Fault::AddPartitions { count: 3 },
            Fault::CrashConsumer {
                consumer: node("C0"),
            },
            Fault::RestartConsumer {
                consumer: node("C1"),
            },
            Fault::PauseConsumer {
                consumer: node("C0"),
                ms: 9_000,
            },
            Fault::SlowConsumer {
                consumer: node("C0"),
                processing_ms: 40,
            },
            Fault::CloseConsumer {
                consumer: node("C0"),
                unsubscribe_first: true,
            },
            Fault::CrashProducer {
                producer: node("P0"),
            },
            Fault::PauseProducer {
                producer: node("P1"),
                ms: 100,
            },
            Fault::RestartProducer {
                producer: node("P0"),
                transactional_id: Some("orders-2".into()),
            },
            Fault::RestartProducer {
                producer: node("P0"),
                transactional_id: None,
            },
            Fault::DropResponses {
                broker: BrokerId(0),
                count: 2,
            },
        ];
        for fault in faults {
            let scheduled = ScheduledFault { at_ms: 42, fault };
            let json = serde_json::to_string(&scheduled).unwrap();
            assert_eq!(read(&json), Ok(scheduled), "{json}");
        }
    }

    #[test]
    fn optional_flags_default_to_false() {
        let f = read(r#"{"at_ms": 5, "type": "cut_link", "from": "B0", "to": "B1"}"#).unwrap();
        assert_eq!(
            f.fault,
            Fault::CutLink {
                from: NodeId::Broker(BrokerId(0)),
                to: NodeId::Broker(BrokerId(1)),
                one_way: false
            }
        );
    }

    #[test]
    fn mistakes_name_the_field_and_the_type() {
        let missing = read(r#"{"at_ms": 5, "type": "crash_broker"}"#).unwrap_err();
        assert!(
            missing.contains("a crash_broker fault needs `broker`"),
            "{missing}"
        );
        let foreign =
            read(r#"{"at_ms": 5, "type": "crash_broker", "broker": 0, "ms": 3}"#).unwrap_err();
        assert!(
            foreign
                .contains("a crash_broker fault does not take `ms` (it takes at_ms, type, broker)"),
            "{foreign}"
        );
        let unknown =
            read(r#"{"at_ms": 5, "type": "crash_broker", "broker": 0, "brokr": 3}"#).unwrap_err();
        assert!(unknown.contains("unknown field `brokr`"), "{unknown}");
        let kind = read(r#"{"at_ms": 5, "type": "explode", "broker": 0}"#).unwrap_err();
        assert!(kind.contains("unknown variant `explode`"), "{kind}");
        let time = read(r#"{"type": "crash_broker", "broker": 0}"#).unwrap_err();
        assert!(time.contains("missing field `at_ms`"), "{time}");
    }
}
