//! Golden traces: each preset's trace digest is committed in `tests/golden/`, and the wasm
//! test checks the browser build against the same files. Set `UPDATE_GOLDEN=1` to rewrite
//! them after an intended change to the engine, and review the diff of the `.trace` files.

mod common;

use delivery_lab_engine::run;
use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn every_preset_matches_its_golden_digest() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for (name, scenario) in common::presets() {
        let trace = run(&scenario).unwrap().trace;
        let digest_path = golden_dir().join(format!("{name}.digest"));
        let text_path = golden_dir().join(format!("{name}.trace"));
        let digest = trace.digest();
        if update {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&digest_path, format!("{digest}\n")).unwrap();
            std::fs::write(&text_path, trace.to_text()).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&digest_path).unwrap_or_default();
        if committed.trim() != digest {
            stale.push(format!(
                "{name}: committed {:?}, now {digest}",
                committed.trim()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "golden digests differ (UPDATE_GOLDEN=1 to rewrite):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_wasm_test_covers_every_preset() {
    let wasm_test = include_str!("wasm.rs");
    for (name, _) in common::presets() {
        assert!(
            wasm_test.contains(&format!("preset!(\"{name}\")")),
            "tests/wasm.rs does not check {name}"
        );
    }
}
