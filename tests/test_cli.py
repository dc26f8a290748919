import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnist_course.cli import main
from mnist_course.model_files import model_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def always_three(tmp_path_factory):
    """A model that reads every picture as a 3 with probability e^2 / (e^2 + 9), about 45%."""
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    kernel, bias = model.layers[-1].get_weights()
    bias[3] = 2.0
    model.layers[-1].set_weights([np.zeros_like(kernel), bias])
    path = tmp_path_factory.mktemp("models") / "always_three.keras"
    model.save(path)
    return path


@pytest.fixture
def digit_file(tmp_path):
    picture = Image.new("L", (120, 90), 255)
    ImageDraw.Draw(picture).line([(40, 20), (80, 20), (55, 75)], fill=0, width=8)
    path = tmp_path / "seven.png"
    picture.save(path)
    return path


def run_module(*arguments):
    environment = {**os.environ, "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "mnist_course", *arguments],
        capture_output=True,
        text=True,
        env=environment,
    )


def test_help_describes_the_predict_command():
    result = run_module("--help")
    assert result.returncode == 0
    assert "predict" in result.stdout and "read the digit in each image file" in result.stdout
    result = run_module("predict", "--help")
    assert result.returncode == 0
    for text in ("PATH [PATH ...]", "--model", "--top", "colour or grayscale"):
        assert text in result.stdout


def test_usage_errors_exit_with_status_2():
    assert run_module().returncode == 2
    result = run_module("predict")
    assert result.returncode == 2 and "PATH" in result.stderr
    assert run_module("predict", "--top", "11", "x.png").returncode == 2


def test_predict_prints_the_digit_its_probability_and_runners_up(digit_file, always_three, capsys):
    assert main(["predict", str(digit_file), "--model", str(always_three), "--top", "2"]) == 0
    output = capsys.readouterr().out.splitlines()
    assert output == [f"{digit_file}: 3 (45.1%), 0 (6.1%)"]


def test_unreadable_pictures_are_reported_and_the_rest_still_read(
    digit_file, always_three, tmp_path, capsys
):
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    status = main(
        [
            "predict",
            str(blank),
            str(digit_file),
            str(tmp_path / "missing.png"),
            "--model",
            str(always_three),
        ]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out.startswith(f"{digit_file}: 3 (45.1%)")
    errors = captured.err.splitlines()
    assert len(errors) == 2
    assert (
        errors[0].startswith(f"error: {blank}: no digit found")
        and "missing.png: no such file" in errors[1]
    )


def test_a_bad_model_is_a_clear_error(digit_file, tmp_path, capsys):
    assert main(["predict", str(digit_file), "--model", str(tmp_path / "none.keras")]) == 1
    assert "no such model file" in capsys.readouterr().err
    damaged = tmp_path / "damaged.keras"
    damaged.write_text("not a model")
    assert main(["predict", str(digit_file), "--model", str(damaged)]) == 1
    assert "not a Keras model file" in capsys.readouterr().err
    wrong_input = tmp_path / "wrong_input.keras"
    keras.Sequential(
        [keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)]
    ).save(wrong_input)
    assert main(["predict", str(digit_file), "--model", str(wrong_input)]) == 1
    assert "not 28x28 digits" in capsys.readouterr().err


def test_a_model_carrying_python_code_is_refused(digit_file, tmp_path, capsys):
    unsafe = tmp_path / "unsafe.keras"
    keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Lambda(lambda x: x * 2),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    ).save(unsafe)
    assert main(["predict", str(digit_file), "--model", str(unsafe)]) == 1
    assert "safe_mode" in capsys.readouterr().err


def test_the_course_model_reads_the_plain_examples(capsys):
    """The committed model and the shipped examples, end to end through the command line."""
    model_file("08_ensemble")  # fails with what to run when the model is missing
    plain = [
        "0_marker.png",
        "2_blue_pen.png",
        "3_chalk.jpg",
        "5_red_on_yellow.jpg",
        "7_crossbar.png",
        "9_white_on_black.png",
    ]
    assert main(["predict", *(str(EXAMPLES / name) for name in plain), "--top", "1"]) == 0
    read = [line.rsplit(": ", 1)[1][0] for line in capsys.readouterr().out.splitlines()]
    assert read == [name[0] for name in plain]


def test_the_command_prints_only_its_answers_and_its_own_errors():
    """TensorFlow's C++ start-up lines (absl, oneDNN, cuInit on a machine without a GPU) go to the
    process's stderr below Python; the command hides them and keeps its own error messages."""
    result = run_module("predict", str(EXAMPLES / "3_chalk.jpg"), "missing.png", "--top", "1")
    assert result.returncode == 1
    assert result.stdout == f"{EXAMPLES / '3_chalk.jpg'}: 3 (91.9%)\n"
    assert result.stderr == "error: missing.png: no such file; check the path\n"


def test_native_lines_are_hidden_unless_asked_for(tmp_path):
    """What native code writes to descriptor 2 is dropped, Python's own stderr is kept, and
    --tensorflow-log turns the hiding off (checked with a stand-in command that writes both)."""
    script = (
        "import os, sys\n"
        "from mnist_course import cli\n"
        "def noisy(arguments):\n"
        "    os.write(2, b'native line\\n')\n"
        "    print('python line', file=sys.stderr)\n"
        "    return 0\n"
        "cli._predict = noisy\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    for flags, expected in (
        ([], "python line\n"),
        (["--tensorflow-log"], "native line\npython line\n"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", script, "predict", "x.png", *flags],
            capture_output=True,
            text=True,
        )
        assert (result.returncode, result.stderr) == (0, expected)
