//! Editing the scenario from the page: faults dropped on a node at the play position,
//! moved along the time axis or removed, and the settings changed under Kafka's names.
//! Pure functions of a scenario, so they are tested natively; the store re-runs the engine
//! on the result and keeps the last good run if the engine refuses it.

use delivery_lab_engine::Scenario;
use delivery_lab_engine::acks::Acks;
use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::NodeId;
use delivery_lab_engine::time::SimTime;

/// What a fault is dropped on: a node, or the link between two nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A broker, the producer or a consumer.
    Node(NodeId),
    /// The link between two nodes (both directions).
    Link(NodeId, NodeId),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Node(n) => write!(f, "{n}"),
            Target::Link(a, b) => write!(f, "the link {a}–{b}"),
        }
    }
}

impl Target {
    /// The `data-link` attribute of a link: `P0~B1`.
    pub fn link_attr(a: NodeId, b: NodeId) -> String {
        format!("{a}~{b}")
    }

    /// Reads a `data-node` (`B0`) or `data-link` (`P0~B1`) attribute.
    pub fn parse(attr: &str) -> Option<Target> {
        match attr.split_once('~') {
            Some((a, b)) => Some(Target::Link(
                NodeId::try_from(a.to_string()).ok()?,
                NodeId::try_from(b.to_string()).ok()?,
            )),
            None => NodeId::try_from(attr.to_string()).ok().map(Target::Node),
        }
    }
}

/// A fault the palette offers; which nodes it applies to decides where it can be dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// The process dies (broker or consumer).
    Crash,
    /// A stopped broker or consumer starts again.
    Restart,
    /// The broker's machine loses power: unflushed records are gone.
    PowerLoss,
    /// The broker's disk is gone.
    DiskLoss,
    /// Every link of the node is cut.
    Isolate,
    /// Every link of the node is restored.
    Reconnect,
    /// The broker's next produce response is lost after the write.
    DropResponse,
    /// A producer's or consumer's process stops for 15 s (a long GC pause).
    Pause,
    /// The application closes its consumer.
    Close,
    /// `unsubscribe()` then `close()`.
    UnsubscribeClose,
    /// The link is cut both ways.
    CutLink,
    /// The link gets 50 ms slower each way.
    SlowLink,
    /// A cut or slow link is repaired.
    HealLink,
    /// Two partitions are added to the topic (dropped on the controller).
    AddPartitions,
}

impl FaultKind {
    /// Every kind, in palette order.
    pub const ALL: [FaultKind; 14] = [
        FaultKind::Crash,
        FaultKind::Restart,
        FaultKind::PowerLoss,
        FaultKind::DiskLoss,
        FaultKind::Isolate,
        FaultKind::Reconnect,
        FaultKind::DropResponse,
        FaultKind::Pause,
        FaultKind::Close,
        FaultKind::UnsubscribeClose,
        FaultKind::CutLink,
        FaultKind::SlowLink,
        FaultKind::HealLink,
        FaultKind::AddPartitions,
    ];

