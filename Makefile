# ecoenforce — see README.md. Every target runs `setup` first; setup is idempotent.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: setup demo run test test-sqlite test-postgres lint bench clean

setup: $(VENV)/.installed node_modules/.installed src/ecoenforce/static/vendor/.copied

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

src/ecoenforce/static/vendor/.copied: node_modules/.installed scripts/vendor_assets.py
	$(PY) scripts/vendor_assets.py
	touch $@

demo: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo_seed --if-empty
	$(PY) manage.py statutes_load
	$(PY) manage.py catalog_load_starter --if-empty
	$(PY) manage.py catalog_load_code
	$(PY) manage.py penalty_demo --if-empty
	$(PY) manage.py hj212_simulate --demo --points 100 --days 2
	$(PY) manage.py complaints_demo --if-empty
	$(PY) manage.py audit_checkpoint --keygen --if-missing
	$(PY) manage.py demo_logins
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh gunicorn

run: setup
	$(PY) manage.py migrate --no-input
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh dev

test: setup
	bash scripts/test.sh

test-sqlite: setup
	bash scripts/test.sh sqlite

test-postgres: setup
	bash scripts/test.sh postgres

lint: setup
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/mypy src
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	bash scripts/bench.sh

clean:
	rm -rf var/ecoenforce.sqlite3* src/ecoenforce/static/vendor bench/results
