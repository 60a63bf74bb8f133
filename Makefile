# Two commands: `make` installs everything and renders the sample reports; `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all setup sample test bench lint clean

all: sample

$(BIN)/cchc-report: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

setup: $(BIN)/cchc-report

sample: setup
	$(BIN)/cchc-report validate
	$(BIN)/cchc-report run --period 2023-10

test: setup
	bash scripts/install-system-packages.sh
	$(BIN)/python -m pytest -q

bench: setup
	bash scripts/install-bench-packages.sh
	$(BIN)/python benchmarks/bench_batch.py

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts

clean:
	rm -rf $(VENV) reports/*/
