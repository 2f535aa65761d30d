//! Each replica's log over the whole run, as step functions of time: its log end offset
//! (growing with appends, dropping at a truncation), its high watermark, and its log start
//! offset. The app draws them one chart per partition, so a lagging follower, a frozen
//! high watermark or a truncation after an election can be seen at a glance.

use crate::dense_map::DenseMap;
use crate::ids::{BrokerId, NodeId, PartitionId};
use crate::time::SimTime;
use crate::trace::{EventKind, Trace};

/// One replica's history: each series holds `(time, value)` at every change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicaSeries {
    /// The broker.
    pub broker: BrokerId,
    /// The partition.
    pub partition: PartitionId,
    /// Log end offset.
    pub leo: Vec<(SimTime, u64)>,
    /// High watermark.
    pub hw: Vec<(SimTime, u64)>,
    /// Log start offset.
    pub start: Vec<(SimTime, u64)>,
}

impl ReplicaSeries {
    fn push(series: &mut Vec<(SimTime, u64)>, at: SimTime, value: u64) {
        match series.last_mut() {
            Some((t, v)) if *t == at => *v = value,
            Some((_, v)) if *v == value => {}
            _ => series.push((at, value)),
        }
    }

    /// The largest log end offset it reached.
    pub fn max_leo(&self) -> u64 {
        self.leo.iter().map(|(_, v)| *v).max().unwrap_or(0)
    }
}

fn series(
    all: &mut DenseMap<(PartitionId, BrokerId), ReplicaSeries>,
    partition: PartitionId,
    broker: BrokerId,
) -> &mut ReplicaSeries {
    all.entry((partition, broker))
        .or_insert_with(|| ReplicaSeries {
            broker,
            partition,
            ..ReplicaSeries::default()
        })
}

/// Every replica's history, by partition then broker.
pub fn replica_history(trace: &Trace) -> Vec<ReplicaSeries> {
    let mut all: DenseMap<(PartitionId, BrokerId), ReplicaSeries> = DenseMap::new();
    for e in &trace.events {
        let NodeId::Broker(broker) = e.node else {
            continue;
        };
        match &e.kind {
            EventKind::RecordAppended {
                partition, offset, ..
            } => {
                let s = series(&mut all, *partition, broker);
                ReplicaSeries::push(&mut s.leo, e.time, offset.0 + 1);
            }
            EventKind::LogTruncated { partition, to, .. } => {
                let s = series(&mut all, *partition, broker);
                ReplicaSeries::push(&mut s.leo, e.time, to.0);
                let hw = s.hw.last().map_or(0, |(_, v)| *v).min(to.0);
                ReplicaSeries::push(&mut s.hw, e.time, hw);
            }
            EventKind::HighWatermarkUpdated {
                partition,
                high_watermark,
            } => {
                let s = series(&mut all, *partition, broker);
                ReplicaSeries::push(&mut s.hw, e.time, high_watermark.0);
            }
            EventKind::LogStartMoved {
                partition,
                log_start,
            } => {
                let s = series(&mut all, *partition, broker);
                ReplicaSeries::push(&mut s.start, e.time, log_start.0);
            }
            _ => {}
        }
    }
    all.into_iter().map(|(_, series)| series).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_truncation_shows_as_a_drop_of_the_log_end_offset() {
        let text = include_str!("../../scenarios/legacy-hw-truncation-loses-committed.json");
        let run = crate::run(&Scenario::from_json(text).unwrap()).unwrap();
        let history = replica_history(&run.trace);
        assert!(!history.is_empty());
        let dropped = history
            .iter()
            .any(|s| s.leo.windows(2).any(|w| w[1].1 < w[0].1));
        assert!(dropped, "a follower truncates to its high watermark (0.10)");
        for s in &history {
            assert!(s.leo.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");
        }
    }
}
