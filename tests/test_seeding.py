import random

import keras
import numpy as np
import pytest

from mnist_course.seeding import SEED_VARIABLE, course_seed, set_seed


def draw():
    layer = keras.layers.Dense(4)
    layer.build((None, 3))
    dropped = keras.layers.Dropout(0.5)(np.ones((1, 50), np.float32), training=True)
    return random.random(), np.random.rand(3), layer.get_weights()[0], np.asarray(dropped)


def test_same_seed_gives_same_weights_shuffles_and_dropout():
    set_seed(7)
    first = draw()
    set_seed(7)
    second = draw()
    set_seed(8)
    other = draw()
    for a, b, c in zip(first, second, other):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_course_seed_defaults_to_42_and_follows_the_variable(monkeypatch):
    monkeypatch.delenv(SEED_VARIABLE, raising=False)
    assert course_seed() == 42
    monkeypatch.setenv(SEED_VARIABLE, "3")
    assert course_seed() == 3
    set_seed()
    from_variable = draw()
    set_seed(3)
    np.testing.assert_array_equal(from_variable[2], draw()[2])


def test_course_seed_rejects_a_non_number(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, "forty-two")
    with pytest.raises(ValueError, match="whole number"):
        course_seed()
