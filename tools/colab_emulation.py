"""Run lessons here the way Colab runs them, and compare their outputs strictly (as `make test`).

    python -m tools.colab_emulation notebooks/00_data.ipynb notebooks/09_comparison.ipynb ...

Run it with an interpreter that does not have the course's package (`make colab` makes one; see
tools/environments.py). A lesson opened from its Colab badge arrives alone: no checkout around it,
no data/, no course package, and `google.colab` already imported. This makes that situation in a
temporary folder: each lesson is copied there on its own, a stand-in `google.colab` module is
imported when the kernel starts, and MNIST_COURSE_REPOSITORY points the set-up cell at this
checkout (as a file:// address), so that it clones the commit under test instead of the
published repository. Then nbval runs each lesson, set-up cell first, and compares every output
with the committed one.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Read by every lesson's Colab set-up cell (written by tools/notebooks.py): another address to
#: clone the course from, such as a fork or, here, this checkout as file:///path.
REPOSITORY_VARIABLE = "MNIST_COURSE_REPOSITORY"

#: The course's set-up cell checks that ``google.colab`` is loaded, and a lesson with widgets
#: turns on Colab's custom widget manager (in the emulation there is no page to draw them in).
STAND_IN = '"""A stand-in for the module Colab loads at start-up."""\n'
OUTPUT_STAND_IN = (
    '"""A stand-in for Colab\'s output module: its widget manager has no page here."""\n\n\n'
    "def enable_custom_widget_manager() -> None:\n"
    '    """Colab lets the page draw third-party widgets; nothing to do without a page."""\n'
)


def make_colab_site(folder: Path) -> Path:
    """A folder for PYTHONPATH holding the stand-in ``google.colab`` package and a sitecustomize
    that imports it at start-up, as Colab's kernel has it loaded before the first cell."""
    package = folder / "google" / "colab"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(STAND_IN)
    (package / "output.py").write_text(OUTPUT_STAND_IN)
    (folder / "sitecustomize.py").write_text("import google.colab  # noqa: F401\n")
    return folder


def note_uncommitted_changes() -> None:
    """The set-up cell clones commits, not the working tree: say so when they differ."""
    changes = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if changes:
        print(
            "note: the emulated Colab clones the last commit; these uncommitted changes are not "
            f"in it:\n{changes}",
            file=sys.stderr,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="lessons to run as in Colab")
    args = parser.parse_args()
    if importlib.util.find_spec("mnist_course") is not None:
        sys.exit(
            f"{sys.executable} can import mnist_course, so the emulation would not show whether "
            "the set-up cell brings it; run it with an environment without the course's package "
            "(`make colab` does)"
        )
    note_uncommitted_changes()
    with tempfile.TemporaryDirectory(prefix="colab-emulation-") as scratch:
        site = make_colab_site(Path(scratch) / "site")
        content = Path(scratch) / "content"  # Colab's working folder
        content.mkdir()
        lessons = [shutil.copy(path, content) for path in args.notebooks]
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("MNIST_COURSE_")
        }
        environment["PYTHONPATH"] = str(site)
        environment[REPOSITORY_VARIABLE] = ROOT.as_uri()
        command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env"]
        command += ["-p", "no:cacheprovider", "--rootdir", str(content), *lessons]
        print(f"Colab emulated in {content}: {' '.join(Path(p).name for p in lessons)}", flush=True)
        return subprocess.run(command, cwd=content, env=environment).returncode


if __name__ == "__main__":
    sys.exit(main())
