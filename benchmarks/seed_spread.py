"""How much does a model's test accuracy depend on the random seed? Measured, not assumed.

    python benchmarks/seed_spread.py [NOTEBOOK_STEM ...] [--seeds 42 1 2]

Re-executes each model notebook, unchanged, once per seed (the notebooks read the seed from
MNIST_COURSE_SEED), in a scratch output folder, up to the cell that records its result, and
records the test accuracy and loss of every model the run trained in results/seed_spread.json. Each notebook shows that table and justifies the margin of its accuracy
check with it. Prints progress and a summary as it goes. Takes a few minutes per dense notebook.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "tools" / "notebooks.py")
notebook_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(notebook_tool)

from mnist_course.results import load_seed_spread, record_seed_run  # noqa: E402

MODEL_NOTEBOOKS = ["01_mlp_baseline", "02_dropout", "03_rmsprop_512", "04_cnn", "05_batchnorm"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=MODEL_NOTEBOOKS, help="notebook stems (default: all model notebooks)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[42, 1, 2], help="at least 3; 42 is the committed run's")
    args = parser.parse_args()
    if len(args.seeds) < 3:
        parser.error("a spread needs at least 3 seeds")
    for stem in args.notebooks:
        path = ROOT / "notebooks" / f"{stem}.ipynb"
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as scratch:
                started = time.perf_counter()
                environment = {"MNIST_COURSE_SEED": str(seed), "MNIST_COURSE_OUTPUT_DIR": scratch}
                notebook_tool.execute(path, environment, until="record_result(")
                # the scratch folder starts empty: every model in it was trained by this run
                recorded = json.loads((Path(scratch) / "results" / "results.json").read_text())
            for model, result in recorded.items():
                assert result["seed"] == seed, f"{model} did not train with seed {seed}"
                record_seed_run(model, seed, test_accuracy=result["test_accuracy"], test_loss=result["test_loss"])
                print(f"{model} seed {seed}: test accuracy {result['test_accuracy']:.4f}", flush=True)
            print(f"  ({stem} ran {time.perf_counter() - started:.0f} s)", flush=True)
        for model in recorded:
            summary = load_seed_spread(model).loc[["mean", "std", "min", "max"], "test_accuracy"]
            print(f"{model}: " + ", ".join(f"{name} {value:.4f}" for name, value in summary.items()), flush=True)


if __name__ == "__main__":
    main()
