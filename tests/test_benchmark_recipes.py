import re

import nbformat
import pandas as pd
import pytest

from benchmarks import recipes as benchmark
from tools.notebooks import notebook_paths


def test_every_recipe_is_one_a_lesson_records_under_the_same_name():
    code = "\n".join(
        cell.source
        for path in notebook_paths()
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    )
    recorded = set(re.findall(r'record_result\(\s*"(\w+)"', code))
    assert set(benchmark.RECIPES) <= recorded, set(benchmark.RECIPES) - recorded
    assert {"02_mlp_baseline", "06_cnn_batchnorm"} <= set(benchmark.RECIPES)


def run(seed, pipeline, seconds, accuracy):
    # 2 epochs of 1,000 images at 1 MFLOP per forward pass
    return dict(
        model="m", seed=seed, pipeline=pipeline, training_seconds=seconds,
        samples_per_second=2000 / seconds, cpu_utilisation=0.8, forward_flops=1_000_000,
        epochs=2, test_accuracy=accuracy, test_loss=0.1,
    )  # fmt: skip


def test_summary_takes_means_over_seeds_and_compares_pipelines_seed_by_seed():
    runs = pd.DataFrame(
        [
            run(42, "course", 10.0, 0.98), run(1, "course", 30.0, 0.99),
            run(42, "keras defaults", 25.0, 0.98), run(1, "keras defaults", 55.0, 0.99),
        ]
    )  # fmt: skip
    table = benchmark.summarise(runs, peak_flops=1e9)
    row = table.loc["m"]
    assert row.seeds == 2 and row.training_seconds == 20.0 and row.keras_defaults_seeds == 2
    assert row.test_accuracy_mean == pytest.approx(0.985) and row.test_accuracy_min == 0.98
    assert row.speedup_over_keras_defaults == 2.0  # mean 40 s against mean 20 s
    assert row.same_accuracy_every_seed
    # 3 x 2,000 training images + 2 x 5,000 validation images, 1 MFLOP each: 16 GFLOP
    assert row.gflops_per_second == pytest.approx((16 / 10 + 16 / 30) / 2)
    assert row.fraction_of_peak == pytest.approx(row.gflops_per_second)
    runs.loc[3, "test_accuracy"] = 0.991  # seed 1 scored differently with Keras's defaults
    assert not benchmark.summarise(runs, peak_flops=1e9).loc["m", "same_accuracy_every_seed"]
    facts = {
        "machine": {"cpu": "Test CPU", "cores": 2, "tensorflow": "2.x", "keras": "3.x"},
        "peak_gflops": 1.0, "peak_gflops_start": 1.0, "peak_gflops_end": 0.9,
        "agrees_with_lessons": {"m": True, "n": False},
    }  # fmt: skip
    summary = benchmark.markdown(table, facts)
    assert "Test CPU, 2 cores" in summary
    assert "Seed 42 scored what its lesson recorded for 1 of 2 recipes" in summary
    assert "| m " in summary and "2.00x" in summary and "| yes" in summary
    assert "98.50% (98.00%-99.00%)" in summary


def test_the_benchmark_says_whether_seed_42_scored_what_the_lesson_recorded():
    runs = pd.DataFrame(
        [run(42, "course", 10.0, 0.98), run(1, "course", 10.0, 0.97)]
        + [{**run(42, "course", 10.0, 0.99), "model": "n"}]
        + [{**run(42, "keras defaults", 10.0, 0.5), "model": "n"}]
    )
    recorded = pd.DataFrame({"test_accuracy": [0.98, 0.985]}, index=["m", "n"])
    assert benchmark.agrees_with_lessons(runs, recorded) == {"m": True, "n": False}
    assert benchmark.agrees_with_lessons(runs, recorded.loc[["n"]]) == {"m": False, "n": False}
