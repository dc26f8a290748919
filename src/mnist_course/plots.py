"""The figures every lesson draws: digit grids, learning curves, confusion matrices, mistakes.

Each function returns the matplotlib Figure. In a notebook it is shown when the cell ends; keep
the result in a variable (``fig = ...``) rather than ending the line with ``;``, which hides the
text repr in Jupyter but not under the test runner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from mnist_course.data import IMAGE_SHAPE
from mnist_course.evaluation import NUM_CLASSES, confusion_matrix


def _check_images(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"expected 28x28 grayscale digits of shape (n, 28, 28) or (n, 28, 28, 1), "
            f"got shape {images.shape}"
        )
    return images


def _grid(count: int, columns: int, cell_width: float, cell_height: float) -> tuple[Figure, list]:
    """A figure of ``count`` image cells in rows of ``columns``, every axis frame hidden; returns
    the figure and the first ``count`` axes (spare cells of the last row stay blank)."""
    rows = max(1, -(-count // columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(columns * cell_width, rows * cell_height), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    return fig, list(axes.flat)[:count]


def plot_digits(
    images: np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    columns: int = 10,
    size: float = 1.0,
) -> Figure:
    """A grid of digits in ink-on-paper colours, each titled with its label when labels are
    given."""
    images = _check_images(images)
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    fig, axes = _grid(len(images), columns, size, size * 1.15)
    for index, ax in enumerate(axes):
        ax.imshow(images[index], cmap="binary")
        if labels is not None:
            ax.set_title(str(labels[index]), fontsize=10)
    fig.tight_layout()
    return fig


def plot_maps(
    maps: Sequence[np.ndarray] | np.ndarray,
    titles: Sequence[str] | None = None,
    columns: int = 14,
    size: float = 0.9,
) -> Figure:
    """A grid of 2-D arrays that are not digits: a layer's filters, its feature maps, or both.

    Each map gets its own colour scale, centred on zero in a red-blue palette, so that positive
    (blue) and negative (red) weights or responses read alike whatever their size. Maps may
    differ in shape (a 3x3 filter beside the 26x26 map it produces).
    """
    maps = [np.asarray(m) for m in maps]
    if not maps or any(m.ndim != 2 for m in maps):
        raise ValueError(f"expected 2-D maps, got shapes {[m.shape for m in maps]}")
    if titles is not None and len(titles) != len(maps):
        raise ValueError(f"{len(maps)} maps but {len(titles)} titles")
    fig, axes = _grid(len(maps), columns, size, size * 1.15)
    for index, ax in enumerate(axes):
        limit = float(np.abs(maps[index]).max()) or 1.0
        ax.imshow(maps[index], cmap="RdBu", vmin=-limit, vmax=limit)
        if titles is not None:
            ax.set_title(titles[index], fontsize=8)
    fig.tight_layout()
    return fig


def _label_line_plot(ax, xlabel: str, ylabel: str) -> None:
    """The finish every line plot of the course shares: axis labels, a light grid, a legend."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)


def plot_learning_curves(
    histories: Mapping[str, Mapping[str, Sequence[float]]] | Mapping[str, Sequence[float]],
    metrics: Sequence[str] = ("loss", "accuracy"),
    splits: Sequence[str] = ("training", "validation"),
) -> Figure:
    """Loss and accuracy per epoch: training dashed, validation solid, one colour per model.

    Pass ``history.history`` from ``model.fit`` for one model, or ``{"name": history.history, ...}``
    to overlay several. Training figures are averaged over each epoch while the weights change,
    validation figures are measured at its end, so the two are about half an epoch apart.
    ``splits=("validation",)`` draws the validation curves alone, which keeps many models readable.
    """
    unknown = set(splits) - {"training", "validation"}
    if unknown or not splits:
        raise ValueError(f"splits must be 'training' and/or 'validation', got {list(splits)}")
    if all(isinstance(value, Mapping) for value in histories.values()):
        named = dict(histories)
    else:
        named = {"": histories}
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.8), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        for (name, history), colour in zip(
            named.items(), plt.rcParams["axes.prop_cycle"].by_key()["color"]
        ):
            for key, style, split in (
                (metric, "--", "training"),
                (f"val_{metric}", "-", "validation"),
            ):
                if split not in splits:
                    continue
                if key not in history:
                    raise KeyError(
                        f"history {name!r} has no {key!r} (it has {sorted(history)}); compile with "
                        f"metrics=['{metric}'] and pass validation_data to fit()"
                    )
                values = history[key]
                label = f"{name} {split}".strip()
                ax.plot(
                    range(1, len(values) + 1),
                    values,
                    style,
                    color=colour,
                    marker="o",
                    ms=3,
                    label=label,
                )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 1.5
        _label_line_plot(ax, "epoch", metric)
    fig.tight_layout()
    return fig


