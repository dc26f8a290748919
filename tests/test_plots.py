import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mnist_course.plots import (  # noqa: E402
    plot_accuracy_against_cost,
    plot_accuracy_against_epsilon,
    plot_confusion_matrices,
    plot_confusion_matrix,
    plot_digits,
    plot_feature_map,
    plot_heatmaps,
    plot_learning_curves,
    plot_maps,
    plot_misclassified,
    plot_pictures,
    plot_predictions,
    plot_preparation,
    plot_range_test,
    plot_time_to_accuracy,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def digits(n):
    return np.random.default_rng(0).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def test_plot_digits_draws_each_image_with_its_label():
    fig = plot_digits(digits(12), labels=list(range(12)), columns=5)
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 12 and len(fig.axes) == 15
    assert [ax.get_title() for ax in drawn] == [str(i) for i in range(12)]


def test_plot_digits_accepts_a_channel_axis():
    fig = plot_digits(digits(3)[..., None])
    assert sum(1 for ax in fig.axes if ax.images) == 3


@pytest.mark.parametrize("shape", [(3, 32, 32), (3, 28, 28, 3), (28, 28)])
def test_plot_digits_rejects_images_that_are_not_digits(shape):
    with pytest.raises(ValueError, match="28x28 grayscale"):
        plot_digits(np.zeros(shape, np.uint8))


def test_plot_digits_rejects_unpaired_labels():
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        plot_digits(digits(3), labels=[1, 2])


HISTORY = {
    "loss": [0.5, 0.3, 0.2],
    "val_loss": [0.4, 0.3, 0.25],
    "accuracy": [0.8, 0.9, 0.95],
    "val_accuracy": [0.85, 0.9, 0.93],
}


def test_learning_curves_plot_training_dashed_validation_solid():
    fig = plot_learning_curves(HISTORY)
    loss_ax, accuracy_ax = fig.axes
    styles = {line.get_label(): line.get_linestyle() for line in loss_ax.lines}
    assert styles == {"training": "--", "validation": "-"}
    assert list(accuracy_ax.lines[1].get_ydata()) == HISTORY["val_accuracy"]
    assert list(loss_ax.lines[0].get_xdata()) == [1, 2, 3]  # epochs count from 1


def test_learning_curves_label_whole_epochs_only():
    five_epochs = {key: [0.5, 0.4, 0.3, 0.2, 0.1] for key in HISTORY}
    fig = plot_learning_curves(five_epochs)
    fig.canvas.draw()
    for ax in fig.axes:
        ticks = [tick for tick in ax.get_xticks() if 1 <= tick <= 5]
        assert ticks and all(float(tick).is_integer() for tick in ticks), ticks
    plt.close(fig)


def test_learning_curves_overlay_models_one_colour_each():
    fig = plot_learning_curves({"mlp": HISTORY, "cnn": HISTORY})
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == [
        "mlp training",
        "mlp validation",
        "cnn training",
        "cnn validation",
    ]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()


def test_learning_curves_can_draw_the_validation_curves_alone():
    fig = plot_learning_curves({"mlp": HISTORY, "cnn": HISTORY}, splits=("validation",))
    assert [line.get_label() for line in fig.axes[1].lines] == ["mlp validation", "cnn validation"]
    with pytest.raises(ValueError, match="splits"):
        plot_learning_curves(HISTORY, splits=("test",))


def test_learning_curves_explain_a_missing_validation_metric():
    with pytest.raises(KeyError, match="pass validation_data"):
        plot_learning_curves({"loss": [1.0], "accuracy": [0.5]})


def test_confusion_matrix_figure_shows_counts_and_row_percentages():
    y_true = np.array([3, 3, 3, 3, 5])
    y_pred = np.array([3, 3, 3, 5, 5])
    counts_ax, percent_ax = plot_confusion_matrix(y_true, y_pred).axes
    assert {t.get_text() for t in counts_ax.texts} == {"3", "1"}
    assert {t.get_text() for t in percent_ax.texts} == {"75.0", "25.0", "100.0"}
    colours = percent_ax.images[0].get_array()
    assert colours[3, 3] == 0 and colours[3, 5] == 25.0  # only mistakes are coloured


def test_misclassified_gallery_puts_the_most_confident_mistakes_first():
    images = digits(4)
    y_true = np.array([0, 1, 2, 3])
    probabilities = np.full((4, 10), 0.0)
    probabilities[0, 0] = 1.0  # right
    probabilities[1, 7] = 0.6  # wrong, 60%
    probabilities[1, 1] = 0.4
    probabilities[2, 8] = 0.99  # wrong, 99%
    probabilities[2, 2] = 0.01
    probabilities[3, 3] = 1.0  # right
    fig = plot_misclassified(images, y_true, probabilities)
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == ["true 2\npred 8 99.0%", "true 1\npred 7 60.0%"]


def test_misclassified_gallery_rejects_labels_instead_of_probabilities():
    with pytest.raises(ValueError, match="model.predict"):
        plot_misclassified(digits(2), np.array([1, 2]), np.array([1, 2]))


def test_plot_maps_centres_each_colour_scale_on_zero():
    maps = np.stack([np.array([[1.0, -3.0], [0.5, 2.0]]), np.zeros((2, 2))])
    fig = plot_maps(maps, titles=["a", "b"], columns=3)
    first, second = (ax.images[0] for ax in fig.axes if ax.images)
    assert first.get_clim() == (-3.0, 3.0)
    assert second.get_clim() == (-1.0, 1.0)  # an all-zero map still gets a valid scale
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["a", "b"]


def test_plot_maps_accepts_maps_of_different_shapes():
    fig = plot_maps([np.ones((28, 28)), np.ones((3, 3)), np.ones((26, 26))], columns=3)
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(28, 28), (3, 3), (26, 26)]


