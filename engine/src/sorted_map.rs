//! A map kept as a vector sorted by key, for the few-entry tables on the event loop's path: a
//! partition's idempotent-producer states (a handful of producer ids) and a producer's
//! requests in flight (up to `max.in.flight.requests.per.connection` per broker). A binary
//! search over a few entries in one vector beats a B-tree's nodes there, and iterating goes
//! in key order, like the tree it replaces, so traces stay the same.

/// Key → value, in key order.
#[derive(Clone, Debug)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord + Copy, V> SortedMap<K, V> {
    #[inline]
    fn position(&self, k: K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(key, _)| key.cmp(&k))
    }

    /// The value for `k`.
    #[inline]
    pub fn get(&self, k: K) -> Option<&V> {
        let i = self.position(k).ok()?;
        Some(&self.entries[i].1)
    }

    /// The value for `k`, mutably.
    #[inline]
    pub fn get_mut(&mut self, k: K) -> Option<&mut V> {
        let i = self.position(k).ok()?;
        Some(&mut self.entries[i].1)
    }

    /// The value for `k`, inserting `make()` first if there is none (a key seen for the first
    /// time is the rare case: its insertion is kept out of the lookup).
    #[inline]
    pub fn get_or_insert_with(&mut self, k: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.position(k) {
            Ok(i) => i,
            Err(i) => self.insert_at(i, k, make()),
        };
        &mut self.entries[i].1
    }

    #[cold]
    #[inline(never)]
    fn insert_at(&mut self, i: usize, k: K, v: V) -> usize {
        self.entries.insert(i, (k, v));
        i
    }

    /// Sets the value for `k`, returning the old one.
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self.position(k) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, v)),
            Err(i) => {
                self.entries.insert(i, (k, v));
                None
            }
        }
    }

    /// Removes `k`'s value and returns it.
    pub fn remove(&mut self, k: K) -> Option<V> {
        let i = self.position(k).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// Every entry, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (K, &V)> {
        self.entries.iter().map(|(k, v)| (*k, v))
    }

    /// Every entry, in key order, its value mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (K, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (*k, v))
    }

    /// Every value, in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_its_entries_in_key_order() {
        let mut map = SortedMap::default();
        for k in [5u64, 1, 9, 3] {
            assert_eq!(map.insert(k, k * 10), None);
        }
        assert_eq!(map.insert(9, 91), Some(90));
        assert_eq!(map.iter().map(|(k, _)| k).collect::<Vec<_>>(), [1, 3, 5, 9]);
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [10, 30, 50, 91]);
        assert_eq!(map.get(3), Some(&30));
        assert_eq!(map.get(4), None);
    }

    #[test]
    fn inserts_on_first_use_and_removes() {
        let mut map = SortedMap::default();
        *map.get_or_insert_with(7u64, || 0) += 1;
        *map.get_or_insert_with(7, || 100) += 1;
        *map.get_or_insert_with(2, || 100) += 1;
        assert_eq!(map.get(7), Some(&2));
        assert_eq!(map.get(2), Some(&101));
        if let Some(v) = map.get_mut(2) {
            *v = 5;
        }
        for (_, v) in map.iter_mut() {
            *v *= 2;
        }
        assert_eq!(map.remove(2), Some(10));
        assert_eq!(map.remove(2), None);
        assert_eq!(map.iter().collect::<Vec<_>>(), [(7, &4)]);
    }
}
