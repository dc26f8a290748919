"""Draw a digit with the mouse (or a finger) and watch a model read it as you draw.

A drawing is kept as strokes, each a list of (x, y) points in canvas pixels, and not as the
canvas's pixels: the kernel always has the strokes (the pixels live in the browser and would have
to be sent back, which a closed page or a slow connection does not do), and the same strokes,
drawn by a test, read the same every time. ``read_strokes`` is the whole path from strokes to the
model's ten probabilities, a plain function the tests call without a browser; ``DigitPad`` is the
widget around it (ipycanvas for the drawing, ipywidgets for the rest), which only records strokes
and shows what ``read_strokes`` returns.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np
from ipycanvas import Canvas
from PIL import Image, ImageDraw

from mnist_course.data import IMAGE_SHAPE
from mnist_course.evaluation import NUM_CLASSES
from mnist_course.images import DigitImageError, prepare_digit

#: The canvas's side in pixels: ten times MNIST's 28, room for a mouse or a finger.
CANVAS_SIZE = 280
#: The pen's width in canvas pixels. MNIST's strokes are about 2-3 pixels wide in a digit
#: 20 pixels high; a digit drawn to fill most of the canvas (about 200 pixels) needs 10x that.
PEN_WIDTH = 22
#: How large the prepared 28x28 input is shown, in screen pixels per input pixel.
INPUT_ZOOM = 4

Point = tuple[float, float]
Stroke = Sequence[Point]


class Reading(NamedTuple):
    """What the model made of a drawing: the 28x28 input it was given and its probabilities."""

    prepared: np.ndarray
    probabilities: np.ndarray


def render_strokes(
    strokes: Sequence[Stroke], size: int = CANVAS_SIZE, pen_width: int = PEN_WIDTH
) -> np.ndarray:
    """The strokes as a picture, black ink on white paper, as the canvas shows them.

    Returns a (size, size) uint8 array. Each stroke is drawn as a line through its points with
    round ends and joints (a stroke of one point is a dot), so the picture matches what a
    learner saw on the canvas, and ``prepare_digit`` takes it like any other picture.
    """
    picture = Image.new("L", (size, size), color=255)
    pen = ImageDraw.Draw(picture)
    radius = pen_width / 2
    for index, stroke in enumerate(strokes):
        points = _checked_points(stroke, index)
        if len(points) > 1:
            pen.line(points, fill=0, width=pen_width, joint="curve")
        for x, y in points:  # round ends, and the dot of a single click
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    return np.asarray(picture)


def read_strokes(model, strokes: Sequence[Stroke], size: int = CANVAS_SIZE) -> Reading:
    """Render ``strokes``, prepare the picture as MNIST's digits were, and let ``model`` read it.

    ``model`` is any Keras model taking (n, 28, 28, 1) digits and giving (n, 10) probabilities.
    An empty drawing raises DigitImageError (the "blank picture" message) instead of returning
    a guess: a model asked about nothing still answers, with probabilities that mean nothing.
    """
    if not any(len(stroke) for stroke in strokes):
        raise DigitImageError(
            "blank picture: nothing is drawn on the canvas yet; draw a digit with the mouse "
            "(or a finger) first"
        )
    prepared = prepare_digit(render_strokes(strokes, size))
    probabilities = np.asarray(model(prepared[None, ..., None], training=False))
    if probabilities.shape != (1, NUM_CLASSES):
        raise ValueError(
            f"the model gave an output of shape {probabilities.shape} for one digit; "
            f"expected (1, {NUM_CLASSES}), one probability per digit"
        )
    return Reading(prepared, probabilities[0])


def _checked_points(stroke: Stroke, index: int) -> list[Point]:
    points = np.asarray(stroke, dtype=float)
    if points.size and (points.ndim != 2 or points.shape[1] != 2):
        raise ValueError(
            f"stroke {index} must be a list of (x, y) points; got an array of shape {points.shape}"
        )
    if not np.isfinite(points).all():
        raise ValueError(f"stroke {index} holds a point that is not a finite number")
    return [(float(x), float(y)) for x, y in points.reshape(-1, 2)]


class DigitPad:
    """A canvas to draw a digit on, beside the prepared input and the model's probabilities.

    Each time the pen is lifted, the drawing so far is read with ``read_strokes``: the bars show
    the ten probabilities, the small picture the 28x28 input the model was given. Display it
    by leaving it as a cell's last value. It needs a live kernel (the drawing is sent to Python
    as it is made); in a notebook opened without running it, its text says so.
    """

    def __init__(self, model, size: int = CANVAS_SIZE) -> None:
        self.model = model
        self.size = size
        self.strokes: list[list[Point]] = []
        self._drawing = False
        self.canvas = Canvas(width=size, height=size)
        self.canvas.layout.border = "1px solid #888"
        self.canvas.line_width = PEN_WIDTH
        self.canvas.line_cap = "round"
        self.canvas.line_join = "round"
        self.canvas.on_mouse_down(self.pen_down)
        self.canvas.on_mouse_move(self.pen_move)
        self.canvas.on_mouse_up(self.pen_up)
        self.canvas.on_mouse_out(self.pen_up)
        self.canvas.on_touch_start(lambda touches: self.pen_down(*touches[0]))
        self.canvas.on_touch_move(lambda touches: self.pen_move(*touches[0]))
        self.canvas.on_touch_end(lambda touches: self.pen_up(0, 0))
        clear = widgets.Button(description="Clear", icon="eraser")
        clear.on_click(lambda _: self.clear())
        self.verdict = widgets.HTML()
        self.verdict.add_class("digit-pad-verdict")
        self.input_view = widgets.Image(format="png", width=IMAGE_SHAPE[1] * INPUT_ZOOM)
        self.input_view.layout.border = "1px solid #888"
        self.bars = [
            widgets.FloatProgress(min=0, max=1, description=str(digit))
            for digit in range(NUM_CLASSES)
        ]
        self.shares = [widgets.Label() for _ in range(NUM_CLASSES)]
        bars = widgets.VBox([widgets.HBox(pair) for pair in zip(self.bars, self.shares)])
        shown = widgets.VBox([self.verdict, widgets.Label("what the model sees:"), self.input_view])
        self.widget = widgets.HBox([widgets.VBox([self.canvas, clear]), shown, bars])
        self.clear()

    def _repr_mimebundle_(self, **kwargs) -> dict:
        """The widget for a live page; for anything else (a committed notebook, GitHub, the
        tests) a line saying how to get it, instead of the widget's long text repr."""
        view = {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
        return {
            "text/plain": "A canvas to draw a digit on: run this cell in JupyterLab or Colab.",
            "application/vnd.jupyter.widget-view+json": view,
        }

    def pen_down(self, x: float, y: float) -> None:
        """Start a stroke at (x, y)."""
        self._drawing = True
        self.strokes.append([(x, y)])
        self.canvas.fill_circle(x, y, PEN_WIDTH / 2)

    def pen_move(self, x: float, y: float) -> None:
        """Extend the stroke being drawn to (x, y); a move with the pen up draws nothing."""
        if not self._drawing:
            return
        last_x, last_y = self.strokes[-1][-1]
        self.strokes[-1].append((x, y))
        self.canvas.stroke_line(last_x, last_y, x, y)

    def pen_up(self, x: float, y: float) -> None:
        """End the stroke (the pen lifted or left the canvas) and read the drawing so far."""
        if self._drawing:
            self._drawing = False
            self.read()

    def read(self) -> Reading | None:
        """Read the drawing and show the result; None, with the reason shown, when it cannot be."""
        try:
            reading = read_strokes(self.model, self.strokes, self.size)
        except DigitImageError as error:
            self._show(None, str(error))
            return None
        digit = int(reading.probabilities.argmax())
        share = reading.probabilities[digit]
        self._show(reading, f"Read as <b>{digit}</b>, probability {share:.0%}")
        return reading

    def clear(self) -> None:
        """Wipe the canvas and the reading."""
        self.strokes.clear()
        self._drawing = False
        self.canvas.clear()
        self.canvas.fill_style = "white"
        self.canvas.fill_rect(0, 0, self.size, self.size)
        self.canvas.fill_style = self.canvas.stroke_style = "black"
        self._show(None, "Draw a digit in the box; the model reads it when you lift the pen.")

    def _show(self, reading: Reading | None, message: str) -> None:
        self.verdict.value = message
        probabilities = np.zeros(NUM_CLASSES) if reading is None else reading.probabilities
        prepared = np.zeros(IMAGE_SHAPE) if reading is None else reading.prepared
        best = int(probabilities.argmax()) if reading is not None else None
        for digit, (bar, share) in enumerate(zip(self.bars, self.shares)):
            bar.value = float(probabilities[digit])
            bar.bar_style = "success" if digit == best else ""
            share.value = f"{probabilities[digit]:.0%}" if reading is not None else ""
        self.input_view.value = _png(prepared)


def _png(digit: np.ndarray) -> bytes:
    picture = Image.fromarray((np.clip(digit, 0, 1) * 255).astype(np.uint8))
    picture = picture.resize(
        (IMAGE_SHAPE[1] * INPUT_ZOOM, IMAGE_SHAPE[0] * INPUT_ZOOM), Image.Resampling.NEAREST
    )
    stream = io.BytesIO()
    picture.save(stream, format="PNG")
    return stream.getvalue()
