"""Recording each model's results in machine-readable files that the comparison reads.

JSON files under ``results/``: ``results.json`` (one entry of metrics per model),
``histories.json`` (each model's per-epoch learning curves), ``predictions.json`` (each model's
predicted digit for every test image, one string of 10,000 digits), ``seed_spread.json`` (test
scores of each model re-trained with other seeds, written by benchmarks/recipes.py) and
``ablation.json`` (runs of a recipe with one technique removed at a time, per seed, written by
benchmarks/ablation.py) and ``exports.json`` (lesson 10's exported versions of the best model:
size, accuracy, agreement and speed). Keys are sorted and one model is one entry, so that a
refresh shows as a small, readable diff.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np
import pandas as pd

from mnist_course.data import FIT_SIZE, TEST_LABEL_COUNTS, load_mnist
from mnist_course.paths import output_root, project_root
from mnist_course.performance import TrainingClock, forward_flops

RESULTS_FILE = Path("results") / "results.json"
HISTORIES_FILE = Path("results") / "histories.json"
SEED_SPREAD_FILE = Path("results") / "seed_spread.json"
PREDICTIONS_FILE = Path("results") / "predictions.json"
ABLATION_FILE = Path("results") / "ablation.json"
EXPORTS_FILE = Path("results") / "exports.json"

Metric = float | int | str


class TrainingRun(NamedTuple):
    """What one training run leaves behind: the model, its learning curves and its clock, and the
    two settings that neither the model nor the history remembers (the seed and the batch size)."""

    model: keras.Model
    history: keras.callbacks.History
    clock: TrainingClock
    seed: int
    batch_size: int


def record_result(
    model: str,
    runs: TrainingRun | Sequence[TrainingRun],
    probabilities: np.ndarray,
    *,
    title: str,
    known_accuracy: float,
) -> None:
    """Record a trained model for the comparison: its scores, cost and learning curves, and its
    predicted digit for every test image.

    ``runs`` is the training run that made the model, or the runs of an ensemble's members, and
    ``probabilities`` the model's predicted probabilities for the 10,000 test images, in order.
    Everything else is derived, so that every model is measured the same way: test accuracy and
    loss from the probabilities (the loss as plain cross-entropy, whatever the model trained
    with), parameters and FLOPs from the models, epochs and validation accuracy from the history,
    time, throughput and CPU use from the clock, the optimizer from the model's own settings.
    ``known_accuracy`` is the test accuracy the recipe is known for (or that its lesson sets).
    """
    runs = [runs] if isinstance(runs, TrainingRun) else list(runs)
    if not runs:
        raise ValueError(f"no training runs given for {model!r}")
    settings = {
        "optimizer": [describe_optimizer(run.model.optimizer) for run in runs],
        "epochs": [len(run.history.epoch) for run in runs],
        "batch_size": [run.batch_size for run in runs],
    }
    differing = {key: values for key, values in settings.items() if len(set(values)) > 1}
    if differing:
        raise ValueError(f"the runs of {model!r} were trained differently: {differing}")
    accuracy, loss = score_on_test_set(probabilities, model)
    seconds = sum(run.clock.seconds for run in runs)
    cpu_seconds = sum(run.clock.cpu_seconds for run in runs)
    epochs = settings["epochs"][0]
    metrics: dict[str, Metric] = {
        "title": title,
        "test_accuracy": accuracy,
        "test_loss": loss,
        "known_accuracy": known_accuracy,
        "parameters": sum(run.model.count_params() for run in runs),
        "forward_flops": sum(forward_flops(run.model) for run in runs),
        "optimizer": settings["optimizer"][0],
        "epochs": epochs,
        "batch_size": settings["batch_size"][0],
        "seed": runs[0].seed,
        "training_seconds": seconds,
        "samples_per_second": len(runs) * epochs * FIT_SIZE / seconds,
        "cpu_utilisation": cpu_seconds / (seconds * runs[0].clock.cores),
    }
    history = None
    if len(runs) == 1:
        history = {**runs[0].history.history, "seconds": runs[0].clock.epoch_seconds}
        if "val_accuracy" in history:
            metrics["validation_accuracy"] = history["val_accuracy"][-1]
    store_result(model, history, **metrics)
    record_predictions(model, np.asarray(probabilities).argmax(axis=1))


def score_on_test_set(probabilities: np.ndarray, model: str = "the model") -> tuple[float, float]:
    """Test accuracy and loss of ``probabilities`` for the 10,000 test images, in order.

    The loss is plain cross-entropy, whatever the model trained with (label smoothing included),
    so that the losses of all the course's models are measured alike.
    """
    labels = _test_labels()
    probabilities = _check_probabilities(model, probabilities, len(labels))
    losses = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == labels))
    return accuracy, float(np.mean(keras.ops.convert_to_numpy(losses)))


def describe_optimizer(optimizer: keras.optimizers.Optimizer) -> str:
    """The optimizer and its learning rate in a few words, read from its own configuration:
    'Adam, cosine decay from 0.001', 'Adam, one cycle to 0.01', 'SGD, constant rate 0.5'."""
    rate = optimizer.get_config()["learning_rate"]
    name = type(optimizer).__name__
    if not isinstance(rate, dict):
        return f"{name}, constant rate {rate:g}"
    config = rate["config"]
    if rate["class_name"] == "CosineDecay" and config.get("warmup_target") is not None:
        return f"{name}, one cycle to {config['warmup_target']:g}"
    if rate["class_name"] == "CosineDecay":
        return f"{name}, cosine decay from {config['initial_learning_rate']:g}"
    return f"{name}, {rate['class_name']} schedule"


@functools.cache
def _test_labels() -> np.ndarray:
    (_, _), (_, y_test) = load_mnist()
    y_test.flags.writeable = False
    return y_test


def _check_probabilities(model: str, probabilities: np.ndarray, images: int) -> np.ndarray:
    probabilities = np.asarray(probabilities)
    if probabilities.shape != (images, 10):
        raise ValueError(
            f"probabilities of {model!r} must be one row of ten per test image, shape "
            f"({images}, 10); got shape {probabilities.shape} (pass model.predict(x_test))"
        )
    if not np.all(np.isfinite(probabilities)) or not np.allclose(
        probabilities.sum(axis=1), 1, atol=1e-3
    ):
        raise ValueError(
            f"probabilities of {model!r} must be finite and sum to 1 per image (a softmax "
            "output); got logits or damaged values"
        )
    return probabilities


def store_result(
    model: str, history: Mapping[str, Sequence[float]] | None = None, **metrics: Metric
) -> None:
    """Store ``metrics`` (accuracy, loss, parameters...) under ``model``; record_result calls it.

    ``history`` (``history.history`` from ``model.fit``) keeps the learning curves too, so later
    notebooks can draw them beside their own. Storing a model again replaces its entry. Values
    must be plain finite numbers or strings: a NaN or an array would make the file unreadable
    elsewhere.
    """
    _check_name(model)
    _update(RESULTS_FILE, model, {key: _plain(model, key, value) for key, value in metrics.items()})
    if history is not None:
        curves = {
            key: [_plain(model, key, value) for value in values] for key, values in history.items()
        }
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
            f"predictions of {model!r} must be one digit per test image, "
            f"shape ({sum(TEST_LABEL_COUNTS)},); "
            f"got shape {predicted.shape} (pass probabilities.argmax(axis=1))"
        )
    if not np.issubdtype(predicted.dtype, np.integer) or predicted.min() < 0 or predicted.max() > 9:
        raise ValueError(
            f"predictions of {model!r} must be whole digits 0-9; got dtype {predicted.dtype}"
        )
    _update(PREDICTIONS_FILE, model, "".join(map(str, predicted.tolist())))


def load_predictions() -> pd.DataFrame:
    """Recorded test-set predictions, one column per model (in name order), one row per test
    image."""
    stored = _merged(PREDICTIONS_FILE)
    return pd.DataFrame(
        {
            model: np.frombuffer(digits.encode(), dtype=np.uint8) - ord("0")
            for model, digits in stored.items()
        }
    )


def record_seed_run(model: str, seed: int, **metrics: Metric) -> None:
    """Store one re-training of ``model`` with ``seed`` (used by benchmarks/recipes.py)."""
    _check_name(model)
    path = output_root() / SEED_SPREAD_FILE
    runs = _read(path) if path.is_file() else {}
    runs.setdefault(model, {})[str(seed)] = {
        key: _plain(model, key, value) for key, value in metrics.items()
    }
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
        raise KeyError(
            f"no ablation runs recorded for {recipe!r}; run `python -m benchmarks.ablation`"
        )
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


def record_export(version: str, **metrics: Metric) -> None:
    """Store one exported version of a model (its file size, accuracy, agreement with the Keras
    model, speed) for the README's table; recording a version again replaces it."""
    _check_name(version)
    _update(
        EXPORTS_FILE, version, {key: _plain(version, key, value) for key, value in metrics.items()}
    )


