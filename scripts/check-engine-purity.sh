#!/usr/bin/env bash
# Fails if the engine crate depends on anything web- or OS-specific: the engine must be a
# pure function of (scenario, seed), the same natively and in wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(web-sys|js-sys|gloo[a-z-]*|getrandom|wasm-bindgen[a-z-]*|tokio|rayon|chrono|time) v'
found=""
for target in wasm32-unknown-unknown x86_64-unknown-linux-gnu; do
  tree=$(cargo tree -p delivery-lab-engine -e normal --target "$target" --prefix none --offline)
  hits=$(printf '%s\n' "$tree" | grep -E "$forbidden" | sort -u || true)
  [ -n "$hits" ] && found="$found$target:\n$hits\n"
done
if [ -n "$found" ]; then
  printf 'engine purity: FAILED — the engine depends on:\n%b' "$found" >&2
  exit 1
fi
# No wall clock, threads or I/O in the engine's own source either.
if grep -rnE 'std::(time|thread|fs|net|env|process)|SystemTime|Instant::now|HashMap|HashSet|\bf32\b|\bf64\b' engine/src; then
  echo "engine purity: FAILED — the engine source uses a clock, threads, I/O, hash-order iteration or floats (above)" >&2
  exit 1
fi
echo "engine purity: ok (no web, OS, clock, hash-order or float dependencies)"
