#!/usr/bin/env bash
# Sets up whatever is missing, then runs every check and test, in three layers:
#   0. formatting, clippy (native and wasm32), engine purity
#   1. native cargo tests: engine (units, presets, determinism, golden traces) and CLI
#   2. wasm-bindgen tests in headless Chromium: wasm traces equal the native golden digests;
#      the app's root component renders
#   3. end to end: the release build served on 127.0.0.1, driven by Playwright
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format and lint"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p delivery-lab -p delivery-lab-engine --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
scripts/check-engine-purity.sh

step "layer 1: native tests (engine, CLI, app logic)"
cargo test --workspace --locked

step "layer 2: wasm tests in headless Chromium"
cargo test -p delivery-lab-engine --target wasm32-unknown-unknown --test wasm --locked
cargo test -p delivery-lab --target wasm32-unknown-unknown --test render --locked

step "layer 3: end-to-end on the release build"
trunk build --release
scripts/report-size.sh
node --test tests/e2e/
