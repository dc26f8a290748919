"""Benchmark the recipes of notebooks 01-05 on this machine: speed, accuracy over seeds, and how
both compare with Keras's default settings and with what the hardware can do.

    python benchmarks/recipes.py        (or: make benchmark; about an hour on 2 CPU cores)

Everything is measured in one run, so the ratios compare like with like on a noisy machine:

1. The machine's fp32 peak: TensorFlow multiplying two 4096x4096 matrices, best of 10, at the start
   and again at the end (the higher is the peak; a large gap means the machine was busy).
2. The whole series: every notebook top to bottom in a fresh kernel, seed 42, as the tests run it.
3. Each model notebook again with seeds 1 and 2, up to the cell that records its result.
4. Each model notebook with Keras's defaults, once per seed, right after the course's run with the
   same seed (for seed 42, the series' run comes first): the same recipe with ``steps_per_execution=1``, the one setting in which the
   course's training differs from a plain ``fit`` on NumPy arrays. The speed-up is the ratio of the
   mean training times over the seeds; the accuracies must agree seed by seed, since both pipelines
   train the very same steps.

Each run writes to a scratch folder; the notebooks record their training time, images per second,
CPU utilisation and forward FLOPs per image (mnist_course.performance), and this script reads them.
Writes results/seed_spread.json (test accuracy and loss per seed, which the notebooks show),
results/benchmark.json (every figure) and results/benchmark.md (the summary the README quotes).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import re
import tempfile
import time
from pathlib import Path

import keras
import nbformat
import numpy as np
import pandas as pd
import tensorflow as tf

from mnist_course.data import VALIDATION_SIZE
from mnist_course.paths import output_root
from mnist_course.performance import available_cores
from mnist_course.results import clear_seed_runs, record_seed_run

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "tools" / "notebooks.py")
notebook_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(notebook_tool)

MODEL_NOTEBOOKS = ["01_mlp_baseline", "02_dropout", "03_rmsprop_512", "04_cnn", "05_batchnorm"]
SEEDS = (42, 1, 2)
BENCHMARK_JSON = Path("results") / "benchmark.json"
BENCHMARK_MARKDOWN = Path("results") / "benchmark.md"
#: Training one image costs about three forward passes: the forward pass itself, then the
#: gradients with respect to the activations and to the weights, each as costly as it.
TRAINING_FLOPS_PER_FORWARD_FLOP = 3
STEPS_PER_EXECUTION = re.compile(r"steps_per_execution=\d+")


def matmul_peak(size: int = 4096, repeats: int = 10) -> float:
    """FLOP/s of TensorFlow's fp32 matrix multiply, best of ``repeats``: what the cores can reach
    on the most favourable work there is, with every thread TensorFlow uses for training."""
    a = tf.random.normal((size, size), seed=0)
    b = tf.random.normal((size, size), seed=1)
    tf.linalg.matmul(a, b).numpy()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        tf.linalg.matmul(a, b).numpy()
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best


def with_keras_defaults(path: Path) -> nbformat.NotebookNode:
    """The notebook with every ``steps_per_execution=N`` set back to Keras's default of 1."""
    nb = nbformat.read(path, as_version=4)
    found = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source, count = STEPS_PER_EXECUTION.subn("steps_per_execution=1", cell.source)
            found += count
    if not found:
        raise ValueError(f"{path.name} sets no steps_per_execution: nothing to compare against Keras's defaults")
    return nb


def run_notebook(stem: str, seed: int, until: str | None, notebook: nbformat.NotebookNode | None = None) -> tuple[dict, float]:
    """Execute a notebook in a scratch output folder; return what it recorded and its wall time."""
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    with tempfile.TemporaryDirectory() as scratch:
        environment = {"MNIST_COURSE_SEED": str(seed), "MNIST_COURSE_OUTPUT_DIR": scratch}
        started = time.perf_counter()
        notebook_tool.execute(path, environment, until=until, notebook=notebook)
        seconds = time.perf_counter() - started
        results = Path(scratch) / "results" / "results.json"
        recorded = json.loads(results.read_text()) if results.is_file() else {}
    for model, result in recorded.items():
        if result["seed"] != seed:
            raise RuntimeError(f"{model} trained with seed {result['seed']}, not {seed}")
    return recorded, seconds


