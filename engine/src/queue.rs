//! The event queue: events ordered by `(time, sequence)`.
//!
//! Two events due at the same microsecond run in the order they were scheduled, which is
//! what makes a run reproducible (the same rule as Kafka's Raft simulation test, ordered by
//! deadline then id).
//!
//! Simulated time never goes back: every event is scheduled at or after the time of the
//! last one taken out. So the queue is a *hashed timing wheel*, as Kafka's purgatory keeps
//! its timeouts (`kafka.utils.timer.TimingWheel`): the next second or so is cut into slots
//! of 256 µs, an event due within it waits in its slot, unsorted, and one due later waits in
//! an overflow heap until the wheel turns near it. Scheduling is a push onto a slot; taking
//! the earliest event looks at the first occupied slot only (a bitmap finds it) — a few
//! events, where a heap compares against every pending one. The order of events is exactly
//! that of one heap ordered by time, then scheduling order.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A slot spans 2^8 µs.
const SLOT_SHIFT: u32 = 8;
/// The wheel's slots: 4 096 × 256 µs ≈ 1 s ahead of the last event taken out.
const SLOTS: usize = 4096;
const WORDS: usize = SLOTS / 64;

/// A priority queue of events, earliest first, ties broken by scheduling order.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    /// The slot number (time >> SLOT_SHIFT) of the last event taken out: every event on
    /// the wheel is due in slot numbers `cursor..cursor + SLOTS`, one per slot.
    cursor: u64,
    /// Slot number modulo [`SLOTS`] → its events, in no order.
    wheel: Vec<Vec<Entry<E>>>,
    /// Bit `i % 64` of word `i / 64`: slot `i` holds events.
    occupied: [u64; WORDS],
    /// Events due at slot number `cursor + SLOTS` or later.
    overflow: BinaryHeap<Entry<E>>,
    /// The earliest event: on the wheel (its slot and index there), or the overflow's top.
    head: Option<Head>,
    next_sequence: u64,
    len: usize,
}

#[derive(Clone, Copy, Debug)]
struct Head {
    time: SimTime,
    /// `None`: the overflow's top (the wheel is empty).
    at: Option<(usize, usize)>,
}

#[derive(Clone, Debug)]
struct Entry<E> {
    time: SimTime,
    sequence: u64,
    event: E,
}

impl<E> Entry<E> {
    fn key(&self) -> (SimTime, u64) {
        (self.time, self.sequence)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, because `BinaryHeap` is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            cursor: 0,
            wheel: (0..SLOTS).map(|_| Vec::new()).collect(),
            occupied: [0; WORDS],
            overflow: BinaryHeap::new(),
            head: None,
            next_sequence: 0,
            len: 0,
        }
    }
}

