import json

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_course import paths, results  # noqa: E402
from mnist_course.figures import save_figure  # noqa: E402
from mnist_course.performance import TrainingClock  # noqa: E402
from mnist_course.results import (  # noqa: E402
    TrainingRun,
    clear_seed_runs,
    describe_optimizer,
    load_ablation,
    load_exports,
    load_histories,
    load_predictions,
    load_results,
    load_seed_spread,
    margin_from_spread,
    record_ablation_run,
    record_export,
    record_predictions,
    record_result,
    record_seed_run,
    store_result,
)


@pytest.fixture()
def output_dir(tmp_path, tmp_path_factory, monkeypatch):
    """A scratch output folder, and an empty checkout so the committed results stay out of view."""
    monkeypatch.setenv(paths.OUTPUT_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setattr(results, "project_root", lambda: tmp_path_factory.mktemp("empty_checkout"))
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


def test_store_result_round_trips_and_replaces(output_dir):
    store_result(
        "mlp", test_accuracy=np.float32(0.98), parameters=np.int64(101770), optimizer="adam"
    )
    store_result("cnn", test_accuracy=0.99, parameters=5, optimizer="adam")
    store_result("mlp", test_accuracy=0.981, parameters=101770, optimizer="adam")
    stored = json.loads((output_dir / "results" / "results.json").read_text())
    assert stored["mlp"] == {"optimizer": "adam", "parameters": 101770, "test_accuracy": 0.981}
    table = load_results()
    assert list(table.index) == ["cnn", "mlp"] and table.loc["cnn", "parameters"] == 5


@pytest.mark.parametrize("value", [float("nan"), np.array([0.9, 0.8]), None, True])
def test_store_result_refuses_values_json_cannot_carry(output_dir, value):
    with pytest.raises(ValueError, match="finite number or a string"):
        store_result("mlp", test_accuracy=value)


def test_load_results_falls_back_to_the_committed_file(output_dir, tmp_path_factory, monkeypatch):
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / "results").mkdir()
    (checkout / "results" / "results.json").write_text('{"mlp": {"test_accuracy": 0.98}}')
    monkeypatch.setattr(results, "project_root", lambda: checkout)
    assert load_results().loc["mlp", "test_accuracy"] == 0.98


def test_fresh_results_update_the_committed_ones(output_dir, tmp_path_factory, monkeypatch):
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / "results").mkdir()
    (checkout / "results" / "results.json").write_text(
        '{"mlp": {"test_accuracy": 0.98}, "cnn": {"test_accuracy": 0.99}}'
    )
    monkeypatch.setattr(results, "project_root", lambda: checkout)
    store_result("cnn", test_accuracy=0.991)
    table = load_results()
    assert table.loc["mlp", "test_accuracy"] == 0.98 and table.loc["cnn", "test_accuracy"] == 0.991


def test_load_results_explains_when_nothing_was_recorded(output_dir, monkeypatch):
    monkeypatch.setattr(results, "project_root", lambda: None)
    with pytest.raises(FileNotFoundError, match="run the model notebooks first"):
        load_results()
    assert load_histories() == {}


def test_histories_are_kept_per_model_and_overwritten_on_rerun(output_dir):
    store_result(
        "mlp", history={"loss": [np.float32(0.5), 0.25], "val_loss": [0.4, 0.3]}, test_accuracy=0.9
    )
    store_result("cnn", history={"loss": [0.1]}, test_accuracy=0.99)
    store_result("mlp", history={"loss": [0.2]}, test_accuracy=0.91)
    assert load_histories() == {"mlp": {"loss": [0.2]}, "cnn": {"loss": [0.1]}}
    assert "history" not in load_results().columns


def test_a_history_with_nan_is_refused(output_dir):
    with pytest.raises(ValueError, match="finite number"):
        store_result("mlp", history={"loss": [0.5, float("nan")]})


def test_seed_spread_lists_each_seed_then_its_summary(output_dir):
    for seed, accuracy in [(42, 0.981), (1, 0.983), (2, 0.979)]:
        record_seed_run("mlp", seed, test_accuracy=accuracy)
    record_seed_run("mlp", 1, test_accuracy=0.982)  # re-running a seed replaces it
    table = load_seed_spread("mlp")
    assert list(table.index) == [1, 2, 42, "mean", "std", "min", "max"]
    assert table.loc["mean", "test_accuracy"] == pytest.approx((0.981 + 0.982 + 0.979) / 3)
    assert table.loc["std", "test_accuracy"] == pytest.approx(np.std([0.981, 0.982, 0.979], ddof=1))
    assert table.loc["max", "test_accuracy"] == 0.982
    with pytest.raises(KeyError, match="python -m benchmarks.recipes"):
        load_seed_spread("cnn")


