import random

import keras
import numpy as np

from mnist_course.seeding import set_seed


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
