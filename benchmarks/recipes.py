"""Benchmark the recipes of lessons 02-06 on this machine: speed, accuracy over seeds, and how both
compare with Keras's default settings and with what the hardware can do.

    python -m benchmarks.recipes        (or: make benchmark; about an hour and a quarter on 2 cores)

Everything is measured in one run, so the ratios compare like with like on a noisy machine:

1. The machine's fp32 peak: TensorFlow multiplying two 4096x4096 matrices, best of 10, at the start
   and again at the end (the higher is the peak; a large gap means the machine was busy).
2. Each recipe with seeds 42, 1 and 2, by calling the lesson's own training function (imported
   from mnist_course.recipes, where each lesson's ``# @save`` cells put it), and right after each,
   the same recipe and seed with Keras's defaults: ``steps_per_execution=1``, the one setting in
   which the course's training differs from a plain ``fit`` on NumPy arrays. The speed-up is the
   ratio of the mean training times over the seeds; the accuracies must agree seed by seed,
   since both pipelines train the very same steps. Seed 42 must also give the accuracy that the
   lesson itself recorded: the benchmark and the lesson run one recipe.

Writes results/seed_spread.json (test accuracy and loss per seed, which the lessons show),
results/benchmark.json (every figure) and results/benchmark.md (the summary the README quotes).
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import re
import time
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from mnist_course.data import VALIDATION_SIZE, prepare_mnist
from mnist_course.paths import output_root
from mnist_course.performance import available_cores, forward_flops
from mnist_course.recipes import (
    train_cnn,
    train_dropout_mlp,
    train_first_cnn,
    train_mlp_baseline,
    train_rmsprop_512,
)
from mnist_course.results import (
    TrainingRun,
    clear_seed_runs,
    load_results,
    record_seed_run,
    score_on_test_set,
)

#: Each recipe of lessons 02-06 by the name its lesson records it under.
RECIPES: dict[str, Callable[..., TrainingRun]] = {
    "02_mlp_baseline": train_mlp_baseline,
    "03_dropout": train_dropout_mlp,
    "04_rmsprop_512": train_rmsprop_512,
    "05_cnn": train_first_cnn,
    "06_cnn_plain": functools.partial(train_cnn, batch_norm=False),
    "06_cnn_batchnorm": functools.partial(train_cnn, batch_norm=True),
}
SEEDS = (42, 1, 2)
PIPELINES = {"course": 32, "keras defaults": 1}  # steps_per_execution
BENCHMARK_JSON = Path("results") / "benchmark.json"
BENCHMARK_MARKDOWN = Path("results") / "benchmark.md"
#: Training one image costs about three forward passes: the forward pass itself, then the
#: gradients with respect to the activations and to the weights, each as costly as it.
TRAINING_FLOPS_PER_FORWARD_FLOP = 3


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


def measure(model: str, seed: int, pipeline: str, data) -> dict[str, object]:
    """Train ``model``'s recipe once and return what the summary needs of the run."""
    run = RECIPES[model](data, seed=seed, steps_per_execution=PIPELINES[pipeline])
    shape = (-1, *run.model.input_shape[1:])
    probabilities = run.model.predict(data.x_test.reshape(shape), verbose=0)
    test_accuracy, test_loss = score_on_test_set(probabilities, model)
    epochs = len(run.history.epoch)
    return {
        "model": model,
        "seed": seed,
        "pipeline": pipeline,
        "test_accuracy": test_accuracy,
        "test_loss": test_loss,
        "training_seconds": run.clock.seconds,
        "samples_per_second": epochs * len(data.x_fit) / run.clock.seconds,
        "cpu_utilisation": run.clock.cpu_utilisation,
        "forward_flops": forward_flops(run.model),
        "epochs": epochs,
    }


def summarise(runs: pd.DataFrame, peak_flops: float) -> pd.DataFrame:
    """One row per model from one row per (model, seed, pipeline) training run.

    ``runs`` holds what measure() returns. Figures are means over the seeds. Training times on a
    shared machine vary by tens of percent from run to run, which is why the speed-up is a ratio
    of means over several seeds rather than of two single runs.
    """
    course = runs[runs.pipeline == "course"]
    defaults = runs[runs.pipeline == "keras defaults"]
    images_trained = course.samples_per_second * course.training_seconds
    validated = course.epochs * VALIDATION_SIZE
    training_flops = course.forward_flops * (
        TRAINING_FLOPS_PER_FORWARD_FLOP * images_trained + validated
    )
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


