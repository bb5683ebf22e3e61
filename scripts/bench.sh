#!/usr/bin/env bash
# Runs every benchmark; each prints JSON lines {"bench", "value", "unit"}; collected in bench/results/latest.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
out=bench/results/latest.jsonl
: > "$out"
for b in bench/bench_*.py; do
  echo "== $b" >&2
  .venv/bin/python "$b" > "$out.part"
  cat "$out.part"
  grep '^{' "$out.part" >> "$out" || true   # only JSON lines, whatever a benchmark prints
  rm -f "$out.part"
done
echo "results in $out" >&2
