from pathlib import Path

import numpy as np
from PIL import Image

from mnist_course.images import prepare_digit
from tools import make_example_digits as make

ROOT = Path(__file__).resolve().parents[1]


def pixels(path):
    return np.asarray(Image.open(path), dtype=np.int16)


def test_committed_examples_are_what_the_tool_draws(tmp_path):
    made = make.write_examples(tmp_path)
    committed = sorted(path.name for path in (ROOT / "examples").iterdir())
    assert sorted(path.name for path in made) == committed, (
        "run `make examples` and commit the result"
    )
    for path in made:
        ours, theirs = pixels(path), pixels(ROOT / "examples" / path.name)
        assert ours.shape == theirs.shape, path.name
        # PNG is lossless; a JPEG decoder may round a few pixels differently.
        assert np.abs(ours - theirs).mean() < (0.5 if path.suffix == ".jpg" else 1e-9), path.name


def test_examples_are_named_by_their_digit_and_differ_from_mnist():
    drawings = make.DRAWINGS
    assert all(d.file[0].isdigit() or d.file.startswith("not_a_digit") for d in drawings)
    assert {d.file[0] for d in drawings if d.file[0].isdigit()} == set("0123456789")
    sizes = [d.size for d in drawings]
    assert min(min(size) for size in sizes) < 28 * 2 and max(max(size) for size in sizes) > 28 * 20
    assert any(d.ink in ("white", "#f0f0f0") for d in drawings), "light ink on a dark background"
    assert any(d.grayscale for d in drawings) and any(not d.grayscale for d in drawings)
    assert {Path(d.file).suffix for d in drawings} == {".png", ".jpg"}


def test_every_example_can_be_prepared():
    for path in sorted((ROOT / "examples").iterdir()):
        digit = prepare_digit(path)
        assert digit.shape == (28, 28) and digit.max() == 1, path.name
