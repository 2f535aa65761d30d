//! A member's fetch session (kafka-semantics.md §B.9, §B.10): fetches to the partition
//! leaders, what a fetch brings back (read_committed skips the records of aborted
//! transactions up to their ABORT marker, `CompletedFetch`), the offset validation after a
//! leader change (KIP-320), and handing `max.poll.records` of it to `poll()`.

use super::{Member, Shutdown, fact};
use crate::consumer::facts::{ConsumerFact, Polled};
use crate::consumer::protocol::GroupMessage;
use crate::consumer::spec::{IsolationLevel, OffsetReset};
use crate::consumer::validation::Validated;
use crate::errors::KafkaError;
use crate::ids::{NodeId, Offset, PartitionId};
use crate::message::{ControlMarker, LogRecord, Message};
use crate::outbox::Outbox;
use crate::time::SimTime;
use std::collections::{BTreeSet, VecDeque};

impl Member {
    /// Up to `max.poll.records` buffered records, partition by partition; the positions
    /// move past them.
    pub(super) fn take_batch(&mut self) -> Vec<Polled> {
        let mut left = self.rules.settings.max_poll_records.value as usize;
        let mut batch = Vec::new();
        for p in &self.assigned {
            let Some(queue) = self.fetched.get_mut(p) else {
                continue;
            };
            while left > 0
                && let Some(r) = queue.pop_front()
            {
                self.validation.consumed(*p, r.leader_epoch);
                // Control records are never returned; nor, to read_committed, records of
                // aborted transactions. The position moves past them.
                if !r.is_data() || self.aborted.remove(&(*p, r.offset)) {
                    self.positions.insert(*p, Some(r.offset.next()));
                    continue;
                }
                batch.push(Polled {
                    partition: *p,
                    offset: r.offset,
                    record: r.record,
                });
                self.positions.insert(*p, Some(r.offset.next()));
                left -= 1;
            }
        }
        batch
    }

    /// Sends a fetch to the leader of every owned partition that has none outstanding.
    pub(super) fn fetch(&mut self, now: SimTime, out: &mut Outbox) {
        let reset = self.rules.settings.auto_offset_reset.value;
        let mut need_metadata = false;
        for p in self.assigned.clone() {
            if self.fetches.contains_key(&p) || self.validation.is_pending(p) {
                continue;
            }
            let Some(&leader) = self.leaders.get(&p) else {
                need_metadata = true;
                continue;
            };
            let position = self.positions.get(&p).copied().flatten().map(|o| {
                self.fetched
                    .get(&p)
                    .and_then(VecDeque::back)
                    .map_or(o, |r| r.offset.next())
            });
            self.next_correlation += 1;
            let correlation = self.next_correlation;
            self.fetches.insert(p, (correlation, now));
            let fetch = GroupMessage::Fetch {
                partition: p,
                position,
                reset,
                correlation,
                read_committed: self.rules.settings.isolation_level.value
                    == IsolationLevel::ReadCommitted,
            };
            out.send(NodeId::Broker(leader), Message::Group(fetch));
        }
        if need_metadata {
            self.refresh_metadata(now, out);
        }
    }

    pub(super) fn refresh_metadata(&mut self, now: SimTime, out: &mut Outbox) {
        if !self.metadata_pending {
            self.metadata_pending = true;
            self.metadata_since = now;
            let to = self.any_broker();
            out.send(to, Message::MetadataRequest);
        }
    }

    /// KIP-320: the leader said where the last consumed epoch ends.
    pub(super) fn on_validation(
        &mut self,
        p: PartitionId,
        result: Result<(crate::ids::LeaderEpoch, Offset), KafkaError>,
        out: &mut Outbox,
    ) {
        let position = self.positions.get(&p).copied().flatten();
        match self.validation.on_response(p, result, position) {
            Validated::Fine | Validated::Retry => {}
            Validated::Truncated(to) => {
                let Some(from) = position else { return };
                self.fetched.remove(&p);
                if self.rules.settings.auto_offset_reset.value == OffsetReset::None {
                    let error = KafkaError::LogTruncation;
                    fact(out, ConsumerFact::ConsumerFailed { error });
                    return self.close(Shutdown::Close, out);
                }
                self.positions.insert(p, Some(to));
                fact(
                    out,
                    ConsumerFact::PositionTruncated {
                        partition: p,
                        from,
                        to,
                    },
                );
            }
        }
    }

    /// `CompletedFetch`: from each aborted transaction's first offset, the producer's
    /// transactional records are skipped until its ABORT marker.
    pub(super) fn mark_aborted(
        &mut self,
        p: PartitionId,
        records: &[LogRecord],
        aborted: &[(u64, Offset)],
    ) {
        if aborted.is_empty() {
            return;
        }
        let mut pending: Vec<(u64, Offset)> = aborted.to_vec();
        crate::sort::by_key(&mut pending, |(_, first)| first.0);
        let mut pending = pending.into_iter().peekable();
        let mut open: BTreeSet<u64> = BTreeSet::new();
        for r in records {
            while let Some((producer, _)) = pending.next_if(|(_, first)| *first <= r.offset) {
                open.insert(producer);
            }
            let Some(id) = r.producer else { continue };
            match r.control {
                Some(ControlMarker::Abort) => {
                    open.remove(&id.producer_id);
                }
                None if r.transactional && open.contains(&id.producer_id) => {
                    self.aborted.insert((p, r.offset));
                }
                _ => {}
            }
        }
    }

    pub(super) fn fetched_records(
        &mut self,
        p: PartitionId,
        position: Offset,
        records: &[LogRecord],
        out: &mut Outbox,
    ) {
        if !self.assigned.contains(&p) {
            return;
        }
        let policy = self.rules.settings.auto_offset_reset.value;
        let start = match self.positions.get(&p).copied().flatten() {
            Some(o) => o,
            None => {
                self.positions.insert(p, Some(position));
                fact(
                    out,
                    ConsumerFact::PositionReset {
                        partition: p,
                        to: position,
                        policy,
                    },
                );
                position
            }
        };
        let queue = self.fetched.entry(p).or_default();
        let expected = queue.back().map_or(start, |r| r.offset.next());
        queue.extend(records.iter().filter(|r| r.offset >= expected).copied());
    }
}
