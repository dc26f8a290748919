"""The course's command line: ``python -m mnist_course predict PATH...`` reads digits in image
files.

It prepares each picture the way MNIST's digits were made (see mnist_course.images), asks a model
saved by a lesson (by default lesson 08's ensemble) for the ten probabilities, and prints the
digit it reads with its probability and the runners-up. A picture it cannot read is reported on
stderr with the reason, the others are still read, and the exit status is 1. It prints nothing
else: TensorFlow's own start-up lines are hidden unless ``--tensorflow-log`` asks for them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from mnist_course.images import DigitImageError, prepare_digit

DEFAULT_MODEL = "08_ensemble"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments); returns the exit
    status."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.tensorflow_log:
        return arguments.command(arguments)
    with _native_stderr_hidden():
        return arguments.command(arguments)


@contextlib.contextmanager
def _native_stderr_hidden() -> Iterator[None]:
    """Send what native code writes to the process's stderr (file descriptor 2) to the null device,
    while Python's own ``sys.stderr`` (this command's errors, warnings, tracebacks) still reaches
    the terminal through a copy of the original descriptor.

    TensorFlow's C++ core writes its start-up lines there, below Python: absl's preamble, oneDNN,
    "Could not find cuda drivers" and "failed call to cuInit" on a machine without a GPU, and
    TF_CPP_MIN_LOG_LEVEL no longer silences all of them. A learner asked for a digit should read
    the digit, not what reads to a beginner as an error.
    """
    python_stderr = sys.stderr
    python_stderr.flush()
    terminal = os.dup(2)
    if _writes_to_descriptor_2(python_stderr):
        sys.stderr = os.fdopen(os.dup(terminal), "w", buffering=1, encoding=python_stderr.encoding)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        if sys.stderr is not python_stderr:
            sys.stderr.close()
            sys.stderr = python_stderr
        os.dup2(terminal, 2)
        os.close(terminal)


def _writes_to_descriptor_2(stream: object) -> bool:
    """Whether ``stream`` is the process's stderr itself, not a stand-in (a test's capture)."""
    try:
        return stream.fileno() == 2
    except (AttributeError, OSError, ValueError):
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mnist_course", description="Tools of the MNIST course.", allow_abbrev=False
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    predict = commands.add_parser(
        "predict",
        help="read the digit in each image file",
        description="Read the handwritten digit in each image file (PNG, JPEG, ...; any size, "
        "colour or grayscale, dark ink on light paper or the reverse) with a model saved by the "
        "course.",
        epilog="example: python -m mnist_course predict examples/*.png",
        allow_abbrev=False,
    )
    predict.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="image files, one digit each"
    )
    predict.add_argument(
        "--model",
        type=Path,
        help=f"a saved .keras model (default: the course's {DEFAULT_MODEL}, saved by lesson 08)",
    )
    predict.add_argument(
        "--top",
        type=int,
        default=3,
        choices=range(1, 11),
        metavar="N",
        help="how many digits to list per image, most probable first (1-10, default 3)",
    )
    predict.add_argument(
        "--tensorflow-log",
        action="store_true",
        help="also show what TensorFlow itself writes to stderr (start-up lines, GPU notices), "
        "hidden by default",
    )
    predict.set_defaults(command=_predict)
    return parser


def _predict(arguments: argparse.Namespace) -> int:
    prepared, readable, failed = [], [], False
    for path in arguments.paths:
        try:
            prepared.append(prepare_digit(path))
            readable.append(path)
        except DigitImageError as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
    if not prepared:
        return 1
    try:
        model = _load(arguments.model)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    probabilities = model.predict(np.stack(prepared)[..., None], verbose=0)
    for path, row in zip(readable, probabilities):
        ranked = np.argsort(-row, kind="stable")[: arguments.top]
        print(f"{path}: " + ", ".join(f"{digit} ({row[digit]:.1%})" for digit in ranked))
    return 1 if failed else 0


def _load(path: Path | None):
    import keras

    from mnist_course.model_files import model_file

    path = path if path is not None else model_file(DEFAULT_MODEL)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no such model file; give a .keras file saved by the course"
        )
    if not zipfile.is_zipfile(path):  # Keras itself would report a damaged file as "not found"
        raise ValueError(
            f"{path}: not a Keras model file (a .keras file is a zip archive); "
            "save one with model.save()"
        )
    # Safe mode refuses models whose files carry Python code (Lambda layers): loading must not run
    # code.
    model = keras.saving.load_model(path, safe_mode=True)
    if tuple(model.input_shape[1:3]) != (28, 28):
        raise ValueError(
            f"{path}: the model takes inputs of shape {model.input_shape[1:]}, not 28x28 digits"
        )
    return model
