import shutil

import numpy as np
import pytest

from mnist_course import data
from mnist_course.data import (
    MnistDataError,
    PreparedMnist,
    load_mnist,
    prepare_mnist,
    scale_pixels,
    split_validation,
)


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


@pytest.fixture()
def data_copy(tmp_path):
    copy = tmp_path / "mnist.npz"
    shutil.copyfile(data.default_data_path(), copy)
    return copy


def test_shipped_file_holds_keras_layout(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.dtype == np.uint8


def test_shipped_file_matches_published_facts(mnist):
    # The numbers are written out here, independently of the constants in data.py.
    (x_train, y_train), (_, y_test) = mnist
    assert np.bincount(y_train).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert x_train.mean() == pytest.approx(33.318, abs=5e-4)
    assert x_train.std() == pytest.approx(78.567, abs=5e-4)
    assert x_train.min() == 0 and x_train.max() == 255


def test_missing_file_names_it_and_says_how_to_fix(tmp_path):
    missing = tmp_path / "mnist.npz"
    with pytest.raises(MnistDataError, match="file not found") as error:
        load_mnist(missing)
    assert str(missing) in str(error.value) and "git checkout -- data/mnist.npz" in str(error.value)


def test_truncated_file_is_rejected(data_copy):
    data_copy.write_bytes(data_copy.read_bytes()[:3_000_000])
    with pytest.raises(MnistDataError, match="truncated or damaged") as error:
        load_mnist(data_copy)
    assert str(data_copy) in str(error.value) and "make data" in str(error.value)


def test_corrupted_bytes_inside_the_archive_are_rejected(data_copy):
    raw = bytearray(data_copy.read_bytes())
    raw[5_000_000:5_000_100] = bytes(100)
    data_copy.write_bytes(bytes(raw))
    with pytest.raises(MnistDataError, match=str(data_copy)):
        load_mnist(data_copy)


def test_altered_pixel_is_caught_by_content_checksum(tmp_path, mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    x_altered = x_train.copy()
    x_altered[0, 14, 14] ^= 1
    path = tmp_path / "altered.npz"
    np.savez_compressed(path, x_train=x_altered, y_train=y_train, x_test=x_test, y_test=y_test)
    with pytest.raises(MnistDataError, match="not the MNIST content"):
        load_mnist(path)


def test_wrong_dtype_is_reported_by_name(tmp_path, mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    path = tmp_path / "floats.npz"
    np.savez(path, x_train=x_train / 255.0, y_train=y_train, x_test=x_test, y_test=y_test)
    with pytest.raises(MnistDataError, match=r"'x_train' is float64 of shape \(60000, 28, 28\)"):
        load_mnist(path)


def test_missing_array_is_reported(tmp_path, mnist):
    (x_train, y_train), _ = mnist
    path = tmp_path / "train_only.npz"
    np.savez(path, x_train=x_train, y_train=y_train)
    with pytest.raises(MnistDataError, match="has no array 'x_test'"):
        load_mnist(path)


def test_pickled_content_is_never_loaded(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, x_train=np.array([{"not": "pixels"}], dtype=object))
    with pytest.raises(MnistDataError, match="cannot be read"):
        load_mnist(path)


def test_not_an_archive_is_rejected(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_text("<html>404 Not Found</html>")
    with pytest.raises(MnistDataError, match="cannot be read"):
        load_mnist(path)


def test_outside_a_checkout_falls_back_to_keras_and_still_verifies(monkeypatch, mnist):
    import keras

    (x_train, y_train), (x_test, y_test) = mnist
    calls = []

    def fake_download():
        calls.append(1)
        return (x_train, y_train), (x_test, y_test)

    monkeypatch.setattr(data, "default_data_path", lambda: None)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", fake_download)
    (x_loaded, _), _ = load_mnist()
    assert calls == [1] and x_loaded is x_train

    monkeypatch.setattr(
        keras.datasets.mnist, "load_data", lambda: ((x_train[:, ::-1], y_train), (x_test, y_test))
    )
    with pytest.raises(MnistDataError, match="keras.datasets.mnist.load_data"):
        load_mnist()


def test_check_mnist_facts_rejects_other_labels(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    arrays = {
        "x_train": x_train,
        "y_train": np.roll(y_train, 1),
        "x_test": x_test,
        "y_test": y_test,
    }
    with pytest.raises(MnistDataError, match="first training labels"):
        data.check_mnist_facts(arrays)


def test_scale_pixels_maps_to_unit_range():
    images = np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8)
    scaled = scale_pixels(images)
    assert scaled.dtype == np.float32
    assert scaled[0].max() == 0.0 and scaled[1].min() == 1.0


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (np.zeros((2, 28, 28), dtype=np.float32), "expected uint8"),
        (np.zeros((2, 32, 32), dtype=np.uint8), "28x28 grayscale"),
        (np.zeros((2, 28, 28, 3), dtype=np.uint8), "28x28 grayscale"),
    ],
)
def test_scale_pixels_rejects_what_is_not_raw_mnist(images, message):
    with pytest.raises(ValueError, match=message):
        scale_pixels(images)


def test_split_validation_is_disjoint_sized_and_repeatable():
    images = np.arange(100).reshape(100, 1)
    labels = np.arange(100)
    (x_fit, y_fit), (x_val, y_val) = split_validation(images, labels, size=10, seed=3)
    assert len(x_fit) == 90 and len(x_val) == 10
    assert set(y_fit).isdisjoint(y_val) and set(y_fit) | set(y_val) == set(range(100))
    assert (x_fit[:, 0] == y_fit).all()  # images stay paired with their labels
    (_, _), (_, y_val_again) = split_validation(images, labels, size=10, seed=3)
    assert (y_val == y_val_again).all()
    assert sorted(y_val) != list(range(90, 100))  # shuffled, not simply the tail


@pytest.mark.parametrize("size", [0, 100, -5])
def test_split_validation_rejects_impossible_sizes(size):
    with pytest.raises(ValueError, match="validation size"):
        split_validation(np.zeros((100, 2)), np.zeros(100), size=size)


def test_split_validation_rejects_unpaired_arrays():
    with pytest.raises(ValueError, match="100 images but 99 labels"):
        split_validation(np.zeros((100, 2)), np.zeros(99))


def test_prepare_mnist_gives_scaled_splits_that_partition_the_training_set(mnist):
    (x_train, _), (_, y_test) = mnist
    data = prepare_mnist(validation_size=5000)
    assert data.x_fit.shape == (55000, 28, 28) and data.x_val.shape == (5000, 28, 28)
    assert data.x_fit.dtype == np.float32 and data.x_fit.max() == 1.0 and data.x_fit.min() == 0.0
    assert (data.y_test == y_test).all() and data.y_fit.dtype == np.uint8
    # fit and validation together are exactly the training images, each once
    together = np.concatenate([data.x_fit, data.x_val]).reshape(60000, -1).sum(axis=1)
    np.testing.assert_allclose(
        np.sort(together), np.sort(x_train.reshape(60000, -1).sum(axis=1) / 255.0), rtol=1e-5
    )
    # the same split as split_validation's default, so every notebook holds out the same images
    (_, _), (_, y_val) = split_validation(*mnist[0])
    assert (data.y_val == y_val).all()


def test_with_fit_images_shrinks_only_the_fitting_images():
    digits = np.arange(30, dtype=np.float32).reshape(10, 3)
    data = PreparedMnist(digits, np.arange(10), digits[:2], np.arange(2), digits[:3], np.arange(3))
    small = data.with_fit_images(4)
    assert small.x_fit.tolist() == digits[:4].tolist() and small.y_fit.tolist() == [0, 1, 2, 3]
    assert small.x_val is data.x_val and small.x_test is data.x_test
    assert data.with_fit_images(10).x_fit.shape == (10, 3)
    for count in (0, 11, -1):
        with pytest.raises(ValueError, match=f"between 1 and 10 .*got {count}"):
            data.with_fit_images(count)
