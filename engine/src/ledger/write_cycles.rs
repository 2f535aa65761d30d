//! Write cycles between committed transactions (Adya's G0, kafka-semantics.md C34).
//!
//! Each partition orders the writes it receives by arrival alone, so two transactions that
//! write the same partitions can be ordered one way on one partition and the other way on
//! another. The checker builds Elle's write-write dependency graph over committed
//! transactions — an edge T1 → T2 when, in a partition's final read_committed log, T1's
//! record comes right before T2's — and reports every strongly connected component of
//! more than one transaction: a cycle, which no serial order of the transactions explains.
//! Kafka allows it: its transactions are atomic, not serializable.

use super::{Anomaly, AnomalyKind, Traced};
use crate::ids::{NodeId, Offset, RecordId};
use crate::trace::{EventKind, TraceEvent};
use crate::transaction::facts::TxnFact;
use std::collections::{BTreeMap, BTreeSet};

/// A committed transaction: the producer instance and its transaction index.
type TxnKey = (NodeId, u32);

/// What the fold over the trace collects about committed transactions.
#[derive(Clone, Default)]
pub(super) struct WriteCycles {
    /// The producer id each instance got from InitProducerId.
    pid_of: BTreeMap<NodeId, u64>,
    /// Per (producer id, record): the committed transactions that wrote it.
    txn_of: BTreeMap<(u64, RecordId), TxnKey>,
}

impl WriteCycles {
    /// Folds one event in.
    pub(super) fn apply(&mut self, e: &TraceEvent) {
        match &e.kind {
            EventKind::Transaction(TxnFact::Initialized { producer_id, .. }) => {
                self.pid_of.insert(e.node, *producer_id);
            }
            EventKind::Transaction(TxnFact::Committed { index, records }) => {
                let Some(&pid) = self.pid_of.get(&e.node) else {
                    return;
                };
                for r in records {
                    self.txn_of.entry((pid, *r)).or_insert((e.node, *index));
                }
            }
            _ => {}
        }
    }

    /// The cycles in the final logs (each partition's read_committed view, in order).
    pub(super) fn find(&self, logs: &[&[(Offset, Traced)]]) -> Vec<Anomaly> {
        // Each transaction's first visible record, and the write-write edges.
        let mut first: BTreeMap<TxnKey, (RecordId, usize)> = BTreeMap::new();
        let mut edges: BTreeMap<TxnKey, BTreeSet<TxnKey>> = BTreeMap::new();
        for log in logs {
            let mut previous: Option<TxnKey> = None;
            for (_, t) in log.iter() {
                let Some(key) = t
                    .txn_producer
                    .and_then(|pid| self.txn_of.get(&(pid, t.record)))
                    .copied()
                else {
                    continue;
                };
                first.entry(key).or_insert((t.record, t.event));
                if let Some(p) = previous
                    && p != key
                {
                    edges.entry(p).or_default().insert(key);
                }
                previous = Some(key);
            }
        }
        let nodes: Vec<TxnKey> = first.keys().copied().collect();
        strongly_connected(&nodes, &edges)
            .into_iter()
            .map(|component| {
                let (record, event) = first[&component[0]];
                Anomaly {
                    kind: AnomalyKind::WriteCycle,
                    record,
                    event,
                    cause: first.get(&component[1]).map(|(_, e)| *e),
                }
            })
            .collect()
    }
}

/// Tarjan's strongly connected components with more than one node, each sorted, iteratively
/// (no recursion depth to exhaust on a long run). `nodes` is in order, so a node's position
/// orders it.
fn strongly_connected(
    nodes: &[TxnKey],
    edges: &BTreeMap<TxnKey, BTreeSet<TxnKey>>,
) -> Vec<Vec<TxnKey>> {
    let position: BTreeMap<TxnKey, usize> =
        nodes.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let adjacency: Vec<Vec<usize>> = nodes
        .iter()
        .map(|k| {
            edges
                .get(k)
                .map(|next| {
                    next.iter()
                        .filter_map(|n| position.get(n).copied())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut components = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, i)) = calls.last() {
            if let Some(&w) = adjacency[v].get(i) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    crate::sort::by_key(&mut component, |&w| w as u64);
                    components.push(component);
                }
            }
        }
    }
    // Components are disjoint: their first nodes order them.
    crate::sort::by_key(&mut components, |c| c[0] as u64);
    components
        .into_iter()
        .map(|c| c.into_iter().map(|w| nodes[w]).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(p: u32, t: u32) -> TxnKey {
        (NodeId::Producer(p), t)
    }

    #[test]
    fn opposite_orders_on_two_partitions_make_a_cycle_and_a_chain_does_not() {
        let (a, b, c) = (key(0, 0), key(1, 0), key(1, 1));
        let mut edges: BTreeMap<TxnKey, BTreeSet<TxnKey>> = BTreeMap::new();
        edges.entry(a).or_default().insert(b); // partition x: a then b
        edges.entry(b).or_default().insert(a); // partition y: b then a
        edges.entry(b).or_default().insert(c); // c only after b
        assert_eq!(strongly_connected(&[a, b, c], &edges), vec![vec![a, b]]);
        edges.remove(&b);
        edges.entry(b).or_default().insert(c);
        assert!(strongly_connected(&[a, b, c], &edges).is_empty());
    }

    #[test]
    fn a_longer_cycle_is_one_component() {
        let keys: Vec<TxnKey> = (0..5).map(|t| key(t % 2, t)).collect();
        let mut edges: BTreeMap<TxnKey, BTreeSet<TxnKey>> = BTreeMap::new();
        for w in keys.windows(2) {
            edges.entry(w[0]).or_default().insert(w[1]);
        }
        edges.entry(keys[4]).or_default().insert(keys[1]);
        let found = strongly_connected(&keys, &edges);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), 4);
    }
}
