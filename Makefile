# Two commands set everything up on a machine with only python3 and make:
#   make demo   -- create .venv on first use, then run the instructor's pipeline
#   make test   -- every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Run everything from the venv, whatever the caller's PATH.
export PATH := $(abspath $(BIN)):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export MPLBACKEND := Agg

.PHONY: venv demo test check-tests release lab clean

venv: $(STAMP)

# Re-install only when the pins or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

demo: $(STAMP)
	$(BIN)/python -m autograder demo

# 1. nbval: every cell of every source notebook runs and its assertions hold
#    (one notebook per worker: --dist loadfile keeps a notebook's cells together);
# 2. the mutation catalogue: hidden tests catch every mistake, accept every
#    correct alternative;
# 3. the test suite: release in sync, no leaks, grading end to end, units.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env source
	$(BIN)/python -m autograder check-tests
	$(BIN)/python -m pytest -n 2 --dist load tests

check-tests: $(STAMP)
	$(BIN)/python -m autograder check-tests

release: $(STAMP)
	$(BIN)/python -m autograder release

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=release

clean:
	rm -rf scratch artifacts gradebook.db submitted autograded feedback