def plot_range_test(curve: pd.DataFrame) -> Figure:
    """A learning-rate range test's loss against its rate, on a log scale: each batch's loss
    faint, its moving average bold, the lowest point of the average marked. The raw losses jump
    from batch to batch; only the average's shape says where training is fast and where it fails.
    """
    missing = {"loss", "smoothed"} - set(curve.columns)
    if missing or not (curve.index > 0).all():
        raise ValueError(
            "expected learning_rate_range_test's table: columns 'loss' and 'smoothed', indexed "
            f"by positive learning rates; got columns {list(curve.columns)}"
        )
    lowest = curve["smoothed"].idxmin()
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot(curve.index, curve["loss"], color="tab:blue", alpha=0.3, lw=1, label="batch loss")
    ax.plot(curve.index, curve["smoothed"], color="tab:blue", lw=2, label="moving average")
    ax.axvline(lowest, color="tab:red", ls=":", label=f"lowest average, at {lowest:.1e}")
    ax.set_xscale("log")
    # Past the lowest point the loss explodes; a cap keeps the useful part readable.
    ax.set_ylim(0, 1.5 * curve["smoothed"].iloc[0])
    _label_line_plot(ax, "learning rate (log scale)", "training loss")
    fig.tight_layout()
    return fig


def _draw_matrix(
    ax, values: np.ndarray, colours: np.ndarray, title: str, label, top: float | None = None
) -> None:
    top = float(colours.max()) if top is None else top
    ax.imshow(colours, cmap="Blues", vmin=0, vmax=top)
    threshold = top / 2
    for true in range(NUM_CLASSES):
        for predicted in range(NUM_CLASSES):
            if values[true, predicted]:
                dark = colours[true, predicted] > threshold
                ax.text(
                    predicted,
                    true,
                    label(values[true, predicted]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
    ax.set_xticks(range(NUM_CLASSES))
    ax.set_yticks(range(NUM_CLASSES))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)


def _row_percent(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row percentages, and the same with the diagonal zeroed: the colours of the mistakes only.

    On the diagonal the correct answers, close to 100%, would otherwise take the whole colour
    scale and leave the errors invisible.
    """
    percent = 100 * counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    return percent, percent * (1 - np.eye(NUM_CLASSES))


def plot_confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray) -> Figure:
    """Counts beside row-normalised percentages (each row sums to 100% of that true digit);
    the percentages colour only the mistakes."""
    counts = confusion_matrix(y_true, y_pred)
    percent, errors_only = _row_percent(counts)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
    _draw_matrix(axes[0], counts, np.log1p(counts), "counts", lambda value: f"{int(value)}")
    _draw_matrix(
        axes[1],
        percent,
        errors_only,
        "% of each true digit (colour: mistakes only)",
        lambda value: f"{value:.1f}",
    )
    fig.tight_layout()
    return fig


def plot_confusion_matrices(y_true: np.ndarray, predictions: Mapping[str, np.ndarray]) -> Figure:
    """Several models' row-normalised confusion matrices side by side, on one colour scale,
    so that where each model errs can be compared cell by cell."""
    percents = {
        name: _row_percent(confusion_matrix(y_true, y_pred)) for name, y_pred in predictions.items()
    }
    top = max(errors.max() for _, errors in percents.values())
    fig, axes = plt.subplots(1, len(percents), figsize=(6 * len(percents), 5.2), squeeze=False)
    for ax, (name, (percent, errors)) in zip(axes.flat, percents.items()):
        _draw_matrix(
            ax,
            percent,
            errors,
            f"{name}: % of each true digit",
            lambda value: f"{value:.1f}",
            top=top,
        )
    fig.tight_layout()
    return fig


def plot_misclassified(
    images: np.ndarray,
    y_true: np.ndarray,
    probabilities: np.ndarray,
    count: int = 20,
    columns: int = 10,
) -> Figure:
    """The ``count`` mistakes the model was most sure of: true label, prediction and confidence.

    Sorting by confidence puts the instructive cases first: digits the model got wrong while
    being almost certain, often because the writing is ambiguous or the label itself is doubtful.
    """
    images = _check_images(images)
    probabilities = np.asarray(probabilities)
    y_true = np.asarray(y_true)
    if probabilities.shape != (len(images), NUM_CLASSES) or y_true.shape != (len(images),):
        raise ValueError(
            f"expected {len(images)} labels and a ({len(images)}, 10) array of probabilities, got "
            f"{y_true.shape} and {probabilities.shape}; pass model.predict(x) as probabilities"
        )
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    wrong = np.flatnonzero(predicted != y_true)
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][:count]
    fig, axes = _grid(len(wrong), columns, 1.2, 1.5)
    for ax, index in zip(axes, wrong):
        ax.imshow(images[index], cmap="binary")
        ax.set_title(
            f"true {y_true[index]}\npred {predicted[index]} {confidence[index]:.1%}",
            fontsize=8,
            color="firebrick",
        )
    fig.tight_layout()
    return fig


def plot_accuracy_against_cost(results: pd.DataFrame) -> Figure:
    """Test accuracy against parameters and against training time, one labelled point per model.

    ``results`` is the table of load_results(), with columns parameters, training_seconds and
    test_accuracy, one row per model. Both costs span orders of magnitude, hence log scales.
    """
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    for ax, column, label in zip(
        axes,
        ("parameters", "training_seconds"),
        ("parameters", "training time on this machine (s)"),
    ):
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for number, (model, row) in enumerate(results.iterrows()):
            point = (row[column], 100 * row["test_accuracy"])
            ax.scatter(*point, color=colours[number % len(colours)], s=40)
            ax.annotate(model, point, xytext=(5, 4), textcoords="offset points", fontsize=8)
        ax.set_xscale("log")
        ax.set_xlabel(label)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("test accuracy (%)")
    fig.tight_layout()
    for ax in axes:
        _keep_labels_apart(ax)
    return fig


def _keep_labels_apart(ax: plt.Axes) -> None:
    """Move a point's label below it, or to its left, where above-right it would cover another
    label or leave the axes: models of near-equal cost and accuracy would otherwise be unreadable.
    The labels are placed from the top down, so the higher point keeps the usual place; where no
    place is free, the label stays on the left."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed = []
    for text in sorted(ax.texts, key=lambda text: -text.xy[1]):
        for offset, alignment in (((5, 4), "left"), ((5, -11), "left"), ((-5, 4), "right")):
            text.set_position(offset)
            text.set_horizontalalignment(alignment)
            box = text.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1
            if inside and not any(box.overlaps(other) for other in placed):
                break
        placed.append(box)


def plot_time_to_accuracy(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    target: float,
    floor: float = 0.95,
) -> Figure:
    """Validation accuracy against training seconds, one line per recipe, with the target marked.

    ``curves`` maps a recipe's name to ``(seconds, accuracy)``. Time on a log scale, so a recipe
    ten times faster sits a fixed distance to the left whatever the scale; accuracy from ``floor``
    up, where the recipes differ. Each recipe's first crossing of ``target`` is marked and labelled.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for (name, (seconds, accuracy)), colour in zip(curves.items(), colours):
        if len(seconds) != len(accuracy) or not len(seconds):
            raise ValueError(
                f"curve {name!r} needs as many times as accuracies, at least one; "
                f"got {len(seconds)} and {len(accuracy)}"
            )
        ax.plot(seconds, 100 * np.asarray(accuracy), "-o", ms=3, color=colour, label=name)
        reached = next((s for s, a in zip(seconds, accuracy) if a >= target), None)
        if reached is not None:
            ax.axvline(reached, color=colour, ls=":", lw=1)
            ax.annotate(
                f"{reached:.1f} s",
                (reached, 100 * floor),
                xytext=(3, 3),
                textcoords="offset points",
                color=colour,
                fontsize=8,
            )
    ax.axhline(100 * target, color="grey", ls="--", lw=1, label=f"{target:.1%}")
    ax.set_xscale("log")
    ax.set_ylim(100 * floor, 100)
    ax.set_xlabel("training time on this machine (s)")
    ax.set_ylabel("validation accuracy (%)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_preparation(steps: Mapping[str, np.ndarray]) -> Figure:
    """Each stage of turning a picture into an MNIST-like digit
    (mnist_course.images.preparation_steps), titled with its name and size, the picture in its own
    grey levels and the rest as ink on paper."""
    if not steps:
        raise ValueError("no preparation steps to show; pass preparation_steps(image)")
    fig, axes = _grid(len(steps), len(steps), 1.9, 2.1)
    for ax, (name, image) in zip(axes, steps.items()):
        image = np.asarray(image)
        if image.ndim != 2:
            raise ValueError(f"step {name!r} must be a 2-D image, got shape {image.shape}")
        ax.imshow(image, cmap="gray" if name == "grayscale" else "binary", vmin=0, vmax=1)
        ax.set_title(f"{name}\n{image.shape[0]}x{image.shape[1]}", fontsize=9)
    fig.tight_layout()
    return fig


def plot_predictions(
    images: np.ndarray,
    probabilities: np.ndarray,
    titles: Sequence[str],
    true_digits: Sequence[int | None] | None = None,
    columns: int = 4,
) -> Figure:
    """Each digit beside a bar chart of the model's ten probabilities, on a 0-100% axis.

    The bars show what the top-1 answer hides: how sure the model is, and what it hesitated
    between. With ``true_digits`` (None for a picture that is no digit), the answer is blue when
    right and red when wrong, and the true digit's bar is outlined, as in TensorFlow's
    classification tutorial: a tall red bar is the model being confidently wrong.
    """
    images = _check_images(images)
    probabilities = np.asarray(probabilities)
    truth_known = true_digits is not None
    if true_digits is None:
        true_digits = [None] * len(images)
    if (
        probabilities.shape != (len(images), NUM_CLASSES)
        or len(titles) != len(images)
        or len(true_digits) != len(images)
    ):
        raise ValueError(
            f"expected {len(images)} titles, true digits and a ({len(images)}, 10) array of "
            f"probabilities, got {len(titles)} titles, {len(true_digits)} true digits and shape "
            f"{probabilities.shape}"
        )
    rows = max(1, -(-len(images) // columns))
    fig, axes = plt.subplots(
        rows,
        2 * columns,
        figsize=(columns * 3.4, rows * 1.8),
        squeeze=False,
        gridspec_kw={"width_ratios": [1, 1.5] * columns},
    )
    for ax in axes.flat:
        ax.axis("off")
    for index, (image, row, title, truth) in enumerate(
        zip(images, probabilities, titles, true_digits)
    ):
        image_ax = axes[index // columns, 2 * (index % columns)]
        bar_ax = axes[index // columns, 2 * (index % columns) + 1]
        image_ax.imshow(image, cmap="binary")
        image_ax.set_title(title, fontsize=8)
        top = int(row.argmax())
        answer_colour = "tab:blue" if not truth_known or top == truth else "tab:red"
        colours = ["lightgrey"] * NUM_CLASSES
        colours[top] = answer_colour
        edges = ["tab:blue" if digit == truth else "none" for digit in range(NUM_CLASSES)]
        bar_ax.axis("on")
        bar_ax.bar(range(NUM_CLASSES), row, color=colours, edgecolor=edges, linewidth=1.5)
        bar_ax.set_ylim(0, 1)
        bar_ax.set_xticks(range(NUM_CLASSES))
        bar_ax.set_yticks([0, 0.5, 1])
        bar_ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
        bar_ax.tick_params(labelsize=6)
        title = f"read {top}: {row[top]:.0%}"
        if truth_known:
            title += " (not a digit)" if truth is None else f" (written {truth})"
        bar_ax.set_title(title, fontsize=7, color=answer_colour)
    fig.tight_layout()
    return fig


def plot_pictures(
    pictures: Sequence[np.ndarray], titles: Sequence[str], columns: int = 8, size: float = 1.5
) -> Figure:
    """Pictures of any size and colour as they are (each scaled to its cell), titled; for the
    pictures a model is asked to read before they are prepared as digits."""
    if len(titles) != len(pictures) or not len(pictures):
        raise ValueError(
            "expected one title per picture and at least one picture; "
            f"got {len(pictures)} and {len(titles)}"
        )
    fig, axes = _grid(len(pictures), columns, size, size * 1.2)
    for ax, picture, title in zip(axes, pictures, titles):
        picture = np.asarray(picture)
        ax.imshow(
            picture,
            cmap="gray" if picture.ndim == 2 else None,
            vmin=0,
            vmax=255 if picture.dtype == np.uint8 else 1,
        )
        ax.set_title(title, fontsize=7)
    fig.tight_layout()
    return fig


def plot_heatmaps(
    images: np.ndarray,
    maps: Mapping[str, np.ndarray],
    titles: Sequence[str],
    size: float = 1.15,
) -> Figure:
    """What a model looks at: the digits in the top row and, below them, one row per kind of map
    (a saliency map, a Grad-CAM heatmap), named at its left.

    Each map gets its own colour scale, from 0 to its largest value (maps of different digits or
    kinds differ in size, and only where each is large matters), with the outline of its digit's
    ink drawn over it, so that what a map marks can be set against the strokes.
    """
    images = _check_images(images)
    if len(titles) != len(images):
        raise ValueError(f"{len(images)} images but {len(titles)} titles")
    for name, values in maps.items():
        if np.shape(values) != images.shape:
            raise ValueError(
                f"maps {name!r} must be one 28x28 map per image, of shape {images.shape}; "
                f"got {np.shape(values)}"
            )
    rows = 1 + len(maps)
    fig, axes = plt.subplots(
        rows, len(images), figsize=(len(images) * size, rows * size * 1.1), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    ink = images.astype(float) / max(float(images.max()), 1e-12)
    for column, (image, title) in enumerate(zip(images, titles)):
        axes[0, column].imshow(image, cmap="binary")
        axes[0, column].set_title(title, fontsize=8)
        for row, values in enumerate(maps.values(), start=1):
            heat = np.asarray(values[column], dtype=float)
            axes[row, column].imshow(heat, cmap="inferno", vmin=0, vmax=heat.max() or 1.0)
            axes[row, column].contour(ink[column], levels=[0.5], colors="cyan", linewidths=0.6)
    for row, name in enumerate(maps, start=1):
        axes[row, 0].text(
            -0.08,
            0.5,
            name,
            transform=axes[row, 0].transAxes,
            rotation=90,
            ha="right",
            va="center",
            fontsize=8,
        )
    fig.tight_layout()
    return fig


def plot_feature_map(
    points: np.ndarray, digits: np.ndarray, mistakes: np.ndarray | None = None
) -> Figure:
    """A 2-D map of what a network has learned (for example t-SNE of a layer's outputs): one dot
    per image, coloured by its true digit, each digit written at the middle of its dots, and the
    images the model reads wrong ringed in black (``mistakes``, a boolean mask).

    The map's axes have no meaning of their own, so they carry no ticks: only which dots sit
    together does.
    """
    points, digits = np.asarray(points), np.asarray(digits)
    mistakes = np.zeros(len(points), bool) if mistakes is None else np.asarray(mistakes, bool)
    if points.ndim != 2 or points.shape[1] != 2 or not len(points):
        raise ValueError(f"expected points of shape (n, 2), got {points.shape}")
    if digits.shape != (len(points),) or mistakes.shape != (len(points),):
        raise ValueError(
            f"expected one digit and one mistake flag per point ({len(points)}), got "
            f"{digits.shape} and {mistakes.shape}"
        )
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    colours = plt.get_cmap("tab10")
    for digit in range(NUM_CLASSES):
        mine = points[digits == digit]
        if not len(mine):
            continue
        ax.scatter(*mine.T, s=5, color=colours(digit), alpha=0.6, label=str(digit))
        ax.text(
            *np.median(mine, axis=0),
            str(digit),
            fontsize=15,
            weight="bold",
            ha="center",
            va="center",
            color=colours(digit),
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.7, "linewidth": 0},
        )
    if mistakes.any():
        ax.scatter(
            *points[mistakes].T,
            s=40,
            facecolors="none",
            edgecolors="black",
            linewidths=1,
            label=f"read wrong ({mistakes.sum()})",
        )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(fontsize=8, markerscale=2, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def plot_accuracy_against_epsilon(
    epsilons: Sequence[float], curves: Mapping[str, Sequence[float]]
) -> Figure:
    """Accuracy on adversarial examples against the largest change allowed per pixel (epsilon,
    on pixels from 0 to 1), one line per model, with chance (10%) marked: the lower and the
    sooner a curve falls, the easier the model is to fool."""
    epsilons = np.asarray(epsilons, dtype=float)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, accuracy in curves.items():
        if len(accuracy) != len(epsilons):
            raise ValueError(
                f"curve {name!r} has {len(accuracy)} accuracies for {len(epsilons)} epsilons"
            )
        ax.plot(epsilons, 100 * np.asarray(accuracy), "-o", ms=4, label=name)
    ax.axhline(10, color="grey", ls=":", lw=1, label="chance (10%)")
    ax.set_ylim(0, 100)
    _label_line_plot(
        ax,
        "epsilon: the largest change to any pixel (pixels from 0 to 1)",
        "accuracy on perturbed digits (%)",
    )
    fig.tight_layout()
    return fig
