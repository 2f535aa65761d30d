//! Protocol invariants, checked after every event (kafka-semantics.md §D; names from the
//! Kafka TLA+ specification, `KafkaReplication.tla`, where it has one).
//!
//! A violation is a trace fact, never a panic: under the pre-0.11 truncation rule or a power
//! loss real Kafka breaks them, and the app must be able to show it. Each invariant is
//! reported once per partition (its first violation), so a broken run stays readable.
//!
//! StrongIsr is checked incrementally: each (leader, ISR member) pair remembers how far the
//! two logs have been verified equal. A log only grows at its end except when it is
//! truncated (a `LogTruncated` fact), so only a truncation of one of the two logs starts
//! the pair's check over; a new epoch, leader or ISR leaves what was verified true.

use crate::broker::Broker;
use crate::controller::Controller;
use crate::dense_map::DenseMap;
use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId};
use crate::partition_map::ReplicaMap;
use crate::trace::{EventKind, Invariant, TraceEvent};
use std::collections::BTreeSet;

/// Remembers what has been checked and reported.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    reported: BTreeSet<(Invariant, PartitionId)>,
    /// Per replica: what it has seen as leader.
    leaders: ReplicaMap<LeaderSlot>,
    /// Per partition: the controller's last (epoch, leader).
    elections: DenseMap<PartitionId, (LeaderEpoch, Option<BrokerId>)>,
    /// The replicas a step touched, kept to reuse its allocation across steps.
    touched: Vec<Touched>,
    /// Check every leader of a partition after any append or HW move on it, comparing
    /// whole logs (nothing remembered as verified), as the reference the lean rule (see
    /// [`InvariantChecker::check`]) is tested against.
    exhaustive: bool,
}

/// A replica a step's facts name (`broker` none: the controller's view of the partition
/// changed); `sweep`: the partition's leaders must be checked too.
#[derive(Clone, Copy, Debug)]
struct Touched {
    partition: PartitionId,
    broker: Option<BrokerId>,
    sweep: bool,
}

impl Touched {
    fn sweep(partition: PartitionId, broker: Option<BrokerId>) -> Touched {
        Touched {
            partition,
            broker,
            sweep: true,
        }
    }
}

/// One broker's view as leader of one partition.
#[derive(Clone, Debug, Default)]
struct LeaderSlot {
    /// The epoch and HW last seen while it led.
    hw: Option<(LeaderEpoch, Offset)>,
    /// Per ISR member: offsets below this hold the same records in both logs (at most
    /// one entry per other replica). Never past either log's end, so appends leave it true.
    verified: Vec<(BrokerId, Offset)>,
}

impl InvariantChecker {
    /// The checker that also looks at every leader of a partition after each append or HW
    /// move on it, comparing logs from their start every time: slower, and reporting exactly
    /// what the lean one does (tested over every preset and random fault plans).
    pub fn exhaustive() -> InvariantChecker {
        InvariantChecker {
            exhaustive: true,
            ..InvariantChecker::default()
        }
    }

