import numpy as np
import pandas as pd
import pytest

from mnist_course.comparison import comparison_table, misclassified_by_all


def results(**overrides):
    row = {
        "title": "MLP baseline",
        "parameters": 535818,
        "optimizer": "Adam",
        "epochs": 10,
        "batch_size": 128,
        "training_seconds": 27.4,
        "test_accuracy": 0.98369997,
        "test_loss": 0.06161,
        "known_accuracy": 0.98,
        "seed": 42,
    }
    return pd.DataFrame({"01_mlp": row, "00_first": {**row, **overrides}}).T


def test_comparison_table_rounds_then_takes_the_difference_in_notebook_order():
    table = comparison_table(results(test_accuracy=0.99225, known_accuracy=0.9903))
    assert list(table.index) == ["00_first", "01_mlp"]
    assert table.index.name == "notebook"
    row = table.loc["01_mlp"]
    assert row["test accuracy (%)"] == 98.37 and row["known for (%)"] == 98.0
    assert row["difference (points)"] == 0.37
    assert row["training (s)"] == 27 and row["batch"] == 128 and row["test loss"] == 0.062
    assert table.loc["00_first", "difference (points)"] == pytest.approx(99.22 - 99.03)
    assert "seed" not in table.columns


def test_comparison_table_names_the_model_and_metric_that_are_missing():
    with pytest.raises(KeyError, match="00_first.*known_accuracy"):
        comparison_table(results(known_accuracy=np.nan))


def test_misclassified_by_all_needs_every_model_wrong():
    labels = np.array([3, 5, 7, 1])
    predictions = pd.DataFrame({"a": [3, 6, 1, 7], "b": [8, 6, 7, 7]})
    assert list(misclassified_by_all(predictions, labels)) == [1, 3]


def test_misclassified_by_all_refuses_predictions_of_another_length():
    with pytest.raises(ValueError, match="3 predictions per model for 4 labels"):
        misclassified_by_all(pd.DataFrame({"a": [1, 2, 3]}), np.arange(4))
    with pytest.raises(ValueError, match="no predictions"):
        misclassified_by_all(pd.DataFrame(), np.arange(4))