@pytest.mark.parametrize("maps", [np.zeros((3, 3)), np.zeros((2, 3, 3, 1)), []])
def test_plot_maps_rejects_what_is_not_a_list_of_2d_maps(maps):
    with pytest.raises(ValueError, match="2-D maps"):
        plot_maps(maps)


def test_confusion_matrices_side_by_side_share_one_colour_scale():
    y_true = np.array([3, 3, 3, 3, 5, 5])
    fig = plot_confusion_matrices(
        y_true, {"plain": np.array([3, 3, 5, 5, 5, 5]), "batchnorm": np.array([3, 3, 3, 5, 5, 5])}
    )
    plain, batchnorm = fig.axes
    assert plain.get_title() == "plain: % of each true digit"
    assert plain.images[0].get_clim() == batchnorm.images[0].get_clim() == (0, 50.0)
    assert "25.0" in {t.get_text() for t in batchnorm.texts}


def test_accuracy_against_cost_puts_each_model_at_its_cost_and_accuracy():
    results = pd.DataFrame(
        {
            "parameters": [535_818, 101_770],
            "training_seconds": [27.0, 23.0],
            "test_accuracy": [0.9837, 0.9813],
        },
        index=["01_mlp_baseline", "02_dropout"],
    )
    fig = plot_accuracy_against_cost(results)
    by_parameters, by_time = fig.axes
    assert by_parameters.get_xscale() == by_time.get_xscale() == "log"
    points = by_time.collections[1].get_offsets()
    assert np.allclose(points, [[23.0, 98.13]])
    assert [text.get_text() for text in by_parameters.texts] == ["01_mlp_baseline", "02_dropout"]


def test_time_to_accuracy_plot_marks_where_each_recipe_first_reaches_the_target():
    curves = {
        "fast": ([0.5, 1.0, 2.0], [0.97, 0.991, 0.993]),
        "slow": ([30.0, 60.0], [0.975, 0.985]),
    }
    fig = plot_time_to_accuracy(curves, target=0.99)
    (ax,) = fig.axes
    assert ax.get_xscale() == "log"
    fast, slow = ax.lines[0], ax.lines[2]  # fast's curve and crossing, then slow's curve
    assert np.allclose(fast.get_ydata(), [97.0, 99.1, 99.3]) and np.allclose(
        slow.get_xdata(), [30, 60]
    )
    assert [text.get_text() for text in ax.texts] == ["1.0 s"]  # slow never gets there: no mark
    assert [line.get_label() for line in ax.lines if not line.get_label().startswith("_")] == [
        "fast",
        "slow",
        "99.0%",
    ]


def test_time_to_accuracy_plot_rejects_unpaired_curves():
    with pytest.raises(ValueError, match="'fast'"):
        plot_time_to_accuracy({"fast": ([1.0, 2.0], [0.99])}, target=0.99)