    /// Checks the invariants the event just handled could have broken. `step` holds the
    /// facts it produced; only the replicas they name can have changed.
    ///
    /// - A high watermark that moved is checked on its replica (HW ≤ LEO; a leader's
    ///   monotonic HW; StrongIsr from a leader's new HW).
    /// - A truncation, a role change, a broker stopping or starting, or the controller's new
    ///   leader or ISR is checked on its replica and on every replica leading the partition:
    ///   StrongIsr depends on the members' logs and on the ISR.
    /// - An append alone is not checked: it moves only a log end offset, at or above the
    ///   replica's HW, so it leaves every record below a leader's HW, every HW and every
    ///   ISR as they were when last checked (a broken HW ≤ LEO or StrongIsr it might touch
    ///   was reported then, and each invariant is reported once per partition).
    pub fn check<'a>(
        &mut self,
        step: impl IntoIterator<Item = &'a TraceEvent>,
        brokers: &[Broker],
        controller: &Controller,
    ) -> Vec<EventKind> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.clear();
        let mut controller_changed = false;
        for fact in step {
            let on = fact.node.broker();
            match &fact.kind {
                EventKind::RecordAppended { partition, .. } if self.exhaustive => {
                    touched.push(Touched::sweep(*partition, on));
                }
                EventKind::HighWatermarkUpdated { partition, .. } => {
                    touched.push(Touched {
                        partition: *partition,
                        broker: on,
                        sweep: self.exhaustive,
                    });
                }
                EventKind::LogTruncated { partition, .. } => {
                    touched.push(Touched::sweep(*partition, on));
                    if let Some(b) = on {
                        self.forget_verified(b, *partition);
                    }
                }
                EventKind::BecameLeader { partition, .. }
                | EventKind::BecameFollower { partition, .. } => {
                    touched.push(Touched::sweep(*partition, on));
                }
                EventKind::LeaderElected { state, .. } | EventKind::IsrChanged { state } => {
                    controller_changed = true;
                    touched.push(Touched::sweep(state.partition, None));
                }
                EventKind::BrokerStarted | EventKind::BrokerStopped => {
                    if let Some(b) = on
                        && let Some(broker) = brokers.get(b.0 as usize)
                    {
                        touched.extend(broker.replicas().keys().map(|p| Touched::sweep(*p, on)));
                    }
                }
                _ => {}
            }
        }
        if touched.is_empty() {
            // Nothing an invariant reads changed (and the controller changes touch too).
            self.touched = touched;
            return Vec::new();
        }
        let mut found = Vec::new();
        if controller_changed {
            self.check_controller(controller, &mut found);
        }
        // In partition order, then broker order, each replica once.
        crate::sort::dedup_by_key(&mut touched, |t| {
            u64::from(t.partition.0) << 34
                | t.broker.map_or(0, |b| u64::from(b.0) + 1) << 1
                | u64::from(t.sweep)
        });
        for named in touched.chunk_by(|a, b| a.partition == b.partition) {
            let p = named[0].partition;
            let sweep = named.iter().any(|t| t.sweep);
            if !sweep {
                // Only the named replicas (HW moves): straight to them, in broker order.
                for b in named.iter().filter_map(|t| t.broker) {
                    if let Some(broker) = brokers.get(b.0 as usize) {
                        self.check_replica(broker, p, brokers, controller, &mut found);
                    }
                }
                continue;
            }
            for broker in brokers {
                let Some(replica) = broker.replicas().get(&p) else {
                    continue;
                };
                if replica.is_leader() || named.iter().any(|t| t.broker == Some(broker.id())) {
                    self.check_replica(broker, p, brokers, controller, &mut found);
                }
            }
        }
        self.touched = touched;
        found.retain(|v| match v {
            EventKind::InvariantViolated {
                invariant,
                partition,
                ..
            } => self.reported.insert((*invariant, *partition)),
            _ => false,
        });
        found
    }

    /// Broker `b`'s log of `p` was truncated: nothing verified against it holds any more,
    /// neither as a leader's log nor as an ISR member's.
    fn forget_verified(&mut self, b: BrokerId, p: PartitionId) {
        if let Some(own) = self.leaders.get_mut(b, p) {
            own.verified.clear();
        }
        for slot in self.leaders.of_partition_mut(p) {
            slot.verified.retain(|(member, _)| *member != b);
        }
    }

    fn check_controller(&mut self, controller: &Controller, found: &mut Vec<EventKind>) {
        for state in controller.states() {
            let p = state.partition;
            if let Some(l) = state.leader
                && !state.isr.contains(&l)
            {
                found.push(violation(
                    Invariant::LeaderInIsr,
                    p,
                    format!("leader {l} is not in the ISR"),
                ));
            }
            let now = (state.leader_epoch, state.leader);
            if let Some((epoch, leader)) = self.elections.insert(p, now)
                && (state.leader_epoch < epoch
                    || (state.leader != leader && state.leader_epoch <= epoch))
            {
                let detail = format!("epoch went from {epoch} to {}", state.leader_epoch);
                found.push(violation(Invariant::LeaderEpochIncreases, p, detail));
            }
        }
    }

    fn check_replica(
        &mut self,
        broker: &Broker,
        p: PartitionId,
        all: &[Broker],
        controller: &Controller,
        found: &mut Vec<EventKind>,
    ) {
        let b = broker.id();
        if !broker.is_running() {
            return;
        }
        let Some(replica) = broker.replicas().get(&p) else {
            return;
        };
        let hw = replica.high_watermark();
        let leo = replica.log().log_end_offset();
        if hw > leo {
            let detail = format!("{b} has hw={hw} above its log end offset {leo}");
            found.push(violation(Invariant::HighWatermarkWithinLog, p, detail));
        }
        let slot = self.leaders.get_or_insert_with(b, p, LeaderSlot::default);
        if !replica.is_leader() {
            slot.hw = None;
            return;
        }
        let epoch = replica.leader_epoch();
        if let Some((e, last)) = slot.hw.replace((epoch, hw))
            && e == epoch
            && hw < last
        {
            let detail = format!("leader {b} moved its hw back from {last} to {hw}");
            found.push(violation(Invariant::MonotonicHighWatermark, p, detail));
        }
        let Some(state) = controller.state(p) else {
            return;
        };
        for member in state.isr.iter().filter(|m| **m != b) {
            let entry = slot.verified.iter().position(|(m, _)| m == member);
            let from = match entry {
                Some(i) if !self.exhaustive => slot.verified[i].1,
                _ => Offset(0),
            };
            if from >= hw {
                continue;
            }
            let Some(theirs) = all
                .get(member.0 as usize)
                .and_then(|other| other.replicas().get(&p))
            else {
                continue;
            };
            let (mine, theirs) = (replica.log(), theirs.log());
            match first_difference(mine.records(), theirs.records(), from, hw) {
                None => {
                    // Equal up to the HW, or to where the shorter log ends.
                    let equal = hw.min(mine.log_end_offset()).min(theirs.log_end_offset());
                    match entry {
                        Some(i) => slot.verified[i].1 = equal,
                        None => slot.verified.push((*member, equal)),
                    }
                }
                Some(at) => {
                    let detail = format!(
                        "ISR member {member} differs from leader {b} at offset {at}, below the leader's hw={hw}"
                    );
                    found.push(violation(Invariant::StrongIsr, p, detail));
                }
            }
        }
    }
}

