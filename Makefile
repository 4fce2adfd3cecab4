# Two commands do all the set-up on a fresh machine:
#   make demo   create .venv, install nnmath with its dev extra, run the article end to end
#   make test   the same set-up, then the whole test suite
#   make fuzz   (not in CI) the fuzzers on many fresh examples for FUZZ_MINUTES (30)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --progress-bar off -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/nnmath demo

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run.py

# Not in CI: the fuzzers of tests/test_fuzz.py on fresh examples for FUZZ_MINUTES (default 30).
FUZZ_MINUTES ?= 30
fuzz: setup
	$(BIN)/python scripts/fuzz.py --minutes $(FUZZ_MINUTES)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .hypothesis
