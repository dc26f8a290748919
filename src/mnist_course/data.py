"""Loading MNIST from the course's own verified copy, and preparing it for a model.

Keras's ``keras.datasets.mnist.load_data()`` downloads at run time, which fails offline, behind
firewalls and with broken certificates, and it deletes a cached file whose hash it does not expect.
The course therefore ships ``data/mnist.npz`` (see data/README.md) and checks every array it loads
against a checksum of the published MNIST content, so a damaged or altered file is never used.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np

from mnist_course.paths import project_root

Split = tuple[np.ndarray, np.ndarray]

#: Array names, in the order the content checksum reads them (Keras's own layout).
ARRAY_SHAPES: dict[str, tuple[int, ...]] = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}

#: SHA-256 of the four arrays' raw bytes, in ARRAY_SHAPES order: the identity of the MNIST content,
#: whatever zip or compression settings the file was written with.
CONTENT_SHA256 = "06b0d1f124c4e5fa796686ade41a9b778edacc8622f2195a352ef479ad44fc16"

#: How many of each digit 0-9 the published training and test sets hold.
TRAIN_LABEL_COUNTS = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
TEST_LABEL_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)

#: Further published facts, checked when the file is rebuilt and by the tests.
FIRST_TRAIN_LABELS = (5, 0, 4, 1, 9, 2, 1, 3, 1, 4)
TRAIN_PIXEL_MEAN = 33.318
TRAIN_PIXEL_STD = 78.567

IMAGE_SHAPE = (28, 28)
#: Training images every notebook holds out for validation (see split_validation).
VALIDATION_SIZE = 5000
#: Training images left to fit on once validation is held out: what every model lesson trains on.
FIT_SIZE = sum(TRAIN_LABEL_COUNTS) - VALIDATION_SIZE

HOW_TO_GET_A_GOOD_COPY = (
    "Restore the committed copy with `git checkout -- data/mnist.npz`, "
    "or rebuild it with `make data` (see data/README.md)."
)


class MnistDataError(Exception):
    """The MNIST file is missing, unreadable, or does not hold the published MNIST arrays."""


def default_data_path() -> Path | None:
    """``data/mnist.npz`` in the course checkout, or None when running outside one (e.g. Colab)."""
    root = project_root()
    return None if root is None else root / "data" / "mnist.npz"


def content_sha256(arrays: Mapping[str, np.ndarray]) -> str:
    """Checksum of the arrays' contents, independent of how the .npz file was compressed."""
    digest = hashlib.sha256()
    for name in ARRAY_SHAPES:
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()


def check_mnist_arrays(arrays: Mapping[str, np.ndarray], source: str) -> None:
    """Raise MnistDataError unless ``arrays`` are exactly the published MNIST arrays.

    Shapes and dtypes are checked first so that the error says what is wrong, not only that
    the checksum differs.
    """
    for name, shape in ARRAY_SHAPES.items():
        if name not in arrays:
            raise MnistDataError(
                f"{source}: has no array {name!r} (found {sorted(arrays)}). "
                f"{HOW_TO_GET_A_GOOD_COPY}"
            )
        array = arrays[name]
        if array.dtype != np.uint8 or array.shape != shape:
            raise MnistDataError(
                f"{source}: array {name!r} is {array.dtype} of shape {array.shape}, "
                f"expected uint8 of shape {shape}. {HOW_TO_GET_A_GOOD_COPY}"
            )
    found = content_sha256(arrays)
    if found != CONTENT_SHA256:
        raise MnistDataError(
            f"{source}: the arrays have the right shapes but not the MNIST content "
            f"(content SHA-256 {found}, expected {CONTENT_SHA256}); the file was altered or "
            f"damaged. {HOW_TO_GET_A_GOOD_COPY}"
        )


def check_mnist_facts(arrays: Mapping[str, np.ndarray]) -> None:
    """Raise MnistDataError unless the label counts, first labels and pixel statistics are MNIST's.

    This is the independent check behind CONTENT_SHA256: it is how a rebuilt file is known to be
    MNIST before its checksum is trusted.
    """
    facts = {
        "training label counts": (
            tuple(np.bincount(arrays["y_train"], minlength=10)),
            TRAIN_LABEL_COUNTS,
        ),
        "test label counts": (
            tuple(np.bincount(arrays["y_test"], minlength=10)),
            TEST_LABEL_COUNTS,
        ),
        "first training labels": (tuple(arrays["y_train"][:10]), FIRST_TRAIN_LABELS),
        "training pixel mean": (round(float(arrays["x_train"].mean()), 3), TRAIN_PIXEL_MEAN),
        "training pixel std": (round(float(arrays["x_train"].std()), 3), TRAIN_PIXEL_STD),
    }
    for fact, (found, expected) in facts.items():
        if tuple(np.atleast_1d(found).tolist()) != tuple(np.atleast_1d(expected).tolist()):
            raise MnistDataError(f"{fact}: found {found}, expected {expected}")


