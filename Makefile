# creatorpulse — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_HOME ?= $(CURDIR)/.demo-home
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
UV_VERSION := 0.13.8
# Test processes (pytest-xdist): one per core of the 2-core machines this runs on.
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup browser run demo serve test lint format bench clean

help: ## Show the targets and what they do
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(BIN)/.installed ## Create .venv with the locked dependencies (requirements.lock)

browser: ## Install Debian chromium and CJK fonts for the browser tests, when missing
	@if ! command -v chromium >/dev/null || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; \
	fi

run: setup ## Build the demo warehouse, create demo users (passwords shown once), serve http://127.0.0.1:8050
	$(BIN)/creatorpulse demo --home $(DEMO_HOME)
	$(BIN)/creatorpulse users demo --home $(DEMO_HOME)
	$(BIN)/creatorpulse serve --home $(DEMO_HOME)

demo: setup ## Only (re)build the demo warehouse in $(DEMO_HOME)
	$(BIN)/creatorpulse demo --home $(DEMO_HOME)

test: setup browser ## Lint, then run every test, browser tests included (TEST_WORKERS processes)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: setup browser ## Run every benchmark at full scale (10M rows; over an hour) and write bench/RESULTS.md
	$(BIN)/python -m bench.run

lint: setup ## Lint and check formatting (ruff)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## Format the code (ruff)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: ## Re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark --quiet --python $(BIN)/python -o requirements.lock

clean: ## Remove the virtualenv, caches and the demo warehouse
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .ruff_cache .bench-data .bench-results .bench-work
