import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnist_course import images
from mnist_course.data import load_mnist
from mnist_course.images import DigitImageError, preparation_steps, prepare_digit


@pytest.fixture(scope="module")
def mnist_digits():
    (_, _), (x_test, _) = load_mnist()
    return x_test[:200]


def seven(size=(300, 200), ink="black", paper="white", offset=(0, 0), mode="RGB"):
    """A thick 7 drawn off-centre on a picture of ``size`` (width, height)."""
    picture = Image.new(mode, size, paper)
    pen = ImageDraw.Draw(picture)
    width, height = size
    x, y = width * 0.3 + offset[0], height * 0.2 + offset[1]
    h = height * 0.5
    pen.line([(x, y), (x + 0.6 * h, y), (x + 0.2 * h, y + h)], fill=ink, width=max(1, round(h / 8)))
    return picture


def centre_of_mass(digit):
    total = digit.sum()
    return (digit.sum(axis=1) @ np.arange(28)) / total, (digit.sum(axis=0) @ np.arange(28)) / total


def test_mnist_digits_come_out_nearly_unchanged(mnist_digits):
    # MNIST was made this way, so preparing its digits again may only drop their faintest edge
    # pixels.
    prepared = np.stack([prepare_digit(digit) for digit in mnist_digits])
    original = mnist_digits / np.float32(255)
    assert np.abs(prepared - original).mean() < 0.01
    assert (np.abs(prepared - original).max(axis=(1, 2)) < 0.5).mean() > 0.9


def test_without_noise_floor_mnist_digits_are_reproduced_exactly(mnist_digits, monkeypatch):
    monkeypatch.setattr(images, "INK_THRESHOLD", 0.0)
    prepared = np.stack([prepare_digit(digit) for digit in mnist_digits])
    # Up to one grey level: a digit whose darkest pixel is 254 is stretched to full ink.
    np.testing.assert_allclose(prepared, mnist_digits / np.float32(255), atol=1.01 / 255)


def test_result_is_a_mnist_like_digit():
    digit = prepare_digit(seven())
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert digit.min() == 0 and digit.max() == pytest.approx(1)
    rows, columns = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    assert max(rows[-1] - rows[0], columns[-1] - columns[0]) + 1 == 20  # fitted into 20x20
    assert min(rows[-1] - rows[0], columns[-1] - columns[0]) + 1 < 20  # aspect ratio kept
    row, column = centre_of_mass(digit)
    assert abs(row - 14) <= 0.5 and abs(column - 14) <= 0.5
    assert digit[0].sum() == digit[-1].sum() == digit[:, 0].sum() == digit[:, -1].sum() == 0


def test_polarity_colour_size_and_position_do_not_matter():
    reference = prepare_digit(seven())
    variants = {
        "light ink on dark": seven(ink="white", paper="black"),
        "blue ink on yellow": seven(ink="#1f3a93", paper="#fff2a8"),
        "grayscale picture": seven(mode="L"),
        "four times larger": seven(size=(1200, 800)),
        "elsewhere on the page": seven(offset=(-50, 30)),
    }
    for name, picture in variants.items():
        difference = np.abs(prepare_digit(picture) - reference).mean()
        assert difference < 0.05, name


def test_files_read_like_arrays(tmp_path):
    picture = seven()
    png, jpeg = tmp_path / "seven.png", tmp_path / "seven.jpg"
    picture.save(png)
    picture.save(jpeg, quality=85)
    from_array = prepare_digit(np.asarray(picture))
    np.testing.assert_allclose(prepare_digit(png), from_array, atol=1e-6)
    np.testing.assert_allclose(prepare_digit(str(png)), from_array, atol=1e-6)
    assert np.abs(prepare_digit(jpeg) - from_array).mean() < 0.02  # JPEG is lossy


def test_transparent_background_is_paper(tmp_path):
    picture = seven(
        ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA"
    )  # black ink, transparent black paper
    path = tmp_path / "seven.png"
    picture.save(path)
    reference = prepare_digit(seven())
    assert np.abs(prepare_digit(path) - reference).mean() < 0.02
    assert np.abs(prepare_digit(np.asarray(picture)) - reference).mean() < 0.02


def test_float_and_one_channel_arrays():
    gray = np.asarray(seven(mode="L"))
    reference = prepare_digit(gray)
    np.testing.assert_allclose(prepare_digit(gray / 255), reference, atol=1e-6)
    np.testing.assert_allclose(prepare_digit(gray[..., None]), reference, atol=1e-6)


def test_faint_marks_are_dropped_before_cropping():
    picture = np.asarray(seven(mode="L")).copy()
    picture[5, 5] = 240  # a speck of dust in the corner, 6% as dark as the ink
    np.testing.assert_allclose(prepare_digit(picture), prepare_digit(np.asarray(seven(mode="L"))))


def test_steps_show_each_stage():
    steps = preparation_steps(seven())
    assert list(steps) == ["grayscale", "ink", "cropped", "fitted", "centred"]
    assert steps["grayscale"].shape == (200, 300)
    assert max(steps["fitted"].shape) == 20
    np.testing.assert_array_equal(steps["centred"], prepare_digit(seven()))


@pytest.mark.parametrize(
    "array, message",
    [
        (np.zeros((0, 0), dtype=np.uint8), "empty"),
        (np.full((50, 50), 255, dtype=np.uint8), "blank"),
        (np.zeros((50, 50), dtype=np.uint8), "blank"),
        (np.random.default_rng(0).integers(120, 140, (50, 50)).astype(np.uint8), "blank"),
        (np.zeros((4, 28, 28), dtype=np.uint8), "shape"),
        (np.zeros((28, 28, 2), dtype=np.uint8), "shape"),
        (np.full((28, 28), np.nan, dtype=np.float32), "NaN"),
        (np.full((28, 28), 255.0), r"\[0, 1\]"),
        (np.zeros((28, 28), dtype=np.int64), "dtype"),
        (np.broadcast_to(np.uint8(0), (10_000, 10_000)), "huge"),
    ],
    ids=[
        "empty",
        "white",
        "black",
        "grey noise",
        "batch",
        "two channels",
        "nan",
        "0-255 floats",
        "int64",
        "huge",
    ],
)
def test_bad_arrays_get_clear_errors(array, message):
    with pytest.raises(DigitImageError, match=message):
        prepare_digit(array)


def test_bad_files_get_clear_errors(tmp_path):
    empty = tmp_path / "empty.png"
    empty.touch()
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    truncated = tmp_path / "truncated.png"
    seven().save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:300])
    blank = tmp_path / "blank.jpg"
    Image.new("RGB", (200, 200), "white").save(blank)
    cases = {
        tmp_path / "missing.png": "no such file",
        tmp_path: "not a file",
        empty: "empty",
        text: "not an image",
        truncated: "damaged or truncated",
        blank: "blank",
    }
    for path, message in cases.items():
        with pytest.raises(DigitImageError, match=message) as error:
            prepare_digit(path)
        assert str(path) in str(error.value)


def test_huge_files_are_refused_before_decoding(tmp_path, monkeypatch):
    path = tmp_path / "poster.png"
    Image.new("L", (3000, 2000), 255).save(path)
    monkeypatch.setattr(images, "MAX_PIXELS", 5_000_000)
    with pytest.raises(DigitImageError, match="huge .6 megapixels"):
        prepare_digit(path)
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 10)
    with pytest.raises(DigitImageError, match="huge"):
        prepare_digit(path)


def test_other_inputs_are_refused():
    with pytest.raises(DigitImageError, match="expected a path"):
        prepare_digit([[0, 1], [1, 0]])
