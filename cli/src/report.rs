//! The run's report: each record's fate, the anomalies and the verdict, as text or JSON.

use delivery_lab_engine::ledger::{AnomalyKind, ProduceOutcome};
use delivery_lab_engine::{Run, Scenario};
use std::fmt::Write as _;

/// A human-readable report.
pub fn text(scenario: &Scenario, run: &Run) -> String {
    let mut out = String::new();
    let c = &run.config;
    let origin = |explicit: bool| if explicit { "set" } else { "default" };
    let _ = writeln!(
        out,
        "{}  (Kafka {}, seed {})",
        scenario.name, scenario.kafka_version, run.seed
    );
    let _ = writeln!(
        out,
        "configs: acks={} ({}), min.insync.replicas={} ({}), replica.fetch.wait.max.ms={} ({})",
        c.acks.value,
        origin(c.acks.explicit),
        c.min_insync_replicas.value,
        origin(c.min_insync_replicas.explicit),
        c.replica_fetch_wait_max_ms.value,
        origin(c.replica_fetch_wait_max_ms.explicit),
    );
    let ledger = &run.ledger;
    for f in &scenario.faults {
        let _ = writeln!(out, "fault at {}ms: {}", f.at_ms, f.fault);
    }
    let _ = writeln!(
        out,
        "records: {} sent, {} acknowledged, {} failed\n",
        ledger.records.len(),
        ledger.acknowledged(),
        ledger.failed()
    );
    let _ = writeln!(
        out,
        "{:<7} {:<5} {:>11}  {:<36} {:>6}  appended on",
        "record", "part", "sent", "callback", "copies"
    );
    for r in &ledger.records {
        let callback = match r.outcome {
            ProduceOutcome::Pending => "no answer yet".to_string(),
            ProduceOutcome::Acknowledged {
                offset: Some(o),
                at,
            } => format!("acknowledged offset={o} at {at}"),
            ProduceOutcome::Acknowledged { offset: None, .. } => {
                "sent, offset=-1 (acks=0)".to_string()
            }
            ProduceOutcome::Failed { error, .. } => error.exception().to_string(),
        };
        let placements: Vec<String> = r
            .placements
            .iter()
            .map(|p| format!("{}@{}", p.broker, p.offset))
            .collect();
        let _ = writeln!(
            out,
            "{:<7} {:<5} {:>11}  {:<36} {:>6}  {}",
            r.record.to_string(),
            r.partition.to_string(),
            r.sent_at.to_string(),
            callback,
            r.copies,
            placements.join(" ")
        );
    }
    if ledger.anomalies.is_empty() {
        let _ = writeln!(out, "\nanomalies: none");
    } else {
        let _ = writeln!(out, "\nanomalies:");
        for a in &ledger.anomalies {
            let _ = write!(out, "  {} {} (trace event #{})", a.kind, a.record, a.event);
            if let Some(c) = a
                .cause
                .and_then(|i| run.trace.events.get(i).map(|e| (i, e)))
            {
                let _ = write!(
                    out,
                    ", caused by #{} at {}: {} {} {}",
                    c.0,
                    c.1.time,
                    c.1.node,
                    c.1.kind.name(),
                    c.1.kind
                );
            }
            let _ = writeln!(out);
        }
    }
    for p in &ledger.offline_partitions {
        let _ = writeln!(
            out,
            "offline: {p} has no leader at the end (its records are unavailable, not lost)"
        );
    }
    if !ledger.violations.is_empty() {
        let _ = writeln!(out, "invariant violations:");
        for v in &ledger.violations {
            let _ = writeln!(
                out,
                "  {} {} (trace event #{}): {}",
                v.invariant, v.partition, v.event, v.detail
            );
        }
    }
    let _ = writeln!(
        out,
        "verdict: {} (producer to log, as observed in this run)",
        ledger.delivery()
    );
    if let Some(e2e) = ledger.end_to_end() {
        let twice = ledger.consumed.values().filter(|c| c.effects > 1).count();
        let aborted = ledger.count(AnomalyKind::AbortedRead);
        let aborted = if aborted > 0 {
            format!(", {aborted} from aborted transactions")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "end to end: {e2e} (producer to sink: {} records applied, {twice} applied more than once{aborted})",
            ledger.applied()
        );
    }
    out
}

/// A machine-readable report.
pub fn json(scenario: &Scenario, run: &Run, with_trace: bool) -> String {
    let mut value = serde_json::json!({
        "scenario": scenario.name,
        "kafka_version": scenario.kafka_version,
        "seed": run.seed,
        "config": run.config,
        "ledger": run.ledger,
        "delivery": run.ledger.delivery(),
        "end_to_end": run.ledger.end_to_end(),
        "trace_digest": run.trace.digest(),
    });
    if with_trace {
        value["trace"] = serde_json::to_value(&run.trace).unwrap_or_default();
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
