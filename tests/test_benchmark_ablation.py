import inspect
import math

from benchmarks import ablation as benchmark
from mnist_course import paths, results
from mnist_course.recipes import ACCURATE_VARIANTS, train, train_accurate


def test_every_variant_switches_settings_the_lessons_recipe_takes():
    # train_accurate's own switches, and any of train's settings, which its options replace
    recipe = inspect.signature(train_accurate).parameters
    settings = set(recipe) | set(inspect.signature(train).parameters)
    assert ACCURATE_VARIANTS["full recipe"] == {}
    for variant, switches in list(ACCURATE_VARIANTS.items())[1:]:
        assert switches and set(switches) <= settings, variant
        for name, value in switches.items():
            if name in recipe:
                assert value != recipe[name].default, f"{variant} does not change {name}"


def measured():
    full = [
        {"variant": "full recipe", "seed": seed, "seconds": 180.0, "validation_accuracy": 0.995,
         "test_accuracy": accuracy}
        for seed, accuracy in [(42, 0.9960), (43, 0.9958), (44, 0.9962), (45, 0.9950),
                               (46, 0.9964), (47, 0.9956)]
    ]  # fmt: skip
    ablated = [
        {"variant": "without augmentation", "seed": seed, "seconds": 150.0,
         "validation_accuracy": 0.993, "test_accuracy": 0.994}
        for seed in (42, 43)
    ]  # fmt: skip
    fast = [
        {"seed": 42, "training (s)": 4.0, "time to target (s)": 3.5, "validation accuracy": 0.99,
         "test accuracy": 0.9905},
        {"seed": 43, "training (s)": 6.0, "time to target (s)": math.nan,
         "validation accuracy": 0.988, "test accuracy": 0.9895},
    ]  # fmt: skip
    return {"runs": full + ablated, "ensembles": {"42": 0.9968, "45": 0.9966}, "fast": fast}


def test_summary_reports_time_to_99_and_the_spreads():
    text = benchmark.markdown(measured())
    assert "fast recipe: 3.5 s (mean of the 1 of 2 seeds that got there)." in text
    assert "one epoch, 5.0 s of training on average (4.0-6.0 s)" in text
    assert "1 of 2 at 99% or above" in text
    assert "over 6 seeds: 99.58% (99.50%-99.64%)" in text
    assert "2 of them: 99.68%, 99.66%" in text
    assert "its times differ from those of the runs the lessons show" in text
    # the ablation compares the seeds every variant ran with, not the full recipe's extra seeds
    assert "seeds 42, 43" in text
    row = next(line for line in text.splitlines() if line.startswith("| without augmentation"))
    assert "-0.2" in row


def test_a_fast_only_run_keeps_lesson_08s_runs_in_the_order_a_full_run_records(
    tmp_path, tmp_path_factory, monkeypatch
):
    monkeypatch.setenv(paths.OUTPUT_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setattr(results, "project_root", lambda: tmp_path_factory.mktemp("checkout"))
    variants = list(ACCURATE_VARIANTS)
    for variant in reversed(variants):  # recorded in another order than ACCURATE_VARIANTS'
        for seed in (43, 42):
            results.record_ablation_run("08_accurate", variant, seed, seconds=1.0)
    for seed, accuracy in ((42, 0.9965), (45, 0.9957)):
        results.record_seed_run("08_ensemble", seed, test_accuracy=accuracy)
    runs, ensembles = benchmark.recorded_accurate_runs()
    assert [(run["variant"], run["seed"]) for run in runs] == [
        (variant, seed) for variant in variants for seed in (42, 43)
    ]
    assert ensembles == {"42": 0.9965, "45": 0.9957}
