use delivery_lab_engine::{Ledger, Scenario, sim::Sim};
use std::time::Instant;
fn main() {
    let text = include_str!("../../scenarios/workshop-cluster.json");
    let mut s = Scenario::from_json(text).expect("preset is valid");
    s.producer.records = 20_000;
    s.producer.interval_ms = 1;
    s.duration_ms = 21_000;
    for _ in 0..3 {
        let t = Instant::now();
        let (trace, ev) = Sim::new(&s, 7).run();
        let a = t.elapsed();
        let t = Instant::now();
        let l = Ledger::from_trace(&trace);
        let b = t.elapsed();
        let t = Instant::now();
        drop(trace);
        let c = t.elapsed();
        println!(
            "sim {:?} ledger {:?} drop {:?} {} {}",
            a,
            b,
            c,
            ev,
            l.anomalies.len()
        );
    }
}
