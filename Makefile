# Two commands do all the set-up on a fresh machine:
#   make demo   create .venv, install nnmath with its runtime dependencies only, run the article
#   make test   create .venv, install nnmath with its dev extra, run the whole test suite
#   make fuzz   (not in CI) the fuzzers on many fresh examples for FUZZ_MINUTES (30)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --progress-bar off
RUNTIME_STAMP := $(VENV)/.runtime-stamp
DEV_STAMP     := $(VENV)/.dev-stamp

.PHONY: setup setup-dev demo test test-fast lint docs bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# what every command needs: a plain `pip install nnmath` (pyproject.toml's dependencies)
$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

# the test tools and oracles: pytest, hypothesis, scikit-learn, torch, playwright, ...
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[dev]'
	touch $@ $(RUNTIME_STAMP)

setup: $(RUNTIME_STAMP)

setup-dev: $(DEV_STAMP)

demo: setup
	$(BIN)/nnmath demo

test: setup-dev
	$(BIN)/python -m pytest

# the math and the engine, in under a minute: no test marked slow, process or browser
test-fast: setup-dev
	$(BIN)/python -m pytest -q -m "not slow and not process and not browser"

# ruff (rules in pyproject.toml) and mypy (strict on the engine's modules): zero findings
lint: setup-dev
	$(BIN)/ruff check src tests benchmarks scripts examples
	$(BIN)/mypy

# the documentation site (mkdocs.yml): --strict fails on a broken link or a missing reference;
# built offline into site/ (open site/index.html). tests/test_docs_site.py builds it in CI.
docs: setup-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

# nnmath beside its peers (issues 12, 21), each contender in fresh processes (first call and
# warm), with the engine-choice grid: prints the tables, writes benchmarks/results/peers.json.
# BENCH_ARGS=--quick for a smoke run; --only P1,P2 for some sections (see --help).
BENCH_ARGS ?=
bench: setup-dev
	$(BIN)/python benchmarks/peers.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/scaling.py
	$(BIN)/python benchmarks/bench_page.py

# Not in CI: the fuzzers of tests/test_fuzz.py on fresh examples for FUZZ_MINUTES (default 30).
FUZZ_MINUTES ?= 30
fuzz: setup-dev
	$(BIN)/python scripts/fuzz.py --minutes $(FUZZ_MINUTES)

clean:
	rm -rf $(VENV) build site *.egg-info src/*.egg-info .pytest_cache .hypothesis
