# cogov-sim: set-up and the two main jobs.
#   make run    - install into .venv (first time) and run the default street scenario
#   make test   - install into .venv (first time) and run lint + the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The default scenario (street scale, 365 days); extra Hydra overrides via ARGS="...".
run: $(STAMP)
	$(BIN)/cogov-sim $(ARGS)

## Lint, format check and every test (slow ones included, as in CI).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## The quick loop for developers: skips tests marked slow.
test-fast: PYTEST_ARGS = -m "not slow"
test-fast: test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .ruff_cache .hypothesis
