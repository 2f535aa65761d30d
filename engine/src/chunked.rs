//! A growing vector stored in fixed-size chunks that copies share.
//!
//! A trace only grows, and a re-run from a snapshot starts with the first events and messages
//! of the run it re-runs. Stored in one `Vec`, that prefix had to be copied element by element
//! on every fault the app drops (a quarter of a million facts for a workshop-sized run, most
//! of a frame in wasm). Here full chunks are shared by reference count, so a prefix costs one
//! count per chunk and a copy of the partial chunk at its end; a chunk is copied only if a
//! holder writes to it while it is shared ([`ChunkedVec::get_mut`]), which the simulator does
//! only to lend an in-flight message to its receiver.

use serde::{Serialize, Serializer};
use std::ops::{Index, IndexMut, Range};
use std::rc::Rc;

/// How many items a full chunk holds by default (2^12).
pub const CHUNK: usize = 1 << 12;

/// A vector that grows at its end, in chunks of 2^`SHIFT` items shared between copies
/// (small chunks for something copied often while it grows, such as a replica's log: a copy
/// then costs one count per chunk and a copy of the last, partial one).
///
/// The items after the full chunks are one `Vec` ([`ChunkedVec::tail_from`]): a writer reads
/// what it just added as one slice, except when a chunk filled up meanwhile.
pub struct ChunkedVec<T, const SHIFT: u32 = 12> {
    /// Full chunks, each exactly 2^`SHIFT` items long.
    full: Vec<Rc<Vec<T>>>,
    /// The items after them: fewer than 2^`SHIFT`.
    tail: Vec<T>,
}

impl<T, const SHIFT: u32> ChunkedVec<T, SHIFT> {
    /// How many items a full chunk holds.
    const CHUNK_LEN: usize = 1 << SHIFT;

    /// An empty vector.
    pub const fn new() -> Self {
        ChunkedVec {
            full: Vec::new(),
            tail: Vec::new(),
        }
    }

    /// How many items it holds.
    #[inline]
    pub fn len(&self) -> usize {
        (self.full.len() << SHIFT) + self.tail.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many items the full chunks hold: the index of the tail's first item.
    #[inline]
    fn tail_start(&self) -> usize {
        self.full.len() << SHIFT
    }

    /// Adds `item` at the end; a tail that fills up becomes a full chunk.
    #[inline]
    pub fn push(&mut self, item: T) {
        self.tail.push(item);
        if self.tail.len() == Self::CHUNK_LEN {
            self.seal_tail();
        }
    }

    /// The tail is full: it becomes a shared chunk, and a new tail starts.
    #[cold]
    #[inline(never)]
    fn seal_tail(&mut self) {
        let full = std::mem::replace(&mut self.tail, Vec::with_capacity(Self::CHUNK_LEN));
        self.full.push(Rc::new(full));
    }

    /// The items from `index` on, if they are all in the tail (none if a chunk filled up since).
    #[inline]
    pub fn tail_from(&self, index: usize) -> Option<&[T]> {
        self.tail.get(index.checked_sub(self.tail_start())?..)
    }

    /// The item at `index`, if there is one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&T> {
        match self.full.get(index >> SHIFT) {
            Some(chunk) => chunk.get(index & (Self::CHUNK_LEN - 1)),
            None => self.tail.get(index - self.tail_start()),
        }
    }

