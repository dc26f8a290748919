import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_course import paths, results  # noqa: E402
from mnist_course.figures import save_figure  # noqa: E402
from mnist_course.results import load_results, record_result  # noqa: E402


@pytest.fixture()
def output_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.OUTPUT_DIR_VARIABLE, str(tmp_path))
    return tmp_path


def test_project_root_is_this_checkout():
    root = paths.project_root()
    assert root is not None and (root / "data" / "mnist.npz").is_file()


def test_output_root_defaults_to_checkout_and_obeys_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.OUTPUT_DIR_VARIABLE, raising=False)
    assert paths.output_root() == paths.project_root()
    monkeypatch.setenv(paths.OUTPUT_DIR_VARIABLE, str(tmp_path))
    assert paths.output_root() == tmp_path


def test_save_figure_writes_a_png_under_a_stable_name(output_dir):
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    assert save_figure(fig, "00_example") is None  # a notebook cell ending with it prints nothing
    assert (output_dir / "figures" / "00_example.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    save_figure(fig, "download", folder=".")
    assert (output_dir / "download.png").is_file()
    plt.close(fig)


@pytest.mark.parametrize("name", ["figures/x", "x.png", "Curves", "", "../x"])
def test_save_figure_rejects_names_that_are_not_plain_stems(output_dir, name):
    fig = plt.figure()
    with pytest.raises(ValueError, match="lower-case stem"):
        save_figure(fig, name)
    plt.close(fig)


def test_record_result_round_trips_and_replaces(output_dir):
    record_result("mlp", test_accuracy=np.float32(0.98), parameters=np.int64(101770), optimizer="adam")
    record_result("cnn", test_accuracy=0.99, parameters=5, optimizer="adam")
    record_result("mlp", test_accuracy=0.981, parameters=101770, optimizer="adam")
    stored = json.loads((output_dir / "results" / "results.json").read_text())
    assert stored["mlp"] == {"optimizer": "adam", "parameters": 101770, "test_accuracy": 0.981}
    table = load_results()
    assert list(table.index) == ["cnn", "mlp"] and table.loc["cnn", "parameters"] == 5


@pytest.mark.parametrize("value", [float("nan"), np.array([0.9, 0.8]), None, True])
def test_record_result_refuses_values_json_cannot_carry(output_dir, value):
    with pytest.raises(ValueError, match="finite number or a string"):
        record_result("mlp", test_accuracy=value)


def test_load_results_falls_back_to_the_committed_file(output_dir, tmp_path_factory, monkeypatch):
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / "results").mkdir()
    (checkout / "results" / "results.json").write_text('{"mlp": {"test_accuracy": 0.98}}')
    monkeypatch.setattr(results, "project_root", lambda: checkout)
    assert load_results().loc["mlp", "test_accuracy"] == 0.98


def test_load_results_explains_when_nothing_was_recorded(output_dir, monkeypatch):
    monkeypatch.setattr(results, "project_root", lambda: None)
    with pytest.raises(FileNotFoundError, match="run the model notebooks first"):
        load_results()


def test_load_results_names_a_broken_file(output_dir):
    (output_dir / "results").mkdir()
    (output_dir / "results" / "results.json").write_text("{broken")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_results()
