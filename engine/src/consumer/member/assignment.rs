//! A member's partitions across rebalances: giving them up (eager: all before rejoining;
//! cooperative: only those that moved) and taking a new generation's assignment.

use super::{Member, fact};
use crate::consumer::facts::ConsumerFact;
use crate::consumer::protocol::Assignment;
use crate::consumer::sink::Sink;
use crate::consumer::spec::CommitStrategy;
use crate::ids::{Offset, PartitionId};
use crate::outbox::Outbox;
use crate::time::SimTime;

impl Member {
    pub(super) fn revoke(&mut self) {
        self.assigned.clear();
        self.positions.clear();
        self.fetched.clear();
        self.aborted.clear();
        self.fetches.clear();
        self.validation.clear();
    }

    /// Gives up every partition before a join and says so: revoked while in a generation
    /// (eager), lost when out of the group.
    pub(super) fn give_up_all(&mut self, out: &mut Outbox) {
        if !self.assigned.is_empty() {
            let partitions = self.assigned.clone();
            let given_up = match self.generation {
                Some(generation) => ConsumerFact::PartitionsRevoked {
                    generation,
                    partitions,
                },
                None => ConsumerFact::PartitionsLost { partitions },
            };
            fact(out, given_up);
        }
        self.revoke();
    }

    /// Gives up one partition (cooperative revocation): its position and buffered records.
    pub(super) fn revoke_one(&mut self, p: PartitionId) {
        self.assigned.retain(|q| *q != p);
        self.positions.remove(&p);
        self.fetched.remove(&p);
        self.aborted.retain(|(q, _)| *q != p);
        self.fetches.remove(&p);
        self.validation.forget(p);
    }

    pub(super) fn assigned_partitions(
        &mut self,
        now: SimTime,
        a: &Assignment,
        sink: &mut Sink,
        out: &mut Outbox,
    ) {
        self.member_id = Some(a.member);
        self.generation = Some(a.generation);
        self.is_leader = a.leader;
        self.rejoin = false;
        if self.rules.cooperative {
            self.revoke_moved(a, out);
        } else {
            self.revoke();
        }
        let in_sink = self.rules.commit == CommitStrategy::InSinkTransaction;
        let partitions: Vec<(PartitionId, Option<Offset>)> = a
            .partitions
            .iter()
            .map(|&(p, committed)| {
                if self.assigned.contains(&p) {
                    // Kept through a cooperative rebalance: consumption just goes on.
                    return (p, self.positions.get(&p).copied().flatten());
                }
                // Offsets kept with the results: seek to what the sink stored.
                let start = if in_sink {
                    sink.stored_offset(p)
                } else {
                    committed
                };
                self.assigned.push(p);
                self.positions.insert(p, start);
                (p, start)
            })
            .collect();
        self.next_auto_commit = now.plus_ms(self.rules.settings.auto_commit_interval_ms.value);
        fact(
            out,
            ConsumerFact::PartitionsAssigned {
                generation: a.generation,
                partitions,
            },
        );
    }

    /// Cooperative `onJoinComplete`: the partitions the new assignment no longer gives this
    /// member are revoked (`onPartitionsRevoked`, which may commit them first), and the
    /// member rejoins so a follow-up rebalance can hand them to their new owners.
    pub(super) fn revoke_moved(&mut self, a: &Assignment, out: &mut Outbox) {
        let moved: Vec<PartitionId> = self
            .assigned
            .iter()
            .copied()
            .filter(|p| !a.partitions.iter().any(|(q, _)| q == p))
            .collect();
        if moved.is_empty() {
            return;
        }
        if self.rules.commit_on_revoke {
            let offsets = self
                .consumed()
                .into_iter()
                .filter(|(p, _)| moved.contains(p))
                .collect();
            self.send_commit(offsets, true, out);
        }
        for &p in &moved {
            self.revoke_one(p);
        }
        fact(
            out,
            ConsumerFact::PartitionsRevoked {
                generation: a.generation,
                partitions: moved,
            },
        );
        self.rejoin = true;
    }
}
