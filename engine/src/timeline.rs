//! One record's life, read from the trace: sent, every attempt and answer, every log
//! position it held on every replica (and the truncations that took it away), acknowledged
//! or failed, fetched, polled, processed into the sink, and the commit that moved past it.
//! The app shows it as the record's timeline; each step links to its trace event.

use crate::consumer::facts::ConsumerFact;
use crate::dense_map::DenseMap;
use crate::ids::{BrokerId, NodeId, Offset, PartitionId, RecordId};
use crate::time::SimTime;
use crate::trace::{EventKind, Trace};

/// What kind of step it is (for the drawing's colour and shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// The application sent it (or sent it again).
    Sent,
    /// A request or response carrying it left a node.
    Message,
    /// A replica appended it.
    Appended,
    /// A replica lost it (truncation, power or disk loss).
    Removed,
    /// The producer was told it succeeded.
    Acknowledged,
    /// The producer was told it failed, or will retry.
    Failed,
    /// A consumer's poll returned it.
    Polled,
    /// A consumer processed it; its effect reached the sink (or was absorbed).
    Processed,
    /// The group committed an offset past it.
    Committed,
}

/// One step of a record's life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Index of the trace event.
    pub event: usize,
    /// When.
    pub time: SimTime,
    /// Where.
    pub node: NodeId,
    /// What kind.
    pub kind: StepKind,
    /// What happened, in a few words.
    pub what: String,
}

/// Every step of `record`'s life, in trace order.
pub fn record_timeline(trace: &Trace, record: RecordId) -> Vec<Step> {
    let mut steps = Vec::new();
    // Where the record sits in each replica's log, to see which truncation removes it.
    let mut held: DenseMap<(BrokerId, PartitionId), Offset> = DenseMap::new();
    let mut partition: Option<PartitionId> = None;
    let mut offsets_seen: Vec<Offset> = Vec::new();
    let mut committed_past = false;
    for (event, e) in trace.events.iter().enumerate() {
        let mut step = |kind, what: String| {
            steps.push(Step {
                event,
                time: e.time,
                node: e.node,
                kind,
                what,
            })
        };
        match &e.kind {
            EventKind::RecordSent {
                record: r,
                partition: p,
                ..
            } if *r == record => {
                partition = Some(*p);
                step(StepKind::Sent, format!("send() to {p}"));
            }
            EventKind::MessageSent { message, to, .. }
                if trace.message(*message).records().contains(&record) =>
            {
                let name = trace.message(*message).name();
                step(StepKind::Message, format!("{name} → {to}"));
            }
            EventKind::RecordAppended {
                partition: p,
                offset,
                record: r,
                leader_epoch,
                ..
            } if *r == record => {
                if let NodeId::Broker(b) = e.node {
                    held.insert((b, *p), *offset);
                }
                if !offsets_seen.contains(offset) {
                    offsets_seen.push(*offset);
                }
                step(
                    StepKind::Appended,
                    format!("appended at {p}@{offset} ({leader_epoch})"),
                );
            }
            EventKind::LogTruncated {
                partition: p,
                to,
                reason,
                ..
            } => {
                if let NodeId::Broker(b) = e.node
                    && let Some(offset) = held.get(&(b, *p)).copied()
                    && offset >= *to
                {
                    held.remove(&(b, *p));
                    step(
                        StepKind::Removed,
                        format!("removed from {b}'s log: {reason}"),
                    );
                }
            }
            EventKind::ProduceAcknowledged {
                record: r, offset, ..
            } if *r == record => {
                let at = offset.map_or("offset -1 (acks=0)".to_string(), |o| format!("offset {o}"));
                step(StepKind::Acknowledged, format!("acknowledged, {at}"));
            }
            EventKind::ProduceRetried {
                record: r,
                error,
                attempt,
                ..
            } if *r == record => {
                step(StepKind::Failed, format!("{error}: retry {attempt}"));
            }
            EventKind::ProduceFailed {
                record: r, error, ..
            } if *r == record => {
                step(
                    StepKind::Failed,
                    format!("failed: {} ({error})", error.exception()),
                );
            }
            EventKind::Consumer(ConsumerFact::RecordsPolled { records }) => {
                if let Some(p) = records.iter().find(|p| p.record == record) {
                    step(
                        StepKind::Polled,
                        format!("poll() returned it ({}@{})", p.partition, p.offset),
                    );
                }
            }
            EventKind::Consumer(ConsumerFact::RecordProcessed {
                record: r, outcome, ..
            }) if *r == record => {
                step(StepKind::Processed, format!("processed: sink {outcome}"));
            }
            EventKind::Consumer(ConsumerFact::OffsetsCommitted { offsets, .. })
                if !committed_past =>
            {
                let past = offsets.iter().any(|(p, o)| {
                    Some(*p) == partition && offsets_seen.iter().any(|mine| mine < o)
                });
                if past {
                    committed_past = true;
                    step(
                        StepKind::Committed,
                        "the group committed past it".to_string(),
                    );
                }
            }
            _ => {}
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scenario, run};

    #[test]
    fn a_replicated_record_is_sent_appended_everywhere_and_acknowledged() {
        let s =
            Scenario::from_json(include_str!("../../scenarios/replication-acks-all.json")).unwrap();
        let r = run(&s).unwrap();
        let steps = record_timeline(&r.trace, RecordId(0));
        let kinds: Vec<StepKind> = steps.iter().map(|s| s.kind).collect();
        assert_eq!(kinds.first(), Some(&StepKind::Sent));
        assert_eq!(
            kinds.iter().filter(|k| **k == StepKind::Appended).count(),
            3,
            "three replicas"
        );
        assert!(kinds.contains(&StepKind::Acknowledged));
        assert!(steps.windows(2).all(|w| w[0].event < w[1].event));
    }

    #[test]
    fn a_lost_record_shows_the_truncation_that_removed_it() {
        let s = Scenario::from_json(include_str!(
            "../../scenarios/legacy-hw-truncation-loses-committed.json"
        ))
        .unwrap();
        let r = run(&s).unwrap();
        let lost = r.ledger.anomalies[0].record;
        let steps = record_timeline(&r.trace, lost);
        assert!(
            steps.iter().any(|s| s.kind == StepKind::Removed),
            "{steps:#?}"
        );
    }

    #[test]
    fn a_consumed_record_is_polled_processed_and_committed_past() {
        let s = Scenario::from_json(include_str!(
            "../../scenarios/commit-after-processing-crash-duplicates.json"
        ))
        .unwrap();
        let r = run(&s).unwrap();
        let twice = r.ledger.anomalies[0].record;
        let steps = record_timeline(&r.trace, twice);
        let processed = steps
            .iter()
            .filter(|s| s.kind == StepKind::Processed)
            .count();
        assert_eq!(processed, 2, "{steps:#?}");
        assert!(steps.iter().any(|s| s.kind == StepKind::Committed));
    }
}