    /// The palette label.
    pub fn label(self) -> &'static str {
        match self {
            FaultKind::Crash => "crash",
            FaultKind::Restart => "restart",
            FaultKind::PowerLoss => "power loss",
            FaultKind::DiskLoss => "disk loss",
            FaultKind::Isolate => "isolate",
            FaultKind::Reconnect => "reconnect",
            FaultKind::DropResponse => "drop next response",
            FaultKind::Pause => "GC pause 15 s",
            FaultKind::Close => "close()",
            FaultKind::UnsubscribeClose => "unsubscribe + close",
            FaultKind::CutLink => "cut link",
            FaultKind::SlowLink => "slow link +50 ms",
            FaultKind::HealLink => "heal link",
            FaultKind::AddPartitions => "add 2 partitions",
        }
    }

    /// What nodes it applies to, for messages.
    pub fn applies_to(self) -> &'static str {
        match self {
            FaultKind::Crash | FaultKind::Restart => "a broker, the producer or a consumer",
            FaultKind::PowerLoss | FaultKind::DiskLoss | FaultKind::DropResponse => "a broker",
            FaultKind::Isolate | FaultKind::Reconnect => "a broker, the producer or a consumer",
            FaultKind::Pause => "the producer or a consumer",
            FaultKind::Close | FaultKind::UnsubscribeClose => "a consumer",
            FaultKind::CutLink | FaultKind::SlowLink | FaultKind::HealLink => "a link",
            FaultKind::AddPartitions => "the controller",
        }
    }

    /// The fault on `target`, if this kind applies to it.
    pub fn on(self, target: Target) -> Option<Fault> {
        let node = match target {
            Target::Node(node) => node,
            Target::Link(from, to) => {
                return match self {
                    FaultKind::CutLink => Some(Fault::CutLink {
                        from,
                        to,
                        one_way: false,
                    }),
                    FaultKind::SlowLink => Some(Fault::SlowLink {
                        from,
                        to,
                        latency_us: 50_000,
                    }),
                    FaultKind::HealLink => Some(Fault::HealLink { from, to }),
                    _ => None,
                };
            }
        };
        let fault = match (self, node) {
            (FaultKind::Crash, NodeId::Broker(broker)) => Fault::CrashBroker { broker },
            (FaultKind::Restart, NodeId::Broker(broker)) => Fault::RestartBroker { broker },
            (FaultKind::PowerLoss, NodeId::Broker(broker)) => Fault::PowerLoss { broker },
            (FaultKind::DiskLoss, NodeId::Broker(broker)) => Fault::DiskLoss { broker },
            (FaultKind::DropResponse, NodeId::Broker(broker)) => {
                Fault::DropResponses { broker, count: 1 }
            }
            (FaultKind::Crash, NodeId::Consumer(_)) => Fault::CrashConsumer { consumer: node },
            (FaultKind::Crash, NodeId::Producer(_)) => Fault::CrashProducer { producer: node },
            // A new instance of the application replaces it (same transactional.id).
            (FaultKind::Restart, NodeId::Producer(_)) => Fault::RestartProducer {
                producer: node,
                transactional_id: None,
            },
            (FaultKind::Pause, NodeId::Producer(_)) => Fault::PauseProducer {
                producer: node,
                ms: 15_000,
            },
            (FaultKind::Restart, NodeId::Consumer(_)) => Fault::RestartConsumer { consumer: node },
            (FaultKind::Pause, NodeId::Consumer(_)) => Fault::PauseConsumer {
                consumer: node,
                ms: 15_000,
            },
            (FaultKind::Close, NodeId::Consumer(_)) => Fault::CloseConsumer {
                consumer: node,
                unsubscribe_first: false,
            },
            (FaultKind::UnsubscribeClose, NodeId::Consumer(_)) => Fault::CloseConsumer {
                consumer: node,
                unsubscribe_first: true,
            },
            (FaultKind::Isolate, NodeId::Broker(_) | NodeId::Producer(_) | NodeId::Consumer(_)) => {
                Fault::Isolate { node }
            }
            (
                FaultKind::Reconnect,
                NodeId::Broker(_) | NodeId::Producer(_) | NodeId::Consumer(_),
            ) => Fault::Reconnect { node },
            (FaultKind::AddPartitions, NodeId::Controller) => Fault::AddPartitions { count: 2 },
            _ => return None,
        };
        Some(fault)
    }
}

/// The scenario with `kind` striking `target` at `at` (whole milliseconds), or why not.
pub fn add_fault(
    scenario: &Scenario,
    at: SimTime,
    target: Target,
    kind: FaultKind,
) -> Result<Scenario, String> {
    let fault = kind.on(target).ok_or_else(|| {
        format!(
            "“{}” applies to {}, not to {target}",
            kind.label(),
            kind.applies_to()
        )
    })?;
    let mut next = scenario.clone();
    let at_ms = (at.as_us() / 1_000).min(scenario.duration_ms);
    // Keep the plan in time order, a new fault after those at the same moment.
    let i = next.faults.partition_point(|f| f.at_ms <= at_ms);
    next.faults.insert(i, ScheduledFault { at_ms, fault });
    Ok(next)
}

