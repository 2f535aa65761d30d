//! A map from partition to value, stored densely by partition number.
//!
//! Partitions are numbered `0..partitions` (at most [`crate::limits::MAX_PARTITIONS`]), so
//! a vector indexed by number does what a `BTreeMap` did on the hot paths, in partition
//! order, without a search per lookup.

use crate::ids::{BrokerId, PartitionId};

/// Partition → `T`, iterated in partition order.
#[derive(Clone, Debug)]
pub struct PartitionMap<T> {
    slots: Vec<Option<(PartitionId, T)>>,
}

impl<T> Default for PartitionMap<T> {
    fn default() -> Self {
        PartitionMap { slots: Vec::new() }
    }
}

impl<T> PartitionMap<T> {
    /// The value for `p`.
    pub fn get(&self, p: &PartitionId) -> Option<&T> {
        self.slots.get(p.0 as usize)?.as_ref().map(|(_, v)| v)
    }

    /// The value for `p`, mutably.
    pub fn get_mut(&mut self, p: &PartitionId) -> Option<&mut T> {
        self.slots.get_mut(p.0 as usize)?.as_mut().map(|(_, v)| v)
    }

    /// Whether `p` has a value.
    pub fn contains_key(&self, p: &PartitionId) -> bool {
        self.get(p).is_some()
    }

    /// Sets the value for `p`, returning the old one.
    pub fn insert(&mut self, p: PartitionId, value: T) -> Option<T> {
        let i = p.0 as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i].replace((p, value)).map(|(_, v)| v)
    }

    /// The value for `p`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, p: PartitionId, make: impl FnOnce() -> T) -> &mut T {
        let i = p.0 as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        &mut self.slots[i].get_or_insert_with(|| (p, make())).1
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// The partitions with a value, in order.
    pub fn keys(&self) -> impl Iterator<Item = &PartitionId> {
        self.slots.iter().flatten().map(|(p, _)| p)
    }

    /// The values, in partition order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten().map(|(_, v)| v)
    }

    /// The values, mutably, in partition order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.slots.iter_mut().flatten().map(|(_, v)| v)
    }

    /// `(partition, value)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&PartitionId, &T)> {
        self.slots.iter().flatten().map(|(p, v)| (p, v))
    }

    /// `(partition, value)` pairs, values mutable, in order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&PartitionId, &mut T)> {
        self.slots.iter_mut().flatten().map(|(p, v)| (&*p, v))
    }
}

impl<T> FromIterator<(PartitionId, T)> for PartitionMap<T> {
    fn from_iter<I: IntoIterator<Item = (PartitionId, T)>>(iter: I) -> Self {
        let mut map = PartitionMap::default();
        for (p, v) in iter {
            map.insert(p, v);
        }
        map
    }
}

/// (broker, partition) → `T`: one [`PartitionMap`] per broker number, for state kept per
/// replica on the hot paths.
#[derive(Clone, Debug)]
pub struct ReplicaMap<T> {
    brokers: Vec<PartitionMap<T>>,
}

impl<T> Default for ReplicaMap<T> {
    fn default() -> Self {
        ReplicaMap {
            brokers: Vec::new(),
        }
    }
}

impl<T> ReplicaMap<T> {
    /// The value for broker `b`'s replica of `p`.
    pub fn get(&self, b: BrokerId, p: PartitionId) -> Option<&T> {
        self.brokers.get(b.0 as usize)?.get(&p)
    }

    /// The value for broker `b`'s replica of `p`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(
        &mut self,
        b: BrokerId,
        p: PartitionId,
        make: impl FnOnce() -> T,
    ) -> &mut T {
        let i = b.0 as usize;
        if self.brokers.len() <= i {
            self.brokers.resize_with(i + 1, PartitionMap::default);
        }
        self.brokers[i].get_or_insert_with(p, make)
    }

    /// Every broker's value for partition `p`.
    pub fn of_partition_mut(&mut self, p: PartitionId) -> impl Iterator<Item = &mut T> {
        self.brokers.iter_mut().filter_map(move |m| m.get_mut(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut m: PartitionMap<&str> = PartitionMap::default();
        assert_eq!(m.insert(PartitionId(3), "c"), None);
        m.insert(PartitionId(1), "a");
        assert_eq!(m.insert(PartitionId(3), "C"), Some("c"));
        assert_eq!(
            m.keys().copied().collect::<Vec<_>>(),
            vec![PartitionId(1), PartitionId(3)]
        );
        assert_eq!(m.get(&PartitionId(2)), None);
        assert!(m.contains_key(&PartitionId(1)));
        assert_eq!(m.get(&PartitionId(99)), None);
        *m.get_mut(&PartitionId(1)).unwrap() = "A";
        assert_eq!(m.values().copied().collect::<Vec<_>>(), vec!["A", "C"]);
    }
}
