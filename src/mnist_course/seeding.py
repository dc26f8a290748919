"""One call that makes a notebook's randomness repeatable."""

from __future__ import annotations

import keras


def set_seed(seed: int = 42) -> None:
    """Seed Python, NumPy and the Keras backend, and ask TensorFlow for deterministic kernels.

    Weight initialisation, shuffling and dropout all draw random numbers; seeding them makes a rerun
    on the same machine give the same numbers, so a learner can tell the effect of a change from
    luck. Results still differ slightly across CPUs and thread counts, which is why the notebooks
    check accuracy with a margin rather than exact values.
    """
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
