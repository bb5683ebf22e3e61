#!/usr/bin/env bash
# Serve the platform with its background worker beside it; Ctrl+C stops both.
#   scripts/serve.sh gunicorn   — as production does (make demo)
#   scripts/serve.sh dev        — Django's development server with reload (make run)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mode="${1:-gunicorn}"

$PY manage.py worker &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

echo "平台地址: http://$HOST:$PORT/   （后台任务进程 pid $worker；Ctrl+C 停止）"
if [[ "$mode" == dev ]]; then
  $PY manage.py runserver "$HOST:$PORT"
else
  .venv/bin/gunicorn ecoenforce.wsgi:application --chdir src --bind "$HOST:$PORT" \
    --workers "${WEB_WORKERS:-2}" --threads 4 --timeout 120 --access-logfile - --log-level warning
fi