def summarise(runs: pd.DataFrame, peak_flops: float) -> pd.DataFrame:
    """One row per model from one row per (model, seed, pipeline) training run.

    ``runs`` holds what the notebooks recorded (test_accuracy, training_seconds, samples_per_second,
    cpu_utilisation, forward_flops, epochs) with columns model, seed and pipeline ("course" or
    "keras defaults"). Figures are means over the seeds. Training times on a shared machine vary
    by tens of percent from run to run, which is why the speed-up is a ratio of means over several
    seeds rather than of two single runs.
    """
    course = runs[runs.pipeline == "course"]
    defaults = runs[runs.pipeline == "keras defaults"]
    images_trained = course.samples_per_second * course.training_seconds
    validated = course.epochs * VALIDATION_SIZE
    training_flops = course.forward_flops * (TRAINING_FLOPS_PER_FORWARD_FLOP * images_trained + validated)
    course = course.assign(flops_per_second=training_flops / course.training_seconds)
    grouped = course.groupby("model", sort=True)
    table = pd.DataFrame(
        {
            "seeds": grouped.seed.count(),
            "training_seconds": grouped.training_seconds.mean(),
            "samples_per_second": grouped.samples_per_second.mean(),
            "cpu_utilisation": grouped.cpu_utilisation.mean(),
            "gflops_per_second": grouped.flops_per_second.mean() / 1e9,
            "test_accuracy_mean": grouped.test_accuracy.mean(),
            "test_accuracy_std": grouped.test_accuracy.std(),
            "test_accuracy_min": grouped.test_accuracy.min(),
            "test_accuracy_max": grouped.test_accuracy.max(),
        }
    )
    table["fraction_of_peak"] = table.gflops_per_second * 1e9 / peak_flops
    table["keras_defaults_seconds"] = defaults.groupby("model").training_seconds.mean()
    table["speedup_over_keras_defaults"] = table.keras_defaults_seconds / table.training_seconds
    paired = course.merge(defaults, on=["model", "seed"], suffixes=("", "_defaults"))
    table["keras_defaults_seeds"] = paired.groupby("model").seed.count()
    same = paired.test_accuracy == paired.test_accuracy_defaults
    table["same_accuracy_every_seed"] = same.groupby(paired.model).all()
    return table


def machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), flags=re.MULTILINE)
        cpu = names[0].strip() if names else cpu
    return {
        "cpu": cpu,
        "cores": available_cores(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }


def markdown(table: pd.DataFrame, facts: dict) -> str:
    """The summary the README quotes: the machine, the peak, one row per recipe, the series time."""
    rows = pd.DataFrame(
        {
            "training (s)": table.training_seconds.round(0).astype(int),
            "images/s": table.samples_per_second.map("{:,.0f}".format),
            "CPU busy": table.cpu_utilisation.map("{:.0%}".format),
            "GFLOP/s": table.gflops_per_second.map("{:.1f}".format),
            "of fp32 peak": table.fraction_of_peak.map("{:.1%}".format),
            "test accuracy (seeds)": [
                f"{row.test_accuracy_mean:.2%} ({row.test_accuracy_min:.2%}-{row.test_accuracy_max:.2%})"
                for row in table.itertuples()
            ],
            "Keras defaults (s)": table.keras_defaults_seconds.round(0).astype(int),
            "speed-up": table.speedup_over_keras_defaults.map("{:.2f}x".format),
            "same accuracy": np.where(table.same_accuracy_every_seed, "yes", "no"),
        },
        index=table.index,
    )
    info = facts["machine"]
    series = facts["series"]
    lines = [
        f"Measured by `python benchmarks/recipes.py` on {info['cpu']}, {info['cores']} cores, "
        f"TensorFlow {info['tensorflow']}, Keras {info['keras']}.",
        "",
        f"- fp32 matrix-multiply peak: {facts['peak_gflops']:.0f} GFLOP/s "
        f"(start {facts['peak_gflops_start']:.0f}, end {facts['peak_gflops_end']:.0f}).",
        f"- The whole series, {len(series['notebooks'])} notebooks top to bottom: "
        f"{series['total_seconds'] / 60:.1f} min.",
        f"- Every figure is a mean over seeds {', '.join(map(str, SEEDS))}. The speed-up is the mean training time "
        "with Keras's defaults over the course's; \"same accuracy\": both gave the same test accuracy with every seed.",
        "- GFLOP/s counts 3 forward passes per training image and 1 per validation image.",
        "",
        rows.rename_axis("recipe").to_markdown(),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{(time.perf_counter() - started) / 60:4.1f} min] {message}", flush=True)

    peak_start = matmul_peak()
    progress(f"fp32 matmul peak {peak_start / 1e9:.0f} GFLOP/s")

    runs: list[dict] = []
    series: dict[str, float] = {}
    for path in notebook_tool.notebook_paths():
        recorded, seconds = run_notebook(path.stem, SEEDS[0], until=None)
        series[path.stem] = seconds
        if path.stem in MODEL_NOTEBOOKS:  # 07 measures its own seeds (benchmarks/ablation.py)
            runs += [{"model": m, "seed": SEEDS[0], "pipeline": "course", **r} for m, r in recorded.items()]
        progress(f"series: {path.stem} ran in {seconds:.0f} s")
    progress(f"the whole series ran in {sum(series.values()) / 60:.1f} min")

    for stem in MODEL_NOTEBOOKS:
        defaults = with_keras_defaults(ROOT / "notebooks" / f"{stem}.ipynb")
        for seed in SEEDS:
            if seed != SEEDS[0]:  # the series has just run the course's seed 42
                recorded, _ = run_notebook(stem, seed, until="record_result(")
                runs += [{"model": m, "seed": seed, "pipeline": "course", **r} for m, r in recorded.items()]
                progress(f"{stem} seed {seed}: " + ", ".join(f"{m} {r['test_accuracy']:.2%}" for m, r in recorded.items()))
            recorded, _ = run_notebook(stem, seed, until="record_result(", notebook=defaults)
            runs += [{"model": m, "seed": seed, "pipeline": "keras defaults", **r} for m, r in recorded.items()]
            timings = ", ".join(f"{m} {r['training_seconds']:.0f} s" for m, r in recorded.items())
            progress(f"{stem} seed {seed} with Keras's defaults: {timings}")

    peak_end = matmul_peak()
    progress(f"fp32 matmul peak {peak_end / 1e9:.0f} GFLOP/s")

    frame = pd.DataFrame(runs)
    table = summarise(frame, max(peak_start, peak_end))
    facts = {
        "machine": machine(),
        "peak_gflops": max(peak_start, peak_end) / 1e9,
        "peak_gflops_start": peak_start / 1e9,
        "peak_gflops_end": peak_end / 1e9,
        "series": {"notebooks": series, "total_seconds": sum(series.values())},
    }
    clear_seed_runs(*frame.model.unique())  # this run's seeds replace the last run's
    for run in frame[frame.pipeline == "course"].itertuples():
        record_seed_run(run.model, run.seed, test_accuracy=run.test_accuracy, test_loss=run.test_loss)
    summary = markdown(table, facts)
    (output_root() / BENCHMARK_JSON).write_text(
        json.dumps({**facts, "recipes": json.loads(table.to_json(orient="index")), "runs": runs}, indent=2, sort_keys=True)
        + "\n"
    )
    (output_root() / BENCHMARK_MARKDOWN).write_text(summary)
    print(summary, flush=True)


if __name__ == "__main__":
    main()
