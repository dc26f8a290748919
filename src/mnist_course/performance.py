"""How fast a model trains, and how much arithmetic it asks of the machine.

The notebooks record these figures beside each model's accuracy, and benchmarks/recipes.py sets
them against the machine's measured peak, so a learner can tell a slow recipe from a slow machine.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import keras


def available_cores() -> int:
    """The CPU cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass
class Stopwatch:
    """Wall-clock and CPU time of one block of work, filled in when the block ends."""

    seconds: float = math.nan
    cpu_seconds: float = math.nan
    cores: int = 1

    @property
    def cpu_utilisation(self) -> float:
        """The share of the available cores the work kept busy: 1.0 means every core, all the time.

        CPU time counts every thread of this process, which is where TensorFlow computes, so a
        figure well below 1.0 means the cores waited (on Python, on data, on each other).
        """
        return self.cpu_seconds / (self.seconds * self.cores)


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    """Time the ``with`` block: ``with stopwatch() as clock: model.fit(...)``, then ``clock.seconds``."""
    clock = Stopwatch(cores=available_cores())
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    try:
        yield clock
    finally:
        clock.seconds = time.perf_counter() - wall_start
        clock.cpu_seconds = time.process_time() - cpu_start


#: The layers whose arithmetic is a kernel applied at every output position.
_KERNEL_LAYERS = (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)


def forward_flops(model: keras.Model) -> int:
    """Floating-point operations for one image through ``model``, counting its dense and
    convolution layers (a multiply and an add per kernel weight per output position).

    Those layers do almost all the work; activations, pooling, dropout and BatchNorm add a few
    operations per value, under 2% in this course's models, and are left out. Training one image
    costs about three times this (the backward pass computes two products for each forward one).
    Raises for a layer with weights that this count does not know, rather than undercounting.
    """
    total = 0
    for layer in _leaf_layers(model):
        if isinstance(layer, _KERNEL_LAYERS) and not isinstance(layer, keras.layers.Conv2DTranspose):
            positions = math.prod(layer.output.shape[1:-1])
            total += 2 * math.prod(layer.kernel.shape) * positions
        elif layer.trainable_weights and not isinstance(layer, keras.layers.BatchNormalization):
            raise ValueError(f"forward_flops cannot count layer {layer.name!r} ({type(layer).__name__})")
    return total


def _leaf_layers(model: keras.Model) -> Iterator[keras.layers.Layer]:
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaf_layers(layer)
        else:
            yield layer
