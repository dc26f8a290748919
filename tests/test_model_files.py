import json
import zipfile

import keras
import numpy as np
import pytest

from mnist_course import model_files
from mnist_course.model_files import model_file, save_model
from mnist_course.paths import OUTPUT_DIR_VARIABLE


def trained_model():
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    model.fit(rng.random((64, 28, 28, 1)), rng.integers(0, 10, 64), epochs=2, verbose=0)
    return model


def ensemble_of_trained_models():
    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Average()([trained_model()(inputs) for _ in range(2)])
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize(
    "build", [trained_model, ensemble_of_trained_models], ids=["model", "ensemble"]
)
def test_saved_model_predicts_the_same_without_the_optimizer_state(build, tmp_path, monkeypatch):
    monkeypatch.setenv(OUTPUT_DIR_VARIABLE, str(tmp_path))
    model = build()
    path = save_model(model, "99_test")
    assert path == tmp_path / "models" / "99_test.keras"
    assert sorted(zipfile.ZipFile(path).namelist()) == [
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    reloaded = keras.saving.load_model(path, safe_mode=True)
    # For use, not for resuming training: nothing in the file is compiled, members included.
    assert not reloaded.compiled and not any(
        getattr(layer, "compiled", False) for layer in reloaded.layers
    )
    x = np.random.default_rng(1).random((32, 28, 28, 1)).astype(np.float32)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_fresh_model_is_found_before_the_committed_one(tmp_path, monkeypatch):
    checkout, fresh = tmp_path / "checkout", tmp_path / "fresh"
    (checkout / "models").mkdir(parents=True)
    (checkout / "models" / "07_x.keras").touch()
    monkeypatch.setattr(model_files, "project_root", lambda: checkout)
    monkeypatch.setenv(OUTPUT_DIR_VARIABLE, str(fresh))
    assert model_file("07_x") == checkout / "models" / "07_x.keras"
    (fresh / "models").mkdir(parents=True)
    (fresh / "models" / "07_x.keras").touch()
    assert model_file("07_x") == fresh / "models" / "07_x.keras"


def test_a_missing_model_says_which_lesson_makes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(model_files, "project_root", lambda: None)
    monkeypatch.setenv(OUTPUT_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"run lesson 08 \(notebooks/08_\*.ipynb\)"):
        model_file("08_nothing")


@pytest.mark.parametrize("name", ["", "../07_ensemble", "models/07_ensemble"])
def test_model_names_are_plain_stems(name):
    with pytest.raises(ValueError, match="plain file stem"):
        save_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), name)


def test_the_file_keeps_only_settings_that_differ_from_keras_defaults(tmp_path, monkeypatch):
    """Settings at their defaults are left out of the file, so that an older Keras (Colab's),
    which refuses settings newer releases added, still reads it; the model stays the same."""
    monkeypatch.setenv(OUTPUT_DIR_VARIABLE, str(tmp_path))
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(4, 3, padding="same"),
            keras.layers.BatchNormalization(momentum=0.9),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    path = save_model(model, "99_test")
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    layers = {layer["class_name"]: layer["config"] for layer in config["config"]["layers"]}
    assert layers["BatchNormalization"]["momentum"] == 0.9
    assert not {"renorm", "epsilon", "center"} & set(layers["BatchNormalization"])
    assert layers["Conv2D"]["padding"] == "same" and layers["Conv2D"]["filters"] == 4
    assert "strides" not in layers["Conv2D"]
    assert layers["Conv2D"]["kernel_initializer"]["config"] == {}
    x = np.random.default_rng(2).random((8, 28, 28, 1)).astype(np.float32)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
