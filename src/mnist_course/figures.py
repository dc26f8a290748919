"""Saving figures under stable names, so the README and other notebooks can point at them."""

from __future__ import annotations

import re

from matplotlib.figure import Figure

from mnist_course.paths import output_root

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def save_figure(figure: Figure, name: str, folder: str = "figures", dpi: int = 100) -> None:
    """Write ``figure`` to ``<folder>/<name>.png`` under the output root (see paths.output_root).

    Names are plain lower-case stems (``"02_learning_curves"``) so that files keep stable,
    portable names. PNG without the software-version stamp keeps the bytes unchanged when only
    the matplotlib version differs. Nothing is returned, so a notebook cell ending with this
    call shows no output (a returned path would print a machine-specific location).
    """
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"figure name {name!r} must be a lower-case stem of letters, digits, '_' or '-' "
            "(no folder, no extension), e.g. '00_sample_digits'"
        )
    path = output_root() / folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
