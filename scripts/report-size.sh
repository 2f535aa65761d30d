#!/usr/bin/env bash
# Prints what the browser downloads from dist/, raw and gzip -9.
set -euo pipefail
cd "$(dirname "$0")/.."
total_raw=0
total_gz=0
for f in dist/*; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-48s %8d B raw %8d B gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-48s %8d B raw %8d B gzip (%d KB)\n' "total" "$total_raw" "$total_gz" $(((total_gz + 1023) / 1024))
