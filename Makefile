# Two commands: `make` installs everything and renders the sample reports; `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all setup sample test lint clean

all: sample

$(BIN)/cchc-report: pyproject.toml
	bash scripts/install-system-packages.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

setup: $(BIN)/cchc-report

sample: setup
	$(BIN)/cchc-report validate --data-dir data-2026 --period 2026-10
	$(BIN)/cchc-report run --params params/2026-10.yaml

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts

clean:
	rm -rf $(VENV) reports/*/
