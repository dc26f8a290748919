import numpy as np
import pandas as pd
import pytest

from mnist_course.comparison import (
    ablation_table,
    comparison_table,
    export_table,
    misclassified_by_all,
)


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
    assert row["test mistakes"] == 163  # 10,000 test digits less the 98.37% read right
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


def ablation_runs():
    return pd.DataFrame(
        {
            "variant": ["full recipe"] * 2 + ["no schedule"] * 2 + ["batch 32"] * 2,
            "seed": [1, 2, 1, 2, 1, 2],
            "seconds": [4.0, 6.0, 5.0, 5.0, 20.0, 20.0],
            "validation_accuracy": [0.9900, 0.9910, 0.9850, 0.9870, 0.9920, 0.9900],
        }
    )


def test_ablation_table_sets_each_variant_against_the_full_recipe():
    table = ablation_table(ablation_runs(), baseline="full recipe")
    assert list(table.index) == ["full recipe", "no schedule", "batch 32"]
    assert table.loc["no schedule", "validation accuracy (%)"] == 98.6
    assert table.loc["no schedule", "change (points)"] == -0.45
    assert (table.loc["no schedule", "lowest (%)"], table.loc["no schedule", "highest (%)"]) == (
        98.5,
        98.7,
    )
    assert table.loc["batch 32", "time (x full recipe)"] == 4.0
    assert (
        table.loc["full recipe", "change (points)"] == 0 and table.loc["full recipe", "seeds"] == 2
    )


def test_ablation_table_refuses_variants_run_with_other_seeds():
    runs = ablation_runs()
    runs.loc[5, "seed"] = 3
    with pytest.raises(ValueError, match="batch 32"):
        ablation_table(runs, baseline="full recipe")


def test_ablation_table_needs_its_baseline_and_metric():
    with pytest.raises(KeyError, match="baseline"):
        ablation_table(ablation_runs(), baseline="everything")
    with pytest.raises(KeyError, match="test_accuracy"):
        ablation_table(ablation_runs(), baseline="full recipe", metric="test_accuracy")


def test_export_table_shows_sizes_percentages_and_counts_largest_file_first():
    exports = pd.DataFrame(
        {
            "size_kb": [672.4, 2581.2],
            "test_accuracy": [0.99634, 0.9965],
            "agreement": [0.9998, 1.0],
            "ms_per_image": [0.11441, 0.3449],
        },
        index=pd.Index(["LiteRT dynamic range", "LiteRT float32"], name="version"),
    )
    table = export_table(exports)
    assert list(table.index) == ["LiteRT float32", "LiteRT dynamic range"]
    assert table.loc["LiteRT dynamic range"].tolist() == [672, 99.63, 9998, 0.114]


def test_export_table_names_what_is_missing():
    with pytest.raises(KeyError, match="ms_per_image"):
        export_table(pd.DataFrame({"size_kb": [1.0], "test_accuracy": [1.0], "agreement": [1.0]}))
