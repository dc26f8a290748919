"""Draw the example pictures of digits that notebook 08 reads:
`python tools/make_example_digits.py`.

Each picture is drawn here with a few pen strokes (or typed in a font that ships with matplotlib),
so the course owns every example and can remake it. They differ the ways pictures people bring
differ from MNIST: size, position, colour, dark ink on light paper or chalk on a board, PNG or
JPEG, thin or thick pens, and styles of writing MNIST has few of. The file name starts with the
digit drawn; `not_a_digit` is a letter, which the model will read as some digit all the same.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

Stroke = list[tuple[float, float]]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def arc(
    cx: float, cy: float, rx: float, ry: float, start: float, end: float, points: int = 40
) -> Stroke:
    """Points along an ellipse from angle ``start`` to ``end`` in degrees (0 is right, 90 is
    down)."""
    angles = np.radians(np.linspace(start, end, points))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


def curve(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], points: int = 30
) -> Stroke:
    """A quadratic Bezier curve from p0 to p2, pulled towards p1."""
    t = np.linspace(0, 1, points)[:, None]
    return [
        tuple(p)
        for p in (1 - t) ** 2 * np.array(p0) + 2 * (1 - t) * t * np.array(p1) + t**2 * np.array(p2)
    ]


# Each digit as strokes in a unit box, x to the right and y down, as a pen would draw it.
STROKES: dict[str, list[Stroke]] = {
    "0": [arc(0.5, 0.5, 0.32, 0.46, -90, 275)],
    "1": [[(0.3, 0.22), (0.58, 0.02), (0.58, 0.98)]],
    "2": [arc(0.48, 0.3, 0.28, 0.26, 190, 390) + [(0.18, 0.96), (0.86, 0.96)]],
    "3": [arc(0.5, 0.27, 0.25, 0.23, 200, 450) + arc(0.5, 0.72, 0.28, 0.25, 270, 520)],
    "4": [[(0.66, 0.98), (0.66, 0.02), (0.12, 0.7), (0.9, 0.7)]],
    "4_open": [[(0.3, 0.02), (0.2, 0.62), (0.88, 0.62)], [(0.68, 0.28), (0.66, 0.98)]],
    "5": [[(0.8, 0.03), (0.32, 0.03), (0.28, 0.46)] + arc(0.5, 0.69, 0.3, 0.27, 225, 505)],
    "6": [curve((0.72, 0.03), (0.2, 0.25), (0.22, 0.72)) + arc(0.5, 0.72, 0.28, 0.25, 180, 540)],
    "7": [[(0.12, 0.04), (0.88, 0.04), (0.42, 0.98)]],
    "7_crossbar": [[(0.12, 0.04), (0.88, 0.04), (0.42, 0.98)], [(0.36, 0.5), (0.8, 0.5)]],
    "8": [arc(0.5, 0.26, 0.24, 0.23, 90, 450), arc(0.5, 0.72, 0.3, 0.26, -90, 270)],
    "9": [arc(0.46, 0.3, 0.27, 0.26, 0, 360) + [(0.73, 0.3), (0.66, 0.98)]],
}


@dataclass(frozen=True)
class Drawing:
    """One example picture: what is drawn, and how it differs from MNIST."""

    file: str
    strokes: str = ""  # a key of STROKES; empty when ``text`` is typed instead
    text: str = ""
    font: str = "DejaVu Sans"
    size: tuple[int, int] = (300, 300)
    box: tuple[float, float, float, float] = (
        0.25,
        0.15,
        0.5,
        0.7,
    )  # left, top, width, height, as shares
    pen: float = 0.09  # pen width as a share of the digit's height
    ink: str = "black"
    paper: str = "white"
    slant: float = 0.0  # horizontal shift of the top against the bottom, as a share of the width
    wobble: float = 0.01  # how far a hand strays from the ideal stroke, as a share of the height
    seed: int = 0
    grayscale: bool = False  # saved with one channel, as a scanner or a grayscale export would
    ruled: bool = False  # written on lined paper
    framed: bool = False  # written in a printed box, as on a form


DRAWINGS: Sequence[Drawing] = (
    Drawing("0_marker.png", strokes="0", size=(240, 240), pen=0.12, seed=1),
    Drawing(
        "1_pencil_slanted.jpg",
        strokes="1",
        size=(400, 300),
        box=(0.4, 0.2, 0.25, 0.6),
        ink="#444444",
        paper="#e8e8e8",
        slant=0.35,
        seed=2,
        grayscale=True,
    ),
    Drawing(
        "2_blue_pen.png",
        strokes="2",
        size=(500, 350),
        box=(0.05, 0.05, 0.3, 0.5),
        ink="#1f3a93",
        seed=3,
    ),
    Drawing(
        "3_chalk.jpg",
        strokes="3",
        size=(320, 320),
        ink="#f0f0f0",
        paper="#2f4f3f",
        pen=0.11,
        seed=4,
    ),
    Drawing("4_open_top.png", strokes="4_open", size=(280, 280), seed=5),
    Drawing(
        "5_red_on_yellow.jpg", strokes="5", size=(260, 360), ink="#b22222", paper="#fff2a8", seed=6
    ),
    Drawing(
        "6_thin_pen_big_page.png",
        strokes="6",
        size=(900, 700),
        box=(0.55, 0.1, 0.12, 0.25),
        pen=0.03,
        seed=7,
    ),
    Drawing("7_crossbar.png", strokes="7_crossbar", size=(300, 300), seed=8, grayscale=True),
    Drawing("8_tiny.png", strokes="8", size=(40, 40), box=(0.2, 0.1, 0.55, 0.8), pen=0.12, seed=9),
    Drawing(
        "9_white_on_black.png", strokes="9", size=(256, 256), ink="white", paper="black", seed=10
    ),
    Drawing(
        "5_lined_paper.png",
        strokes="5",
        size=(400, 300),
        box=(0.4, 0.2, 0.2, 0.45),
        ink="#202020",
        ruled=True,
        seed=11,
    ),
    Drawing("3_in_a_box.png", strokes="3", size=(300, 300), framed=True, seed=12),
    Drawing("1_typed_serif.png", text="1", font="DejaVu Serif", size=(200, 200)),
    Drawing("4_typed.png", text="4", size=(200, 200)),
    Drawing("7_typed.png", text="7", size=(200, 200)),
    Drawing("not_a_digit_A.png", text="A", size=(200, 200)),
)


def draw(drawing: Drawing) -> Image.Image:
    picture = Image.new("RGB", drawing.size, drawing.paper)
    pen = ImageDraw.Draw(picture)
    width, height = drawing.size
    left, top, box_width, box_height = drawing.box
    x0, y0, w, h = left * width, top * height, box_width * width, box_height * height
    if drawing.ruled:
        for y in np.arange(height * 0.1, height, height * 0.16):
            pen.line([(0, y), (width, y)], fill="#7fa8d0", width=max(1, height // 150))
    if drawing.framed:
        margin = 0.12 * h
        pen.rectangle(
            (x0 - margin, y0 - margin, x0 + w + margin, y0 + h + margin),
            outline="#404040",
            width=max(1, round(0.02 * h)),
        )
    if drawing.text:
        font = ImageFont.truetype(font_manager.findfont(drawing.font), size=round(h))
        pen.text((x0 + w / 2, y0 + h / 2), drawing.text, fill=drawing.ink, font=font, anchor="mm")
        return picture
    rng = np.random.default_rng(drawing.seed)
    pen_width = max(1, round(drawing.pen * h))
    for stroke in STROKES[drawing.strokes]:
        points = np.array(stroke)
        # A hand is not a plotter: a smooth random drift along the stroke.
        drift = np.cumsum(rng.normal(0, drawing.wobble, size=points.shape), axis=0)
        drift -= np.linspace(0, 1, len(points))[:, None] * drift[-1]
        points = points + drift
        xs = x0 + (points[:, 0] + drawing.slant * (1 - points[:, 1])) * w
        ys = y0 + points[:, 1] * h
        pen.line(list(zip(xs, ys)), fill=drawing.ink, width=pen_width, joint="curve")
        for x, y in ((xs[0], ys[0]), (xs[-1], ys[-1])):  # round pen tips
            pen.ellipse(
                (x - pen_width / 2, y - pen_width / 2, x + pen_width / 2, y + pen_width / 2),
                fill=drawing.ink,
            )
    return picture


def write_examples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for drawing in DRAWINGS:
        path = folder / drawing.file
        picture = draw(drawing)
        if drawing.grayscale:
            picture = picture.convert("L")
        if path.suffix == ".jpg":
            picture.save(path, quality=85)
        else:
            picture.save(path, optimize=True)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", type=Path, default=EXAMPLES, help="folder to write into (default: examples/)"
    )
    arguments = parser.parse_args()
    for path in write_examples(arguments.output):
        print(path.name)


if __name__ == "__main__":
    main()