fn slot_number(time: SimTime) -> u64 {
    time.0 >> SLOT_SHIFT
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `time`, at or after the last event taken out (the simulator
    /// never schedules into the past; if it did, the event would wait in the slot of the
    /// last one taken out).
    pub fn push(&mut self, time: SimTime, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.len += 1;
        let entry = Entry {
            time,
            sequence,
            event,
        };
        let number = slot_number(time);
        debug_assert!(number >= self.cursor, "an event scheduled into the past");
        if number >= self.cursor + SLOTS as u64 {
            self.overflow.push(entry);
            if self.head.is_none_or(|h| h.at.is_none() && time < h.time) {
                self.head = Some(Head { time, at: None });
            }
            return;
        }
        let slot = (number.max(self.cursor) % SLOTS as u64) as usize;
        let events = &mut self.wheel[slot];
        events.push(entry);
        self.occupied[slot / 64] |= 1 << (slot % 64);
        // An equal time was scheduled earlier, so it stays first.
        if self.head.is_none_or(|h| h.at.is_none() || time < h.time) {
            self.head = Some(Head {
                time,
                at: Some((slot, events.len() - 1)),
            });
        }
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let head = self.head?;
        self.len -= 1;
        let entry = match head.at {
            Some((slot, index)) => {
                let events = &mut self.wheel[slot];
                let entry = events.swap_remove(index);
                if events.is_empty() {
                    self.occupied[slot / 64] &= !(1 << (slot % 64));
                }
                entry
            }
            None => self.overflow.pop()?,
        };
        self.turn_to(slot_number(entry.time).max(self.cursor));
        self.head = self.find_head();
        Some((entry.time, entry.event))
    }

    /// The wheel turns to slot number `cursor`: overflow events now within its reach move on.
    fn turn_to(&mut self, cursor: u64) {
        if cursor == self.cursor {
            return;
        }
        self.cursor = cursor;
        let reach = cursor + SLOTS as u64;
        while self
            .overflow
            .peek()
            .is_some_and(|e| slot_number(e.time) < reach)
        {
            let Some(entry) = self.overflow.pop() else {
                break;
            };
            let slot = (slot_number(entry.time) % SLOTS as u64) as usize;
            self.wheel[slot].push(entry);
            self.occupied[slot / 64] |= 1 << (slot % 64);
        }
    }

    /// The earliest event: in the first occupied slot from the cursor on, else the
    /// overflow's top.
    fn find_head(&self) -> Option<Head> {
        let Some(slot) = self.first_occupied() else {
            return self.overflow.peek().map(|e| Head {
                time: e.time,
                at: None,
            });
        };
        let events = &self.wheel[slot];
        let (index, first) = events.iter().enumerate().min_by_key(|(_, e)| e.key())?;
        Some(Head {
            time: first.time,
            at: Some((slot, index)),
        })
    }

    /// The first occupied slot at or after the cursor's, going round the wheel.
    fn first_occupied(&self) -> Option<usize> {
        let start = (self.cursor % SLOTS as u64) as usize;
        let (word, bit) = (start / 64, start % 64);
        let here = self.occupied[word] & (u64::MAX << bit);
        if here != 0 {
            return Some(word * 64 + here.trailing_zeros() as usize);
        }
        (1..=WORDS).find_map(|step| {
            let w = (word + step) % WORDS;
            let bits = if step == WORDS {
                // Back at the start word: the slots before the cursor's (the wheel's end).
                self.occupied[w] & !(u64::MAX << bit)
            } else {
                self.occupied[w]
            };
            (bits != 0).then(|| w * 64 + bits.trailing_zeros() as usize)
        })
    }

    /// When the earliest event is due, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.head.map(|h| h.time)
    }

    /// How many events are waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is waiting.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain<E>(q: &mut EventQueue<E>) -> Vec<E> {
        std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect()
    }

    #[test]
    fn earliest_time_comes_first() {
        let mut q = EventQueue::default();
        q.push(SimTime(30), "c");
        q.push(SimTime(10), "a");
        q.push(SimTime(20), "b");
        assert_eq!(q.peek_time(), Some(SimTime(10)));
        assert_eq!(drain(&mut q), ["a", "b", "c"]);
        assert_eq!(q.peek_time(), None);
    }

    #[test]
    fn simultaneous_events_keep_scheduling_order() {
        let mut q = EventQueue::default();
        q.push(SimTime(9), "later");
        for name in ["first", "second", "third"] {
            q.push(SimTime(5), name);
        }
        q.push(SimTime(0), "now");
        assert_eq!(drain(&mut q), ["now", "first", "second", "third", "later"]);
    }

    #[test]
    fn events_beyond_the_wheel_wait_and_come_in_order() {
        let mut q = EventQueue::default();
        q.push(SimTime(u64::MAX), "last");
        q.push(SimTime(1 << 40), "far");
        q.push(SimTime(3), "near");
        assert_eq!(q.pop(), Some((SimTime(3), "near")));
        // Scheduled after time 3: between the two waiting ones.
        q.push(SimTime(1 << 39), "middle");
        q.push(SimTime(3), "same time");
        assert_eq!(q.len(), 4);
        assert_eq!(drain(&mut q), ["same time", "middle", "far", "last"]);
        assert!(q.is_empty());
    }

    #[test]
    fn any_forward_schedule_matches_one_heap() {
        // A deterministic pseudo-random schedule, each event at or after the last one taken
        // out (as the simulator schedules), near and far beyond the wheel, compared with a
        // sort by (time, sequence).
        let mut q = EventQueue::default();
        let mut expected = Vec::new();
        let mut now = 0;
        let mut x: u64 = 12345;
        for sequence in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let delay = match (x >> 60) % 5 {
                0 => 0,
                1 => (x >> 33) % 8,
                2 => (x >> 33) % 5_000,
                3 => (x >> 33) % 2_000_000,
                _ => (x >> 20) % 3_000_000_000,
            };
            q.push(SimTime(now + delay), sequence);
            expected.push((SimTime(now + delay), sequence));
            if !(x >> 40).is_multiple_of(3) {
                expected.sort();
                let (t, s) = expected.remove(0);
                assert_eq!(q.peek_time(), Some(t));
                assert_eq!(q.pop(), Some((t, s)));
                now = t.0;
            }
        }
        expected.sort();
        let rest: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(rest, expected);
    }
}
