import math
import time

import keras
import numpy as np
import pytest

from mnist_course.performance import (
    AccuracyTimeline,
    TrainingClock,
    available_cores,
    forward_flops,
    milliseconds_per_image,
    time_to_accuracy,
)


def busy_then_idle(busy=0.2, idle=0.2):
    deadline = time.perf_counter() + busy
    while time.perf_counter() < deadline:  # keeps one core busy
        pass
    time.sleep(idle)  # and then idles


def test_the_clock_times_a_block_of_work_wall_and_cpu():
    with TrainingClock() as clock:
        # 0.2 s of this process's own CPU time, however busy the machine is, then 0.2 s idle
        deadline = time.process_time() + 0.2
        while time.process_time() < deadline:
            pass
        time.sleep(0.2)
    assert 0.39 < clock.seconds < 10  # seconds, not milliseconds, with room for a loaded machine
    assert 0.19 < clock.cpu_seconds < clock.seconds
    assert clock.cores == available_cores()
    assert clock.cpu_utilisation == pytest.approx(clock.cpu_seconds / (clock.seconds * clock.cores))
    assert not clock.running


def test_the_clock_is_read_even_when_the_block_fails():
    with pytest.raises(RuntimeError), TrainingClock() as clock:
        raise RuntimeError("training diverged")
    assert clock.seconds >= 0


def test_a_paused_span_is_left_out_of_wall_and_cpu_time():
    with TrainingClock() as clock:
        busy_then_idle(busy=0.1, idle=0.0)
        with clock.paused():
            busy_then_idle(busy=0.3, idle=0.0)
    assert clock.seconds < 0.3
    assert clock.cpu_seconds < 0.3


def test_dense_flops_are_two_per_weight():
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(512),
            keras.layers.Dense(10),
        ]
    )
    assert forward_flops(model) == 2 * (784 * 512 + 512 * 10)


def test_convolution_flops_count_every_output_position():
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(28, 3),  # valid padding: 26 x 26 positions
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(8, 3, padding="same", use_bias=False),  # 13 x 13
            keras.layers.BatchNormalization(),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    expected = (
        2 * (3 * 3 * 1 * 28) * 26 * 26 + 2 * (3 * 3 * 28 * 8) * 13 * 13 + 2 * (13 * 13 * 8) * 10
    )
    assert forward_flops(model) == expected


def test_flops_of_a_nested_model_include_its_inner_layers():
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    outer = keras.Sequential([keras.Input((4,)), inner, keras.layers.Dense(2)])
    assert forward_flops(outer) == 2 * (4 * 3 + 3 * 2)


def test_a_weighted_layer_it_cannot_count_is_an_error_not_a_zero():
    model = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(10, 4)])
    with pytest.raises(ValueError, match="cannot count layer"):
        forward_flops(model)


