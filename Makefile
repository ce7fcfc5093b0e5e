# cogov-sim: set-up and the two main jobs.
#   make run    - install into .venv (first time) and run the default street scenario
#   make test   - install into .venv (first time) and run lint + the whole test suite
#   make viz    - install into .venv (first time) and serve the teaching app
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install browser-deps slurm-deps run viz test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The default scenario (street scale, 365 days); extra Hydra overrides via ARGS="...".
run: $(STAMP)
	$(BIN)/cogov-sim $(ARGS)

## Debian's Chromium and a Chinese font, for the app's browser tests (as root; else a note).
browser-deps:
	sh tools/install-browser-deps.sh

## Debian's slurm-wlm and munge, for the SLURM tests' own single-node cluster (as root; else a note).
slurm-deps:
	sh tools/install-slurm-deps.sh

## The teaching app on http://127.0.0.1:8765/ ; options via ARGS="--port 9000".
viz: $(STAMP)
	$(BIN)/cogov-sim-viz $(ARGS)

## Lint, format check and every test (slow and browser ones included, as in CI).
## worksteal: a worker that runs out of tests takes queued ones from the other. Tests
## marked "alone" measure the machine (8 app sessions at once): they run afterwards,
## with nothing beside them.
MARKS ?= not alone
ALONE ?= alone
test: $(STAMP) browser-deps slurm-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "$(MARKS)" $(PYTEST_ARGS)
	if [ -n "$(ALONE)" ]; then $(BIN)/python -m pytest -m "$(ALONE)" $(PYTEST_ARGS); fi

## The quick loop for developers: skips tests marked slow and the browser tests.
test-fast: MARKS = not slow and not browser and not alone
test-fast: ALONE =
test-fast: test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_render.py

clean:
	rm -rf $(VENV) outputs multirun build .pytest_cache .ruff_cache .hypothesis
