# gkportal: `make run` serves the demo, `make test` runs every test. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/gkportal
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz bench setup system-deps clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "gkportal needs Python 3.11 or newer")'
	@$(PYTHON) -m venv $(VENV) || { echo "Cannot create a virtual environment: install python3-venv (apt-get install python3-venv)."; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

system-deps:
	@bash scripts/system-deps.sh

setup: system-deps $(VENV)/.installed

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@echo "gkportal: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The suite on SQLite, then again on PostgreSQL when it answers on 127.0.0.1:5432.
test: setup
	@bash scripts/test.sh

# The property-based tests with fresh random examples, FUZZ times as many (make test draws fixed ones).
FUZZ ?= 10
fuzz: setup
	@GKPORTAL_FUZZ=$(FUZZ) bash scripts/test.sh $$(grep -l '@given\|examples(' tests/test_*.py)

# Every benchmark of bench/ plus the load test; figures in bench/results/ and docs/benchmarks.md.
bench: setup
	@bash scripts/bench.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis test-artifacts
