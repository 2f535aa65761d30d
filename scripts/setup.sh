#!/usr/bin/env bash
# Installs everything Kafka Delivery Lab needs to build, serve and test, skipping whatever is
# already installed at the right version. Safe to run again: a second run takes seconds.
#
#   wasm32 target, rustfmt, clippy   rustup
#   trunk 0.21.14                    cargo install (≈ 9 min on 2 cores, once)
#   wasm-bindgen-cli                 cargo install, exactly the wasm-bindgen version in Cargo.lock
#   wasm-opt, playwright-core        npm (binaryen 132, playwright-core 1.65.1; package-lock.json)
#   chromium, chromium-driver        Debian packages
#   fonts-wqy-microhei               Debian package: a Chinese font, so the Chinese page's
#                                    screenshots show characters, not boxes
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

TRUNK_VERSION=0.21.14
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

command -v cargo >/dev/null || { echo "[setup] cargo is missing: install Rust with rustup first" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (compiles for about 9 minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# Trunk insists on exactly the wasm-bindgen version the app links against.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile once pinned a crate version the registry no longer had.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
lock_stamp=node_modules/.installed-from-lock
if [ "$(cat "$lock_stamp" 2>/dev/null)" != "$(sha256sum < package-lock.json)" ]; then
  say "installing npm packages (wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum < package-lock.json > "$lock_stamp"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
if ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
  say "installing fonts-wqy-microhei"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei
fi

# Trunk builds offline, so every crate must be in the local registry first.
cargo fetch --locked -q
say "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -1)"
