"""Maintain the notebooks: generated cells, the lessons' exported code, clean executed outputs.

    python -m tools.notebooks sync      # rewrite generated cells, recipes.py, the README's tables
    python -m tools.notebooks execute   # run every notebook top to bottom, in place, then sync

Generated cells are found by ``metadata.course_cell`` and rebuilt from one source: the
repository address in pyproject.toml and the notebooks' own titles, so none of them drifts.
Cells marked ``# @save`` are copied into src/mnist_course/recipes.py (see tools/exports.py).
The README's results table and benchmark summaries are rebuilt from the committed results/ files
between their ``<!-- begin NAME -->`` and ``<!-- end NAME -->`` lines; a test checks they agree.
``execute`` runs each notebook in a fresh kernel exactly as the test suite's nbval does, so the
committed outputs are the ones the tests compare against (see run_notebook).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient

from mnist_course.comparison import comparison_table, export_table
from mnist_course.performance import duration_text
from tools import exports
from tools.colab_emulation import REPOSITORY_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
#: What a lesson needs in Colab beyond what Colab ships: packages its set-up cell installs there
#: (at requirements.txt's pins), and whether it shows widgets from outside Colab's own list, which
#: Colab draws only once its custom widget manager is on.
COLAB_EXTRAS: dict[str, tuple[tuple[str, ...], bool]] = {
    "10_using_the_model": (("ipycanvas", "ai-edge-litert"), True),
}


def repository_url() -> str:
    with open(ROOT / "pyproject.toml", "rb") as stream:
        return tomllib.load(stream)["project"]["urls"]["Repository"]


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def title(path: Path) -> str:
    """The notebook's H1, without its number: '00 The data' -> 'The data'."""
    for cell in nbformat.read(path, as_version=4).cells:
        match = re.search(r"^# (?:\d\d\s*[·:.-]?\s*)?(.+)$", cell.source, re.MULTILINE)
        if cell.cell_type == "markdown" and match:
            return match.group(1).strip()
    raise ValueError(f"{path.name}: no '# Title' heading in a markdown cell")


def navigation(path: Path, paths: list[Path]) -> str:
    index = paths.index(path)
    parts = []
    if index > 0:
        previous = paths[index - 1]
        parts.append(f"< [{previous.stem[:2]} {title(previous)}]({previous.name})")
    parts.append("[Contents](../README.md#the-lessons)")
    if index + 1 < len(paths):
        following = paths[index + 1]
        parts.append(f"[{following.stem[:2]} {title(following)}]({following.name}) >")
    return " | ".join(parts)


def generated_cells(path: Path, paths: list[Path]) -> dict[str, nbformat.NotebookNode]:
    """The cells this tool owns in ``path``, keyed by their ``course_cell`` marker."""
    url = repository_url()
    repository = url.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{repository}/blob/main/notebooks/{path.name}"
    nav = navigation(path, paths)
    top = nbformat.v4.new_markdown_cell(
        f'<a href="{colab}"><img src="{COLAB_BADGE}" alt="Open in Colab"/></a>\n\n{nav}'
    )
    setup = nbformat.v4.new_code_cell(
        colab_setup_source(url, *COLAB_EXTRAS.get(path.stem, ((), False)))
    )
    bottom = nbformat.v4.new_markdown_cell(nav)
    cells = {"navigation-top": top, "colab-setup": setup, "navigation-bottom": bottom}
    for marker, cell in cells.items():
        cell.metadata["course_cell"] = marker
    return cells