def load_mnist(path: str | Path | None = None) -> tuple[Split, Split]:
    """Return ``(x_train, y_train), (x_test, y_test)``, the same arrays as Keras's loader.

    With no ``path``, reads ``data/mnist.npz`` from the course checkout. Outside a checkout (a
    single notebook opened in Colab) it falls back to ``keras.datasets.mnist.load_data()``, which
    works there because Colab is online. Either way the arrays are verified before they are
    returned. The file is read with ``allow_pickle=False``: a data file must never be able to run
    code.
    """
    if path is None:
        path = default_data_path()
        if path is None:
            return _load_with_keras()
    path = Path(path)
    if not path.is_file():
        raise MnistDataError(f"{path}: file not found. {HOW_TO_GET_A_GOOD_COPY}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise MnistDataError(
            f"{path}: cannot be read as a NumPy .npz archive ({error}); the file is truncated or "
            f"damaged. {HOW_TO_GET_A_GOOD_COPY}"
        ) from error
    check_mnist_arrays(arrays, str(path))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _load_with_keras() -> tuple[Split, Split]:
    import keras

    print("No course checkout here: downloading MNIST with keras.datasets.mnist.load_data().")
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    check_mnist_arrays(arrays, "keras.datasets.mnist.load_data()")
    return (x_train, y_train), (x_test, y_test)


def scale_pixels(images: np.ndarray) -> np.ndarray:
    """Map MNIST's uint8 pixels 0-255 to float32 in [0, 1], the range networks train well on.

    Refuses anything that is not a stack of 28x28 grayscale uint8 images, because a float array
    that was already scaled, or a colour image, would otherwise be scaled silently and wrongly.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(
            f"expected uint8 pixels 0-255, got dtype {images.dtype}; pass the arrays from "
            "load_mnist() (scale them once, not twice)"
        )
    if images.ndim < 2 or images.shape[-2:] != IMAGE_SHAPE:
        raise ValueError(
            f"expected 28x28 grayscale images (shape (n, 28, 28)), got shape {images.shape}"
        )
    return images.astype(np.float32) / 255.0


def split_validation(
    images: np.ndarray, labels: np.ndarray, size: int = VALIDATION_SIZE, seed: int = 0
) -> tuple[Split, Split]:
    """Hold out ``size`` random training examples for validation:
    ``(x_fit, y_fit), (x_val, y_val)``.

    Models are tuned against the validation part; the test set is scored once, at the end, so
    that its accuracy stays an honest estimate. The shuffle is seeded, so every notebook holds out
    the same examples and their models are compared on the same split.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels; they must pair up")
    if not 0 < size < len(images):
        raise ValueError(f"validation size must be between 1 and {len(images) - 1}, got {size}")
    order = np.random.default_rng(seed).permutation(len(images))
    fit, held_out = order[:-size], order[-size:]
    return (images[fit], labels[fit]), (images[held_out], labels[held_out])


class PreparedMnist(NamedTuple):
    """The splits every model notebook trains on: pixels scaled to [0, 1], integer labels."""

    x_fit: np.ndarray
    y_fit: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def with_fit_images(self, count: int) -> PreparedMnist:
        """The first `count` fitting images, with validation and test unchanged: a quick
        experiment (an exercise's solution, say) then trains in seconds and is still scored on
        the same held-out images as the lesson's full run."""
        if not 0 < count <= len(self.x_fit):
            raise ValueError(
                f"count must be between 1 and {len(self.x_fit)} (the fitting images), got {count}"
            )
        return self._replace(x_fit=self.x_fit[:count], y_fit=self.y_fit[:count])


def prepare_mnist(validation_size: int = VALIDATION_SIZE) -> PreparedMnist:
    """Load, hold out validation data and scale, the three steps of notebook 00, in one call.

    Every model notebook uses this, so all of them train, validate and test on the very same
    images and their scores can be compared.
    """
    (x_train, y_train), (x_test, y_test) = load_mnist()
    (x_fit, y_fit), (x_val, y_val) = split_validation(x_train, y_train, size=validation_size)
    return PreparedMnist(
        scale_pixels(x_fit), y_fit, scale_pixels(x_val), y_val, scale_pixels(x_test), y_test
    )
