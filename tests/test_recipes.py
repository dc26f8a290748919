"""The lessons' exported networks, schedules and training functions (mnist_course.recipes)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_course.data import PreparedMnist, prepare_mnist
from mnist_course.performance import TrainingClock
from mnist_course.recipes import (
    GLOBAL_BATCH_SIZE,
    average_of,
    build_cnn,
    build_dropout_mlp,
    build_first_cnn,
    build_mlp_512,
    build_mlp_baseline,
    build_small_cnn,
    build_strided_cnn,
    cosine_decay,
    one_cycle,
    train,
    train_custom,
    train_fast,
)
from mnist_course.results import TrainingRun, describe_optimizer
from mnist_course.seeding import set_seed


@pytest.mark.parametrize(
    ("build", "parameters"),
    [
        (build_mlp_baseline, 535_818),
        (build_dropout_mlp, 101_770),
        (build_mlp_512, 407_050),
        (build_first_cnn, 607_394),
        (lambda: build_cnn(batch_norm=False), 218_490),
        (lambda: build_cnn(batch_norm=True), 219_162),
        (build_small_cnn, 212_682),
        (build_strided_cnn, 219_162),  # lesson 06's BatchNorm CNN's weights, its pooling learned
        (lambda: build_strided_cnn(strided_size=5), 239_642),
    ],
)
def test_each_network_has_the_size_its_lesson_counts(build, parameters):
    assert build().count_params() == parameters


@pytest.mark.parametrize("build", [lambda: build_cnn(batch_norm=True), build_strided_cnn])
def test_batchnorm_replaces_the_bias_of_the_layer_before_it(build):
    layers = build().layers
    for before, after in zip(layers, layers[1:]):
        if isinstance(after, keras.layers.BatchNormalization):
            assert not before.use_bias, before.name


@pytest.mark.parametrize("size", [3, 5])
def test_the_strided_cnn_halves_the_image_by_convolution_not_pooling(size):
    network = build_strided_cnn(strided_size=size)
    strided = [layer for layer in network.layers if getattr(layer, "strides", (1, 1)) == (2, 2)]
    assert [layer.output.shape[1:3] for layer in strided] == [(14, 14), (7, 7)]
    assert all(isinstance(layer, keras.layers.Conv2D) for layer in strided)
    assert [layer.kernel_size for layer in strided] == [(size, size)] * 2
    assert not any(isinstance(layer, keras.layers.MaxPooling2D) for layer in network.layers)
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in network.layers)


def test_the_strided_cnn_drops_out_after_each_block_and_the_dense_layer_only_when_asked():
    rates = [
        layer.rate
        for layer in build_strided_cnn(dropout=0.4).layers
        if isinstance(layer, keras.layers.Dropout)
    ]
    assert rates == [0.4, 0.4, 0.4]


def test_cosine_decay_falls_from_the_rate_to_zero():
    schedule = cosine_decay(1e-3, 100)
    assert [float(schedule(step)) for step in (0, 50, 100)] == pytest.approx([1e-3, 5e-4, 0.0])


def test_one_cycle_climbs_to_its_peak_then_falls_to_zero():
    schedule = one_cycle(0.01, 100, warmup=0.3)
    rates = [float(schedule(step)) for step in range(101)]
    assert rates[0] == pytest.approx(0.01 / 25)
    assert max(rates) == pytest.approx(0.01) and int(np.argmax(rates)) == 30
    assert rates[-1] == pytest.approx(0.0, abs=1e-9)


@pytest.fixture(scope="module")
def small_data():
    """A slice of the course's data: enough for a model to learn something in a few steps."""
    data = prepare_mnist()
    return PreparedMnist(
        data.x_fit[:512], data.y_fit[:512], data.x_val[:128], data.y_val[:128],
        data.x_test, data.y_test,
    )  # fmt: skip


def test_train_seeds_builds_compiles_and_fits_and_returns_the_run(small_data):
    def small_cnn_run():
        return train(
            build_small_cnn,
            small_data,
            loss="sparse_categorical_crossentropy",
            epochs=2,
            batch_size=64,
            seed=3,
        )

    run = small_cnn_run()
    assert isinstance(run, TrainingRun) and (run.seed, run.batch_size) == (3, 64)
    assert run.model.input_shape == (None, 28, 28, 1)  # the images were reshaped for the CNN
    assert len(run.history.history["val_accuracy"]) == 2
    assert len(run.clock.epoch_seconds) == 2 and run.clock.seconds > 0
    assert describe_optimizer(run.model.optimizer) == "Adam, cosine decay from 0.001"
    again = small_cnn_run()  # the same seed: the same initial weights, the same batches
    assert np.array_equal(run.model.get_weights()[0], again.model.get_weights()[0])


def test_train_makes_labels_one_hot_for_a_one_hot_loss_and_keeps_a_constant_rate(small_data):
    clock = TrainingClock()
    run = train(
        build_mlp_512,
        small_data,
        loss="categorical_crossentropy",
        one_hot=True,
        epochs=1,
        batch_size=128,
        learning_rate=0.5,
        schedule=None,
        optimizer=keras.optimizers.SGD,
        clock=clock,
    )
    assert run.clock is clock and clock.seconds > 0
    assert describe_optimizer(run.model.optimizer) == "SGD, constant rate 0.5"


def test_train_fast_trains_the_network_it_is_given_with_the_fast_recipe(small_data):
    def build_tiny() -> keras.Sequential:
        return keras.Sequential(
            [
                keras.Input(shape=(28, 28, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(10, "softmax"),
            ],
            name="tiny",
        )

    run = train_fast(small_data, build=build_tiny)
    assert run.model.name == "tiny" and run.batch_size == 128
    assert len(run.history.history["val_accuracy"]) == 1  # the recipe's single epoch
    assert describe_optimizer(run.model.optimizer) == describe_optimizer(
        train_fast(small_data).model.optimizer
    )


def test_an_ensemble_averages_its_members_probabilities():
    set_seed(0)
    members = [  # named apart, as lesson 08 names its members after their seeds
        keras.Sequential([keras.Input((28, 28, 1)), build_small_cnn()], name=f"member_{index}")
        for index in range(3)
    ]
    ensemble = average_of(members)
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    expected = np.mean([member.predict(x, verbose=0) for member in members], axis=0)
    np.testing.assert_allclose(ensemble.predict(x, verbose=0), expected, rtol=1e-5)


def learnable_data(count):
    """Images whose label is which tenth of the picture holds the ink: learnable in a few steps."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, count)
    images = np.zeros((count, 28, 28, 1), dtype=np.float32)
    for index, label in enumerate(labels):
        images[index, 2 * label : 2 * label + 6, 4:24] = 1
    return images, labels


def test_custom_loop_learns_and_takes_one_step_per_full_batch():
    x, y = learnable_data(GLOBAL_BATCH_SIZE * 12 + 50)
    set_seed(0)
    model, losses = train_custom(tf.distribute.get_strategy(), x, y)
    assert len(losses) == 12  # the last 50 images make no full batch
    assert losses[0] == pytest.approx(np.log(10), abs=0.3)  # an untrained model guesses
    assert losses[-1] < losses[0] / 3
