"""The checks that hold a lesson to its claims when the test suite re-runs it.

A lesson's printed accuracy varies a little from machine to machine, so nbval does not compare it;
these checks do, with a margin measured rather than picked: a re-run on another CPU passes, a model
that has stopped learning what it should fails, and says so.
"""

from __future__ import annotations

from mnist_course.results import load_seed_spread, margin_from_spread


def check_accuracy(
    model: str, accuracy: float, target: float, *, seeds: int = 1, margin: float | None = None
) -> None:
    """Fail unless ``accuracy`` is at least ``target`` less a margin.

    The margin is three standard deviations of ``model``'s recorded seed spread, rounded up to 0.1
    points (see margin_from_spread); ``seeds`` says that ``accuracy`` is a mean over that many
    seeds, whose spread is narrower. An explicit ``margin`` replaces the measured one where a
    lesson holds itself to a stricter line. Raises AssertionError, which fails the notebook's test.
    """
    if margin is None:
        margin = margin_from_spread(load_seed_spread(model), seeds=seeds)
    floor = target - margin
    if not accuracy >= floor:
        what = "mean test accuracy" if seeds > 1 else "test accuracy"
        raise AssertionError(
            f"{model}: {what} {accuracy:.2%} is below {floor:.2%} (the target {target:.2%} less a "
            f"margin of {100 * margin:.2f} points for other machines and seeds): the recipe no "
            "longer reaches what its lesson says it does"
        )