/// The scenario without fault `index`.
pub fn remove_fault(scenario: &Scenario, index: usize) -> Scenario {
    let mut next = scenario.clone();
    if index < next.faults.len() {
        next.faults.remove(index);
    }
    next
}

/// The scenario with fault `index` moved to `at_ms` (clamped to the run).
pub fn move_fault(scenario: &Scenario, index: usize, at_ms: u64) -> Scenario {
    let mut next = scenario.clone();
    if index < next.faults.len() {
        let mut f = next.faults.remove(index);
        f.at_ms = at_ms.min(scenario.duration_ms);
        let i = next.faults.partition_point(|g| g.at_ms <= f.at_ms);
        next.faults.insert(i, f);
    }
    next
}

/// The scenario with the producer's `acks` set.
pub fn set_acks(scenario: &Scenario, acks: Acks) -> Scenario {
    let mut next = scenario.clone();
    next.producer.configs.acks = Some(acks);
    next
}

/// The scenario with the broker's `min.insync.replicas` set.
pub fn set_min_insync_replicas(scenario: &Scenario, n: u32) -> Scenario {
    let mut next = scenario.clone();
    next.cluster.configs.min_insync_replicas = Some(n);
    next
}

/// The group "Add a consumer group" starts with: two members, each record processed in
/// 20 ms, Kafka's defaults otherwise, except that it reads from the first record
/// (`auto.offset.reset=earliest`).
const NEW_GROUP: &str =
    r#"{ "members": 2, "processing_ms": 20, "configs": { "auto.offset.reset": "earliest" } }"#;

/// How long a new group needs after the last record is sent: the coordinator waits
/// `group.initial.rebalance.delay.ms` (3 s) before the first generation, then the members
/// fetch and process.
const GROUP_TIME_MS: u64 = 6_000;

/// The scenario with a consumer group reading its topic (one it has stays as it is); a run
/// too short for the group to join and read everything is lengthened.
pub fn add_consumer_group(scenario: &Scenario) -> Scenario {
    let mut next = scenario.clone();
    if next.consumer_group.is_none() {
        next.consumer_group = serde_json::from_str(NEW_GROUP).ok();
        let p = &next.producer;
        let last_send = p
            .start_ms
            .saturating_add(u64::from(p.records).saturating_mul(p.interval_ms));
        let wanted = last_send.saturating_add(GROUP_TIME_MS);
        next.duration_ms = next
            .duration_ms
            .max(wanted.min(delivery_lab_engine::limits::MAX_DURATION_MS));
    }
    next
}

