import importlib.util
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("recipes_benchmark", ROOT / "benchmarks" / "recipes.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)


@pytest.mark.parametrize("stem", benchmark.MODEL_NOTEBOOKS)
def test_keras_defaults_differ_from_the_notebook_in_steps_per_execution_only(stem):
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    original = [cell.source for cell in benchmark.nbformat.read(path, as_version=4).cells]
    edited = [cell.source for cell in benchmark.with_keras_defaults(path).cells]
    changed = [(a, b) for a, b in zip(original, edited) if a != b]
    assert changed, f"{stem} sets no steps_per_execution"
    for before, after in changed:
        assert "steps_per_execution=1" in after and "steps_per_execution=1" not in before
        assert benchmark.STEPS_PER_EXECUTION.sub("", before) == benchmark.STEPS_PER_EXECUTION.sub("", after)


def test_a_notebook_without_the_setting_cannot_be_compared():
    with pytest.raises(ValueError, match="sets no steps_per_execution"):
        benchmark.with_keras_defaults(ROOT / "notebooks" / "00_data.ipynb")


def run(seed, pipeline, seconds, accuracy):
    # 2 epochs of 1,000 images at 1 MFLOP per forward pass
    return dict(
        model="m", seed=seed, pipeline=pipeline, training_seconds=seconds, samples_per_second=2000 / seconds,
        cpu_utilisation=0.8, forward_flops=1_000_000, epochs=2, test_accuracy=accuracy, test_loss=0.1,
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
        "series": {"notebooks": {"a": 60.0, "b": 120.0}, "total_seconds": 180.0},
    }  # fmt: skip
    summary = benchmark.markdown(table, facts)
    assert "Test CPU, 2 cores" in summary and "3.0 min" in summary
    assert "| m " in summary and "2.00x" in summary and "| yes" in summary and "98.50% (98.00%-99.00%)" in summary