    /// The last item, if any.
    pub fn last(&self) -> Option<&T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Every item, in order.
    pub fn iter(&self) -> Iter<'_, T> {
        let chunk: fn(&Rc<Vec<T>>) -> std::slice::Iter<'_, T> = |chunk| chunk.iter();
        self.full.iter().flat_map(chunk).chain(self.tail.iter())
    }

    /// The items at `range`, in order (clamped to the items there are).
    pub fn range(&self, range: Range<usize>) -> impl Iterator<Item = &T> + '_ {
        self.slices(range).flatten()
    }

    /// The items at `range` (clamped to the items there are) as one slice, if they lie in one
    /// chunk or in the tail.
    #[inline]
    pub fn slice(&self, range: Range<usize>) -> Option<&[T]> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        let base = self.tail_start();
        if start >= base {
            return Some(&self.tail[start - base..end - base]);
        }
        let chunk = start >> SHIFT;
        let offset = chunk << SHIFT;
        (end - offset <= Self::CHUNK_LEN).then(|| &self.full[chunk][start - offset..end - offset])
    }

    /// The items at `range` (clamped to the items there are), as one slice per chunk.
    pub fn slices(&self, range: Range<usize>) -> impl Iterator<Item = &[T]> + '_ {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        let base = self.tail_start();
        let (first, last) = (start.min(base), end.min(base));
        let chunks = match first < last {
            true => (first >> SHIFT)..((last - 1) >> SHIFT) + 1,
            false => 0..0,
        };
        let in_full = chunks.map(move |c| {
            let from = first.saturating_sub(c << SHIFT);
            let to = (last - (c << SHIFT)).min(Self::CHUNK_LEN);
            &self.full[c][from..to]
        });
        let in_tail = &self.tail[start.max(base) - base..end.max(base) - base];
        in_full.chain((!in_tail.is_empty()).then_some(in_tail))
    }

    /// The items at `range`, copied out.
    pub fn to_vec(&self, range: Range<usize>) -> Vec<T>
    where
        T: Clone,
    {
        self.range(range).cloned().collect()
    }

    /// The index of the first item for which `pred` is false, if `pred` is true for a prefix
    /// of the items and false after it (as `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if pred(&self[mid]) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// The first `len` items (all of them if it holds fewer): the full chunks are shared, the
    /// partial one at the end is copied.
    pub fn prefix(&self, len: usize) -> Self
    where
        T: Clone,
    {
        let len = len.min(self.len());
        let chunks = (len >> SHIFT).min(self.full.len());
        let mut tail = Vec::with_capacity(Self::CHUNK_LEN);
        tail.extend(self.range(chunks << SHIFT..len).cloned());
        ChunkedVec {
            full: self.full[..chunks].to_vec(),
            tail,
        }
    }

    /// Every item, in order, moved out (a chunk a copy still shares is copied).
    pub fn into_vec(self) -> Vec<T>
    where
        T: Clone,
    {
        let mut all = Vec::with_capacity(self.len());
        for chunk in self.full {
            all.extend(Rc::unwrap_or_clone(chunk));
        }
        all.extend(self.tail);
        all
    }

    /// Keeps the first `len` items (all of them if it holds fewer): chunks after them are let
    /// go, and the one `len` falls in becomes the tail (copied if a copy still shares it).
    pub fn truncate(&mut self, len: usize)
    where
        T: Clone,
    {
        let base = self.tail_start();
        if len >= base {
            self.tail.truncate(len - base);
            return;
        }
        let chunk = len >> SHIFT;
        let mut tail = Vec::with_capacity(Self::CHUNK_LEN);
        tail.extend_from_slice(&self.full[chunk][..len & (Self::CHUNK_LEN - 1)]);
        self.full.truncate(chunk);
        self.tail = tail;
    }

    /// The item at `index` to change, if there is one; a chunk still shared with a copy is
    /// copied first, so the copy keeps its items.
    #[inline]
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T>
    where
        T: Clone,
    {
        let base = self.tail_start();
        match self.full.get_mut(index >> SHIFT) {
            Some(items) => {
                if Rc::get_mut(items).is_none() {
                    unshare(items);
                }
                Rc::get_mut(items)?.get_mut(index & (Self::CHUNK_LEN - 1))
            }
            None => self.tail.get_mut(index - base),
        }
    }
}

/// A chunk a copy still shares becomes this holder's own copy (before a write to it).
#[cold]
#[inline(never)]
fn unshare<T: Clone>(chunk: &mut Rc<Vec<T>>) {
    Rc::make_mut(chunk);
}

impl<T, const SHIFT: u32> Default for ChunkedVec<T, SHIFT> {
    fn default() -> Self {
        ChunkedVec::new()
    }
}

/// A copy shares the full chunks.
impl<T: Clone, const SHIFT: u32> Clone for ChunkedVec<T, SHIFT> {
    fn clone(&self) -> Self {
        self.prefix(self.len())
    }
}

impl<T, const SHIFT: u32> Index<usize> for ChunkedVec<T, SHIFT> {
    type Output = T;

    #[inline]
    fn index(&self, index: usize) -> &T {
        let len = self.len();
        self.get(index)
            .unwrap_or_else(|| panic!("index {index} out of range for {len} items"))
    }
}

impl<T: Clone, const SHIFT: u32> IndexMut<usize> for ChunkedVec<T, SHIFT> {
    #[inline]
    fn index_mut(&mut self, index: usize) -> &mut T {
        let len = self.len();
        self.get_mut(index)
            .unwrap_or_else(|| panic!("index {index} out of range for {len} items"))
    }
}

impl<T: PartialEq, const SHIFT: u32> PartialEq for ChunkedVec<T, SHIFT> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq, const SHIFT: u32> Eq for ChunkedVec<T, SHIFT> {}

impl<T: std::fmt::Debug, const SHIFT: u32> std::fmt::Debug for ChunkedVec<T, SHIFT> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T, const SHIFT: u32> FromIterator<T> for ChunkedVec<T, SHIFT> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut all = ChunkedVec::new();
        for item in items {
            all.push(item);
        }
        all
    }
}

impl<T, const SHIFT: u32> From<Vec<T>> for ChunkedVec<T, SHIFT> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

