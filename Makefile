# Set-up and the project's two main commands. Override TORCH for a GPU build,
# e.g. `make test TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu126"`.
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin

.PHONY: install bench bench-full test lint docs docs-check clean mutants

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

# The README's accuracy table: three seeds (about 3 minutes on 2 cores).
bench-full: install
	$(BIN)/python benchmarks/bench_missing_rates.py --n-jobs 2 --out bench-results/full-$(shell date +%Y%m%d-%H%M%S)

# ruff's lint rules and its formatting (the pre-commit hooks run the same two).
LINTED := sklearn_redcore tests benchmarks tools examples docs
lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

test: lint
	$(BIN)/python -m pytest -n 2

# The mutation check: small wiring bugs (a setting replaced by its default, eta read before its update, a state
# not restored) planted one at a time in a scratch copy of the repository; the tests must catch each one
# (tools/mutants.py; about 3 minutes on 2 cores). Exits non-zero if one survives.
mutants: install
	$(BIN)/python tools/mutants.py

$(BIN)/.docs-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e ".[docs]"
	touch $@

# MathJax (Apache-2.0), served by the site itself so that its equations render
# offline: from the npm package, only the TeX-to-HTML component with every TeX
# extension, its web fonts and the licence (1.7 MB of the 24 MB package). The
# tarball must match the checksum below; a new version means a new checksum.
MATHJAX_VERSION := 3.2.2
MATHJAX_SHA256 := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
MATHJAX := docs/_static/mathjax
MATHJAX_DOWNLOAD := docs/_build/mathjax-download

$(MATHJAX)/.version-$(MATHJAX_VERSION):
	@command -v npm >/dev/null || { echo "make docs fetches MathJax with npm: install Node.js and npm (Debian: apt-get install npm)"; exit 1; }
	rm -rf $(MATHJAX) $(MATHJAX_DOWNLOAD)
	mkdir -p $(MATHJAX_DOWNLOAD) $(dir $(MATHJAX))
	cd $(MATHJAX_DOWNLOAD) && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null
	echo "$(MATHJAX_SHA256)  $(MATHJAX_DOWNLOAD)/mathjax-$(MATHJAX_VERSION).tgz" | sha256sum --check --quiet
	tar -xzf $(MATHJAX_DOWNLOAD)/mathjax-$(MATHJAX_VERSION).tgz -C $(MATHJAX_DOWNLOAD) \
		package/LICENSE package/es5/tex-chtml-full.js package/es5/output/chtml/fonts/woff-v2
	mv $(MATHJAX_DOWNLOAD)/package/es5 $(MATHJAX)
	mv $(MATHJAX_DOWNLOAD)/package/LICENSE $(MATHJAX)/LICENSE
	rm -rf $(MATHJAX_DOWNLOAD)
	touch $@

# The documentation site in docs/_build/html, the gallery's examples executed (an
# unchanged example is not run again); every warning is an error. OpenMP gets one
# thread: the examples' models are small, and on a busy machine idle OpenMP threads
# can slow scikit-learn's gradient boosting down many times.
# Then tools/check_site.py: no page loads a script, stylesheet or font from another host, and every
# local link and anchor of the built pages resolves (a few seconds).
docs: $(BIN)/.docs-installed $(MATHJAX)/.version-$(MATHJAX_VERSION)
	OMP_NUM_THREADS=1 $(BIN)/python -m sphinx -E -b html -W --keep-going docs docs/_build/html
	$(BIN)/python tools/check_site.py docs/_build/html

# The site's main pages opened in headless Chromium (Debian: apt-get install chromium): a screenshot
# of each in docs/_build/screenshots; fails on TeX shown as text or on a message in the browser console.
docs-check: docs
	$(BIN)/python tools/check_site_browser.py --site docs/_build/html --shots docs/_build/screenshots

clean:
	rm -rf $(VENV) bench-results .pytest_cache docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst $(MATHJAX)
