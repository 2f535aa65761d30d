//! The consumer group at one moment, folded from the trace: each member's state, its
//! partitions and how much it processed, the group's generation and committed offsets, and
//! the sink's counts.

use crate::consumer::facts::ConsumerFact;
use crate::consumer::sink::EffectOutcome;
use crate::dense_map::DenseMap;
use crate::fault::Fault;
use crate::ids::{NodeId, Offset, PartitionId, RecordId};
use crate::time::SimTime;
use crate::trace::{EventKind, TraceEvent};

/// What a consumer is doing, as its last fact says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerStatus {
    /// Started, waiting for its partitions.
    Joining,
    /// Owns partitions and consumes.
    Consuming,
    /// Left the group (poll timeout or unsubscribe), will rejoin on its next poll.
    LeftGroup,
    /// Its process stopped for a while (a GC pause).
    Paused,
    /// Its process crashed.
    Crashed,
    /// Closed by the application.
    Closed,
}

impl ConsumerStatus {
    /// A short word for the drawing.
    pub fn label(self) -> &'static str {
        match self {
            ConsumerStatus::Joining => "joining",
            ConsumerStatus::Consuming => "consuming",
            ConsumerStatus::LeftGroup => "left group",
            ConsumerStatus::Paused => "paused",
            ConsumerStatus::Crashed => "crashed",
            ConsumerStatus::Closed => "closed",
        }
    }
}

/// One consumer group member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerView {
    /// `C0`, `C1`, …
    pub id: u32,
    /// What it is doing.
    pub status: ConsumerStatus,
    /// The partitions it owns.
    pub partitions: Vec<PartitionId>,
    /// Records it finished processing.
    pub processed: u32,
    /// The record it processed last.
    pub last_record: Option<RecordId>,
}

/// The sink's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SinkView {
    /// First effects.
    pub applied: u32,
    /// Effects applied again (duplicates downstream).
    pub applied_again: u32,
    /// Repeats a de-duplicating store dropped.
    pub deduplicated: u32,
    /// Repeats an upsert overwrote with the same value.
    pub overwritten: u32,
}

impl SinkView {
    fn count(&mut self, outcome: EffectOutcome) {
        match outcome {
            EffectOutcome::Applied => self.applied += 1,
            EffectOutcome::AppliedAgain => self.applied_again += 1,
            EffectOutcome::Deduplicated => self.deduplicated += 1,
            EffectOutcome::Overwritten => self.overwritten += 1,
            EffectOutcome::Staged => {}
        }
    }
}

/// The consumer group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupView {
    /// Every member that has started, by id.
    pub consumers: Vec<ConsumerView>,
    /// The current generation (0 before the first rebalance).
    pub generation: u32,
    /// Whether a rebalance is under way.
    pub rebalancing: bool,
    /// The committed offset per partition.
    pub committed: DenseMap<PartitionId, Offset>,
    /// The sink.
    pub sink: SinkView,
    /// Per consumer: the end of its current pause.
    paused_until: DenseMap<u32, SimTime>,
}

impl GroupView {
    /// Whether the run has a consumer group (a member started).
    pub fn exists(&self) -> bool {
        !self.consumers.is_empty()
    }

    fn member(&mut self, id: u32) -> &mut ConsumerView {
        let i = match self.consumers.binary_search_by_key(&id, |c| c.id) {
            Ok(i) => i,
            Err(i) => {
                self.consumers.insert(
                    i,
                    ConsumerView {
                        id,
                        status: ConsumerStatus::Joining,
                        partitions: Vec::new(),
                        processed: 0,
                        last_record: None,
                    },
                );
                i
            }
        };
        &mut self.consumers[i]
    }

    /// Folds one event in.
    pub(super) fn apply(&mut self, e: &TraceEvent) {
        match &e.kind {
            EventKind::FaultApplied {
                fault:
                    Fault::PauseConsumer {
                        consumer: NodeId::Consumer(c),
                        ms,
                    },
            } => {
                self.paused_until.insert(*c, e.time.plus_ms(*ms));
            }
            EventKind::Consumer(fact) => self.apply_fact(e.node, fact),
            _ => {}
        }
    }

    fn apply_fact(&mut self, node: NodeId, fact: &ConsumerFact) {
        match fact {
            ConsumerFact::GroupRebalanced { generation, .. } => {
                self.generation = *generation;
                self.rebalancing = false;
            }
            ConsumerFact::RebalanceStarted { .. } => self.rebalancing = true,
            ConsumerFact::OffsetsCommitted { offsets, .. } => {
                self.committed.extend(offsets.iter().copied());
            }
            ConsumerFact::OffsetsExpired { partitions } => {
                for p in partitions {
                    self.committed.remove(p);
                }
            }
            _ => {}
        }
        let NodeId::Consumer(c) = node else { return };
        match fact {
            ConsumerFact::ConsumerStarted => {
                let m = self.member(c);
                m.status = ConsumerStatus::Joining;
                m.partitions.clear();
            }
            ConsumerFact::ConsumerStopped | ConsumerFact::ConsumerClosed => {
                let m = self.member(c);
                m.status = if *fact == ConsumerFact::ConsumerClosed {
                    ConsumerStatus::Closed
                } else {
                    ConsumerStatus::Crashed
                };
                m.partitions.clear();
            }
            ConsumerFact::PartitionsAssigned { partitions, .. } => {
                let m = self.member(c);
                m.status = ConsumerStatus::Consuming;
                m.partitions = partitions.iter().map(|(p, _)| *p).collect();
            }
            ConsumerFact::PartitionsRevoked { partitions, .. } => {
                let m = self.member(c);
                m.partitions.retain(|p| !partitions.contains(p));
                if m.partitions.is_empty() {
                    m.status = ConsumerStatus::Joining;
                }
            }
            ConsumerFact::PartitionsLost { .. } => {
                let m = self.member(c);
                m.status = ConsumerStatus::Joining;
                m.partitions.clear();
            }
            ConsumerFact::LeftGroup { .. } => {
                let m = self.member(c);
                m.status = ConsumerStatus::LeftGroup;
                m.partitions.clear();
            }
            ConsumerFact::RecordProcessed {
                record, outcome, ..
            } => {
                let m = self.member(c);
                m.processed += 1;
                m.last_record = Some(*record);
                self.sink.count(*outcome);
            }
            ConsumerFact::OutputCommitted { records } => {
                for (_, outcome) in records {
                    self.sink.count(*outcome);
                }
            }
            _ => {}
        }
    }

    /// Marks members paused at `time`.
    pub(super) fn finish(&mut self, time: SimTime) {
        let paused: Vec<u32> = self
            .paused_until
            .iter()
            .filter(|(_, until)| **until > time)
            .map(|(c, _)| *c)
            .collect();
        for c in paused {
            let m = self.member(c);
            if !matches!(m.status, ConsumerStatus::Crashed | ConsumerStatus::Closed) {
                m.status = ConsumerStatus::Paused;
            }
        }
    }
}
