//! Maps and sets keyed by the engine's small dense identifiers (brokers, partitions,
//! producers, consumers), stored in a vector indexed by the identifier.
//!
//! Every identifier the cluster hands out is numbered from 0 and capped by
//! [`crate::limits`], so a slot per number does what a `BTreeMap` did — same key order when
//! iterating, hence the same deterministic trace — without a tree search per lookup and with
//! one small body of code instead of a B-tree per key and value type (the browser downloads
//! every instantiation).

use crate::ids::{BrokerId, PartitionId};
use crate::limits::{MAX_BROKERS, MAX_PARTITIONS};
use std::fmt;

/// An identifier numbered densely from 0: its number is its slot.
pub trait DenseKey: Copy {
    /// The slot this key occupies.
    fn slot(self) -> usize;
}

impl DenseKey for BrokerId {
    fn slot(self) -> usize {
        self.0 as usize
    }
}

impl DenseKey for PartitionId {
    fn slot(self) -> usize {
        self.0 as usize
    }
}

/// A replica, by broker then partition: partitions number fewer than
/// [`MAX_PARTITIONS`], so this is the pair's order.
impl DenseKey for (BrokerId, PartitionId) {
    fn slot(self) -> usize {
        debug_assert!(u64::from(self.1.0) < MAX_PARTITIONS);
        self.0.slot() * MAX_PARTITIONS as usize + self.1.slot()
    }
}

/// A replica, by partition then broker: brokers number fewer than [`MAX_BROKERS`].
impl DenseKey for (PartitionId, BrokerId) {
    fn slot(self) -> usize {
        debug_assert!(u64::from(self.1.0) < MAX_BROKERS);
        self.0.slot() * MAX_BROKERS as usize + self.1.slot()
    }
}

/// Consumer numbers, group member ids, producing applications.
impl DenseKey for u32 {
    fn slot(self) -> usize {
        self as usize
    }
}

/// Key → value, iterated in key order.
#[derive(Clone)]
pub struct DenseMap<K, V> {
    slots: Vec<Option<(K, V)>>,
    len: usize,
}

impl<K, V> Default for DenseMap<K, V> {
    fn default() -> Self {
        DenseMap {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<K: DenseKey, V> DenseMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `k`.
    pub fn get(&self, k: &K) -> Option<&V> {
        self.slots.get(k.slot())?.as_ref().map(|(_, v)| v)
    }

    /// The value for `k`, mutably.
    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.slots.get_mut(k.slot())?.as_mut().map(|(_, v)| v)
    }

    /// Whether `k` has a value.
    pub fn contains_key(&self, k: &K) -> bool {
        self.get(k).is_some()
    }

    /// `k`'s slot, growing the vector to it; `len` stays borrowable beside it.
    fn slot_mut(slots: &mut Vec<Option<(K, V)>>, k: K) -> &mut Option<(K, V)> {
        let i = k.slot();
        if slots.len() <= i {
            slots.resize_with(i + 1, || None);
        }
        &mut slots[i]
    }

    /// Sets the value for `k`, returning the old one.
    pub fn insert(&mut self, k: K, value: V) -> Option<V> {
        let old = Self::slot_mut(&mut self.slots, k)
            .replace((k, value))
            .map(|(_, v)| v);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Removes and returns the value for `k`.
    pub fn remove(&mut self, k: &K) -> Option<V> {
        let old = self.slots.get_mut(k.slot())?.take().map(|(_, v)| v);
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// The value for `k`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, k: K, make: impl FnOnce() -> V) -> &mut V {
        let slot = Self::slot_mut(&mut self.slots, k);
        if slot.is_none() {
            self.len += 1;
        }
        &mut slot.get_or_insert_with(|| (k, make())).1
    }

    /// The slot for `k`, to fill if empty (as `BTreeMap::entry`).
    pub fn entry(&mut self, k: K) -> Entry<'_, K, V> {
        Entry { map: self, key: k }
    }

    /// How many keys have a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no key has a value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.len = 0;
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        for slot in &mut self.slots {
            let drop = match slot {
                Some((k, v)) => !keep(k, v),
                None => false,
            };
            if drop {
                *slot = None;
                self.len -= 1;
            }
        }
    }

    /// The keys with a value, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + Clone {
        self.slots.iter().flatten().map(|(k, _)| k)
    }

    /// The values, in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + Clone {
        self.slots.iter().flatten().map(|(_, v)| v)
    }

    /// The values, mutably, in key order.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.slots.iter_mut().flatten().map(|(_, v)| v)
    }

    /// `(key, value)` pairs, in order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.slots.iter().flatten().map(|(k, v)| (k, v))
    }

    /// `(key, value)` pairs, values mutable, in order.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> {
        self.slots.iter_mut().flatten().map(|(k, v)| (&*k, v))
    }
}

impl<K: DenseKey, V: PartialEq> PartialEq for DenseMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self
                .iter()
                .map(|(k, v)| (k.slot(), v))
                .eq(other.iter().map(|(k, v)| (k.slot(), v)))
    }
}

impl<K: DenseKey, V: Eq> Eq for DenseMap<K, V> {}

impl<K: DenseKey + fmt::Debug, V: fmt::Debug> fmt::Debug for DenseMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: DenseKey, V> FromIterator<(K, V)> for DenseMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = DenseMap::default();
        map.extend(iter);
        map
    }
}

