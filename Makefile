# HuleEdu developer commands. Needs only Python 3.11+ and make: PDM itself is installed into a
# project-local tool environment (.tools/), the locked environment into .venv/.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := $(CURDIR)/.tools
PDM := $(TOOLS)/pdm/bin/pdm
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.huleedu-installed

export PDM_HOME := $(TOOLS)/pdm-home
export PDM_CHECK_UPDATE := false
export PDM_CACHE_DIR := $(TOOLS)/pdm-cache

.PHONY: help install lint typecheck test test-unit demo up stop clean bench

help:
	@echo "make demo   - install, start the embedded platform, run the sample batches"
	@echo "make test   - install, then ruff, mypy and every test tier"
	@echo "make up     - start the embedded platform in the foreground"
	@echo "make stop   - stop a running or leftover local stack"
	@echo "make bench  - install, run every benchmark, write benchmarks/RESULTS.md"

$(PDM): .ci/pdm-requirements.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(TOOLS)/pdm
	$(TOOLS)/pdm/bin/python -m pip install --quiet --disable-pip-version-check \
		-r .ci/pdm-requirements.txt
	@touch $(PDM)

$(STAMP): $(PDM) pdm.lock pyproject.toml common_core/pyproject.toml services/libs/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PDM) use --quiet --first $(BIN)/python
	$(PDM) sync --group :all
	@touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Each group runs in its own pytest session with its own embedded stack, so that services one
# group starts (and the events they leave on the broker) never leak into another group.
# TEST_LANES groups run at the same time (longest first); TEST_LANES=1 runs them one by one.
TEST_GROUPS := common_core/tests services/libs scripts/tests tests/unit \
	$(sort $(wildcard services/*_service)) tests/functional tests/resilience
TEST_LANES ?= 2

test: lint typecheck
	$(BIN)/python -m scripts.test_groups --lanes $(TEST_LANES) $(TEST_GROUPS)

test-unit: install
	$(BIN)/pytest -m "not integration and not functional"

demo: install
	$(BIN)/python -m scripts.demo $(DEMO_ARGS)

up: install
	$(BIN)/huleedu up

bench: install
	$(BIN)/python -m benchmarks.run_all

stop: install
	$(BIN)/huleedu stop --profile demo
	$(BIN)/huleedu stop --profile test

clean:
	rm -rf .huleedu .pytest_cache .mypy_cache .ruff_cache