def test_plot_preparation_titles_each_step_with_its_size():
    steps = {
        "grayscale": np.ones((40, 30)),
        "ink": np.zeros((40, 30)),
        "centred": np.zeros((28, 28)),
    }
    fig = plot_preparation(steps)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["grayscale\n40x30", "ink\n40x30", "centred\n28x28"]
    with pytest.raises(ValueError, match="2-D"):
        plot_preparation({"rgb": np.zeros((4, 4, 3))})
    with pytest.raises(ValueError, match="no preparation steps"):
        plot_preparation({})


def test_plot_predictions_shows_the_top_digit_and_its_probability():
    probabilities = np.full((3, 10), 0.02)
    probabilities[[0, 1, 2], [7, 1, 4]] = 0.82
    fig = plot_predictions(digits(3), probabilities, ["a", "b", "c"], columns=2)
    bar_titles = [ax.get_title() for ax in fig.axes if ax.patches]
    assert bar_titles == ["read 7: 82%", "read 1: 82%", "read 4: 82%"]
    bars = next(ax for ax in fig.axes if ax.patches)
    assert [label.get_text() for label in bars.get_yticklabels()] == ["0%", "50%", "100%"]


def test_plot_predictions_marks_wrong_answers_red_and_outlines_the_truth():
    probabilities = np.full((3, 10), 0.02)
    probabilities[[0, 1, 2], [7, 1, 4]] = 0.82
    fig = plot_predictions(digits(3), probabilities, ["a", "b", "c"], true_digits=[7, 2, None])
    charts = [ax for ax in fig.axes if ax.patches]
    assert [ax.get_title() for ax in charts] == [
        "read 7: 82% (written 7)",
        "read 1: 82% (written 2)",
        "read 4: 82% (not a digit)",
    ]
    red, blue = matplotlib.colors.to_rgba("tab:red"), matplotlib.colors.to_rgba("tab:blue")
    assert charts[0].patches[7].get_facecolor() == blue  # right
    assert charts[1].patches[1].get_facecolor() == red  # wrong, and confident
    assert charts[1].patches[2].get_edgecolor() == blue  # the digit written
    assert charts[2].patches[4].get_facecolor() == red  # a letter has no right answer
    with pytest.raises(ValueError, match="true digits"):
        plot_predictions(digits(3), probabilities, ["a", "b", "c"], true_digits=[7])
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="titles"):
        plot_predictions(digits(3), probabilities, ["a"])
    with pytest.raises(ValueError, match="probabilities"):
        plot_predictions(digits(3), probabilities[:, :9], ["a", "b", "c"])


def test_plot_pictures_shows_pictures_of_any_size_and_colour():
    pictures = [np.zeros((40, 60), dtype=np.uint8), np.ones((300, 200, 3), dtype=np.uint8)]
    fig = plot_pictures(pictures, ["gray", "colour"], columns=3)
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in shown] == ["gray", "colour"]
    assert [ax.images[0].get_array().shape for ax in shown] == [(40, 60), (300, 200, 3)]
    with pytest.raises(ValueError, match="one title per picture"):
        plot_pictures(pictures, ["one"])


def test_range_test_plot_marks_the_lowest_average_on_a_log_axis():
    rates = np.geomspace(1e-5, 1.0, 50)
    loss = 2.3 - np.log10(rates / 1e-5) * (rates < 1e-2) * 0.6 + (rates >= 1e-2) * 3.0
    curve = pd.DataFrame({"loss": loss, "smoothed": loss}, index=rates)
    fig = plot_range_test(curve)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    (marker,) = [line for line in ax.lines if line.get_linestyle() == ":"]
    assert marker.get_xdata()[0] == curve["smoothed"].idxmin() < 1e-2
    assert "lowest average" in marker.get_label()


def test_range_test_plot_refuses_a_table_it_cannot_read():
    with pytest.raises(ValueError, match="columns 'loss' and 'smoothed'"):
        plot_range_test(pd.DataFrame({"loss": [1.0]}, index=[1e-3]))
    with pytest.raises(ValueError, match="positive learning rates"):
        plot_range_test(pd.DataFrame({"loss": [1.0], "smoothed": [1.0]}, index=[0.0]))


