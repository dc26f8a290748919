import importlib.util
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("ablation_benchmark", ROOT / "benchmarks" / "ablation.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)


def test_measuring_notebook_stops_at_the_variants_then_measures(tmp_path):
    output = tmp_path / "measured.json"
    nb = benchmark.measuring_notebook(output)
    *lesson, last_lesson_cell, measure = nb.cells
    assert benchmark.UNTIL in last_lesson_cell.source
    assert not any(benchmark.UNTIL in cell.source for cell in lesson)
    assert measure.source.startswith(f"OUTPUT = {str(output)!r}\n")
    # what the measuring cell calls must be defined by the lesson before it
    defined = "\n".join(cell.source for cell in nb.cells[:-1])
    for name in ("def train_accurate(", "members = {", "ABLATION_SEEDS = ", "fast_seeds = ", "x_test", "data = "):
        assert name in defined, f"notebook 07 no longer defines {name!r}, which the benchmark uses"


def measured():
    full = [
        {"variant": "full recipe", "seed": seed, "seconds": 180.0, "validation_accuracy": 0.995, "test_accuracy": accuracy}
        for seed, accuracy in [(42, 0.9960), (43, 0.9958), (44, 0.9962), (45, 0.9950), (46, 0.9964), (47, 0.9956)]
    ]
    ablated = [
        {"variant": "without augmentation", "seed": seed, "seconds": 150.0, "validation_accuracy": 0.993, "test_accuracy": 0.994}
        for seed in (42, 43)
    ]
    fast = [
        {"seed": 42, "training (s)": 4.0, "time to target (s)": 3.5, "validation accuracy": 0.99, "test accuracy": 0.9905},
        {"seed": 43, "training (s)": 6.0, "time to target (s)": math.nan, "validation accuracy": 0.988, "test accuracy": 0.9895},
    ]
    return {"runs": full + ablated, "ensembles": {"42": 0.9968, "45": 0.9966}, "fast": fast}


def test_summary_reports_time_to_99_against_05_and_the_spreads():
    recipe_05 = {"seconds": [40.0, 80.0, 120.0], "val_accuracy": [0.985, 0.991, 0.993]}
    text = benchmark.markdown(measured(), recipe_05)
    assert "fast recipe: 3.5 s (mean of the 1 of 2 seeds that got there)" in text
    assert "BatchNorm CNN: 80 s, 23 times as long" in text  # 05 first reaches 98.8% in its second epoch
    assert "one epoch, 5.0 s of training" in text and "1 of 2 at 99% or above" in text
    assert "over 6 seeds: 99.58% (99.50%-99.64%)" in text
    assert "2 of them: 99.68%, 99.66%" in text
    # the ablation compares the seeds every variant ran with, not the full recipe's extra seeds
    assert "seeds 42, 43" in text
    row = next(line for line in text.splitlines() if line.startswith("| without augmentation"))
    assert "-0.2" in row
