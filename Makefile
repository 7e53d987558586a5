# ametigen — `make` builds every position; `make help` lists the rest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BASE   ?= HEAD

.DEFAULT_GOAL := build
.PHONY: help build test check golden clean diff order bench

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

build: $(STAMP) ## Build DOCX and Markdown of every position into build/ (only what changed)
	$(BIN)/ametigen build

test: $(STAMP) ## Run the test suite, on every core
	$(BIN)/pytest -n auto --dist worksteal

check: $(STAMP) ## Validate the sources, then lint (ruff) and type-check (mypy) the code
	$(BIN)/ametigen check
	$(BIN)/ruff check ametigen tests tools
	$(BIN)/ruff format --check ametigen tests tools
	$(BIN)/mypy

diff: $(STAMP) ## Show the effective text changes against BASE (default HEAD)
	$(BIN)/ametigen diff $(BASE)

order: $(STAMP) ## Draft the approval order and its signing package for what changed since BASE
	$(BIN)/ametigen order $(BASE)

golden: $(STAMP) ## Regenerate tests/golden/ (expected Markdown of the positions); review the diff
	rm -rf build/golden tests/golden
	$(BIN)/ametigen build --out build/golden
	cp -r build/golden/md tests/golden
	rm -rf build/golden

clean: ## Remove build/ and the virtual environment
	rm -rf build $(VENV)

bench: $(STAMP) ## Measure speed and memory on synthetic repositories of 2,000, 5,000, 10,000 positions; review on 1,000
	$(BIN)/python tools/bench.py
