"""How fast a model trains, and how much arithmetic it asks of the machine.

The notebooks record these figures beside each model's accuracy, and benchmarks/recipes.py sets
them against the machine's measured peak, so a learner can tell a slow recipe from a slow machine.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import keras
import numpy as np


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


class TrainingClock(keras.callbacks.Callback):
    """Adds ``seconds``, the training time so far, to every epoch's logs, and so to ``history``.

    With it, a recorded learning curve can be drawn against time as well as epochs: that is how a
    slow recipe and a fast one are compared on equal terms (time to a given accuracy). The clock
    starts when ``fit`` starts, so the first epoch includes building the training step, and each
    epoch its validation pass.
    """

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self._started


class AccuracyTimeline(keras.callbacks.Callback):
    """Measures accuracy on held-out data every ``every_steps`` training steps during ``fit``.

    A recipe that trains in one epoch has no per-epoch curve to show, so this samples it within the
    epoch. The time spent measuring is excluded from ``seconds``, so the curve shows training time
    alone. Keras hands control to callbacks only between executions of ``steps_per_execution``
    steps, so each measurement falls at the first such boundary at or past a multiple of
    ``every_steps``; choose a multiple of ``steps_per_execution`` for evenly spaced points.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, every_steps: int) -> None:
        super().__init__()
        if every_steps < 1:
            raise ValueError(f"every_steps must be at least 1, got {every_steps}")
        self.x, self.y, self.every_steps = x, np.asarray(y), every_steps
        self.seconds: list[float] = []
        self.accuracy: list[float] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.seconds, self.accuracy = [], []
        self._started, self._paused, self._steps = time.perf_counter(), 0.0, 0

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._first_step = batch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        # With steps_per_execution, one call covers steps self._first_step to batch.
        before, self._steps = self._steps, self._steps + batch - self._first_step + 1
        if self._steps // self.every_steps > before // self.every_steps:
            self._measure()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._steps % self.every_steps:
            self._measure()  # the final model, whatever the step count

    def _measure(self) -> None:
        now = time.perf_counter()
        predicted = self.model.predict(self.x, batch_size=1000, verbose=0).argmax(axis=-1)
        self.seconds.append(now - self._started - self._paused)
        self.accuracy.append(float(np.mean(predicted == self.y)))
        self._paused += time.perf_counter() - now


def time_to_accuracy(seconds: Sequence[float], accuracy: Sequence[float], target: float) -> float:
    """The first time at which ``accuracy`` reached ``target``, or NaN if it never did.

    The measure behind speed benchmarks such as DAWNBench: a fast recipe that never gets there is
    not fast, so a miss is NaN rather than the last time.
    """
    if len(seconds) != len(accuracy):
        raise ValueError(f"seconds and accuracy must pair up; got {len(seconds)} and {len(accuracy)} values")
    for elapsed, value in zip(seconds, accuracy):
        if value >= target:
            return float(elapsed)
    return math.nan
