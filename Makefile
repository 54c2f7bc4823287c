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
# The repository's own modules are imported afresh by hundreds of processes in a test run
# (commands, grading workers, pytest workers): let Python keep their bytecode in
# __pycache__ (git-ignored; the student bundle and the catalogue's digests leave it out)
# even where the environment asks it not to write any.
unexport PYTHONDONTWRITEBYTECODE
# Figures render in JupyterLab (make lab) as usual. Unattended runs -- nbval and
# nbgrader's kernels, which get MPLBACKEND=Agg from autograder.stock_nbgrader -- skip
# rendering them: no one looks, and it is a third of a notebook's run time.
HEADLESS := MPLBACKEND=Agg

.PHONY: venv demo demo-needs test check-tests release student-bundle lab lab-instructor clean \
        bench hub hub-proxy

venv: $(STAMP)

# Re-install only when the pins or the package metadata change. uv (pinned in
# requirements.txt; the hub makes its environments with it too) installs the same
# versions as pip in a third of the time, downloading and unpacking in parallel; where it
# cannot (no wheel for this machine, say), pip does. Bytecode is compiled at install
# time, as pip does: sandboxed kernels cannot write it into the venv. pip itself is
# upgraded alongside, as before (tests run it).
UV_PIN = $(shell grep -E '^uv==' requirements.txt)
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(UV_PIN)" && \
	    UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip install --quiet --python $(BIN)/python \
	        --compile-bytecode --upgrade-package pip pip -r requirements.txt || \
	{ $(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip && \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt; }
	@touch $@

# Simulate a class of $(STUDENTS) (make demo STUDENTS=8 for a quick look), grade it,
# write feedback and report.html into scratch/demo/. First, before the venv, what the
# demo needs from Debian -- bubblewrap, a Korean font -- is installed where this machine
# lets us, else the demo stops and says what to run (.ci/demo-needs):
#   UNSANDBOXED=1  grade the simulated class without the sandbox (no bubblewrap needed)
#   NN_INSTALL=no  install nothing, only say what is missing
STUDENTS ?= 30
UNSANDBOXED ?=
NN_INSTALL ?=
BWRAP ?=
NEEDS = UNSANDBOXED="$(UNSANDBOXED)" NN_INSTALL="$(NN_INSTALL)" BWRAP="$(BWRAP)" .ci/demo-needs
demo-needs:
	@$(NEEDS) sandbox font

demo: demo-needs $(STAMP)
	$(BIN)/python -m autograder demo --students $(STUDENTS)$(if $(UNSANDBOXED), --unsandboxed)

# 1. the test suite: release in sync, no leaks, grading end to end, units, and
#    the student's view of every released notebook in JupyterLab in headless
#    Chromium (tests/browser). --dist loadfile keeps each module on one worker,
#    longest first (tests/conftest.py); -rs says why a test skips where
#    Debian's chromium is missing.
# 2. the mutation catalogue: hidden tests catch every mistake, accept every
#    correct alternative;
# 3. nbval: every cell of every source notebook runs and its assertions hold
#    (one notebook per worker: --dist loadfile keeps a notebook's cells together).
#
# 2 and then 3 run beside 1: much of the suite waits (deliberate timeouts, the
# browser, servers starting), and the catalogue and nbval keep both cores busy
# meanwhile -- nbval last, in the suite's last minutes, when its few long modules
# leave a core idle. Their reports are printed when all are done.
test: $(STAMP) hub-proxy
	@mkdir -p artifacts
	@( $(BIN)/python -m autograder check-tests > artifacts/check-tests.log 2>&1; checked=$$?; \
	   $(HEADLESS) $(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env source \
	       > artifacts/nbval.log 2>&1 && exit $$checked ) & beside=$$!; \
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder -rs --durations=20 tests; suite=$$?; \
	wait $$beside; besides=$$?; \
	echo "--- nbval over source/ (artifacts/nbval.log)"; cat artifacts/nbval.log; \
	echo "--- python -m autograder check-tests (artifacts/check-tests.log)"; \
	cat artifacts/check-tests.log; \
	test $$suite -eq 0 -a $$besides -eq 0

check-tests: $(STAMP)
	$(BIN)/python -m autograder check-tests

release: $(STAMP)
	$(BIN)/python -m autograder release

# Stock sequential `nbgrader autograde` against `autograder grade` on one
# simulated class of 40+ notebooks: identical scores, both wall times, ratio;
# then how well and how fast `similarity` finds the copiers of a simulated class of 60.
bench: $(STAMP)
	$(BIN)/python -m autograder.quality.bench --profile
	$(BIN)/python -m autograder.quality.bench_dask
	$(BIN)/python -m autograder.quality.bench_similarity

# The student bundle (released notebooks, the course package, pinned
# requirements, a how-to) in scratch/nn-from-scratch-student/ and .zip; for some
# assignments only: make student-bundle ASSIGNMENTS="01_arrays 02_forward".
ASSIGNMENTS ?=
student-bundle: $(STAMP)
	$(BIN)/python -m autograder bundle $(ASSIGNMENTS)

# JupyterLab on release/ as a student sees it (nbgrader's Validate button, no
# instructor tools), and the instructor's, with formgrader, on the repository.
lab: $(STAMP)
	@$(NEEDS) font
	$(BIN)/python -m autograder lab

lab-instructor: $(STAMP)
	$(BIN)/python -m autograder lab --instructor

# The course on JupyterHub on this machine, as root (docs/jupyterhub.md):
#   sudo make hub INSTRUCTOR=prof COURSE=/home/prof/nn2027 [STUDENTS_GROUP=nn-students]
#                 [HUB_ARGS="--ip 0.0.0.0 --ssl-cert … --ssl-key …"]
INSTRUCTOR ?=
COURSE ?=
STUDENTS_GROUP ?= nn-students
HUB_ARGS ?=
hub: $(STAMP) hub-proxy
	@test -n "$(INSTRUCTOR)" -a -n "$(COURSE)" || \
	    { echo "usage: sudo make hub INSTRUCTOR=unix-user COURSE=/path/to/course (docs/jupyterhub.md)"; exit 2; }
	@test -x $(PROXY) || command -v configurable-http-proxy >/dev/null || \
	    { echo "make hub: configurable-http-proxy is missing: apt-get install npm, then make hub again"; exit 2; }
	$(BIN)/python -m autograder hub --instructor "$(INSTRUCTOR)" --course-dir "$(COURSE)" \
	    --students-group "$(STUDENTS_GROUP)" $(HUB_ARGS)

# JupyterHub's proxy, from npm into the venv (pinned: 4.6.3 runs on Debian's Node 18 as
# on 20; 5.x needs Node 22). Without npm, tests/test_jupyterhub.py skips and says why.
PROXY_VERSION := 4.6.3
PROXY := $(VENV)/proxy/node_modules/.bin/configurable-http-proxy
hub-proxy: $(VENV)/proxy/.installed-$(PROXY_VERSION)
$(VENV)/proxy/.installed-$(PROXY_VERSION):
	@if command -v npm >/dev/null; then \
	    npm install --prefix $(VENV)/proxy --no-save --no-audit --no-fund --omit=dev --loglevel=error \
	        configurable-http-proxy@$(PROXY_VERSION) && touch $@; \
	else echo "note: no npm, so no configurable-http-proxy: JupyterHub cannot start here (apt-get install npm)"; fi

# Everything the tools generate (release/ is generated too, but committed).
clean:
	rm -rf scratch artifacts reports gradebook.db submitted autograded feedback \
	    .nbgrader.log build dist
