//! The workshop-sized scenario that the benchmark and the profiling examples run (shared with
//! `#[path]`): 5 brokers, 6 partitions with RF 3, 2 producers × 10 000 records, 10 faults.

use delivery_lab_engine::Scenario;
use delivery_lab_engine::fault::{Fault, ScheduledFault};
use delivery_lab_engine::ids::BrokerId;

/// 5 brokers, 6 partitions with RF 3, 2 producers × 10 000 records (each 2 ms apart),
/// and 10 faults: five brokers crash and restart in turn.
pub fn workshop() -> Scenario {
    let text = include_str!("../../../scenarios/workshop-cluster.json");
    let mut s = Scenario::from_json(text).expect("preset is valid");
    s.producer.count = 2;
    s.producer.records = 10_000;
    s.producer.interval_ms = 2;
    s.duration_ms = 21_000;
    s.expect = None;
    s.faults = (0..5u32)
        .flat_map(|b| {
            let at = 1_000 + u64::from(b) * 3_500;
            [
                ScheduledFault {
                    at_ms: at,
                    fault: Fault::CrashBroker {
                        broker: BrokerId(b),
                    },
                },
                ScheduledFault {
                    at_ms: at + 1_500,
                    fault: Fault::RestartBroker {
                        broker: BrokerId(b),
                    },
                },
            ]
        })
        .collect();
    s
}