impl<K: DenseKey, V> Extend<(K, V)> for DenseMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: DenseKey, V> IntoIterator for DenseMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Option<(K, V)>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.slots.into_iter().flatten()
    }
}

/// The iterator of [`DenseMap::iter`].
pub type Iter<'a, K, V> = std::iter::Map<
    std::iter::Flatten<std::slice::Iter<'a, Option<(K, V)>>>,
    fn(&'a (K, V)) -> (&'a K, &'a V),
>;

impl<'a, K: DenseKey, V> IntoIterator for &'a DenseMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: DenseKey, V> std::ops::Index<&K> for DenseMap<K, V> {
    type Output = V;
    /// The value for `k`; panics if there is none, as `BTreeMap` does.
    fn index(&self, k: &K) -> &V {
        self.get(k).expect("no entry for this key")
    }
}

/// One key's slot in a [`DenseMap`], from [`DenseMap::entry`].
pub struct Entry<'a, K, V> {
    map: &'a mut DenseMap<K, V>,
    key: K,
}

impl<'a, K: DenseKey, V> Entry<'a, K, V> {
    /// The value, inserting `value` first if there is none.
    pub fn or_insert(self, value: V) -> &'a mut V {
        self.map.get_or_insert_with(self.key, || value)
    }

    /// The value, inserting `make()` first if there is none.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        self.map.get_or_insert_with(self.key, make)
    }

    /// The value, inserting the default first if there is none.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.map.get_or_insert_with(self.key, V::default)
    }
}

/// A set of keys, iterated in order (as `BTreeSet`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DenseSet<K: DenseKey> {
    map: DenseMap<K, ()>,
}

impl<K: DenseKey> DenseSet<K> {
    /// An empty set.
    pub fn new() -> Self {
        DenseSet {
            map: DenseMap::new(),
        }
    }

    /// Adds `k`; whether it was new.
    pub fn insert(&mut self, k: K) -> bool {
        self.map.insert(k, ()).is_none()
    }

    /// Removes `k`; whether it was there.
    pub fn remove(&mut self, k: &K) -> bool {
        self.map.remove(k).is_some()
    }

    /// Whether `k` is in the set.
    pub fn contains(&self, k: &K) -> bool {
        self.map.contains_key(k)
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the set has no member.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Removes every member.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// Keeps only the members `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K) -> bool) {
        self.map.retain(|k, _| keep(k));
    }

    /// The members, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &K> + Clone {
        self.map.keys()
    }
}

impl<K: DenseKey + fmt::Debug> fmt::Debug for DenseSet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<K: DenseKey> FromIterator<K> for DenseSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        let mut set = DenseSet::new();
        set.extend(iter);
        set
    }
}

impl<K: DenseKey> Extend<K> for DenseSet<K> {
    fn extend<I: IntoIterator<Item = K>>(&mut self, iter: I) {
        for k in iter {
            self.insert(k);
        }
    }
}

impl<'a, K: DenseKey> IntoIterator for &'a DenseSet<K> {
    type Item = &'a K;
    type IntoIter = std::iter::Map<Iter<'a, K, ()>, fn((&'a K, &'a ())) -> &'a K>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.iter().map(|(k, _)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut m: DenseMap<PartitionId, &str> = DenseMap::default();
        assert_eq!(m.insert(PartitionId(3), "c"), None);
        m.insert(PartitionId(1), "a");
        assert_eq!(m.insert(PartitionId(3), "C"), Some("c"));
        assert_eq!(m.len(), 2);
        assert_eq!(
            m.keys().copied().collect::<Vec<_>>(),
            vec![PartitionId(1), PartitionId(3)]
        );
        assert_eq!(m.get(&PartitionId(2)), None);
        assert!(m.contains_key(&PartitionId(1)));
        assert_eq!(m.get(&PartitionId(99)), None);
        *m.get_mut(&PartitionId(1)).unwrap() = "A";
        assert_eq!(m.values().copied().collect::<Vec<_>>(), vec!["A", "C"]);
        assert_eq!(m.iter().next_back(), Some((&PartitionId(3), &"C")));
    }

    #[test]
    fn agrees_with_a_btree_map_through_any_sequence_of_changes() {
        let mut dense: DenseMap<u32, u32> = DenseMap::new();
        let mut tree: BTreeMap<u32, u32> = BTreeMap::new();
        let mut x = 7u32;
        for step in 0..2_000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let k = (x >> 16) % 37;
            match step % 5 {
                0 | 1 => assert_eq!(dense.insert(k, step), tree.insert(k, step)),
                2 => assert_eq!(dense.remove(&k), tree.remove(&k)),
                3 => {
                    *dense.entry(k).or_default() += 1;
                    *tree.entry(k).or_default() += 1;
                }
                _ => {
                    dense.retain(|k, v| (k + *v) % 11 != 0);
                    tree.retain(|k, v| (k + *v) % 11 != 0);
                }
            }
            assert_eq!(dense.len(), tree.len());
            assert!(dense.iter().eq(tree.iter()));
        }
    }

    #[test]
    fn equality_ignores_emptied_slots() {
        let mut a: DenseSet<BrokerId> = [BrokerId(1)].into_iter().collect();
        let b = a.clone();
        a.insert(BrokerId(5));
        assert_ne!(a, b);
        a.remove(&BrokerId(5));
        assert_eq!(a, b);
    }
}
