//! The event queue: events ordered by `(time, sequence)`.
//!
//! Two events due at the same microsecond run in the order they were scheduled, which is
//! what makes a run reproducible (the same rule as Kafka's Raft simulation test, ordered by
//! deadline then id).
//!
//! Most events are scheduled in time order within a *lane*: messages on one TCP connection
//! arrive in order, and one node's timers of one kind have one fixed delay. So the queue
//! keeps each lane as a FIFO and its heap holds only each lane's head — a k-way merge, the
//! way Kafka's purgatory keeps timeouts in a timing wheel instead of one heap entry per
//! request. A timeout that was answered early then costs a FIFO slot, not a heap sift over
//! every other pending timeout. An event that would break its lane's order (or has no lane)
//! goes into the heap on its own. The order of events is exactly that of one big heap.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Where a heap key's event is stored.
const LOOSE: u32 = u32::MAX;

/// A priority queue of events, earliest first, ties broken by scheduling order.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Key>,
    lanes: Vec<VecDeque<Entry<E>>>,
    /// Events outside any lane, by the slot their key names.
    loose: Vec<Option<E>>,
    free_loose: Vec<u32>,
    next_sequence: u64,
    len: usize,
}

#[derive(Clone, Debug)]
struct Entry<E> {
    time: SimTime,
    sequence: u64,
    event: E,
}

/// A heap entry: small, so sifting moves few bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    time: SimTime,
    sequence: u64,
    /// The lane whose head this is, or [`LOOSE`].
    lane: u32,
    /// For a loose event, its slot.
    slot: u32,
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    /// Reversed, because `BinaryHeap` is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.sequence).cmp(&(self.time, self.sequence))
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue::with_lanes(0)
    }
}

impl<E> EventQueue<E> {
    /// A queue with lanes `0..lanes`.
    pub fn with_lanes(lanes: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            lanes: (0..lanes).map(|_| VecDeque::new()).collect(),
            loose: Vec::new(),
            free_loose: Vec::new(),
            next_sequence: 0,
            len: 0,
        }
    }

    fn next_sequence(&mut self) -> u64 {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.len += 1;
        sequence
    }

    /// Schedules `event` at `time`, outside any lane.
    pub fn push(&mut self, time: SimTime, event: E) {
        let sequence = self.next_sequence();
        self.push_loose(time, sequence, event);
    }

    fn push_loose(&mut self, time: SimTime, sequence: u64, event: E) {
        let slot = match self.free_loose.pop() {
            Some(slot) => {
                self.loose[slot as usize] = Some(event);
                slot
            }
            None => {
                self.loose.push(Some(event));
                (self.loose.len() - 1) as u32
            }
        };
        self.heap.push(Key {
            time,
            sequence,
            lane: LOOSE,
            slot,
        });
    }

    /// Schedules `event` at `time` in `lane` (a lane past the queue's count counts as none).
    pub fn push_in_lane(&mut self, lane: usize, time: SimTime, event: E) {
        let sequence = self.next_sequence();
        let Some(fifo) = self.lanes.get_mut(lane) else {
            return self.push_loose(time, sequence, event);
        };
        match fifo.back() {
            Some(last) if last.time > time => self.push_loose(time, sequence, event),
            Some(_) => fifo.push_back(Entry {
                time,
                sequence,
                event,
            }),
            None => {
                fifo.push_back(Entry {
                    time,
                    sequence,
                    event,
                });
                self.heap.push(Key {
                    time,
                    sequence,
                    lane: lane as u32,
                    slot: 0,
                });
            }
        }
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let key = self.heap.pop()?;
        self.len -= 1;
        if key.lane == LOOSE {
            self.free_loose.push(key.slot);
            let event = self.loose[key.slot as usize].take();
            return event.map(|e| (key.time, e));
        }
        let fifo = &mut self.lanes[key.lane as usize];
        let head = fifo.pop_front()?;
        if let Some(next) = fifo.front() {
            self.heap.push(Key {
                time: next.time,
                sequence: next.sequence,
                lane: key.lane,
                slot: 0,
            });
        }
        Some((head.time, head.event))
    }

    /// When the earliest event is due, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|k| k.time)
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
        assert_eq!(drain(&mut q), ["a", "b", "c"]);
    }

    #[test]
    fn simultaneous_events_keep_scheduling_order() {
        let mut q = EventQueue::default();
        for name in ["first", "second", "third"] {
            q.push(SimTime(5), name);
        }
        assert_eq!(drain(&mut q), ["first", "second", "third"]);
    }

    #[test]
    fn lanes_merge_in_time_then_scheduling_order() {
        let mut q = EventQueue::with_lanes(2);
        q.push_in_lane(0, SimTime(10), "a10");
        q.push_in_lane(1, SimTime(5), "b5");
        q.push_in_lane(0, SimTime(20), "a20");
        q.push(SimTime(10), "loose10");
        q.push_in_lane(1, SimTime(20), "b20");
        // Out of its lane's order: still comes out in time order.
        q.push_in_lane(0, SimTime(15), "a15");
        q.push_in_lane(7, SimTime(1), "no-lane");
        assert_eq!(q.len(), 7);
        assert_eq!(
            drain(&mut q),
            ["no-lane", "b5", "a10", "loose10", "a15", "a20", "b20"]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn any_mix_of_lanes_matches_one_heap() {
        // A deterministic pseudo-random mix, compared with a sort by (time, sequence).
        let mut q = EventQueue::with_lanes(3);
        let mut expected = Vec::new();
        let mut x: u64 = 12345;
        for sequence in 0..2_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let time = SimTime((x >> 33) % 500 + sequence / 4);
            let lane = ((x >> 20) % 4) as usize;
            if lane == 3 {
                q.push(time, sequence);
            } else {
                q.push_in_lane(lane, time, sequence);
            }
            expected.push((time, sequence));
            if sequence % 7 == 0 {
                expected.sort();
                let (t, s) = expected.remove(0);
                assert_eq!(q.pop(), Some((t, s)));
            }
        }
        expected.sort();
        let rest: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(rest, expected);
    }
}