/// The scenario without its consumer group, and without the faults aimed at its members
/// (they would have no target left).
pub fn remove_consumer_group(scenario: &Scenario) -> Scenario {
    let mut next = scenario.clone();
    next.consumer_group = None;
    next.faults
        .retain(|f| !matches!(f.fault.target(), NodeId::Consumer(_)));
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use delivery_lab_engine::ids::BrokerId;

    fn scenario() -> Scenario {
        Scenario::from_json(include_str!("../scenarios/replication-acks-all.json")).unwrap()
    }

    #[test]
    fn a_consumer_group_can_be_added_and_removed_with_its_faults() {
        let with = add_consumer_group(&scenario());
        let run = delivery_lab_engine::run(&with).expect("a valid scenario");
        assert_eq!(
            run.ledger.applied(),
            8,
            "the new group applied every record"
        );
        assert!(run.ledger.anomalies.is_empty());
        let crashed = add_fault(
            &with,
            SimTime::from_ms(100),
            Target::Node(NodeId::Consumer(1)),
            FaultKind::Crash,
        )
        .unwrap();
        let crashed = add_fault(
            &crashed,
            SimTime::from_ms(200),
            Target::Node(NodeId::Broker(BrokerId(0))),
            FaultKind::Crash,
        )
        .unwrap();
        let without = remove_consumer_group(&crashed);
        assert!(without.consumer_group.is_none());
        assert_eq!(without.faults.len(), 1, "the broker's crash stays");
        assert!(without.validate().is_ok());
    }

    #[test]
    fn a_crash_dropped_on_a_broker_strikes_at_the_play_position() {
        let s = add_fault(
            &scenario(),
            SimTime(234_567),
            Target::Node(NodeId::Broker(BrokerId(1))),
            FaultKind::Crash,
        )
        .unwrap();
        let f = s.faults.last().unwrap();
        assert_eq!(f.at_ms, 234);
        assert_eq!(
            f.fault,
            Fault::CrashBroker {
                broker: BrokerId(1)
            }
        );
        assert!(s.validate().is_ok());
    }

    #[test]
    fn a_fault_on_the_wrong_kind_of_node_is_refused_with_a_reason() {
        let err = add_fault(
            &scenario(),
            SimTime::ZERO,
            Target::Node(NodeId::Producer(0)),
            FaultKind::PowerLoss,
        )
        .unwrap_err();
        assert!(err.contains("applies to a broker"), "{err}");
        assert!(
            FaultKind::Pause
                .on(Target::Node(NodeId::Broker(BrokerId(0))))
                .is_none()
        );
        assert!(
            FaultKind::Isolate
                .on(Target::Node(NodeId::Producer(0)))
                .is_some()
        );
        let link = Target::parse("P0~B1").unwrap();
        assert_eq!(
            link,
            Target::Link(NodeId::Producer(0), NodeId::Broker(BrokerId(1)))
        );
        assert!(FaultKind::CutLink.on(link).is_some());
        assert!(FaultKind::Crash.on(link).is_none());
        assert!(
            FaultKind::CutLink
                .on(Target::Node(NodeId::Producer(0)))
                .is_none()
        );
    }

    #[test]
    fn faults_stay_in_time_order_when_added_moved_and_removed() {
        let b = Target::Node(NodeId::Broker(BrokerId(0)));
        let s = add_fault(&scenario(), SimTime::from_ms(300), b, FaultKind::Crash).unwrap();
        let s = add_fault(&s, SimTime::from_ms(100), b, FaultKind::Isolate).unwrap();
        let times: Vec<u64> = s.faults.iter().map(|f| f.at_ms).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        let last = s.faults.len() - 1;
        let moved = move_fault(&s, last, 0);
        assert_eq!(moved.faults[0].at_ms, 0);
        let removed = remove_fault(&moved, 0);
        assert_eq!(removed.faults.len(), s.faults.len() - 1);
        assert_eq!(move_fault(&s, 99, 5), s, "an unknown index changes nothing");
    }

    #[test]
    fn settings_are_set_explicitly() {
        let s = set_acks(&scenario(), Acks::Leader);
        assert!(s.effective_config().acks.explicit);
        let s = set_min_insync_replicas(&s, 2);
        assert_eq!(s.effective_config().min_insync_replicas.value, 2);
    }

    #[test]
    fn producer_faults_strike_an_instance_and_a_missing_one_is_refused() {
        let p0 = Target::Node(NodeId::Producer(0));
        let s = add_fault(&scenario(), SimTime::from_ms(100), p0, FaultKind::Pause).unwrap();
        assert!(matches!(
            s.faults.last().unwrap().fault,
            Fault::PauseProducer { ms: 15_000, .. }
        ));
        let s = add_fault(&s, SimTime::from_ms(200), p0, FaultKind::Restart).unwrap();
        assert!(s.validate().is_ok());
        let p1 = Target::Node(NodeId::Producer(1));
        let after = add_fault(&s, SimTime::from_ms(300), p1, FaultKind::Crash).unwrap();
        assert!(after.validate().is_ok(), "P1 exists once P0 was replaced");
        let before = add_fault(&s, SimTime::from_ms(50), p1, FaultKind::Crash).unwrap();
        let err = before.validate().unwrap_err().to_string();
        assert!(err.contains("faults[0].producer"), "{err}");
    }
}
