#!/usr/bin/env bash
# Runs every benchmark; each prints JSON lines {"bench", "value", "unit"}; collected in bench/results/latest.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
out=bench/results/latest.jsonl
: > "$out"
for b in bench/bench_*.py; do
  echo "== $b" >&2
  .venv/bin/python "$b" | tee -a "$out"
done
echo "results in $out" >&2