/// The iterator over a [`ChunkedVec`]'s items.
pub type Iter<'a, T> = std::iter::Chain<
    std::iter::FlatMap<
        std::slice::Iter<'a, Rc<Vec<T>>>,
        std::slice::Iter<'a, T>,
        fn(&'a Rc<Vec<T>>) -> std::slice::Iter<'a, T>,
    >,
    std::slice::Iter<'a, T>,
>;

impl<'a, T, const SHIFT: u32> IntoIterator for &'a ChunkedVec<T, SHIFT> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Serialised as the sequence of its items, like a `Vec`.
impl<T: Serialize, const SHIFT: u32> Serialize for ChunkedVec<T, SHIFT> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(n: usize) -> ChunkedVec<usize> {
        (0..n).collect()
    }

    #[test]
    fn reads_like_a_vec_across_chunk_boundaries() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let v = numbers(n);
            assert_eq!(v.len(), n);
            assert_eq!(
                v.iter().copied().collect::<Vec<_>>(),
                (0..n).collect::<Vec<_>>()
            );
            assert_eq!(v.last().copied(), n.checked_sub(1));
            assert_eq!(v.get(n), None);
            assert_eq!(v.partition_point(|x| *x < n / 2), n / 2);
            assert_eq!(v.to_vec(n / 3..n), (n / 3..n).collect::<Vec<_>>());
            for (a, b) in [
                (0, 1),
                (CHUNK - 2, CHUNK),
                (CHUNK - 1, CHUNK + 1),
                (n, n + 3),
                (n / 2, n),
            ] {
                let want: Vec<usize> = (a.min(n)..b.min(n)).collect();
                match v.slice(a..b) {
                    Some(one) => assert_eq!(one, &want[..], "{a}..{b} of {n}"),
                    None => assert!(
                        v.slices(a..b).count() > 1,
                        "{a}..{b} of {n} is in one chunk"
                    ),
                }
            }
            for (a, b) in [
                (0, n),
                (n / 2, n / 2),
                (CHUNK - 1, CHUNK + 1),
                (1, 2 * CHUNK),
                (n, n + 5),
            ] {
                let want: Vec<usize> = (a.min(n)..b.min(n)).collect();
                assert_eq!(v.to_vec(a..b), want, "{a}..{b} of {n}");
            }
            for i in (0..n).step_by(97) {
                assert_eq!(v[i], i);
            }
        }
    }

    #[test]
    fn a_prefix_shares_full_chunks_and_writes_do_not_reach_the_original() {
        let v = numbers(3 * CHUNK + 5);
        for len in [0, 5, CHUNK, CHUNK + 9, 3 * CHUNK + 5, 9 * CHUNK] {
            let mut p = v.prefix(len);
            let len = len.min(v.len());
            assert_eq!(p.len(), len);
            assert!(p.iter().eq(v.iter().take(len)));
            p.push(usize::MAX);
            if len > 0 {
                p[0] = 77;
                p[len - 1] = 78;
            }
            assert_eq!(p.len(), len + 1);
            assert_eq!(p[len], usize::MAX);
            assert_eq!(v, numbers(3 * CHUNK + 5), "the original is unchanged");
        }
        assert!(Rc::ptr_eq(&v.prefix(2 * CHUNK).full[1], &v.full[1]));
    }

    #[test]
    fn the_items_after_the_last_full_chunk_are_one_slice() {
        let mut v = numbers(CHUNK + 10);
        assert_eq!(v.tail_from(CHUNK + 3).map(<[usize]>::len), Some(7));
        let start = v.len();
        for i in 0..100 {
            v.push(start + i);
        }
        assert_eq!(v.tail_from(start).unwrap().len(), 100);
        assert_eq!(v.tail_from(5), None, "in a full chunk");
        assert_eq!(v.to_vec(0..v.len()), (0..start + 100).collect::<Vec<_>>());
    }

    #[test]
    fn truncating_keeps_a_prefix_and_leaves_copies_alone() {
        let v: ChunkedVec<usize, 3> = (0..30).collect();
        for len in [0, 1, 7, 8, 9, 16, 29, 30, 31] {
            let mut t = v.clone();
            t.truncate(len);
            let want: Vec<usize> = (0..len.min(30)).collect();
            assert_eq!(t.iter().copied().collect::<Vec<_>>(), want, "{len}");
            t.push(99);
            assert_eq!(t.len(), len.min(30) + 1);
            assert_eq!(t[len.min(30)], 99);
        }
        assert_eq!(v.len(), 30);
        assert!(v.iter().copied().eq(0..30), "the original is unchanged");
        assert_eq!(v.clone().into_vec(), (0..30).collect::<Vec<_>>());
    }

    #[test]
    fn serialises_as_a_sequence() {
        let v = numbers(3);
        assert_eq!(serde_json::to_string(&v).unwrap(), "[0,1,2]");
    }
}
