# Set-up and the project's two main commands. Override TORCH for a GPU build,
# e.g. `make test TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu126"`.
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin

.PHONY: install bench bench-full test lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

install: $(BIN)/.installed

# The main job: RedCore, its ablations and the baselines on the shipped mfeat data (a few minutes).
bench: install
	$(BIN)/redcore benchmark --n-jobs 2 --out bench-results/$(shell date +%Y%m%d-%H%M%S)

# The README's accuracy table: three seeds (about 9 minutes on 2 cores).
bench-full: install
	$(BIN)/python benchmarks/bench_missing_rates.py --n-jobs 2 --out bench-results/full-$(shell date +%Y%m%d-%H%M%S)

lint: install
	$(BIN)/ruff check sklearn_redcore tests benchmarks tools examples

test: lint
	$(BIN)/python -m pytest -n 2

clean:
	rm -rf $(VENV) bench-results .pytest_cache