def pinned(package: str) -> str:
    """``package``'s line in requirements.txt, ``name==version``: what Colab must install."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement.split("==")[0].lower() == package.lower():
            return requirement
    raise ValueError(f"requirements.txt does not pin {package!r}, which a lesson installs in Colab")


def colab_setup_source(url: str, packages: tuple[str, ...] = (), widgets: bool = False) -> str:
    """The set-up cell every lesson runs first: in Colab, a clone of the course, used in place.

    A lesson opened from its badge arrives in Colab alone, without the helper package, the data,
    the recorded results, the saved models or the example pictures. The cell clones the repository
    next to the notebook (Colab's /content) and works from the clone's notebooks folder with its
    src/ on the import path (the kernel's, and PYTHONPATH for the command line and the worker
    processes that lessons start), exactly as in a checkout, so every relative path and every
    lesson works. It installs nothing: Colab's own TensorFlow, Keras and NumPy are used as they
    are (the package's lower bounds are tested against what Colab ships). A lesson that needs
    ``packages`` Colab does not ship installs them, quietly and at their pins, and one that shows
    third-party ``widgets`` turns on Colab's custom widget manager. Running it again changes
    nothing, and outside Colab it does nothing, so it prints nothing and its committed output is
    empty.
    """
    extras = ""
    if packages:
        requirements = ", ".join(f'"{pinned(package)}"' for package in packages)
        extras += (
            "    # What this lesson needs and Colab lacks, installed quietly at the course's "
            "pins.\n"
            f"    PACKAGES = [{requirements}]\n"
            '    subprocess.run([sys.executable, "-m", "pip", "install", "-qq", *PACKAGES], '
            "check=True)\n"
        )
    if widgets:
        extras += (
            "    # Colab draws widgets from outside its own list only with this manager on.\n"
            "    from google.colab import output\n"
            "\n"
            "    output.enable_custom_widget_manager()\n"
        )
    installed = (
        "Colab's own TensorFlow,\n# Keras and NumPy are used; this lesson adds what it needs "
        "that Colab lacks. Anywhere\n# else this cell does nothing.\n"
        if packages
        else "Nothing is installed:\n# Colab's own TensorFlow, Keras and NumPy are used. "
        "Anywhere else this cell does nothing.\n"
    )
    return (
        "# In Colab only: fetch the course (its helper package, data, results, saved models and\n"
        f"# example pictures) and work in its notebooks folder, as in a clone. {installed}"
        "import os\n" + ("import subprocess\n" if packages else "") + "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    REPOSITORY = "{url}"\n'
        f"    # Another address (a fork, a local copy) may be given as {REPOSITORY_VARIABLE}.\n"
        f'    REPOSITORY = os.environ.get("{REPOSITORY_VARIABLE}", REPOSITORY)\n'
        "    # The clone's place is remembered, so that running this cell again finds it.\n"
        '    CLONE = os.environ.setdefault("MNIST_COURSE_CLONE", os.path.abspath("mnist-course"))\n'
        "    if not os.path.isdir(CLONE):\n"
        "        !git clone --quiet --depth 1 {REPOSITORY} {CLONE}\n"
        "    # The package from the clone, for this notebook and for the commands it starts.\n"
        '    sys.path.insert(0, f"{CLONE}/src")\n'
        '    os.environ["PYTHONPATH"] = f"{CLONE}/src"\n' + extras + "    %cd -q {CLONE}/notebooks"
    )


def sync(path: Path, paths: list[Path]) -> bool:
    """Put the generated cells in place: badge and navigation first, Colab set-up after the
    title and overview (first code cell), navigation last. Returns whether anything changed."""
    nb = nbformat.read(path, as_version=4)
    wanted = generated_cells(path, paths)
    own = [cell for cell in nb.cells if "course_cell" not in cell.metadata]
    first_code = next((i for i, cell in enumerate(own) if cell.cell_type == "code"), len(own))
    new_cells = [
        wanted["navigation-top"],
        *own[:first_code],
        wanted["colab-setup"],
        *own[first_code:],
        wanted["navigation-bottom"],
    ]
    old = {c.metadata["course_cell"]: c for c in nb.cells if "course_cell" in c.metadata}
    for marker, cell in wanted.items():  # keep outputs/ids of unchanged cells
        if marker in old and old[marker].source == cell.source:
            cell.update({k: v for k, v in old[marker].items() if k != "source"})
        elif marker == "colab-setup" and marker in old:
            # Outside Colab the set-up cell runs and prints nothing, whatever its source says, so
            # its committed run (empty output, its place in the count) stays true after an edit.
            cell.execution_count = old[marker].execution_count
    changed = [c.source for c in new_cells] != [c.source for c in nb.cells]
    nb.cells = new_cells
    nb.metadata["kernelspec"] = KERNELSPEC
    if changed:
        nbformat.write(nb, path)
    return changed


def readme_blocks() -> dict[str, str]:
    """The README's generated blocks, from the committed results files (not from any fresher
    run elsewhere, such as the tests' scratch folder): what the README must say."""
    return {
        "results": comparison_table(load_json_table("results.json")).to_markdown() + "\n",
        "benchmark": (ROOT / "results" / "benchmark.md").read_text(),
        "ablation": (ROOT / "results" / "ablation.md").read_text(),
        "exports": export_table(load_json_table("exports.json")).to_markdown() + "\n",
        "series": (ROOT / "results" / "series.md").read_text(),
    }


#: A row of the README's table of lessons: '| 07 | [title](notebooks/07_....ipynb) | ...'.
LESSON_ROW = re.compile(r"^\| \d\d \| \[[^\]]*\]\(notebooks/(?P<lesson>\d\d_\w+)\.ipynb\) \|")
#: The column of that table that says how long each lesson runs (counted from 1).
RUNS_IN_COLUMN = 4


def lesson_run_times() -> dict[str, str]:
    """How long each lesson runs, as the README's table of lessons says it: the series
    benchmark's last record (results/series.json), not a figure typed in by hand."""
    record = json.loads((ROOT / "results" / "series.json").read_text())
    return {lesson: duration_text(seconds) for lesson, seconds in record["lessons"].items()}


def with_run_times(readme: str, run_times: dict[str, str]) -> str:
    """``readme`` with the "runs in" column of its table of lessons set from ``run_times``."""
    lines = []
    for line in readme.splitlines(keepends=True):
        match = LESSON_ROW.match(line)
        if match:
            lesson = match.group("lesson")
            if lesson not in run_times:
                raise ValueError(
                    f"results/series.json has no time for {lesson}: run "
                    "`python -m benchmarks.series` to time every lesson"
                )
            cells = line.split("|")
            cells[RUNS_IN_COLUMN] = f" {run_times[lesson]} "
            line = "|".join(cells)
        lines.append(line)
    return "".join(lines)


def load_json_table(name: str) -> pd.DataFrame:
    """A committed results/ file of one entry per row, as a table."""
    recorded = json.loads((ROOT / "results" / name).read_text())
    return pd.DataFrame.from_dict(recorded, orient="index")


def readme_block_pattern(name: str) -> re.Pattern:
    return re.compile(
        rf"(<!-- begin {name}:[^\n]*-->\n)(.*?)(<!-- end {name} -->)", flags=re.DOTALL
    )


def sync_readme() -> bool:
    """Rewrite the README's generated blocks and its lessons' run times; returns whether anything
    changed."""
    text = original = README.read_text()
    text = with_run_times(text, lesson_run_times())
    for name, block in readme_blocks().items():
        pattern = readme_block_pattern(name)
        if not pattern.search(text):
            raise ValueError(
                f"README.md has no '<!-- begin {name}: ... -->' ... '<!-- end {name} -->' block"
            )
        text = pattern.sub(lambda match: match.group(1) + block + match.group(3), text)
    if text != original:
        README.write_text(text)
    return text != original


def execute(path: Path, environment: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Execute ``path`` in a fresh kernel started in the notebooks folder; return it with outputs.

    The environment's kernel configuration (jupyter-config/ipython_kernel_config.py) keeps what
    native libraries write to the process's stderr (TensorFlow's C++ lines) out of the outputs, as
    in JupyterLab and under pytest, so the committed outputs hold only what the tests can
    reproduce. MPLBACKEND is cleared so the kernel draws with the inline backend, as it does under
    the tests. ``environment`` adds variables for the kernel (a seed, an output folder).
    """
    nb = nbformat.read(path, as_version=4)
    python_folder = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{python_folder}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("MPLBACKEND", None)
    env.update(environment or {})
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=None,
        record_timing=False,
        store_widget_state=False,  # see without_widget_views
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=env)
    return nb


def refresh(path: Path) -> None:
    """Execute ``path`` with the course's defaults and save it: outputs, figures and results."""
    for variable in ("MNIST_COURSE_OUTPUT_DIR", "MNIST_COURSE_SEED"):
        if variable in os.environ:
            sys.exit(
                f"unset {variable} first: refreshing writes the committed outputs with the "
                "default seed"
            )
    nb = without_widget_views(execute(path))
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.write(nb, path)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def without_widget_views(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with each widget output reduced to its text, for committing.

    A widget lives in the kernel that made it. A committed view of one points at a model that no
    kernel has when the notebook is opened again, so JupyterLab shows "Error displaying widget:
    model not found" in its place; the text (which says to run the cell) is what a reader of the
    committed notebook, on GitHub or in Lab, should see. nbval does not compare widget views
    either, so the tests are unaffected.
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                del output["data"][WIDGET_VIEW]
    return nb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["sync", "execute"])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook, in order")
    args = parser.parse_args()
    paths = notebook_paths()
    chosen = [p.resolve() for p in args.notebooks] or paths
    for path in paths:
        if sync(path, paths):
            print(f"synced generated cells of {path.name}")
    if exports.sync(paths):
        print(f"synced {exports.MODULE.relative_to(ROOT)} from the # @save cells")
    if args.command == "execute":
        for path in chosen:
            print(f"executing {path.name} ...", flush=True)
            refresh(path)
    if sync_readme():
        print("synced the README's results table and benchmark summary")


if __name__ == "__main__":
    main()
