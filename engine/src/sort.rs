//! One sort for the whole engine: every list it orders (ISR members, partitions, fault
//! plans, anomalies, lanes) is ordered by a `u64` key through a single sort of
//! `(key, position)` pairs.
//!
//! The standard library's sorts are generic: each element type sorted gets its own copy of
//! the sorting code, a few kilobytes each in the download. Pairing the key with the
//! element's position makes every pair distinct, so the one unstable sort of pairs is
//! stable for the elements, and deterministic.

/// Lists up to this long are sorted in place.
const SMALL: usize = 16;

/// Sorts `items` by `key`, keeping equal keys in their order.
pub fn by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    if items.len() <= SMALL {
        // Insertion sort in place: no allocation on the per-event paths, where lists are
        // a few partitions or brokers long.
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && key(&items[j - 1]) > key(&items[j]) {
                items.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let mut keyed: Vec<(u64, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (key(item), i as u32))
        .collect();
    keyed.sort_unstable();
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        keyed
            .iter()
            .filter_map(|&(_, i)| slots.get_mut(i as usize).and_then(Option::take)),
    );
}

/// Sorts `items` by `key` and drops repeats of a key (keeping the first).
pub fn dedup_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    by_key(items, &key);
    items.dedup_by(|a, b| key(a) == key(b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_library() {
        let mut x = 17u64;
        for len in [0, 1, 2, 5, SMALL, SMALL + 1, 1_000] {
            let mut items: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((x >> 33) % 50, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|(k, _)| *k);
            by_key(&mut items, |(k, _)| *k);
            assert_eq!(items, expected);
        }
    }

    #[test]
    fn dedup_keeps_the_first_of_each_key() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (1, 'd'), (2, 'e')];
        dedup_by_key(&mut items, |(k, _)| *k);
        assert_eq!(items, vec![(1, 'b'), (2, 'e'), (3, 'a')]);
    }
}
