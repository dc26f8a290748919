import time

import keras
import pytest

from mnist_course.performance import Stopwatch, available_cores, forward_flops, stopwatch


def test_stopwatch_measures_wall_and_cpu_time_of_the_block():
    with stopwatch() as clock:
        deadline = time.perf_counter() + 0.2
        while time.perf_counter() < deadline:  # keeps one core busy
            pass
        time.sleep(0.2)  # and then idles
    assert 0.39 < clock.seconds < 1.0
    assert 0.15 < clock.cpu_seconds < clock.seconds
    assert clock.cores == available_cores()
    assert clock.cpu_utilisation == pytest.approx(clock.cpu_seconds / (clock.seconds * clock.cores))


def test_stopwatch_is_filled_in_even_when_the_block_fails():
    with pytest.raises(RuntimeError), stopwatch() as clock:
        raise RuntimeError("training diverged")
    assert clock.seconds >= 0


def test_cpu_utilisation_is_a_share_of_all_cores():
    assert Stopwatch(seconds=10, cpu_seconds=15, cores=2).cpu_utilisation == 0.75


def test_dense_flops_are_two_per_weight():
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(512), keras.layers.Dense(10)])
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
    expected = 2 * (3 * 3 * 1 * 28) * 26 * 26 + 2 * (3 * 3 * 28 * 8) * 13 * 13 + 2 * (13 * 13 * 8) * 10
    assert forward_flops(model) == expected


def test_flops_of_a_nested_model_include_its_inner_layers():
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    outer = keras.Sequential([keras.Input((4,)), inner, keras.layers.Dense(2)])
    assert forward_flops(outer) == 2 * (4 * 3 + 3 * 2)


def test_a_weighted_layer_it_cannot_count_is_an_error_not_a_zero():
    model = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(10, 4)])
    with pytest.raises(ValueError, match="cannot count layer"):
        forward_flops(model)
