"""The series benchmark (benchmarks/series.py): its record, its summary, and the budgets it holds
every lesson to on the 2 cores the course is built on."""

import json
from pathlib import Path

import pytest

from benchmarks import series
from mnist_course.performance import duration_text
from tools import notebooks as notebook_tool

ROOT = Path(__file__).resolve().parents[1]
RECORD = json.loads((ROOT / series.SERIES_JSON).read_text())
FACTS = {
    "machine": {"cpu": "Test CPU", "cores": 2, "tensorflow": "2.x", "keras": "3.x"},
    "date": "2026-01-02",
}


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0 s"), (45.4, "45 s"), (59.6, "1 min 00 s"), (185.3, "3 min 05 s")]
)
def test_durations_read_as_minutes_and_seconds(seconds, text):
    assert duration_text(seconds) == text


@pytest.mark.parametrize("seconds", [-1.0, float("nan"), float("inf")])
def test_a_duration_that_is_no_duration_is_refused(seconds):
    with pytest.raises(ValueError, match="finite number of seconds"):
        duration_text(seconds)


def test_a_new_record_keeps_the_last_run_but_not_the_run_before_it():
    oldest = series.new_record({"00_a": 10.0}, None, None, FACTS)
    last = series.new_record({"00_a": 20.0, "01_b": 40.0}, 600.0, oldest, FACTS)
    new = series.new_record({"00_a": 30.0, "01_b": 30.0}, 900.0, last, FACTS)
    assert new["series_seconds"] == 60.0 and new["test_command_seconds"] == 900.0
    assert new["previous"]["lessons"] == {"00_a": 20.0, "01_b": 40.0}
    assert "previous" not in new["previous"]


def test_the_summary_shows_each_lesson_against_its_budget_and_the_last_run():
    last = series.new_record({"00_a": 20.0, "08_how_far_accuracy": 400.0}, 1800.0, None, FACTS)
    new = series.new_record(
        {"00_a": 30.0, "08_how_far_accuracy": 400.0, "12_c": 65.0}, 2000.0, last, FACTS
    )
    summary = series.markdown(new)
    assert "on 2026-01-02, on Test CPU, 2 cores" in summary
    rows = {line.split("|")[1].strip(): line for line in summary.splitlines() if "|" in line}
    assert "30 s" in rows["00_a"] and "20 s" in rows["00_a"] and "1.50" in rows["00_a"]
    assert "12 min 00 s" in rows["08_how_far_accuracy"]  # its longer budget
    assert rows["12_c"].rstrip(" |").endswith("5 min 00 s")  # new: no last run, no ratio
    assert "3 lessons: 8 min 15 s (last run 7 min 00 s, ratio 1.18)" in summary
    assert "`pytest --nbval`: 33 min 20 s, budget 40 min 00 s (last run 30 min 00 s)" in summary


def test_the_readme_table_takes_its_run_times_from_the_record():
    readme = (
        "| # | lesson | what | runs in | Colab |\n"
        "| 00 | [A](notebooks/00_a.ipynb) | x | ? | [open](u) |\n"
        "Some prose | with a bar.\n"
    )
    synced = notebook_tool.with_run_times(readme, {"00_a": "45 s"})
    assert synced.splitlines()[1] == "| 00 | [A](notebooks/00_a.ipynb) | x | 45 s | [open](u) |"
    assert synced.splitlines()[2] == "Some prose | with a bar."
    with pytest.raises(ValueError, match="no time for 00_a: run `python -m benchmarks.series`"):
        notebook_tool.with_run_times(readme, {})


def test_every_lesson_was_timed_by_the_last_benchmark():
    lessons = {path.stem for path in notebook_tool.notebook_paths()}
    assert set(RECORD["lessons"]) == lessons, "run `make series` after adding or renaming a lesson"


@pytest.mark.parametrize("lesson", sorted(RECORD["lessons"]))
def test_each_lesson_runs_within_its_budget(lesson):
    assert RECORD["lessons"][lesson] <= series.budget_seconds(lesson), (
        f"{lesson} ran {duration_text(RECORD['lessons'][lesson])}, over its budget of "
        f"{duration_text(series.budget_seconds(lesson))} on {RECORD['machine']['cores']} cores"
    )


def test_the_test_command_runs_within_its_budget():
    seconds = RECORD["test_command_seconds"]
    assert seconds is not None, "the last benchmark did not time the test command"
    assert seconds < series.TEST_COMMAND_BUDGET_SECONDS, duration_text(seconds)
