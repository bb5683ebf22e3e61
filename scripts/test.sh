#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when one is reachable
# (TEST_POSTGRES_URL, else the local server at 127.0.0.1:5432 as user postgres).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
which_db="${1:-all}"
status=0

pg_url() {
  local url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  if $PY - "$url" <<'PYEOF' 2>/dev/null; then echo "$url"; fi
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
PYEOF
}

if [[ "$which_db" != postgres ]]; then
  echo "== tests on SQLite"
  env -u DATABASE_URL $PY -m pytest -q -n "${TEST_WORKERS:-2}" -p no:cacheprovider ${PYTEST_ARGS:-} || status=1
fi
if [[ "$which_db" != sqlite ]]; then
  url="$(pg_url)"
  if [[ -n "$url" ]]; then
    echo "== tests on PostgreSQL"
    DATABASE_URL="$url" $PY -m pytest -q -n "${TEST_WORKERS:-2}" -p no:cacheprovider ${PYTEST_ARGS:-} || status=1
  elif [[ "${CI:-}" == true || "$which_db" == postgres ]]; then
    echo "PostgreSQL not reachable (set TEST_POSTGRES_URL)" >&2
    status=1
  else
    echo "== PostgreSQL not reachable: skipped (set TEST_POSTGRES_URL to run those tests)"
  fi
fi
exit $status
