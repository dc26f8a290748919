"""Where the course finds its checkout and where notebooks write figures and results."""

from __future__ import annotations

import os
from pathlib import Path

#: Set this to a folder to send every figure and result there instead of into the checkout.
#: The test suite sets it, so that running the tests never rewrites committed files.
OUTPUT_DIR_VARIABLE = "MNIST_COURSE_OUTPUT_DIR"


def project_root() -> Path | None:
    """The course checkout this package runs from, or None when it was installed from an archive.

    An editable install (``pip install -e .``, what requirements.txt does) runs from the
    checkout, so the data and figure folders are found next to the package. In Colab the package
    is installed from the repository's archive, there is no checkout, and callers fall back
    accordingly.
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def output_root() -> Path:
    """The folder under which figures/, results/ and download.png are written.

    Normally the checkout (so a refreshed figure replaces the committed one); the test suite points
    it elsewhere through ``MNIST_COURSE_OUTPUT_DIR``; outside a checkout it is the working folder.
    """
    override = os.environ.get(OUTPUT_DIR_VARIABLE)
    if override:
        return Path(override)
    return project_root() or Path.cwd()
