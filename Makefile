# Two commands: `make` installs everything and renders the sample reports; `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all setup sample test test-fast bench lint messages clean

all: sample

$(BIN)/cchc-report: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

setup: $(BIN)/cchc-report

sample: setup
	$(BIN)/cchc-report validate --period 2026-10
	$(BIN)/cchc-report run --params params/2026-10.yaml

# every test, then the kernel and batch tests again with kernels started the ordinary way
# (no kernel server: the path of platforms without os.fork, and the fallback when the server fails)
test: setup
	bash scripts/install-system-packages.sh
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4
	CCHC_FORK_KERNELS=0 $(BIN)/python -m pytest -q -n auto --maxprocesses=4 tests/test_kernels.py tests/test_batch.py

# the tests not marked e2e (no notebook run, no report rendered: a test outside e2e that starts a kernel fails)
test-fast: setup
	$(BIN)/python -m pytest -q -m "not e2e" -n auto --maxprocesses=4

bench: setup
	bash scripts/install-bench-packages.sh
	$(BIN)/python benchmarks/bench_batch.py

# the message catalogues: keys used in the code -> src/helpers/locale/cchc.pot, then each
# locale/<lang>/LC_MESSAGES/cchc.po updated from it (new keys to translate, unused ones obsolete)
messages: setup
	$(BIN)/python scripts/messages.py
	$(BIN)/python scripts/messages.py --check

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts

clean:
	rm -rf $(VENV) reports/*/ reports/index.html reports/.cache reports/.locks