def load_exports() -> pd.DataFrame:
    """The recorded exported versions, one row per version, in name order."""
    exports = _merged(EXPORTS_FILE)
    if not exports:
        raise FileNotFoundError(
            f"{output_root() / EXPORTS_FILE}: nothing recorded yet; run lesson 10 first"
        )
    return pd.DataFrame.from_dict(exports, orient="index").rename_axis("version")


def load_results() -> pd.DataFrame:
    """All recorded results as a table, one row per model.

    The committed results, updated with any that a notebook run has just written elsewhere (as
    during the tests), so a notebook always sees every model, the fresh ones where there are.
    """
    results = _merged(RESULTS_FILE)
    if not results:
        raise FileNotFoundError(
            f"{output_root() / RESULTS_FILE}: nothing recorded yet; run the model notebooks first"
        )
    return pd.DataFrame.from_dict(results, orient="index").rename_axis("model")


def load_histories() -> dict[str, dict[str, list[float]]]:
    """Recorded learning curves by model, fresh ones first as in load_results(); may be empty."""
    return _merged(HISTORIES_FILE)


def load_seed_spread(model: str) -> pd.DataFrame:
    """The test scores of ``model`` re-trained with several seeds, one row per seed, with the
    mean, standard deviation and range below them."""
    runs = _merged(SEED_SPREAD_FILE)
    if model not in runs:
        raise KeyError(f"no seed runs recorded for {model!r}; run `python -m benchmarks.recipes`")
    table = pd.DataFrame.from_dict(runs[model], orient="index").rename_axis("seed")
    table.index = table.index.astype(int)
    table = table.sort_index()
    summary = table.agg(["mean", "std", "min", "max"])
    return pd.concat([table, summary])


def margin_from_spread(
    spread: pd.DataFrame, metric: str = "test_accuracy", seeds: int = 1
) -> float:
    """How far below its target a notebook's accuracy may fall before its check fails.

    Three standard deviations of the seed spread, rounded up to 0.1 percentage points: a rerun on
    another CPU or seed passes, a model that stops learning does not. For a mean over ``seeds``
    runs, the standard deviation of that mean (divided by the square root of ``seeds``). Deriving
    the margin from a measurement, rather than picking it, keeps the check honest.
    """
    if seeds < 1:
        raise ValueError(f"seeds must be at least 1, got {seeds}")
    deviation = float(spread.loc["std", metric]) / math.sqrt(seeds)
    if not math.isfinite(deviation):
        raise ValueError(
            f"the spread of {metric!r} has no standard deviation; it needs at least two seeds"
        )
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
    raise ValueError(
        f"metric {key!r} of model {model!r} must be a finite number or a string, got {value!r}"
    )


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
