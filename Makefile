# Set-up and the project's two main commands. Override TORCH for a GPU build,
# e.g. `make test TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu126"`.
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin

.PHONY: install bench bench-full test lint docs clean

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
	$(BIN)/ruff check sklearn_redcore tests benchmarks tools examples docs

test: lint
	$(BIN)/python -m pytest -n 2

$(BIN)/.docs-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e ".[docs]"
	touch $@

# The documentation site in docs/_build/html, the gallery's examples executed (an
# unchanged example is not run again); every warning is an error. OpenMP gets one
# thread: the examples' models are small, and on a busy machine idle OpenMP threads
# can slow scikit-learn's gradient boosting down many times.
docs: $(BIN)/.docs-installed
	OMP_NUM_THREADS=1 $(BIN)/python -m sphinx -E -b html -W --keep-going docs docs/_build/html

clean:
	rm -rf $(VENV) bench-results .pytest_cache docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst
