//! Helpers shared by the engine's integration tests: the presets in `scenarios/`.

#![allow(dead_code)]

use delivery_lab_engine::Scenario;
use std::path::PathBuf;

/// The repository's `scenarios/` folder.
pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// Every preset, by file stem, in name order.
pub fn presets() -> Vec<(String, Scenario)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable preset");
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let scenario = Scenario::from_json(&text)
                .unwrap_or_else(|e| panic!("preset {stem} is invalid:\n{e}"));
            (stem, scenario)
        })
        .collect()
}

/// The preset with file stem `name`.
pub fn preset(name: &str) -> Scenario {
    presets()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no preset {name}"))
        .1
}

/// When two live members of the group first owned one partition at once, if ever: each
/// member's partitions followed through its assignments, revocations and exits.
pub fn first_double_ownership(
    run: &delivery_lab_engine::Run,
) -> Option<delivery_lab_engine::time::SimTime> {
    use delivery_lab_engine::consumer::facts::ConsumerFact;
    use delivery_lab_engine::ids::{NodeId, PartitionId};
    use delivery_lab_engine::trace::EventKind;
    let mut owned: std::collections::BTreeMap<NodeId, Vec<PartitionId>> = Default::default();
    for e in &run.trace.events {
        let EventKind::Consumer(fact) = &e.kind else {
            continue;
        };
        match fact {
            ConsumerFact::PartitionsAssigned { partitions, .. } => {
                owned.insert(e.node, partitions.iter().map(|(p, _)| *p).collect());
            }
            ConsumerFact::PartitionsRevoked { partitions, .. } => {
                if let Some(mine) = owned.get_mut(&e.node) {
                    mine.retain(|p| !partitions.contains(p));
                }
            }
            ConsumerFact::ConsumerStopped
            | ConsumerFact::PartitionsLost { .. }
            | ConsumerFact::ConsumerClosed
            | ConsumerFact::LeftGroup { .. } => {
                owned.remove(&e.node);
            }
            _ => continue,
        }
        if has_repeats(owned.values().flatten().copied().collect()) {
            return Some(e.time);
        }
    }
    None
}

/// When the app's drawing (the cluster view at that moment) first showed one partition on
/// two members that are not paused, if ever; checked at every change of ownership. A paused
/// member may still show what it owned: it learns late that it was replaced.
pub fn first_double_ownership_drawn(
    run: &delivery_lab_engine::Run,
    brokers: u32,
) -> Option<delivery_lab_engine::time::SimTime> {
    use delivery_lab_engine::consumer::facts::ConsumerFact;
    use delivery_lab_engine::trace::EventKind;
    use delivery_lab_engine::view::{ConsumerStatus, ViewFold};
    let mut fold = ViewFold::new(brokers);
    let mut last = None;
    for e in &run.trace.events {
        let EventKind::Consumer(
            ConsumerFact::PartitionsAssigned { .. }
            | ConsumerFact::PartitionsRevoked { .. }
            | ConsumerFact::PartitionsLost { .. }
            | ConsumerFact::LeftGroup { .. }
            | ConsumerFact::ConsumerStopped
            | ConsumerFact::ConsumerClosed,
        ) = &e.kind
        else {
            continue;
        };
        if last == Some(e.time) {
            continue;
        }
        last = Some(e.time);
        fold.advance(&run.trace, e.time);
        let view = fold.view(&run.trace, e.time);
        let shown = view
            .group
            .consumers
            .iter()
            .filter(|c| c.status != ConsumerStatus::Paused)
            .flat_map(|c| c.partitions.iter().copied());
        if has_repeats(shown.collect()) {
            return Some(e.time);
        }
    }
    None
}

/// Whether any partition is listed twice.
fn has_repeats(mut partitions: Vec<delivery_lab_engine::ids::PartitionId>) -> bool {
    let n = partitions.len();
    partitions.sort();
    partitions.dedup();
    partitions.len() != n
}
