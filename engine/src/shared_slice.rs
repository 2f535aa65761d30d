//! The records a produce request or a fetch response carries: none or one held inline, more
//! shared behind one `Rc<[T]>`.
//!
//! A message's records are read by its receiver and kept in the trace for the app to draw,
//! never changed, so copies share them. But most batches hold one record (a producer
//! sending one record per `linger.ms` batches it alone; a caught-up follower's fetch brings
//! the one record appended since its last): in the workshop run 99 % of produce requests and
//! 76 % of fetch responses carry one. Holding that one inline saves an allocation and its
//! free per message; a copy of it costs less than either. (A consumer's fetch response keeps
//! an `Rc<[LogRecord]>`: it carries a poll's worth of records, several as a rule, and one
//! held inline would make every message bigger.)

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// An immutable slice: empty or one item inline, more shared. Compares, prints and
/// serializes as the slice it holds (`[a]` inline equals `[a]` shared).
#[derive(Clone, Default)]
pub enum SharedSlice<T> {
    /// No item.
    #[default]
    Empty,
    /// One item, inline.
    One(T),
    /// Two or more items, shared.
    Many(Rc<[T]>),
}

impl<T> Deref for SharedSlice<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            SharedSlice::Empty => &[],
            SharedSlice::One(item) => std::slice::from_ref(item),
            SharedSlice::Many(items) => items,
        }
    }
}

impl<T: Clone> From<&[T]> for SharedSlice<T> {
    #[inline]
    fn from(items: &[T]) -> Self {
        match items {
            [] => SharedSlice::Empty,
            [one] => SharedSlice::One(one.clone()),
            many => SharedSlice::Many(Rc::from(many)),
        }
    }
}

impl<T> From<Vec<T>> for SharedSlice<T> {
    fn from(mut items: Vec<T>) -> Self {
        match items.len() {
            0 => SharedSlice::Empty,
            1 => SharedSlice::One(items.remove(0)),
            _ => SharedSlice::Many(Rc::from(items)),
        }
    }
}

impl<T> FromIterator<T> for SharedSlice<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        SharedSlice::from(items.into_iter().collect::<Vec<T>>())
    }
}

impl<T: PartialEq> PartialEq for SharedSlice<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for SharedSlice<T> {}

impl<T: fmt::Debug> fmt::Debug for SharedSlice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Serialize> Serialize for SharedSlice<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SharedSlice<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(SharedSlice::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_what_it_was_made_from() {
        for items in [vec![], vec![7], vec![7, 8], vec![7, 8, 9]] {
            let from_slice = SharedSlice::from(items.as_slice());
            let from_vec = SharedSlice::from(items.clone());
            assert_eq!(&*from_slice, items.as_slice());
            assert_eq!(&*from_vec, items.as_slice());
            assert_eq!(from_slice, from_vec);
            assert_eq!(format!("{from_slice:?}"), format!("{items:?}"));
        }
        assert!(matches!(SharedSlice::from(&[1][..]), SharedSlice::One(1)));
        assert!(matches!(
            SharedSlice::from(vec![1, 2]),
            SharedSlice::Many(_)
        ));
        assert_eq!(SharedSlice::<u8>::default(), SharedSlice::from(&[][..]));
    }

    #[test]
    fn equal_by_content_whatever_the_form() {
        let inline = SharedSlice::One(5);
        let shared = SharedSlice::Many(Rc::from([5]));
        assert_eq!(inline, shared);
        assert_ne!(inline, SharedSlice::from(vec![5, 5]));
        assert_ne!(SharedSlice::Empty, inline);
    }

    #[test]
    fn serializes_as_its_slice() {
        for items in [vec![], vec![3u32], vec![3, 4]] {
            let json = serde_json::to_string(&SharedSlice::from(items.clone())).expect("json");
            assert_eq!(json, serde_json::to_string(&items).expect("json"));
            let back: SharedSlice<u32> = serde_json::from_str(&json).expect("parse");
            assert_eq!(&*back, items.as_slice());
        }
    }
}
