"""Turning any picture of a digit into the kind of input an MNIST model was trained on.

A model trained on MNIST has only ever seen digits prepared one way: bright ink on a black
background, cropped to the ink, scaled (keeping the aspect ratio) to fit a 20x20 box with
grey levels at the edges, and placed in a 28x28 frame with the centre of mass of the ink at the
centre. A photo or a drawing fed to it any other way (dark ink on white paper, a digit in a corner,
a 600x400 picture squashed to 28x28) is read badly however good the model is, so this module
repeats those steps for any image: a PNG or JPEG file, colour or grayscale, dark ink on light
paper or the reverse, at any size.

An image the steps cannot make sense of (an empty or unreadable file, a blank page, a picture too
large to be a digit) raises DigitImageError, whose message says what is wrong and what to do.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from mnist_course.data import IMAGE_SHAPE

#: MNIST's digits were scaled to fit this box, then placed in the 28x28 frame.
DIGIT_BOX = 20
#: Larger pictures are refused rather than decoded: 50 megapixels covers the largest phone
#: photos.
MAX_PIXELS = 50_000_000
#: Larger files are refused before they are opened.
MAX_FILE_BYTES = 100_000_000
#: Ink must differ from the paper by at least this share of the full grey range, or the image is
#: blank.
MIN_CONTRAST = 0.2
#: Ink fainter than this share of the darkest stroke is paper texture, JPEG noise or shadow:
#: dropped.
INK_THRESHOLD = 0.2

ImageInput = str | Path | np.ndarray | Image.Image


class DigitImageError(ValueError):
    """A picture that cannot be turned into an MNIST-like digit; the message says why and what to
    do."""


def prepare_digit(image: ImageInput) -> np.ndarray:
    """``image`` as an MNIST-like digit: a (28, 28) float32 array in [0, 1], bright ink on black.

    Accepts a path to an image file (PNG, JPEG, or any format Pillow reads), a Pillow image, or an
    array of shape (height, width) or (height, width, 1, 3 or 4 channels) holding uint8 values or
    floats in [0, 1]. The result is scaled like ``prepare_mnist``'s images, so a model trained on
    those takes it as it is (add the channel axis if the model expects one).
    """
    return preparation_steps(image)["centred"]


def preparation_steps(image: ImageInput) -> dict[str, np.ndarray]:
    """Every intermediate image of prepare_digit, in order, to show how a picture becomes a digit.

    ``grayscale`` (the picture in grey levels, 0 black to 1 white), ``ink`` (ink bright on a black
    background, faint marks dropped, darkest stroke at 1), ``cropped`` (the ink's bounding box),
    ``fitted`` (scaled to fit 20x20, aspect kept) and ``centred`` (in the 28x28 frame, centre of
    mass in the middle): the last is prepare_digit's result.
    """
    grayscale = _grayscale(image)
    ink = _ink(grayscale, str(image) if isinstance(image, (str, Path)) else "the image")
    cropped = _crop_to_ink(ink)
    fitted = _fit_into_box(cropped, DIGIT_BOX)
    centred = _centre_by_mass(fitted, IMAGE_SHAPE)
    return {
        "grayscale": grayscale,
        "ink": ink,
        "cropped": cropped,
        "fitted": fitted,
        "centred": centred,
    }


def _grayscale(image: ImageInput) -> np.ndarray:
    if isinstance(image, (str, Path)):
        return _grayscale_from_pil(_open(Path(image)), str(image))
    if isinstance(image, Image.Image):
        _check_pixel_count(image.size[0] * image.size[1], "the image")
        return _grayscale_from_pil(image, "the image")
    if isinstance(image, np.ndarray):
        return _grayscale_from_array(image)
    raise DigitImageError(
        "expected a path to an image file, a Pillow image or a NumPy array; "
        f"got {type(image).__name__}"
    )


def _open(path: Path) -> Image.Image:
    if not path.exists():
        raise DigitImageError(f"{path}: no such file; check the path")
    if not path.is_file():
        raise DigitImageError(f"{path}: not a file; give the path of one image file")
    size = path.stat().st_size
    if size == 0:
        raise DigitImageError(f"{path}: the file is empty (0 bytes); save the picture again")
    if size > MAX_FILE_BYTES:
        raise DigitImageError(
            f"{path}: the file is huge ({size / 1e6:.0f} MB, "
            f"the limit is {MAX_FILE_BYTES / 1e6:.0f} MB); "
            "crop or scale the picture down to the digit first"
        )
    try:
        with warnings.catch_warnings():  # our own size check below replaces Pillow's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(path)
    except Image.DecompressionBombError as error:
        raise DigitImageError(
            f"{path}: the picture is huge ({error}); scale it down to the digit first"
        ) from error
    except UnidentifiedImageError as error:
        raise DigitImageError(
            f"{path}: not an image file Pillow can read; save the digit as PNG or JPEG"
        ) from error
    _check_pixel_count(picture.size[0] * picture.size[1], str(path))
    try:
        picture.load()
    except OSError as error:
        raise DigitImageError(
            f"{path}: the image is damaged or truncated ({error}); save it again"
        ) from error
    # Phone cameras store the picture sideways and say how to turn it in the EXIF data.
    return ImageOps.exif_transpose(picture)


def _check_pixel_count(pixels: int, source: str) -> None:
    if pixels > MAX_PIXELS:
        raise DigitImageError(
            f"{source}: the picture is huge ({pixels / 1e6:.0f} megapixels, the limit is "
            f"{MAX_PIXELS / 1e6:.0f}); crop or scale it down to the digit first"
        )


def _grayscale_from_pil(picture: Image.Image, source: str) -> np.ndarray:
    if picture.size[0] == 0 or picture.size[1] == 0:
        raise DigitImageError(
            f"{source}: the image has no pixels ({picture.size[0]}x{picture.size[1]})"
        )
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        # Transparent parts are paper: lay the picture on white before reading its grey levels.
        background = Image.new("RGBA", picture.size, "white")
        picture = Image.alpha_composite(background, picture.convert("RGBA"))
    return np.asarray(picture.convert("L"), dtype=np.float32) / 255


def _grayscale_from_array(array: np.ndarray) -> np.ndarray:
    shape = array.shape
    if array.ndim == 3 and shape[-1] in (1, 3, 4):
        channels = shape[-1]
    elif array.ndim == 2:
        channels = 1
    else:
        raise DigitImageError(
            "expected an image array of shape (height, width) or (height, width, channels) "
            f"with 1, 3 or 4 channels; got shape {shape}"
        )
    if array.size == 0:
        raise DigitImageError(f"the image array is empty (shape {shape})")
    _check_pixel_count(shape[0] * shape[1], "the image array")
    values = _unit_range(array)
    if channels == 1:
        return values.reshape(shape[:2])
    # Pillow's own colour-to-grey weights (ITU-R 601-2 luma), so arrays and files read alike.
    gray = values[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    if channels == 4:
        alpha = values[..., 3]
        gray = gray * alpha + (1 - alpha)  # transparent is paper, as for files
    return gray.astype(np.float32)


def _unit_range(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255
    if np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise DigitImageError("the image array holds NaN or infinite values")
        if array.min() < 0 or array.max() > 1:
            raise DigitImageError(
                f"float pixel values must lie in [0, 1]; got {array.min():g} to {array.max():g} "
                "(divide 0-255 values by 255, or pass them as uint8)"
            )
        return array.astype(np.float32)
    raise DigitImageError(
        f"pixel values must be uint8 (0-255) or floats in [0, 1]; got dtype {array.dtype}"
    )


def _ink(gray: np.ndarray, source: str) -> np.ndarray:
    """Ink bright on black, whichever way round the picture was: the paper is what the border
    shows."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    paper = float(np.median(border))
    darker, lighter = paper - float(gray.min()), float(gray.max()) - paper
    ink = paper - gray if darker >= lighter else gray - paper
    contrast = max(darker, lighter)
    if contrast < MIN_CONTRAST:
        raise DigitImageError(
            f"{source}: no digit found, the picture is blank or nearly so "
            f"(ink differs from the paper by {contrast:.0%} of the grey range, "
            f"at least {MIN_CONTRAST:.0%} is needed); "
            "write the digit darker or use a plainer background"
        )
    ink = np.clip(ink / contrast, 0, 1)
    ink[ink < INK_THRESHOLD] = 0
    return ink.astype(np.float32)


def _crop_to_ink(ink: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    return ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]


def _fit_into_box(ink: np.ndarray, box: int) -> np.ndarray:
    """Scale so the longer side is ``box`` pixels; Lanczos resampling leaves MNIST-like grey
    edges."""
    height, width = ink.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = np.asarray(Image.fromarray(ink).resize(size, Image.Resampling.LANCZOS))
    resized = np.clip(resized, 0, None)  # Lanczos overshoots slightly below zero next to strokes
    # Shrinking a large picture thins and greys its strokes; MNIST's darkest stroke is full ink.
    return (resized / resized.max()).astype(np.float32)


def _centre_by_mass(digit: np.ndarray, frame: tuple[int, int]) -> np.ndarray:
    """Place ``digit`` in a ``frame`` so that its centre of mass sits in the frame's middle.

    The shift is rounded to whole pixels and kept within the frame, so no ink is cut off.
    """
    height, width = digit.shape
    total = digit.sum()
    centre_row = (digit.sum(axis=1) @ np.arange(height)) / total
    centre_column = (digit.sum(axis=0) @ np.arange(width)) / total
    middle_row, middle_column = frame[0] / 2, frame[1] / 2
    top = int(np.clip(round(middle_row - centre_row), 0, frame[0] - height))
    left = int(np.clip(round(middle_column - centre_column), 0, frame[1] - width))
    result = np.zeros(frame, dtype=np.float32)
    result[top : top + height, left : left + width] = digit
    return result