def test_ablation_runs_come_back_one_row_per_variant_and_seed(output_dir):
    record_ablation_run("07_accurate", "full recipe", 42, validation_accuracy=0.995, seconds=180.0)
    record_ablation_run(
        "07_accurate", "without augmentation", 42, validation_accuracy=0.993, seconds=150.0
    )
    record_ablation_run("07_accurate", "full recipe", 43, validation_accuracy=0.996, seconds=181.0)
    record_ablation_run(
        "07_accurate", "full recipe", 42, validation_accuracy=0.994, seconds=179.0
    )  # replaces
    record_ablation_run("07_fast", "full recipe", 42, validation_accuracy=0.99, seconds=5.0)
    runs = load_ablation("07_accurate")
    assert runs[["variant", "seed"]].values.tolist() == [
        ["full recipe", 42],
        ["full recipe", 43],
        ["without augmentation", 42],
    ]
    assert runs.validation_accuracy.tolist() == [0.994, 0.996, 0.993]
    with pytest.raises(KeyError, match="python -m benchmarks.ablation"):
        load_ablation("05_cnn")
    with pytest.raises(ValueError, match="finite number"):
        record_ablation_run("07_fast", "full recipe", 1, validation_accuracy=float("inf"))


def test_clearing_seed_runs_forgets_only_the_models_named(output_dir):
    record_seed_run("mlp", 1, test_accuracy=0.98)
    record_seed_run("cnn", 1, test_accuracy=0.99)
    clear_seed_runs("mlp", "rnn")
    assert load_seed_spread("cnn").loc[1, "test_accuracy"] == 0.99
    with pytest.raises(KeyError):
        load_seed_spread("mlp")


def test_load_results_names_a_broken_file(output_dir):
    (output_dir / "results").mkdir()
    (output_dir / "results" / "results.json").write_text("{broken")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_results()


@pytest.mark.parametrize(
    ("accuracies", "margin"),
    [([0.9837, 0.9839, 0.9835], 0.001), ([0.980, 0.983, 0.986], 0.009), ([0.98, 0.98, 0.98], 0.0)],
)
def test_margin_is_three_deviations_rounded_up_to_a_tenth_of_a_point(
    output_dir, accuracies, margin
):
    for seed, accuracy in enumerate(accuracies):
        record_seed_run("m", seed, test_accuracy=accuracy)
    assert margin_from_spread(load_seed_spread("m")) == pytest.approx(margin)


def test_the_margin_of_a_mean_over_seeds_is_narrower(output_dir):
    for seed, accuracy in enumerate([0.980, 0.983, 0.986]):  # standard deviation 0.003
        record_seed_run("m", seed, test_accuracy=accuracy)
    spread = load_seed_spread("m")
    assert margin_from_spread(spread, seeds=1) == pytest.approx(0.009)
    assert margin_from_spread(spread, seeds=9) == pytest.approx(0.003)  # 3 x 0.003 / 3
    with pytest.raises(ValueError, match="seeds must be at least 1"):
        margin_from_spread(spread, seeds=0)


def test_margin_needs_more_than_one_seed(output_dir):
    record_seed_run("m", 1, test_accuracy=0.98)
    with pytest.raises(ValueError, match="at least two seeds"):
        margin_from_spread(load_seed_spread("m"))


def test_predictions_round_trip_one_digit_per_test_image(output_dir):
    predicted = np.random.default_rng(0).integers(0, 10, size=10_000)
    record_predictions("mlp", predicted)
    record_predictions("cnn", predicted[::-1])
    stored = load_predictions()
    assert list(stored.columns) == ["cnn", "mlp"]  # in name order, as stored
    np.testing.assert_array_equal(stored["mlp"], predicted)
    np.testing.assert_array_equal(stored["cnn"], predicted[::-1])
    assert len((output_dir / "results" / "predictions.json").read_text()) < 25_000


@pytest.mark.parametrize(
    ("predicted", "problem"),
    [
        (np.zeros(9_999, dtype=int), "one digit per test image"),
        (np.zeros((10_000, 10)), "one digit per test image"),  # probabilities, not digits
        (np.full(10_000, 0.5), "whole digits"),
        (np.full(10_000, 10), "whole digits"),
    ],
)
def test_predictions_that_are_not_one_digit_per_test_image_are_refused(
    output_dir, predicted, problem
):
    with pytest.raises(ValueError, match=problem):
        record_predictions("mlp", predicted)


