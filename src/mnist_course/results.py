"""Recording each model's results in one machine-readable file that the comparison reads."""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path

import pandas as pd

from mnist_course.paths import output_root, project_root

RESULTS_FILE = Path("results") / "results.json"


def results_path() -> Path:
    """Where results are written: ``results/results.json`` under the output root."""
    return output_root() / RESULTS_FILE


def record_result(model: str, **metrics: float | int | str) -> None:
    """Store ``metrics`` (accuracy, loss, parameters, epochs, training time...) under ``model``.

    The file is JSON, keys sorted and one model per entry, so that a refresh shows as a small,
    readable diff. Recording a model again replaces its previous entry. Values must be plain
    finite numbers or strings: a NaN or a NumPy array would make the file unreadable elsewhere.
    """
    if not model or not isinstance(model, str):
        raise ValueError(f"model name must be a non-empty string, got {model!r}")
    clean: dict[str, float | int | str] = {}
    for key, value in metrics.items():
        if isinstance(value, str):
            clean[key] = value
        elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
            clean[key] = int(value)
        elif isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value):
            clean[key] = float(value)
        else:
            raise ValueError(
                f"metric {key!r} of model {model!r} must be a finite number or a string, got {value!r}"
            )
    path = results_path()
    results = _read(path) if path.is_file() else {}
    results[model] = clean
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def load_results(path: str | Path | None = None) -> pd.DataFrame:
    """All recorded results as a table, one row per model.

    Reads the freshly written file when there is one (a notebook run just recorded it), else the
    committed ``results/results.json`` of the checkout.
    """
    if path is None:
        path = results_path()
        root = project_root()
        if not path.is_file() and root is not None:
            path = root / RESULTS_FILE
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no recorded results yet; run the model notebooks first (or `make notebooks`)"
        )
    return pd.DataFrame.from_dict(_read(path), orient="index").rename_axis("model")


def _read(path: Path) -> dict[str, dict[str, float | int | str]]:
    try:
        results = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error}); restore it with git") from error
    if not isinstance(results, dict):
        raise ValueError(f"{path}: expected an object of models, found {type(results).__name__}")
    return results