def tiny_problem(samples=256):
    """A linearly separable 2-class problem that a one-layer model learns in a few steps."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(samples, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    x[:, 0] += np.where(y == 1, 1.0, -1.0)  # a clear margin between the classes
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    return model, x, y


class SlowValidation(keras.callbacks.Callback):
    """Stands in for a slow validation pass: sleeps whenever fit evaluates."""

    def on_test_begin(self, logs=None):
        time.sleep(0.3)


def test_training_clock_times_fit_without_its_validation_passes():
    model, x, y = tiny_problem()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    clock = TrainingClock()
    started = time.perf_counter()
    history = model.fit(
        x,
        y,
        validation_data=(x, y),
        epochs=3,
        batch_size=64,
        verbose=0,
        callbacks=[clock, SlowValidation()],
    )
    whole_fit = time.perf_counter() - started
    assert whole_fit > 3 * 0.3
    assert clock.seconds < whole_fit - 3 * 0.3 + 0.05
    assert len(clock.epoch_seconds) == 3
    assert 0 < clock.epoch_seconds[0] < clock.epoch_seconds[1] < clock.epoch_seconds[2]
    assert clock.epoch_seconds[-1] == pytest.approx(clock.seconds, abs=0.05)
    assert "seconds" not in history.history  # the log stays Keras's own


@pytest.mark.parametrize("steps_per_execution", [1, 2])
def test_accuracy_timeline_samples_every_n_steps_and_the_final_model(steps_per_execution):
    model, x, y = tiny_problem()
    model.compile(
        optimizer=keras.optimizers.SGD(1.0),
        loss="sparse_categorical_crossentropy",
        steps_per_execution=steps_per_execution,
    )
    clock = TrainingClock()
    timeline = AccuracyTimeline(clock, x, y, every_steps=2)
    # 4 steps an epoch, 8 in all
    model.fit(x, y, epochs=2, batch_size=64, verbose=0, callbacks=[clock, timeline])
    assert len(timeline.seconds) == len(timeline.accuracy) == 4  # after steps 2, 4, 6 and 8
    assert timeline.seconds == sorted(timeline.seconds) and timeline.seconds[0] > 0
    assert timeline.seconds[-1] <= clock.seconds
    final = float(np.mean(model.predict(x, verbose=0).argmax(axis=1) == y))
    assert timeline.accuracy[-1] == final
    assert final > 0.9


def test_accuracy_timeline_measures_the_end_of_a_run_that_is_not_a_multiple_of_n():
    model, x, y = tiny_problem(samples=320)  # 5 steps of 64
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    clock = TrainingClock()
    timeline = AccuracyTimeline(clock, x, y, every_steps=2)
    model.fit(x, y, epochs=1, batch_size=64, verbose=0, callbacks=[clock, timeline])
    assert len(timeline.accuracy) == 3  # after steps 2 and 4, then the final model


def test_accuracy_timeline_leaves_its_own_measuring_out_of_the_clock():
    model, x, y = tiny_problem()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

    predict = model.predict

    def slow_predict(*args, **kwargs):
        time.sleep(0.3)  # stands in for a slow evaluation
        return predict(*args, **kwargs)

    model.predict = slow_predict
    clock = TrainingClock()
    timeline = AccuracyTimeline(clock, x, y, every_steps=1)
    started = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=64, verbose=0, callbacks=[clock, timeline])
    whole_fit = time.perf_counter() - started
    assert whole_fit > 4 * 0.3
    assert clock.seconds < whole_fit - 4 * 0.3 + 0.05
    assert timeline.seconds[-1] <= clock.seconds


def test_accuracy_timeline_needs_its_clock_running_first():
    model, x, y = tiny_problem()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    clock = TrainingClock()
    timeline = AccuracyTimeline(clock, x, y, every_steps=1)
    with pytest.raises(RuntimeError, match="needs its TrainingClock earlier"):
        model.fit(x, y, epochs=1, batch_size=64, verbose=0, callbacks=[timeline, clock])


def test_accuracy_timeline_rejects_a_step_count_below_one():
    with pytest.raises(ValueError, match="every_steps"):
        AccuracyTimeline(TrainingClock(), np.zeros((1, 4)), np.zeros(1), every_steps=0)


def test_time_to_accuracy_is_the_first_crossing_or_nan():
    seconds, accuracy = [1.0, 2.0, 3.0, 4.0], [0.97, 0.991, 0.989, 0.995]
    assert time_to_accuracy(seconds, accuracy, 0.99) == 2.0
    assert time_to_accuracy(seconds, accuracy, 0.995) == 4.0
    assert math.isnan(time_to_accuracy(seconds, accuracy, 0.999))
    with pytest.raises(ValueError, match="pair up"):
        time_to_accuracy(seconds, accuracy[:2], 0.99)


def test_milliseconds_per_image_times_one_image_per_call_after_the_warm_up():
    shapes = []

    def predict(batch):
        shapes.append(batch.shape)
        time.sleep(0.05 if len(shapes) <= 2 else 0.002)  # slow first calls, as graphs are built

    milliseconds = milliseconds_per_image(predict, np.zeros((9, 28, 28, 1)), warm_up=2)
    assert shapes == [(1, 28, 28, 1)] * 9
    assert 2 <= milliseconds < 40, "the warm-up calls must not count"
    with pytest.raises(ValueError, match="more images than the 5 warm-up calls"):
        milliseconds_per_image(predict, np.zeros((5, 28, 28)))