def trained_tiny_model(optimizer, epochs=2):
    """A model trained briefly on random 28x28 images, with the clock of a real training run."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)
    y = np.arange(64) % 10
    clock = TrainingClock()
    history = model.fit(
        x, y, validation_data=(x, y), epochs=epochs, batch_size=32, verbose=0, callbacks=[clock]
    )
    return TrainingRun(model, history, clock, seed=7, batch_size=32)


def one_hot_probabilities(labels, right=0.9):
    """Probabilities that give ``right`` to the given digit and share the rest evenly."""
    probabilities = np.full((len(labels), 10), (1 - right) / 9)
    probabilities[np.arange(len(labels)), labels] = right
    return probabilities


def test_record_result_derives_what_it_can_from_the_run(output_dir):
    run = trained_tiny_model(keras.optimizers.Adam(1e-3))
    labels = results._test_labels()
    guesses = labels.copy()
    guesses[:250] = (guesses[:250] + 1) % 10  # 250 of 10,000 wrong
    record_result("m", run, one_hot_probabilities(guesses), title="tiny", known_accuracy=0.97)
    stored = load_results().loc["m"]
    assert stored.test_accuracy == pytest.approx(0.975)
    assert stored.test_loss == pytest.approx(-np.log(0.9) * 0.975 - np.log(0.1 / 9) * 0.025)
    assert stored.parameters == 7850 and stored.forward_flops == 2 * 7850 - 2 * 10
    assert (stored.epochs, stored.batch_size, stored.seed) == (2, 32, 7)
    assert stored.optimizer == "Adam, constant rate 0.001"
    assert stored.training_seconds == run.clock.seconds
    assert stored.samples_per_second == pytest.approx(2 * 55_000 / run.clock.seconds)
    assert stored.validation_accuracy == run.history.history["val_accuracy"][-1]
    history = load_histories()["m"]
    assert history["seconds"] == run.clock.epoch_seconds and len(history["loss"]) == 2
    np.testing.assert_array_equal(load_predictions()["m"], guesses)


def test_an_ensemble_is_recorded_with_its_members_costs_added(output_dir):
    members = [trained_tiny_model(keras.optimizers.Adam(1e-3)) for _ in range(3)]
    labels = results._test_labels()
    record_result("e", members, one_hot_probabilities(labels), title="3", known_accuracy=0.99)
    stored = load_results().loc["e"]
    assert stored.parameters == 3 * 7850
    assert stored.training_seconds == pytest.approx(sum(m.clock.seconds for m in members))
    assert stored.test_accuracy == 1.0
    assert "e" not in load_histories()  # an ensemble has no single learning curve


def test_members_trained_differently_are_refused(output_dir):
    runs = [
        trained_tiny_model(keras.optimizers.Adam(1e-3)),
        trained_tiny_model(keras.optimizers.SGD(0.1)),
    ]
    probabilities = one_hot_probabilities(results._test_labels())
    with pytest.raises(ValueError, match="trained differently"):
        record_result("e", runs, probabilities, title="mixed", known_accuracy=0.99)


@pytest.mark.parametrize(
    ("probabilities", "problem"),
    [
        (np.full((10_000, 9), 1 / 9), "one row of ten per test image"),
        (np.full((100, 10), 0.1), "one row of ten per test image"),
        (np.full((10_000, 10), 3.0), "sum to 1"),  # logits, not probabilities
        (np.full((10_000, 10), np.nan), "finite"),
    ],
)
def test_record_result_refuses_what_are_not_test_probabilities(output_dir, probabilities, problem):
    run = trained_tiny_model(keras.optimizers.Adam(1e-3), epochs=1)
    with pytest.raises(ValueError, match=problem):
        record_result("m", run, probabilities, title="m", known_accuracy=0.9)


@pytest.mark.parametrize(
    ("optimizer", "description"),
    [
        (lambda: keras.optimizers.SGD(0.5), "SGD, constant rate 0.5"),
        (
            lambda: keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, 100)),
            "Adam, cosine decay from 0.001",
        ),
        (
            lambda: keras.optimizers.RMSprop(
                keras.optimizers.schedules.CosineDecay(
                    4e-4, 70, warmup_target=0.01, warmup_steps=30
                )
            ),
            "RMSprop, one cycle to 0.01",
        ),
        (
            lambda: keras.optimizers.Adam(
                keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
            ),
            "Adam, ExponentialDecay schedule",
        ),
    ],
)
def test_optimizers_are_described_from_their_own_settings(optimizer, description):
    assert describe_optimizer(optimizer()) == description


def test_exports_are_recorded_per_version_and_replaced_on_rerun(output_dir):
    record_export("LiteRT int8", size_kb=681.0, test_accuracy=np.float64(0.9965))
    record_export("LiteRT float32", size_kb=2581.0, test_accuracy=0.9965)
    record_export("LiteRT int8", size_kb=680.0, test_accuracy=0.9961)
    table = load_exports()
    assert list(table.index) == ["LiteRT float32", "LiteRT int8"]
    assert table.loc["LiteRT int8"].tolist() == [680.0, 0.9961]
    with pytest.raises(ValueError, match="finite number"):
        record_export("LiteRT int8", ms_per_image=float("nan"))


def test_load_exports_says_which_lesson_records_them(output_dir):
    with pytest.raises(FileNotFoundError, match="run lesson 10"):
        load_exports()
