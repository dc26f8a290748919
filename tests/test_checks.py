import pytest

from mnist_course import paths, results
from mnist_course.checks import check_accuracy
from mnist_course.results import record_seed_run


@pytest.fixture()
def spread(tmp_path, tmp_path_factory, monkeypatch):
    """A recorded spread of three seeds with a standard deviation of 0.003 (margin 0.009)."""
    monkeypatch.setenv(paths.OUTPUT_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setattr(results, "project_root", lambda: tmp_path_factory.mktemp("empty"))
    for seed, accuracy in enumerate([0.980, 0.983, 0.986]):
        record_seed_run("m", seed, test_accuracy=accuracy)


def test_an_accuracy_within_the_measured_margin_passes(spread):
    check_accuracy("m", 0.9711, target=0.98)  # 0.98 - 0.009 = 0.971


def test_an_accuracy_below_the_margin_fails_and_says_what_it_protects(spread):
    with pytest.raises(AssertionError) as failure:
        check_accuracy("m", 0.9709, target=0.98)
    message = str(failure.value)
    assert message.startswith("m: test accuracy 97.09% is below 97.10%")
    assert "the target 98.00% less a margin of 0.90 points" in message
    assert "no longer reaches what its lesson says it does" in message


def test_a_mean_over_seeds_is_held_to_a_narrower_margin(spread):
    check_accuracy("m", 0.977, target=0.98, seeds=9)  # 0.98 - 0.003
    with pytest.raises(AssertionError, match="mean test accuracy 97.69%"):
        check_accuracy("m", 0.9769, target=0.98, seeds=9)


def test_an_explicit_margin_replaces_the_measured_one(spread):
    check_accuracy("m", 0.979, target=0.98, margin=0.001)
    with pytest.raises(AssertionError, match="below 97.90%"):
        check_accuracy("m", 0.9789, target=0.98, margin=0.001)


def test_nan_fails_rather_than_passing(spread):
    with pytest.raises(AssertionError):
        check_accuracy("m", float("nan"), target=0.98)


def test_a_model_without_a_spread_says_how_to_measure_one(spread):
    with pytest.raises(KeyError, match="benchmarks"):
        check_accuracy("unknown", 0.99, target=0.98)
