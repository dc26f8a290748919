"""Setting the recorded models side by side: the comparison table and their shared mistakes.

Lesson 09 shows the table, and tools/notebooks.py writes the same table into the README, where
a test keeps it equal to the recorded results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mnist_course.data import TEST_LABEL_COUNTS

#: Images in the test set: a test accuracy times this is a count of digits read right.
TEST_SIZE = sum(TEST_LABEL_COUNTS)

#: What the table needs from each model's recorded results (see record_result).
REQUIRED_METRICS = (
    "title", "parameters", "optimizer", "epochs", "batch_size", "training_seconds",
    "test_accuracy", "test_loss", "known_accuracy",
)  # fmt: skip


def comparison_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per model, in notebook order: what it is, what it cost, and how it scored against
    the accuracy its recipe is known for.

    Percentages are rounded to two decimals first and the difference is taken between the rounded
    figures, so that every number in a row can be checked against the others by eye.
    """
    missing = {
        model: [metric for metric in REQUIRED_METRICS if metric not in row or pd.isna(row[metric])]
        for model, row in results.iterrows()
    }
    missing = {model: metrics for model, metrics in missing.items() if metrics}
    if missing:
        raise KeyError(f"recorded results lack {missing}; re-run those notebooks to record them")
    results = results.sort_index()
    accuracy = (100 * results.test_accuracy.astype(float)).round(2)
    known = (100 * results.known_accuracy.astype(float)).round(2)
    return pd.DataFrame(
        {
            "model": results.title,
            "parameters": results.parameters.astype(int),
            "optimizer": results.optimizer,
            "epochs": results.epochs.astype(int),
            "batch": results.batch_size.astype(int),
            "training (s)": results.training_seconds.astype(float).round().astype(int),
            "test accuracy (%)": accuracy,
            "test mistakes": ((1 - results.test_accuracy.astype(float)) * TEST_SIZE)
            .round()
            .astype(int),
            "test loss": results.test_loss.astype(float).round(3),
            "known for (%)": known,
            "difference (points)": (accuracy - known).round(2),
        },
        index=results.index.rename("notebook"),
    )


def misclassified_by_all(predictions: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
    """Indices of the test images that every model (column of ``predictions``) got wrong.

    A digit that defeats models of every kind is rarely the models' fault: it is usually written
    ambiguously, or labelled wrongly.
    """
    labels = np.asarray(labels)
    if predictions.empty:
        raise ValueError("no predictions recorded; run the model notebooks first")
    if len(predictions) != len(labels):
        raise ValueError(
            f"{len(predictions)} predictions per model for {len(labels)} labels; "
            "both must cover the test set"
        )
    wrong = predictions.to_numpy() != labels[:, None]
    return np.flatnonzero(wrong.all(axis=1))


def ablation_table(
    runs: pd.DataFrame, baseline: str, metric: str = "validation_accuracy"
) -> pd.DataFrame:
    """What each technique is worth: one row per variant of a recipe, set against the full recipe.

    ``runs`` has one row per training run, with columns ``variant``, ``seed``, ``seconds`` and
    ``metric``; ``baseline`` names the full recipe's variant. A variant usually removes one
    technique. Every variant must have run with the same seeds as the baseline, so that the
    difference compares like with like; the spread columns show whether it exceeds the noise.
    """
    missing = {"variant", "seed", "seconds", metric} - set(runs.columns)
    if missing:
        raise KeyError(f"runs lack the columns {sorted(missing)}")
    seeds = runs.groupby("variant", sort=False).seed.apply(frozenset)
    if baseline not in seeds:
        raise KeyError(f"no runs of the baseline {baseline!r}; variants are {list(seeds.index)}")
    unpaired = [
        variant for variant, variant_seeds in seeds.items() if variant_seeds != seeds[baseline]
    ]
    if unpaired:
        raise ValueError(
            f"variants {unpaired} did not run with the baseline's seeds {sorted(seeds[baseline])}"
        )
    grouped = runs.groupby("variant", sort=False)
    percent = 100 * grouped[metric].agg(["mean", "min", "max"])
    seconds = grouped.seconds.mean()
    label = metric.replace("_", " ")
    table = pd.DataFrame(
        {
            "seeds": grouped.seed.count(),
            "training (s)": seconds.round(1),
            f"{label} (%)": percent["mean"].round(2),
            "lowest (%)": percent["min"].round(2),
            "highest (%)": percent["max"].round(2),
            "change (points)": (percent["mean"] - percent.loc[baseline, "mean"]).round(2),
            "time (x full recipe)": (seconds / seconds[baseline]).round(2),
        }
    )
    return table.rename_axis("variant")


#: What the table of exported versions needs from each recorded version (see record_export).
EXPORT_METRICS = ("size_kb", "test_accuracy", "agreement", "ms_per_image")


def export_table(exports: pd.DataFrame) -> pd.DataFrame:
    """Lesson 10's exported versions of a model side by side, as the lesson and the README show
    them, largest file first: the file's size, the accuracy on the test digits, how many test
    digits it reads as the Keras model does, and how long one digit takes."""
    missing = [metric for metric in EXPORT_METRICS if metric not in exports.columns]
    if missing:
        raise KeyError(f"recorded exports lack {missing}; re-run lesson 10 to record them")
    return pd.DataFrame(
        {
            "size (KB)": exports.size_kb.astype(float).round().astype(int),
            "test accuracy (%)": (100 * exports.test_accuracy.astype(float)).round(2),
            "same answer as Keras": (exports.agreement.astype(float) * TEST_SIZE)
            .round()
            .astype(int),
            "ms per image": exports.ms_per_image.astype(float).round(3),
        },
        index=exports.index,
    ).sort_values("size (KB)", ascending=False)
