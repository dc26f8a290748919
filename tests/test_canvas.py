import keras
import numpy as np
import pytest

from mnist_course.canvas import CANVAS_SIZE, DigitPad, read_strokes, render_strokes
from mnist_course.images import DigitImageError
from mnist_course.model_files import model_file

ONE = [[(140, 40), (140, 240)]]
SEVEN = [[(70, 50), (210, 50), (120, 240)]]


@pytest.fixture(scope="module")
def model():
    """The course's best model, as lesson 10 loads it: the pad is for reading with it."""
    return keras.saving.load_model(model_file("08_ensemble"), safe_mode=True)


class Uniform:
    """A stand-in model that cannot tell digits apart, to test the pad without a real one."""

    def __call__(self, digits, training=False):
        assert training is False, "the pad must read in inference mode"
        return np.full((len(digits), 10), 0.1, dtype=np.float32)


def test_strokes_are_drawn_as_ink_on_white_paper_where_the_pen_went():
    picture = render_strokes(ONE)
    assert picture.shape == (CANVAS_SIZE, CANVAS_SIZE) and picture.dtype == np.uint8
    assert picture[140, 140] == 0 and picture[20, 140] == 255  # on the stroke; above its end
    assert picture[140, 60] == 255 and picture[140, 220] == 255  # beside it
    assert picture[40, 140] == 0  # the round end covers the first point


def test_a_single_click_leaves_a_dot():
    picture = render_strokes([[(100, 100)]])
    assert picture[100, 100] == 0 and (picture == 0).sum() > 100


@pytest.mark.parametrize(("strokes", "digit"), [(ONE, 1), (SEVEN, 7)])
def test_drawn_digits_are_read_as_what_they_show(model, strokes, digit):
    reading = read_strokes(model, strokes)
    assert reading.prepared.shape == (28, 28)
    assert reading.probabilities.argmax() == digit
    assert reading.probabilities.sum() == pytest.approx(1, abs=1e-4)


@pytest.mark.parametrize("strokes", [[], [[]], [[], []]])
def test_an_empty_canvas_gets_the_blank_picture_message_not_a_guess(strokes):
    with pytest.raises(DigitImageError, match="blank picture"):
        read_strokes(Uniform(), strokes)


@pytest.mark.parametrize(
    ("stroke", "message"),
    [([(1, 2, 3)], "list of \\(x, y\\) points"), ([(np.nan, 4)], "not a finite number")],
)
def test_malformed_strokes_are_refused_with_what_is_wrong(stroke, message):
    with pytest.raises(ValueError, match=message):
        render_strokes([stroke])


def test_a_model_that_does_not_give_ten_probabilities_is_refused():
    class Wrong:
        def __call__(self, digits, training=False):
            return np.zeros((len(digits), 3))

    with pytest.raises(ValueError, match="expected \\(1, 10\\)"):
        read_strokes(Wrong(), ONE)


def test_the_pad_reads_what_the_pen_drew_when_it_is_lifted(model):
    pad = DigitPad(model)
    pad.pen_move(10, 10)  # a move with the pen up draws nothing
    pad.pen_down(140, 40)
    pad.pen_move(140, 140)
    pad.pen_move(140, 240)
    assert "Draw a digit" in pad.verdict.value, "nothing is read while the pen is down"
    pad.pen_up(140, 240)
    assert pad.strokes == [[(140, 40), (140, 140), (140, 240)]]
    assert "Read as <b>1</b>" in pad.verdict.value
    assert max(bar.value for bar in pad.bars) == pad.bars[1].value
    assert pad.bars[1].bar_style == "success" and bytes(pad.input_view.value).startswith(b"\x89PNG")


def test_clearing_the_pad_forgets_the_drawing_and_the_reading():
    pad = DigitPad(Uniform())
    pad.pen_down(100, 100)
    pad.pen_up(100, 100)
    pad.clear()
    assert pad.strokes == [] and all(bar.value == 0 for bar in pad.bars)
    assert pad.read() is None and "blank picture" in pad.verdict.value


def test_the_pad_shows_as_a_widget_with_a_line_of_text_for_pages_without_one():
    pad = DigitPad(Uniform())
    bundle = pad._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == pad.widget.model_id
    assert "run this cell" in bundle["text/plain"]
