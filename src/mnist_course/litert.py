"""Running a model exported to LiteRT (TensorFlow Lite's successor) on the course's digits.

A ``.tflite`` file runs with a small interpreter, without TensorFlow or Keras: on a phone, a
microcontroller or a server. The interpreter here is the one from ``ai-edge-litert``, which
replaces the deprecated ``tf.lite.Interpreter``. ``LiteRTModel`` hides what differs between the
float and the integer versions of a model (an integer model takes and gives int8 numbers, with a
scale and zero point to convert them), so every version is asked the same question, the way the
Keras model is: (n, 28, 28, 1) pixels in [0, 1] in, (n, 10) probabilities out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from mnist_course.data import IMAGE_SHAPE
from mnist_course.evaluation import NUM_CLASSES


class LiteRTModelError(ValueError):
    """A file that is not a LiteRT model for MNIST digits; the message says what to do."""


class LiteRTModel:
    """A ``.tflite`` model of MNIST digits, ready to predict like a Keras model."""

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise LiteRTModelError(
                f"{self.path}: no such file; write the model first (converter.convert() returns "
                "its bytes: save them with Path(...).write_bytes)"
            )
        try:
            self._interpreter = Interpreter(model_path=str(self.path), num_threads=threads)
        except ValueError as error:
            raise LiteRTModelError(
                f"{self.path} is not a LiteRT model ({error}); give the .tflite file that "
                "tf.lite.TFLiteConverter wrote, not a .keras file or a SavedModel"
            ) from None
        (self._input,) = self._interpreter.get_input_details()
        (self._output,) = self._interpreter.get_output_details()
        expected = (1, *IMAGE_SHAPE, 1)
        if tuple(self._input["shape"][1:]) != expected[1:]:
            raise LiteRTModelError(
                f"{self.path} takes inputs of shape {tuple(self._input['shape'])}; an MNIST model "
                f"takes {expected}, one 28x28 grey digit per row"
            )
        self._batch = None

    @property
    def size(self) -> int:
        """The file's size in bytes: what a device has to store and load."""
        return self.path.stat().st_size

    @property
    def input_type(self) -> type:
        """The number type the model takes: numpy.float32, or numpy.int8 for an integer model."""
        return self._input["dtype"]

    def predict(self, images: np.ndarray) -> np.ndarray:
        """The (n, 10) probabilities for (n, 28, 28) or (n, 28, 28, 1) pixels in [0, 1].

        The whole array is one batch, as Keras's predict would see it in one step; an integer
        model's int8 input and output are converted with the scale and zero point stored in it.
        """
        images = _checked_images(images)
        if self._batch != len(images):
            batch_shape = [len(images), *IMAGE_SHAPE, 1]
            self._interpreter.resize_tensor_input(self._input["index"], batch_shape)
            self._interpreter.allocate_tensors()
            self._batch = len(images)
        self._interpreter.set_tensor(self._input["index"], self._quantized(images))
        self._interpreter.invoke()
        output = self._interpreter.get_tensor(self._output["index"])
        scale, zero_point = self._output["quantization"]
        if self._output["dtype"] != np.float32:
            output = (output.astype(np.float32) - zero_point) * scale
        if output.shape != (len(images), NUM_CLASSES):
            raise LiteRTModelError(
                f"{self.path} gave outputs of shape {output.shape}; an MNIST classifier gives "
                f"({len(images)}, {NUM_CLASSES}), ten probabilities per digit"
            )
        return output

    def _quantized(self, images: np.ndarray) -> np.ndarray:
        dtype = self._input["dtype"]
        if dtype == np.float32:
            return images
        scale, zero_point = self._input["quantization"]
        limits = np.iinfo(dtype)
        return np.clip(np.round(images / scale + zero_point), limits.min, limits.max).astype(dtype)


def _checked_images(images: np.ndarray) -> np.ndarray:
    given = np.asarray(images)
    images = given[..., None] if given.ndim == 3 else given
    if images.ndim != 4 or images.shape[1:] != (*IMAGE_SHAPE, 1) or len(images) == 0:
        single = given.shape in (IMAGE_SHAPE, (*IMAGE_SHAPE, 1))
        raise ValueError(
            "expected one or more 28x28 grey digits, shape (n, 28, 28) or (n, 28, 28, 1); got "
            f"shape {given.shape}"
            + (" (a single digit needs its batch axis: digit[None])" if single else "")
        )
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"expected pixels as floats in [0, 1], as prepare_mnist gives them; got dtype "
            f"{images.dtype} (divide 0-255 values by 255)"
        )
    if images.min() < 0 or images.max() > 1:
        raise ValueError(
            f"pixel values must lie in [0, 1]; got {images.min():g} to {images.max():g}"
        )
    return images.astype(np.float32)
