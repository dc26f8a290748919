"""Counting a classifier's mistakes: the confusion matrix and the pairs it mixes up most."""

from __future__ import annotations

import numpy as np
import pandas as pd

NUM_CLASSES = 10


def _as_labels(values: np.ndarray, name: str) -> np.ndarray:
    labels = np.asarray(values)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"{name} must be a 1-D array of integer digit labels, got {labels.dtype} of shape "
            f"{labels.shape}; for predicted probabilities pass probabilities.argmax(axis=1)"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ValueError(f"{name} must hold digits 0-9, found {labels.min()}..{labels.max()}")
    return labels


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """10x10 counts: row = true digit, column = predicted digit; the diagonal is what was right."""
    y_true, y_pred = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{y_true.size} true labels but {y_pred.size} predictions; they must pair up"
        )
    pairs = y_true.astype(np.int64) * NUM_CLASSES + y_pred
    return np.bincount(pairs, minlength=NUM_CLASSES**2).reshape(NUM_CLASSES, NUM_CLASSES)


def most_confused_pairs(matrix: np.ndarray, top: int = 5) -> pd.DataFrame:
    """The ``top`` off-diagonal cells, largest first: which true digit was taken for which.

    ``share`` is the count as a fraction of that true digit's examples, so a pair is comparable
    across digits that appear more or less often.
    """
    matrix = np.asarray(matrix)
    if matrix.shape != (NUM_CLASSES, NUM_CLASSES):
        raise ValueError(f"expected a 10x10 confusion matrix, got shape {matrix.shape}")
    errors = matrix.astype(np.int64).copy()
    np.fill_diagonal(errors, 0)
    flat = np.argsort(errors, axis=None, kind="stable")[::-1][:top]
    rows = []
    for true, predicted in zip(*np.unravel_index(flat, errors.shape)):
        if errors[true, predicted] == 0:
            break
        rows.append(
            {
                "true": int(true),
                "predicted": int(predicted),
                "count": int(errors[true, predicted]),
                "share": errors[true, predicted] / matrix[true].sum(),
            }
        )
    return pd.DataFrame(rows, columns=["true", "predicted", "count", "share"])
