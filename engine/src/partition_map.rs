//! Maps from partition, and from replica (broker, partition), to value, stored densely by
//! number: a lookup on the hot paths indexes a vector instead of searching a tree, and
//! iteration goes in partition order.

use crate::dense_map::DenseMap;
use crate::ids::{BrokerId, PartitionId};

/// Partition → `T`, iterated in partition order.
pub type PartitionMap<T> = DenseMap<PartitionId, T>;

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
    /// Broker `b`'s partitions, growing the vector to it.
    fn broker_mut(&mut self, b: BrokerId) -> &mut PartitionMap<T> {
        let i = b.0 as usize;
        if self.brokers.len() <= i {
            self.brokers.resize_with(i + 1, PartitionMap::default);
        }
        &mut self.brokers[i]
    }

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
        self.broker_mut(b).get_or_insert_with(p, make)
    }

    /// The value for broker `b`'s replica of `p`, mutably.
    pub fn get_mut(&mut self, b: BrokerId, p: PartitionId) -> Option<&mut T> {
        self.brokers.get_mut(b.0 as usize)?.get_mut(&p)
    }

    /// Sets the value for broker `b`'s replica of `p`.
    pub fn insert(&mut self, b: BrokerId, p: PartitionId, value: T) {
        self.broker_mut(b).insert(p, value);
    }

    /// Broker `b`'s values, in partition order.
    pub fn of_broker(&self, b: BrokerId) -> impl Iterator<Item = &T> {
        self.brokers
            .get(b.0 as usize)
            .into_iter()
            .flat_map(|m| m.values())
    }

    /// Broker `b`'s values, mutably, in partition order.
    pub fn of_broker_mut(&mut self, b: BrokerId) -> impl Iterator<Item = &mut T> {
        self.brokers
            .get_mut(b.0 as usize)
            .into_iter()
            .flat_map(|m| m.values_mut())
    }

    /// Every broker's value for partition `p`.
    pub fn of_partition_mut(&mut self, p: PartitionId) -> impl Iterator<Item = &mut T> {
        self.brokers.iter_mut().filter_map(move |m| m.get_mut(&p))
    }
}
