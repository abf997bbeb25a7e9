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

# The main job: RedCore against the baselines on the shipped mfeat data, one seed (a few minutes).
bench: install
	$(BIN)/python benchmarks/bench_missing_rates.py --seeds 0 --n-jobs 2 --out bench-results

# The README's table: three seeds (about 10 minutes on 2 cores).
bench-full: install
	$(BIN)/python benchmarks/bench_missing_rates.py --n-jobs 2 --out bench-results

lint: install
	$(BIN)/ruff check sklearn_redcore tests benchmarks tools examples

test: lint
	$(BIN)/python -m pytest -n 2

clean:
	rm -rf $(VENV) bench-results .pytest_cache
