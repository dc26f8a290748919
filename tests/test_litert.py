import keras
import numpy as np
import pytest

from mnist_course.litert import LiteRTModel, LiteRTModelError
from mnist_course.recipes import QUANTIZATIONS, to_litert

DIGITS = np.random.default_rng(0).random((64, 28, 28, 1), dtype=np.float32)


@pytest.fixture(scope="module")
def model():
    """A small model that starts, like lesson 08's members, with a random augmentation layer."""
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.RandomRotation(0.2),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


@pytest.fixture(scope="module")
def saved_model(model, tmp_path_factory):
    """The model exported for serving as lesson 10 does it, in inference mode."""
    folder = tmp_path_factory.mktemp("export") / "model"
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        name="serve",
        fn=lambda images: model(images, training=False),
        input_signature=[keras.InputSpec(shape=(None, 28, 28, 1), dtype="float32")],
    )
    archive.write_out(str(folder), verbose=False)
    return folder


@pytest.fixture(scope="module")
def versions(saved_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("litert")
    paths = {}
    for quantization in QUANTIZATIONS:
        paths[quantization] = folder / f"{quantization.replace(' ', '_')}.tflite"
        paths[quantization].write_bytes(to_litert(saved_model, quantization, DIGITS[:32]))
    return paths


def test_the_float_version_reads_as_the_model_in_inference_mode(model, versions):
    expected = np.asarray(model(DIGITS, training=False))
    assert np.abs(LiteRTModel(versions["float32"]).predict(DIGITS) - expected).max() < 1e-5


@pytest.mark.parametrize("quantization", QUANTIZATIONS)
def test_every_version_is_deterministic_though_the_model_augments_when_training(
    model, versions, quantization
):
    litert = LiteRTModel(versions[quantization])
    first = litert.predict(DIGITS)
    assert np.array_equal(first, litert.predict(DIGITS))
    assert np.array_equal(first[:5], litert.predict(DIGITS[:5])), "a smaller batch reads alike"
    assert not np.allclose(np.asarray(model(DIGITS, training=True)), first, atol=1e-3), (
        "the augmentation should change a training-mode call, or this test shows nothing"
    )


def test_the_integer_version_takes_int8_and_still_gives_probabilities(model, versions):
    litert = LiteRTModel(versions["int8"])
    assert litert.input_type == np.int8
    probabilities = litert.predict(DIGITS[..., 0])  # the channel axis may be left out
    assert probabilities.shape == (64, 10) and probabilities.dtype == np.float32
    assert np.abs(probabilities - np.asarray(model(DIGITS, training=False))).max() < 0.05
    assert LiteRTModel(versions["float32"]).input_type == np.float32


def test_quantized_versions_are_smaller(versions):
    sizes = {name: LiteRTModel(path).size for name, path in versions.items()}
    assert sizes["dynamic range"] < sizes["float32"] and sizes["int8"] < sizes["float32"]


def test_a_file_that_is_not_a_litert_model_is_refused(tmp_path):
    keras_file = tmp_path / "model.keras"
    keras_file.write_bytes(b"PK\x03\x04 not a flatbuffer")
    with pytest.raises(LiteRTModelError, match="is not a LiteRT model"):
        LiteRTModel(keras_file)
    with pytest.raises(LiteRTModelError, match="no such file"):
        LiteRTModel(tmp_path / "missing.tflite")


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (np.zeros((28, 28, 1), np.float32), "needs its batch axis"),
        (np.zeros((2, 32, 32), np.float32), "shape \\(2, 32, 32\\)"),
        (np.zeros((0, 28, 28), np.float32), "one or more"),
        (np.zeros((2, 28, 28), np.uint8), "divide 0-255 values by 255"),
        (np.full((2, 28, 28), 255.0), "must lie in \\[0, 1\\]"),
    ],
)
def test_wrong_images_are_refused_with_what_to_do(versions, images, message):
    with pytest.raises(ValueError, match=message):
        LiteRTModel(versions["float32"]).predict(images)


def test_the_converter_names_its_quantizations_and_what_int8_needs(saved_model):
    with pytest.raises(ValueError, match="must be one of"):
        to_litert(saved_model, "int4")
    with pytest.raises(ValueError, match="int8 needs examples"):
        to_litert(saved_model, "int8")
