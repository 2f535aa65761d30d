//! The `RecordAccumulator` (kafka-semantics.md §A.1): per partition a queue of record
//! batches, and the `BufferPool` they take their memory from.
//!
//! - `send()` appends the record to the partition's last batch if that one has never been
//!   sent and still has room under `batch.size`; otherwise a new batch starts (a record
//!   larger than `batch.size` gets a batch of its own).
//! - A new batch takes `max(batch.size, its first record)` bytes of `buffer.memory`, given
//!   back when the batch is done (acknowledged or failed for good). With the pool full,
//!   `send()` blocks (see the producer); a record that fits in an open batch never does.
//! - The sender may take a partition's first batch once it is *sendable*
//!   (`RecordAccumulator.ready`): full (no room for one more record, or a newer batch
//!   behind it), lingered `linger.ms` since it was created, or a flush is under way
//!   (`commitTransaction()`, a `send()` blocked on memory); a batch being retried once its
//!   backoff has passed.
//! - A batch the broker refused as too large (MESSAGE_TOO_LARGE) is split into batches of
//!   at most `batch.size` and put back, without using a retry (`splitAndReenqueue`). If
//!   that would leave it whole (the broker's limit is below `batch.size`), the model halves
//!   it instead, so splitting always ends.

use crate::ids::{PartitionId, RecordId};
use crate::message::batch_bytes;
use crate::time::SimTime;
use smallvec::SmallVec;
use std::collections::VecDeque;

/// A batch's records: up to two inline.
pub(super) type BatchRecords = SmallVec<[RecordId; 2]>;

/// A record batch waiting in the accumulator or on the wire.
#[derive(Clone, Debug)]
pub(super) struct Batch {
    /// Its records in order (never empty); the first names the batch. Most batches hold
    /// one or two (a record per `linger.ms`), kept inline without an allocation.
    pub(super) records: BatchRecords,
    pub(super) partition: PartitionId,
    /// Retries used.
    pub(super) attempts: u32,
    pub(super) created: SimTime,
    /// Not sendable before (a retry's backoff).
    pub(super) not_before: SimTime,
    /// `(epoch, base sequence)` once assigned.
    pub(super) sequence: Option<(u16, u32)>,
    /// Still taking records: never sent, never split.
    pub(super) open: bool,
    /// Bytes of `buffer.memory` it holds.
    pub(super) allocation: u64,
}

impl Batch {
    pub(super) fn first(&self) -> RecordId {
        self.records[0]
    }

    pub(super) fn len(&self) -> u32 {
        self.records.len() as u32
    }
}

/// The accumulator's settings.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sizing {
    pub(super) linger_ms: u64,
    pub(super) batch_size: u32,
    pub(super) record_bytes: u32,
    pub(super) buffer_memory: u64,
}

/// Per-partition batch queues and the memory they hold.
#[derive(Clone, Debug)]
pub(super) struct Accumulator {
    sizing: Sizing,
    /// Indexed by partition id.
    queues: Vec<VecDeque<Batch>>,
    used: u64,
}

impl Accumulator {
    pub(super) fn new(sizing: Sizing) -> Accumulator {
        Accumulator {
            sizing,
            queues: Vec::new(),
            used: 0,
        }
    }

    fn queue(&self, partition: PartitionId) -> Option<&VecDeque<Batch>> {
        self.queues.get(partition.0 as usize)
    }

    fn queue_mut(&mut self, partition: PartitionId) -> Option<&mut VecDeque<Batch>> {
        self.queues.get_mut(partition.0 as usize)
    }

    fn queue_or_new(&mut self, partition: PartitionId) -> &mut VecDeque<Batch> {
        let i = partition.0 as usize;
        if self.queues.len() <= i {
            self.queues.resize_with(i + 1, VecDeque::new);
        }
        &mut self.queues[i]
    }

    /// Bytes of a batch of `records` records.
    pub(super) fn bytes(&self, records: u32) -> u32 {
        batch_bytes(records, self.sizing.record_bytes)
    }

    /// Whether a batch of `records` records has room for one more under `batch.size`.
    fn has_room_for_one_more(&self, records: u32) -> bool {
        self.bytes(records.saturating_add(1)) <= self.sizing.batch_size
    }

    /// What a new batch takes from the pool.
    fn allocation(&self) -> u64 {
        u64::from(self.sizing.batch_size.max(self.bytes(1)))
    }

    /// Whether a record for `partition` would need a new batch (and so pool memory).
    pub(super) fn needs_new_batch(&self, partition: PartitionId) -> bool {
        !self
            .queue(partition)
            .and_then(VecDeque::back)
            .is_some_and(|b| b.open && self.has_room_for_one_more(b.len()))
    }

