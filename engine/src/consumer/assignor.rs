//! Partition assignors of the classic group protocol (`partition.assignment.strategy`,
//! kafka-semantics.md §B.9): what the group leader computes in a rebalance.
//!
//! - `RangeAssignor` (eager): the partitions in order, split into consecutive ranges over
//!   the members sorted by id, the first `partitions % members` members taking one more.
//! - `CooperativeStickyAssignor` (KIP-429): a balanced assignment (every member between
//!   ⌊P/N⌋ and ⌈P/N⌉ partitions) that keeps as many owned partitions where they are as
//!   balance allows (`AbstractStickyAssignor`'s constrained assignment). Then the
//!   cooperative rule: a partition that moves is left out of this generation entirely,
//!   so its owner revokes it first; the owner then rejoins and a follow-up rebalance assigns
//!   it (`ConsumerCoordinator.onJoinComplete`, `validateCooperativeAssignment`).
//!
//! Simplified: one topic; members in id order stand in for the real assignor's sorting
//! by how many partitions each owns.

use crate::ids::PartitionId;

/// The range assignment of `partitions` over `members` members, in member order.
pub fn range(partitions: u32, members: usize) -> Vec<Vec<PartitionId>> {
    let n = members.max(1) as u32;
    let (per, extra) = (partitions / n, partitions % n);
    let mut next = 0;
    (0..members as u32)
        .map(|i| {
            let count = per + u32::from(i < extra);
            let range = (next..next + count).map(PartitionId).collect();
            next += count;
            range
        })
        .collect()
}

/// The cooperative-sticky assignment of `partitions` given what each member (in member
/// order) says it owns. A partition owned by another member is not given to its new owner
/// in this generation.
pub fn cooperative_sticky(partitions: u32, owned: &[Vec<PartitionId>]) -> Vec<Vec<PartitionId>> {
    let target = sticky(partitions, owned);
    target
        .iter()
        .enumerate()
        .map(|(i, assigned)| {
            assigned
                .iter()
                .copied()
                .filter(|p| {
                    owned
                        .iter()
                        .enumerate()
                        .all(|(j, theirs)| j == i || !theirs.contains(p))
                })
                .collect()
        })
        .collect()
}

/// The balanced assignment that moves the fewest owned partitions.
fn sticky(partitions: u32, owned: &[Vec<PartitionId>]) -> Vec<Vec<PartitionId>> {
    let n = owned.len().max(1) as u32;
    let (min_quota, mut extra) = ((partitions / n) as usize, partitions % n);
    let mut taken = vec![false; partitions as usize];
    let mut assignment: Vec<Vec<PartitionId>> = Vec::with_capacity(owned.len());
    // Each member keeps what it owns, up to its quota (one more while extra slots last).
    for theirs in owned {
        let mut keep: Vec<PartitionId> = Vec::new();
        let mut sorted = theirs.clone();
        crate::sort::by_key(&mut sorted, |p| u64::from(p.0));
        for p in sorted {
            let Some(slot) = taken.get_mut(p.0 as usize) else {
                continue; // no longer in the topic
            };
            if *slot || keep.len() > min_quota {
                continue;
            }
            if keep.len() == min_quota {
                if extra == 0 {
                    continue;
                }
                extra -= 1;
            }
            *slot = true;
            keep.push(p);
        }
        assignment.push(keep);
    }
    let mut free = (0..partitions)
        .filter(|p| !taken[*p as usize])
        .map(PartitionId);
    // Members under the minimum quota are filled first, then the extra slots go in order.
    for keep in &mut assignment {
        while keep.len() < min_quota {
            let Some(p) = free.next() else { break };
            keep.push(p);
        }
    }
    for keep in &mut assignment {
        if extra == 0 {
            break;
        }
        if keep.len() == min_quota
            && let Some(p) = free.next()
        {
            keep.push(p);
            extra -= 1;
        }
    }
    for keep in &mut assignment {
        crate::sort::by_key(keep, |p| u64::from(p.0));
    }
    assignment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ps(ids: &[u32]) -> Vec<PartitionId> {
        ids.iter().copied().map(PartitionId).collect()
    }

    #[test]
    fn range_gives_the_first_members_one_more() {
        assert_eq!(range(5, 2), vec![ps(&[0, 1, 2]), ps(&[3, 4])]);
        assert_eq!(range(2, 3), vec![ps(&[0]), ps(&[1]), ps(&[])]);
    }

    #[test]
    fn a_fresh_group_gets_a_balanced_assignment() {
        let fresh = vec![Vec::new(); 3];
        let a = cooperative_sticky(4, &fresh);
        assert_eq!(a, vec![ps(&[0, 3]), ps(&[1]), ps(&[2])]);
    }

    #[test]
    fn a_new_member_waits_for_the_partition_to_be_revoked() {
        // C0 owns 0,1 and C1 owns 2,3; C2 joins. Sticky keeps 0,1 and 2; 3 moves to C2,
        // but not before C1 has revoked it.
        let owned = vec![ps(&[0, 1]), ps(&[2, 3]), ps(&[])];
        let first = cooperative_sticky(4, &owned);
        assert_eq!(first, vec![ps(&[0, 1]), ps(&[2]), ps(&[])]);
        // C1 revoked 3 and rejoined: the follow-up rebalance assigns it.
        let second = cooperative_sticky(4, &first);
        assert_eq!(second, vec![ps(&[0, 1]), ps(&[2]), ps(&[3])]);
    }

    #[test]
    fn every_partition_is_assigned_once_and_balanced() {
        for partitions in 0..9u32 {
            for members in 1..5usize {
                let mut owned: Vec<Vec<PartitionId>> = vec![Vec::new(); members];
                // Skewed ownership: everything on the last member.
                owned[members - 1] = (0..partitions).map(PartitionId).collect();
                let target = sticky(partitions, &owned);
                let mut all: Vec<PartitionId> = target.concat();
                all.sort();
                assert_eq!(all, (0..partitions).map(PartitionId).collect::<Vec<_>>());
                let min = (partitions as usize) / members;
                assert!(target.iter().all(|a| a.len() == min || a.len() == min + 1));
            }
        }
    }
}