/// The first offset in `from..to` where the two logs differ (or one has no record).
fn first_difference(
    leader: &crate::log::Records,
    member: &crate::log::Records,
    from: Offset,
    to: Offset,
) -> Option<Offset> {
    let (from, to) = (from.0 as usize, to.0 as usize);
    // Usually a few records of one chunk: compared as two slices.
    if let (Some(mine), Some(theirs)) = (leader.slice(from..to), member.slice(from..to)) {
        return first_mismatch(mine, theirs).map(|i| Offset((from + i) as u64));
    }
    // Both logs are chunked from offset 0 alike, so their slices of a range line up.
    let mut offset = from;
    for (mine, theirs) in leader.slices(from..to).zip(member.slices(from..to)) {
        if let Some(i) = first_mismatch(mine, theirs) {
            return Some(Offset((offset + i) as u64));
        }
        offset += mine.len();
    }
    // Past where one log ends, an offset the other holds differs.
    (offset < to && leader.len().max(member.len()) > offset).then_some(Offset(offset as u64))
}

/// The first index where two slices differ, counting one holding an item the other lacks.
fn first_mismatch<T: PartialEq>(mine: &[T], theirs: &[T]) -> Option<usize> {
    let i = mine
        .iter()
        .zip(theirs)
        .position(|(a, b)| a != b)
        .unwrap_or(mine.len().min(theirs.len()));
    (i < mine.len().max(theirs.len())).then_some(i)
}

fn violation(invariant: Invariant, partition: PartitionId, detail: String) -> EventKind {
    EventKind::InvariantViolated {
        invariant,
        partition,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::first_difference;
    use crate::ids::{LeaderEpoch, Offset, RecordId};
    use crate::log::Log;

    fn log(records: impl IntoIterator<Item = u32>) -> Log {
        let mut log = Log::default();
        for r in records {
            log.append(RecordId(r), LeaderEpoch(0), None);
        }
        log
    }

    /// The first offset in `from..to` where the logs hold different records (or one holds a
    /// record and the other none), read one offset at a time.
    fn naive(a: &Log, b: &Log, from: u64, to: u64) -> Option<Offset> {
        (from..to).map(Offset).find(|o| {
            let i = o.0 as usize;
            a.records().get(i) != b.records().get(i)
        })
    }

    #[test]
    fn finds_the_first_difference_across_chunks_and_log_ends() {
        let base: Vec<u32> = (0..600).collect();
        let mut changed = base.clone();
        changed[300] = 9_999;
        let logs = [
            log(base.iter().copied()),
            log(base.iter().copied().take(256)),
            log(base.iter().copied().take(513)),
            log(changed.iter().copied()),
            log([]),
        ];
        for a in &logs {
            for b in &logs {
                for (from, to) in [
                    (0, 600),
                    (0, 256),
                    (255, 257),
                    (300, 301),
                    (301, 700),
                    (0, 0),
                    (520, 530),
                ] {
                    assert_eq!(
                        first_difference(a.records(), b.records(), Offset(from), Offset(to)),
                        naive(a, b, from, to),
                        "{} vs {} records, {from}..{to}",
                        a.records().len(),
                        b.records().len()
                    );
                }
            }
        }
    }
}