    /// Whether the pool has room for one more batch.
    pub(super) fn has_room(&self) -> bool {
        self.used.saturating_add(self.allocation()) <= self.sizing.buffer_memory
    }

    /// `append`: the record joins the partition's open batch, or starts one. Returns the
    /// new batch's first record if one was started.
    pub(super) fn append(
        &mut self,
        now: SimTime,
        record: RecordId,
        partition: PartitionId,
    ) -> Option<RecordId> {
        if !self.needs_new_batch(partition) {
            let queue = self.queue_mut(partition)?;
            queue.back_mut()?.records.push(record);
            return None;
        }
        let allocation = self.allocation();
        self.used = self.used.saturating_add(allocation);
        let batch = Batch {
            records: smallvec::smallvec![record],
            partition,
            attempts: 0,
            created: now,
            not_before: now,
            sequence: None,
            open: true,
            allocation,
        };
        self.queue_or_new(partition).push_back(batch);
        Some(record)
    }

    /// A batch is done: its memory goes back to the pool.
    pub(super) fn deallocate(&mut self, batch: &Batch) {
        self.used = self.used.saturating_sub(batch.allocation);
    }

    /// Partitions with a batch queued.
    pub(super) fn partitions_with_batches(&self, into: &mut Vec<PartitionId>) {
        into.extend(
            self.queues
                .iter()
                .enumerate()
                .filter(|(_, q)| !q.is_empty())
                .map(|(p, _)| PartitionId(p as u32)),
        );
    }

    /// The partition's first batch.
    pub(super) fn front(&self, partition: PartitionId) -> Option<&Batch> {
        self.queue(partition).and_then(VecDeque::front)
    }

    /// When the partition's first batch becomes sendable (`ready`), if there is one.
    pub(super) fn sendable_at(&self, partition: PartitionId, flushing: bool) -> Option<SimTime> {
        let queue = self.queue(partition)?;
        let batch = queue.front()?;
        if !batch.open {
            return Some(batch.not_before);
        }
        let full = queue.len() > 1 || !self.has_room_for_one_more(batch.len());
        if full || flushing {
            return Some(batch.created);
        }
        Some(batch.created.plus_ms(self.sizing.linger_ms))
    }

    /// Takes the partition's first batch for sending; it takes no more records.
    pub(super) fn pop_front(&mut self, partition: PartitionId) -> Option<Batch> {
        let mut batch = self.queue_mut(partition)?.pop_front()?;
        batch.open = false;
        Some(batch)
    }

    /// Puts a batch back for a retry: in sequence order for an idempotent producer
    /// (`insertInSequenceOrder`), else at the front (`reenqueue`).
    pub(super) fn reenqueue(&mut self, batch: Batch, in_sequence_order: bool) {
        let queue = self.queue_or_new(batch.partition);
        match batch.sequence.filter(|_| in_sequence_order) {
            Some(seq) => {
                let at = queue
                    .iter()
                    .position(|b| b.sequence.is_none_or(|s| s > seq))
                    .unwrap_or(queue.len());
                queue.insert(at, batch);
            }
            None => queue.push_front(batch),
        }
    }

    /// Removes and returns the queued batch holding `record`.
    pub(super) fn take_batch_with(
        &mut self,
        partition: PartitionId,
        record: RecordId,
    ) -> Option<Batch> {
        let queue = self.queue_mut(partition)?;
        let at = queue.iter().position(|b| b.records.contains(&record))?;
        queue.remove(at)
    }

    /// Drops every queued batch (the producer closed), giving their memory back.
    pub(super) fn clear(&mut self) {
        self.queues.clear();
        self.used = 0;
    }

    /// `split`: a too-large batch as batches of at most `batch.size` (halved if that would
    /// leave it whole), in order, sequences following the original's.
    pub(super) fn split(&self, batch: Batch) -> Vec<Batch> {
        let n = batch.len();
        let mut per = 1;
        while per < n && self.bytes(per + 1) <= self.sizing.batch_size {
            per += 1;
        }
        if per >= n {
            per = n.div_ceil(2);
        }
        batch
            .records
            .chunks(per.max(1) as usize)
            .enumerate()
            .map(|(i, records)| Batch {
                records: records.into(),
                partition: batch.partition,
                attempts: batch.attempts,
                created: batch.created,
                not_before: batch.not_before,
                sequence: batch
                    .sequence
                    .map(|(epoch, base)| (epoch, base.wrapping_add(i as u32 * per))),
                open: false,
                // The original's memory stays with the first part.
                allocation: if i == 0 { batch.allocation } else { 0 },
            })
            .collect()
    }
}