def agrees_with_lessons(runs: pd.DataFrame, recorded: pd.DataFrame) -> dict[str, bool]:
    """For each model, whether its seed-42 run here scored what its lesson recorded."""
    ours = runs[(runs.pipeline == "course") & (runs.seed == 42)].set_index("model").test_accuracy
    return {
        model: bool(model in recorded.index and recorded.loc[model, "test_accuracy"] == accuracy)
        for model, accuracy in ours.items()
    }


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
    """The summary the README quotes: the machine, the peak, one row per recipe."""
    rows = pd.DataFrame(
        {
            "training (s)": table.training_seconds.round(0).astype(int),
            "images/s": table.samples_per_second.map("{:,.0f}".format),
            "CPU busy": table.cpu_utilisation.map("{:.0%}".format),
            "GFLOP/s": table.gflops_per_second.map("{:.1f}".format),
            "of fp32 peak": table.fraction_of_peak.map("{:.1%}".format),
            "test accuracy (seeds)": [
                f"{row.test_accuracy_mean:.2%} ({row.test_accuracy_min:.2%}-"
                f"{row.test_accuracy_max:.2%})"
                for row in table.itertuples()
            ],
            "Keras defaults (s)": table.keras_defaults_seconds.round(0).astype(int),
            "speed-up": table.speedup_over_keras_defaults.map("{:.2f}x".format),
            "same accuracy": np.where(table.same_accuracy_every_seed, "yes", "no"),
        },
        index=table.index,
    )
    info = facts["machine"]
    agreeing = facts["agrees_with_lessons"]
    lines = [
        f"Measured by `python -m benchmarks.recipes` on {info['cpu']}, {info['cores']} cores, "
        f"TensorFlow {info['tensorflow']}, Keras {info['keras']}.",
        "",
        f"- fp32 matrix-multiply peak: {facts['peak_gflops']:.0f} GFLOP/s "
        f"(start {facts['peak_gflops_start']:.0f}, end {facts['peak_gflops_end']:.0f}).",
        f"- Every figure is a mean over seeds {', '.join(map(str, SEEDS))}, each trained by the "
        "lesson's own function. The speed-up is the mean training time with Keras's defaults "
        'over the course\'s; "same accuracy": both gave the same test accuracy with every seed.',
        f"- Seed 42 scored what its lesson recorded for {sum(agreeing.values())} of "
        f"{len(agreeing)} recipes.",
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
        print(f"[{(time.perf_counter() - started) / 60:5.1f} min] {message}", flush=True)

    peak_start = matmul_peak()
    progress(f"fp32 matmul peak {peak_start / 1e9:.0f} GFLOP/s")
    data = prepare_mnist()
    runs = []
    for model in RECIPES:
        for seed in SEEDS:
            for pipeline in PIPELINES:
                runs.append(measure(model, seed, pipeline, data))
                progress(
                    f"{model} seed {seed}, {pipeline}: {runs[-1]['test_accuracy']:.2%} "
                    f"in {runs[-1]['training_seconds']:.0f} s"
                )
    peak_end = matmul_peak()
    progress(f"fp32 matmul peak {peak_end / 1e9:.0f} GFLOP/s")

    frame = pd.DataFrame(runs)
    table = summarise(frame, max(peak_start, peak_end))
    facts = {
        "machine": machine(),
        "peak_gflops": max(peak_start, peak_end) / 1e9,
        "peak_gflops_start": peak_start / 1e9,
        "peak_gflops_end": peak_end / 1e9,
        "agrees_with_lessons": agrees_with_lessons(frame, load_results()),
    }
    clear_seed_runs(*RECIPES)  # this run's seeds replace the last run's
    for run in frame[frame.pipeline == "course"].itertuples():
        record_seed_run(
            run.model, run.seed, test_accuracy=run.test_accuracy, test_loss=run.test_loss
        )
    summary = markdown(table, facts)
    content = {**facts, "recipes": json.loads(table.to_json(orient="index")), "runs": runs}
    (output_root() / BENCHMARK_JSON).write_text(
        json.dumps(content, indent=2, sort_keys=True) + "\n"
    )
    (output_root() / BENCHMARK_MARKDOWN).write_text(summary)
    print(summary, flush=True)


if __name__ == "__main__":
    main()
