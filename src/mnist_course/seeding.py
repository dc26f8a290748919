"""One call that makes a notebook's randomness repeatable."""

from __future__ import annotations

import os

import keras

#: The seed every notebook trains with.
DEFAULT_SEED = 42
#: Set this to train with another seed: benchmarks/recipes.py re-runs the unchanged notebooks
#: this way to measure how much their results depend on the seed.
SEED_VARIABLE = "MNIST_COURSE_SEED"


def course_seed() -> int:
    """The seed this run uses: ``MNIST_COURSE_SEED`` if set, else 42."""
    value = os.environ.get(SEED_VARIABLE, str(DEFAULT_SEED))
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be a whole number, got {value!r}") from None


def set_seed(seed: int | None = None) -> None:
    """Seed Python, NumPy and the Keras backend, and ask TensorFlow for deterministic kernels.

    Weight initialisation, shuffling and dropout all draw random numbers; seeding them makes a rerun
    on the same machine give the same numbers, so a learner can tell the effect of a change from
    luck. Results still differ slightly across CPUs and thread counts, which is why the notebooks
    check accuracy with a margin rather than exact values. Without ``seed``, uses course_seed().
    """
    keras.utils.set_random_seed(course_seed() if seed is None else seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
