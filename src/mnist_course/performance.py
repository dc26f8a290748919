"""How fast a model trains, and how much arithmetic it asks of the machine.

The notebooks record these figures beside each model's accuracy, and benchmarks/recipes.py sets
them against the machine's measured peak, so a learner can tell a slow recipe from a slow machine.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import keras
import numpy as np


def available_cores() -> int:
    """The CPU cores this process may run on (a container or `taskset` may allow fewer than
    exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


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
        if isinstance(layer, _KERNEL_LAYERS) and not isinstance(
            layer, keras.layers.Conv2DTranspose
        ):
            positions = math.prod(layer.output.shape[1:-1])
            total += 2 * math.prod(layer.kernel.shape) * positions
        elif layer.trainable_weights and not isinstance(layer, keras.layers.BatchNormalization):
            raise ValueError(
                f"forward_flops cannot count layer {layer.name!r} ({type(layer).__name__})"
            )
    return total


def _leaf_layers(model: keras.Model) -> Iterator[keras.layers.Layer]:
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaf_layers(layer)
        else:
            yield layer


class TrainingClock(keras.callbacks.Callback):
    """The course's one measure of training time: the seconds a model spends training.

    Pass it to ``fit`` (``callbacks=[clock]``): it runs from ``fit``'s first training step to its
    last and leaves out the validation passes between epochs, so that two recipes that validate
    more or less often are timed alike. The time to build the training step (tracing) is in. It
    also keeps the training time at the end of every epoch (``epoch_seconds``), so a learning curve
    can be drawn against time, and the CPU time of the same spans, to tell a slow recipe from an
    idle machine. A block of work without ``fit`` (a custom training loop) is timed with the same
    clock as a context manager: ``with TrainingClock() as clock: ...``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cores = available_cores()
        self.seconds = self.cpu_seconds = math.nan
        self.epoch_seconds: list[float] = []
        self._running = False

    def __enter__(self) -> TrainingClock:
        self._start()
        return self

    def __exit__(self, *exception: object) -> None:
        self._stop()

    @property
    def cpu_utilisation(self) -> float:
        """The share of the available cores the training kept busy: 1.0 means every core, always.

        CPU time counts every thread of this process, which is where TensorFlow computes, so a
        figure well below 1.0 means the cores waited (on Python, on data, on each other).
        """
        return self.cpu_seconds / (self.seconds * self.cores)

    @property
    def running(self) -> bool:
        """Whether the clock is timing now (inside fit, or inside its ``with`` block)."""
        return self._running

    def elapsed(self) -> float:
        """Training seconds so far: wall-clock time since the start, less every paused span."""
        if not self._running:
            return self.seconds
        return time.perf_counter() - self._wall_start - self._paused_wall

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Leave the ``with`` block out of the training time (a measurement during training)."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self._paused_wall += time.perf_counter() - wall
            self._paused_cpu += time.process_time() - cpu

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._start()

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self._running:  # a validation pass inside fit
            self._pause_started = (time.perf_counter(), time.process_time())

    def on_test_end(self, logs: dict | None = None) -> None:
        if self._running:
            wall, cpu = self._pause_started
            self._paused_wall += time.perf_counter() - wall
            self._paused_cpu += time.process_time() - cpu

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch_seconds.append(self.elapsed())

    def on_train_end(self, logs: dict | None = None) -> None:
        self._stop()

    def _start(self) -> None:
        self.epoch_seconds = []
        self._paused_wall = self._paused_cpu = 0.0
        self._wall_start, self._cpu_start = time.perf_counter(), time.process_time()
        self._running = True

    def _stop(self) -> None:
        self.seconds = self.elapsed()
        self.cpu_seconds = time.process_time() - self._cpu_start - self._paused_cpu
        self._running = False


class AccuracyTimeline(keras.callbacks.Callback):
    """Measures accuracy on held-out data every ``every_steps`` training steps during ``fit``.

    A recipe that trains in one epoch has no per-epoch curve to show, so this samples it within
    the epoch, at the training time of ``clock`` (which must be in the same ``fit``, before this):
    each measurement is paused out of that time, so the points fall on the same clock as any
    other training curve. Keras hands control to callbacks only between executions of
    ``steps_per_execution`` steps, so each measurement falls at the first such boundary at or past
    a multiple of ``every_steps``; choose a multiple of ``steps_per_execution`` for evenly spaced
    points. The final model is always measured.
    """

    def __init__(
        self, clock: TrainingClock, x: np.ndarray, y: np.ndarray, every_steps: int
    ) -> None:
        super().__init__()
        if every_steps < 1:
            raise ValueError(f"every_steps must be at least 1, got {every_steps}")
        self.clock, self.x, self.y, self.every_steps = clock, x, np.asarray(y), every_steps
        self.seconds: list[float] = []
        self.accuracy: list[float] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not self.clock.running:
            raise RuntimeError(
                "AccuracyTimeline needs its TrainingClock earlier in fit's callbacks"
            )
        self.seconds, self.accuracy, self._steps = [], [], 0
        self._start = self._optimizer_steps()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        # With steps_per_execution, one call covers several steps. The optimizer counts them; the
        # batch numbers Keras passes to callbacks then differ between Keras versions.
        before, self._steps = self._steps, self._optimizer_steps() - self._start
        if self._steps // self.every_steps > before // self.every_steps:
            self._measure()

    def _optimizer_steps(self) -> int:
        return int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._steps % self.every_steps:
            self._measure()  # the final model, whatever the step count

    def _measure(self) -> None:
        self.seconds.append(self.clock.elapsed())
        with self.clock.paused():
            predicted = self.model.predict(self.x, batch_size=1000, verbose=0).argmax(axis=-1)
            self.accuracy.append(float(np.mean(predicted == self.y)))


def time_to_accuracy(seconds: Sequence[float], accuracy: Sequence[float], target: float) -> float:
    """The first time at which ``accuracy`` reached ``target``, or NaN if it never did.

    The measure behind speed benchmarks such as DAWNBench: a fast recipe that never gets there is
    not fast, so a miss is NaN rather than the last time.
    """
    if len(seconds) != len(accuracy):
        raise ValueError(
            f"seconds and accuracy must pair up; got {len(seconds)} and {len(accuracy)} values"
        )
    for elapsed, value in zip(seconds, accuracy):
        if value >= target:
            return float(elapsed)
    return math.nan


def milliseconds_per_image(
    predict: Callable[[np.ndarray], object], images: np.ndarray, warm_up: int = 5
) -> float:
    """The median time ``predict`` takes for one image at a time, in milliseconds.

    One image per call is how a served model or a phone app meets its digits, so it is the
    latency that decides whether a model feels instant; a batch of thousands hides the cost of
    each call. The first ``warm_up`` calls are left out (they build graphs and allocate memory),
    and the median, not the mean, is reported, so that a moment of load on a shared machine
    does not count.
    """
    images = np.asarray(images)
    if len(images) <= warm_up:
        raise ValueError(
            f"give more images than the {warm_up} warm-up calls to time; got {len(images)}"
        )
    seconds = []
    for index, image in enumerate(images):
        started = time.perf_counter()
        predict(image[None])
        if index >= warm_up:
            seconds.append(time.perf_counter() - started)
    return 1000 * float(np.median(seconds))


def duration_text(seconds: float) -> str:
    """A duration to the second, as the README's lesson table and the series benchmark show it:
    '45 s', '3 min 05 s'. Minutes and seconds read at a glance where 185.3 s does not."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be a finite number of seconds >= 0, got {seconds}")
    whole = round(seconds)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"
