"""Time the whole series on this machine: each lesson as `make notebooks` runs it, the series in
all, and the README's test command, with the previous run's figures beside the new ones.

    python -m benchmarks.series                  (about 55 min on 2 cores)
    python -m benchmarks.series --lessons-only   (the lessons alone, without the test command)

Each lesson runs top to bottom in a fresh kernel with the course's seed, as `make notebooks` and
the tests run it, but with its figures and results going to a scratch folder, so nothing committed
changes. The last run's figures are kept in results/series.json as `previous`, so that a lesson
that got slower shows as a ratio measured on the same kind of machine, not as a guess. Timings on
a shared machine vary by a tenth or more from run to run: a ratio near 1 is noise, and only a
lesson that keeps coming out slower has changed.

The lessons' times are recorded before the test command runs, since its tests hold each lesson to
its budget: 5 minutes, lesson 08 12 minutes. The test command is timed as the README gives it,
less the one test that holds the recorded time of the test command itself to its 40 minutes: the
timed run cannot pass a check of its own figure.

Writes results/series.json (every figure) and results/series.md (the summary the README quotes),
and brings the README up to date: its lesson table takes its "runs in" column from the JSON file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from benchmarks.recipes import machine
from mnist_course.paths import OUTPUT_DIR_VARIABLE
from mnist_course.performance import duration_text
from mnist_course.seeding import SEED_VARIABLE
from tools import notebooks as notebook_tool

SERIES_JSON = Path("results") / "series.json"
SERIES_MARKDOWN = Path("results") / "series.md"
LESSON_BUDGET_SECONDS = 5 * 60
#: Lessons allowed longer than LESSON_BUDGET_SECONDS: lesson 08 trains the course's best models.
LONGER_BUDGETS_SECONDS = {"08_how_far_accuracy": 12 * 60}
TEST_COMMAND_BUDGET_SECONDS = 40 * 60
#: The README's test command (see its "Run the tests" section), as CI runs it.
TEST_COMMAND = ("pytest", "--nbval")
#: The one test that the timed run cannot pass: it checks the very figure being measured.
SELF_TEST = "tests/test_benchmark_series.py::test_the_test_command_runs_within_its_budget"


def budget_seconds(lesson: str) -> float:
    return LONGER_BUDGETS_SECONDS.get(lesson, LESSON_BUDGET_SECONDS)


def time_lessons(paths: list[Path]) -> dict[str, float]:
    """Seconds each lesson takes top to bottom in a fresh kernel, with the course's seed."""
    seconds = {}
    for path in paths:
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            notebook_tool.execute(path, {SEED_VARIABLE: "42", OUTPUT_DIR_VARIABLE: scratch})
            seconds[path.stem] = time.perf_counter() - started
    return seconds


def time_test_command() -> float:
    """Seconds the README's test command takes in this checkout; a failing run has no time."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", *TEST_COMMAND, "--deselect", SELF_TEST],
        cwd=notebook_tool.ROOT,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(
            f"`{' '.join(TEST_COMMAND)}` failed (exit {completed.returncode}): fix the failures "
            "before timing it"
        )
    return time.perf_counter() - started


def write(record: dict) -> None:
    """Save the record and its summary, and bring the README's run times and block up to date."""
    (notebook_tool.ROOT / SERIES_JSON).write_text(json.dumps(record, indent=2) + "\n")
    summary = markdown(record)
    (notebook_tool.ROOT / SERIES_MARKDOWN).write_text(summary)
    notebook_tool.sync_readme()
    print(summary, flush=True)


def new_record(
    lessons: dict[str, float],
    test_command_seconds: float | None,
    previous: dict | None,
    facts: dict,
) -> dict:
    """This run's figures, with the last run's (without its own `previous`) beside them."""
    record = {
        **facts,
        "lessons": lessons,
        "series_seconds": sum(lessons.values()),
        "test_command_seconds": test_command_seconds,
    }
    if previous:
        record["previous"] = {key: value for key, value in previous.items() if key != "previous"}
    return record


def _ratio(new: float | None, old: float | None) -> str:
    return f"{new / old:.2f}" if new and old else ""


def markdown(record: dict) -> str:
    """The summary the README quotes: the machine, each lesson against its budget and the last
    run, the series, and the test command."""
    previous = record.get("previous", {})
    before = previous.get("lessons", {})
    rows = pd.DataFrame(
        {
            "runs in": [duration_text(seconds) for seconds in record["lessons"].values()],
            "budget": [duration_text(budget_seconds(lesson)) for lesson in record["lessons"]],
            "last run": [
                duration_text(before[lesson]) if lesson in before else ""
                for lesson in record["lessons"]
            ],
            "ratio to last run": [
                _ratio(seconds, before.get(lesson)) for lesson, seconds in record["lessons"].items()
            ],
        },
        index=pd.Index(list(record["lessons"]), name="lesson"),
    )
    info = record["machine"]
    lines = [
        f"Measured by `python -m benchmarks.series` on {record['date']}, on {info['cpu']}, "
        f"{info['cores']} cores, TensorFlow {info['tensorflow']}, Keras {info['keras']}.",
        "",
        rows.to_markdown(disable_numparse=True),
        "",
        f"- The whole series, {len(record['lessons'])} lessons: "
        f"{duration_text(record['series_seconds'])}"
        + (
            f" (last run {duration_text(previous['series_seconds'])}, ratio "
            f"{_ratio(record['series_seconds'], previous['series_seconds'])})."
            if previous.get("series_seconds")
            else "."
        ),
    ]
    test_command = record.get("test_command_seconds")
    if test_command:
        lines.append(
            f"- The test command, `{' '.join(TEST_COMMAND)}`: {duration_text(test_command)}, "
            f"budget {duration_text(TEST_COMMAND_BUDGET_SECONDS)}"
            + (
                f" (last run {duration_text(previous['test_command_seconds'])})."
                if previous.get("test_command_seconds")
                else "."
            )
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lessons-only", action="store_true", help="leave the README's test command untimed"
    )
    arguments = parser.parse_args()
    json_path = notebook_tool.ROOT / SERIES_JSON
    previous = json.loads(json_path.read_text()) if json_path.is_file() else None
    lessons = {}
    for path in notebook_tool.notebook_paths():
        lessons |= time_lessons([path])
        print(f"{path.stem}: {duration_text(lessons[path.stem])}", flush=True)
    facts = {"machine": machine(), "date": date.today().isoformat()}
    # The lessons' times are recorded first: the test command's tests hold them to their budgets.
    write(new_record(lessons, None, previous, facts))
    if not arguments.lessons_only:
        write(new_record(lessons, time_test_command(), previous, facts))


if __name__ == "__main__":
    main()
