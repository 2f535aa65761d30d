//! The sender's in-flight requests, counted per connection and per partition as they come
//! and go, so checking `max.in.flight.requests.per.connection` costs a lookup, not a scan.

use super::InFlight;
use crate::ids::{BrokerId, PartitionId, RecordId};
use crate::partition_map::PartitionMap;
use crate::sorted_map::SortedMap;

/// Requests on the wire, by their batch's first record.
#[derive(Clone, Debug, Default)]
pub(super) struct InFlightSet {
    by_record: SortedMap<RecordId, InFlight>,
    /// By broker number.
    per_broker: Vec<usize>,
    per_partition: PartitionMap<usize>,
}

impl InFlightSet {
    /// A batch went out, named by its first record.
    pub(super) fn insert(&mut self, record: RecordId, f: InFlight) {
        let b = f.broker.0 as usize;
        if self.per_broker.len() <= b {
            self.per_broker.resize(b + 1, 0);
        }
        self.per_broker[b] += 1;
        *self
            .per_partition
            .get_or_insert_with(f.batch.partition, || 0) += 1;
        if let Some(old) = self.by_record.insert(record, f) {
            self.uncount(&old);
        }
    }

    pub(super) fn remove(&mut self, record: &RecordId) -> Option<InFlight> {
        let f = self.by_record.remove(*record)?;
        self.uncount(&f);
        Some(f)
    }

    fn uncount(&mut self, f: &InFlight) {
        if let Some(n) = self.per_broker.get_mut(f.broker.0 as usize) {
            *n = n.saturating_sub(1);
        }
        if let Some(n) = self.per_partition.get_mut(&f.batch.partition) {
            *n = n.saturating_sub(1);
        }
    }

    pub(super) fn get(&self, record: &RecordId) -> Option<&InFlight> {
        self.by_record.get(*record)
    }

    /// Requests outstanding on the connection to `broker`.
    pub(super) fn to_broker(&self, broker: BrokerId) -> usize {
        self.per_broker.get(broker.0 as usize).copied().unwrap_or(0)
    }

    /// Requests outstanding for `partition`.
    pub(super) fn of_partition(&self, partition: PartitionId) -> usize {
        self.per_partition.get(&partition).copied().unwrap_or(0)
    }

    /// The batch holding `record`, by its first record.
    pub(super) fn batch_of(&self, record: RecordId) -> Option<RecordId> {
        self.by_record
            .iter()
            .find(|(_, f)| f.batch.records.contains(&record))
            .map(|(first, _)| first)
    }

    /// The batches in flight to `broker`, by their first records.
    pub(super) fn records_to(&self, broker: BrokerId) -> Vec<RecordId> {
        self.by_record
            .iter()
            .filter(|(_, f)| f.broker == broker)
            .map(|(r, _)| r)
            .collect()
    }
}
