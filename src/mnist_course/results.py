"""Recording each model's results in machine-readable files that the comparison reads.

JSON files under ``results/``: ``results.json`` (one entry of metrics per model),
``histories.json`` (each model's per-epoch learning curves), ``predictions.json`` (each model's
predicted digit for every test image, one string of 10,000 digits), ``seed_spread.json`` (test
scores of each model re-trained with other seeds, written by benchmarks/recipes.py) and
``ablation.json`` (runs of a recipe with one technique removed at a time, per seed, written by
benchmarks/ablation.py). Keys are
sorted and one model is one entry, so that a refresh shows as a small, readable diff.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mnist_course.data import TEST_LABEL_COUNTS
from mnist_course.paths import output_root, project_root

RESULTS_FILE = Path("results") / "results.json"
HISTORIES_FILE = Path("results") / "histories.json"
SEED_SPREAD_FILE = Path("results") / "seed_spread.json"
PREDICTIONS_FILE = Path("results") / "predictions.json"
ABLATION_FILE = Path("results") / "ablation.json"

Metric = float | int | str


def record_result(model: str, history: Mapping[str, Sequence[float]] | None = None, **metrics: Metric) -> None:
    """Store ``metrics`` (accuracy, loss, parameters, epochs, training time...) under ``model``.

    Pass ``history=history.history`` from ``model.fit`` to keep the learning curves too, so later
    notebooks can draw them beside their own. Recording a model again replaces its entry. Values
    must be plain finite numbers or strings: a NaN or an array would make the file unreadable
    elsewhere.
    """
    _check_name(model)
    _update(RESULTS_FILE, model, {key: _plain(model, key, value) for key, value in metrics.items()})
    if history is not None:
        curves = {key: [_plain(model, key, value) for value in values] for key, values in history.items()}
        _update(HISTORIES_FILE, model, curves)


def record_predictions(model: str, predicted: np.ndarray) -> None:
    """Store ``model``'s predicted digit for each test image, in test-set order.

    With every model's predictions on file, the comparison can find the digits all of them get
    wrong without re-training any. One character per image keeps the file small and diffable.
    """
    _check_name(model)
    predicted = np.asarray(predicted)
    if predicted.shape != (sum(TEST_LABEL_COUNTS),):
        raise ValueError(
            f"predictions of {model!r} must be one digit per test image, shape ({sum(TEST_LABEL_COUNTS)},); "
            f"got shape {predicted.shape} (pass probabilities.argmax(axis=1))"
        )
    if not np.issubdtype(predicted.dtype, np.integer) or predicted.min() < 0 or predicted.max() > 9:
        raise ValueError(f"predictions of {model!r} must be whole digits 0-9; got dtype {predicted.dtype}")
    _update(PREDICTIONS_FILE, model, "".join(map(str, predicted.tolist())))


def load_predictions() -> pd.DataFrame:
    """Recorded test-set predictions, one column per model (in name order), one row per test image."""
    stored = _merged(PREDICTIONS_FILE)
    return pd.DataFrame({model: np.frombuffer(digits.encode(), dtype=np.uint8) - ord("0") for model, digits in stored.items()})


def record_seed_run(model: str, seed: int, **metrics: Metric) -> None:
    """Store one re-training of ``model`` with ``seed`` (used by benchmarks/recipes.py)."""
    _check_name(model)
    path = output_root() / SEED_SPREAD_FILE
    runs = _read(path) if path.is_file() else {}
    runs.setdefault(model, {})[str(seed)] = {key: _plain(model, key, value) for key, value in metrics.items()}
    _write(path, runs)


def record_ablation_run(recipe: str, variant: str, seed: int, **metrics: Metric) -> None:
    """Store one training run of ``recipe`` in ``variant`` (the full recipe, or it without one
    technique) with ``seed``; recording the same run again replaces it."""
    _check_name(recipe)
    _check_name(variant)
    path = output_root() / ABLATION_FILE
    runs = _read(path) if path.is_file() else {}
    plain = {key: _plain(recipe, key, value) for key, value in metrics.items()}
    runs.setdefault(recipe, {}).setdefault(variant, {})[str(seed)] = plain
    _write(path, runs)


def load_ablation(recipe: str) -> pd.DataFrame:
    """The recorded runs of ``recipe``'s variants, one row per run, with columns ``variant`` and
    ``seed`` and the recorded metrics, ordered by variant name and seed."""
    recipes = _merged(ABLATION_FILE)
    if recipe not in recipes:
        raise KeyError(f"no ablation runs recorded for {recipe!r}; run `python benchmarks/ablation.py`")
    rows = [
        {"variant": variant, "seed": int(seed), **metrics}
        for variant, seeds in recipes[recipe].items()
        for seed, metrics in seeds.items()
    ]
    return pd.DataFrame(rows).sort_values(["variant", "seed"], ignore_index=True)


def clear_seed_runs(*models: str) -> None:
    """Forget every recorded seed run of ``models``, before a benchmark records them afresh, so
    that seeds it no longer runs do not linger beside the new ones."""
    path = output_root() / SEED_SPREAD_FILE
    if path.is_file():
        runs = _read(path)
        _write(path, {model: seeds for model, seeds in runs.items() if model not in models})


def load_results() -> pd.DataFrame:
    """All recorded results as a table, one row per model.

    The committed results, updated with any that a notebook run has just written elsewhere (as
    during the tests), so a notebook always sees every model, the fresh ones where there are.
    """
    results = _merged(RESULTS_FILE)
    if not results:
        raise FileNotFoundError(f"{output_root() / RESULTS_FILE}: nothing recorded yet; run the model notebooks first")
    return pd.DataFrame.from_dict(results, orient="index").rename_axis("model")


def load_histories() -> dict[str, dict[str, list[float]]]:
    """Recorded learning curves by model, fresh ones first as in load_results(); may be empty."""
    return _merged(HISTORIES_FILE)


def load_seed_spread(model: str) -> pd.DataFrame:
    """The test scores of ``model`` re-trained with several seeds, one row per seed, with the
    mean, standard deviation and range below them."""
    runs = _merged(SEED_SPREAD_FILE)
    if model not in runs:
        raise KeyError(f"no seed runs recorded for {model!r}; run `python benchmarks/recipes.py`")
    table = pd.DataFrame.from_dict(runs[model], orient="index").rename_axis("seed")
    table.index = table.index.astype(int)
    table = table.sort_index()
    summary = table.agg(["mean", "std", "min", "max"])
    return pd.concat([table, summary])


def margin_from_spread(spread: pd.DataFrame, metric: str = "test_accuracy") -> float:
    """How far below its target a notebook's accuracy may fall before its check fails.

    Three standard deviations of the seed spread, rounded up to 0.1 percentage points: a rerun on
    another CPU or seed passes, a model that stops learning does not. Deriving the margin from a
    measurement, rather than picking it, keeps the check honest.
    """
    deviation = float(spread.loc["std", metric])
    if not math.isfinite(deviation):
        raise ValueError(f"the spread of {metric!r} has no standard deviation; it needs at least two seeds")
    return math.ceil(round(3 * deviation * 1000, 6)) / 1000


def _merged(relative: Path) -> dict:
    root = project_root()
    paths = ([root / relative] if root is not None else []) + [output_root() / relative]
    merged: dict = {}
    for path in dict.fromkeys(paths):  # the checkout's file, then the fresh one over it
        if path.is_file():
            merged.update(_read(path))
    return merged


def _check_name(model: str) -> None:
    if not model or not isinstance(model, str):
        raise ValueError(f"model name must be a non-empty string, got {model!r}")


def _plain(model: str, key: str, value: object) -> Metric:
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise ValueError(f"metric {key!r} of model {model!r} must be a finite number or a string, got {value!r}")


def _update(relative: Path, model: str, entry: object) -> None:
    path = output_root() / relative
    stored = _read(path) if path.is_file() else {}
    stored[model] = entry
    _write(path, stored)


def _write(path: Path, content: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n")


def _read(path: Path) -> dict:
    try:
        content = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error}); restore it with git") from error
    if not isinstance(content, dict):
        raise ValueError(f"{path}: expected an object of models, found {type(content).__name__}")
    return content