def test_plot_heatmaps_puts_each_kind_of_map_in_a_named_row_under_the_digits():
    images = np.zeros((3, 28, 28))
    images[:, 10:18, 12:16] = 1.0  # a stroke, so each map gets an ink outline
    saliency = np.random.default_rng(0).random((3, 28, 28))
    grad_cam = np.zeros((3, 28, 28))  # an all-zero map still gets a valid scale
    fig = plot_heatmaps(images, {"saliency": saliency, "Grad-CAM": grad_cam}, ["a", "b", "c"])
    axes = np.array(fig.axes).reshape(3, 3)
    assert [ax.get_title() for ax in axes[0]] == ["a", "b", "c"]
    assert axes[1, 1].images[0].get_clim() == (0, saliency[1].max())
    assert axes[2, 0].images[0].get_clim() == (0, 1.0)
    assert all(ax.collections for ax in axes[1:].flat), "every map has its digit's outline"
    assert [axes[row, 0].texts[0].get_text() for row in (1, 2)] == ["saliency", "Grad-CAM"]


def test_plot_heatmaps_rejects_maps_that_do_not_pair_with_the_digits():
    with pytest.raises(ValueError, match="'saliency' must be one 28x28 map per image"):
        plot_heatmaps(digits(2), {"saliency": np.zeros((3, 28, 28))}, ["a", "b"])
    with pytest.raises(ValueError, match="2 images but 1 titles"):
        plot_heatmaps(digits(2), {}, ["a"])


def test_plot_feature_map_colours_by_digit_and_rings_the_mistakes():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 10.0], [11.0, 10.0]])
    fig = plot_feature_map(points, np.array([3, 3, 5, 5]), np.array([False, True, False, False]))
    (ax,) = fig.axes
    labels = [collection.get_label() for collection in ax.collections]
    assert labels == ["3", "5", "read wrong (1)"]
    assert np.allclose(ax.collections[-1].get_offsets(), [[1.0, 0.0]])
    assert {text.get_text(): text.get_position() for text in ax.texts} == {
        "3": (0.5, 0.0),
        "5": (10.5, 10.0),
    }
    assert list(ax.get_xticks()) == list(ax.get_yticks()) == []  # t-SNE's axes mean nothing


def test_plot_feature_map_rejects_points_that_are_not_2d_or_unpaired():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot_feature_map(np.zeros((4, 3)), np.zeros(4, int))
    with pytest.raises(ValueError, match="one digit and one mistake flag per point"):
        plot_feature_map(np.zeros((4, 2)), np.zeros(3, int))


def test_accuracy_against_epsilon_draws_one_curve_per_model_in_percent():
    epsilons = [0.0, 0.1, 0.2]
    fig = plot_accuracy_against_epsilon(
        epsilons, {"plain": [0.99, 0.6, 0.2], "robust": [0.98, 0.9, 0.8]}
    )
    (ax,) = fig.axes
    plain, robust, chance = ax.lines
    assert np.allclose(plain.get_xdata(), epsilons) and np.allclose(
        robust.get_ydata(), [98, 90, 80]
    )
    assert [line.get_label() for line in ax.lines] == ["plain", "robust", "chance (10%)"]
    assert ax.get_ylim() == (0, 100)
    with pytest.raises(ValueError, match="'plain' has 2 accuracies for 3 epsilons"):
        plot_accuracy_against_epsilon(epsilons, {"plain": [0.9, 0.5]})


def test_accuracy_against_cost_keeps_the_labels_of_neighbouring_models_apart():
    # 07_fast and 06_cnn_plain as recorded: near-equal parameters and accuracy; 08 at the edge.
    results = pd.DataFrame(
        {
            "parameters": [210_000, 219_162, 650_000, 101_770],
            "training_seconds": [4.0, 85.0, 600.0, 23.0],
            "test_accuracy": [0.9925, 0.9922, 0.9960, 0.9813],
        },
        index=["07_fast", "06_cnn_plain", "08_ensemble", "03_dropout"],
    )
    fig = plot_accuracy_against_cost(results)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [text.get_window_extent(renderer) for text in ax.texts]
        frame = ax.get_window_extent(renderer)
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        assert all(frame.x0 <= box.x0 and box.x1 <= frame.x1 for box in boxes)
    fast, plain = fig.axes[0].texts[:2]  # the higher point keeps its place above; the lower moves
    assert fast.get_position() == (5, 4) and plain.get_position()[1] < 0
