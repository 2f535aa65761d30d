#!/usr/bin/env bash
# Sets up whatever is missing, then builds and serves the app on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
echo "[serve] Kafka Delivery Lab on http://127.0.0.1:8080 (Ctrl-C stops it)"
exec trunk serve --release --address 127.0.0.1 --port 8080
