"""Static checks of the committed notebooks: each is one clean top-to-bottom run.

nbval (``pytest --nbval``) re-executes the notebooks and compares outputs; these tests check what
re-execution cannot: that what is committed is itself clean, complete and in sync.
"""

import ast
import json
import re
import tomllib
from pathlib import Path

import nbformat
import pytest
from packaging.version import Version

from mnist_course.performance import duration_text
from tools import environments, exports
from tools import notebooks as notebook_tool

ROOT = Path(__file__).resolve().parents[1]

PATHS = notebook_tool.notebook_paths()
LOCAL_PATH = re.compile(r"(/home/|/root/|/tmp/|/work/|/Users/|/private/var/|[A-Z]:\\\\Users)")
NOISE = re.compile(r"Traceback|WARNING|W0000|I0000|E0000|Warning:")


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


@pytest.fixture(params=PATHS, ids=[p.name for p in PATHS])
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert [p.name for p in PATHS][:1] == ["00_data.ipynb"]


def test_every_code_cell_ran_once_in_order(notebook):
    _, nb = notebook
    counts = [cell.execution_count for cell in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "re-run with `make notebooks`"


def test_outputs_are_clean(notebook):
    _, nb = notebook
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index} has an error output"
            assert output.get("name") != "stderr", (
                f"cell {index} wrote to stderr: {output.get('text', '')[:200]}"
            )
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not LOCAL_PATH.search(text), f"cell {index} shows a local path: {text[:200]}"
            assert not NOISE.search(text), f"cell {index} shows log noise: {text[:200]}"
            assert notebook_tool.WIDGET_VIEW not in output.get("data", {}), (
                f"cell {index} holds a widget view, which Lab shows as an error once its kernel "
                "is gone; refresh the notebook with `make notebooks`, which keeps only its text"
            )


def test_sources_are_portable_and_use_tags_not_comments(notebook):
    _, nb = notebook
    for index, cell in enumerate(nb.cells):
        assert not LOCAL_PATH.search(cell.source), f"cell {index} names a local path"
        if cell.cell_type == "code":
            assert "NBVAL_" not in cell.source, (
                f"cell {index}: use the nbval-ignore-output tag, not a comment"
            )
            # A trailing ';' hides output in Jupyter but not under nbval: assign the value instead.
            assert not re.search(r";\s*$", cell.source, re.MULTILINE), (
                f"cell {index} ends a line with ';'"
            )


def test_saved_with_the_standard_kernel(notebook):
    _, nb = notebook
    assert nb.metadata.kernelspec.name == "python3"


def test_generated_cells_are_in_sync(notebook):
    path, nb = notebook
    wanted = notebook_tool.generated_cells(path, PATHS)
    first_code = code_cells(nb)[0]
    assert nb.cells[0].metadata.get("course_cell") == "navigation-top"
    assert first_code.metadata.get("course_cell") == "colab-setup", (
        "the Colab cell must be the first code cell"
    )
    assert nb.cells[-1].metadata.get("course_cell") == "navigation-bottom"
    found = {c.metadata["course_cell"]: c.source for c in nb.cells if "course_cell" in c.metadata}
    assert found == {marker: cell.source for marker, cell in wanted.items()}, (
        "run `python tools/notebooks.py sync`"
    )


def test_opens_as_a_lesson_and_closes_with_exercises(notebook):
    path, nb = notebook
    markdown = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    assert markdown[1].startswith(f"# {path.name[:2]} · "), (
        "the first own cell is the numbered title"
    )
    assert "**You will learn**" in markdown[1] and "**You need**" in markdown[1]
    text = "\n".join(markdown)
    headings = ["## Summary", "## Exercises", "## Check your understanding", "## Solutions"]
    assert all(heading in text for heading in headings), f"a lesson closes with {headings}"
    assert [text.index(heading) for heading in headings] == sorted(
        text.index(heading) for heading in headings
    ), f"in this order: {headings}"
    assert markdown[-2].startswith("## Next\n"), (
        "the last own cell links onward under its own heading, which also ends the Solutions"
    )


def _section(text: str, heading: str) -> str:
    start = text.index(heading) + len(heading)
    following = text.find("\n## ", start)
    return text[start : None if following == -1 else following]


def test_exercises_have_solutions_and_questions_have_answers(notebook):
    _, nb = notebook
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    exercises = re.findall(r"^(\d)\. ", _section(text, "## Exercises"), re.MULTILINE)
    questions = re.findall(r"^(\d)\. ", _section(text, "## Check your understanding"), re.MULTILINE)
    solutions = _section(text, "## Solutions")
    assert 3 <= len(exercises) <= 5, "3 to 5 exercises of rising difficulty"
    assert exercises == [str(n) for n in range(1, len(exercises) + 1)]
    assert re.findall(r"^\*\*(\d)\.\*\*", solutions, re.MULTILINE) == exercises, (
        "each exercise has its solution, **1.** to **n.**, in order"
    )
    assert len(questions) >= 3
    answers = solutions[solutions.index("**Answers to the questions.**") :]
    assert re.findall(r"(?:^|\s)(\d)\. ", answers) == questions, "each question has its answer"


def test_solutions_stay_closed_until_the_learner_opens_them(notebook):
    _, nb = notebook
    (heading,) = [c for c in nb.cells if c.cell_type == "markdown" and "## Solutions" in c.source]
    assert heading.source.startswith("## Solutions"), "its own cell, so JupyterLab can fold it"
    assert heading.metadata.get("jp-MarkdownHeadingCollapsed") is True
    # A folded heading still shows its own cell: the first solution belongs below it.
    assert not re.search(r"^\*\*\d\.\*\*", heading.source, re.MULTILINE), (
        "the Solutions heading's cell shows a solution while folded"
    )


def test_notebook_stays_small(notebook):
    path, _ = notebook
    assert path.stat().st_size < 2_000_000, "large outputs make notebooks slow to open and diff"


def test_colab_cell_clones_the_course_and_installs_nothing():
    cell = notebook_tool.generated_cells(PATHS[0], PATHS)["colab-setup"].source
    assert 'if "google.colab" in sys.modules:' in cell
    assert cell.count(notebook_tool.repository_url()) == 1, "the address, from pyproject only"
    assert "git clone" in cell and "%cd" in cell
    assert "pip" not in cell, "Colab's TensorFlow, Keras and NumPy must never be replaced"


@pytest.mark.parametrize("lesson", sorted(notebook_tool.COLAB_EXTRAS))
def test_colab_cell_installs_only_what_colab_lacks_at_the_course_pins(lesson):
    path = notebook_tool.NOTEBOOKS / f"{lesson}.ipynb"
    cell = notebook_tool.generated_cells(path, PATHS)["colab-setup"].source
    installed = re.search(r"PACKAGES = \[(.*)\]", cell).group(1)
    names = [requirement.split("==")[0] for requirement in re.findall(r'"([^"]+)"', installed)]
    packages, widgets = notebook_tool.COLAB_EXTRAS[lesson]
    assert names == list(packages) and set(names) <= set(environments.LEFT_OUT), (
        "Colab installs only packages it lacks, which the emulated Colab must lack too"
    )
    assert all(notebook_tool.pinned(name) in installed for name in names)
    assert ("enable_custom_widget_manager()" in cell) == widgets
    assert cell.index("PACKAGES") < cell.index("%cd"), "installed inside the Colab-only block"


#: What Colab's runtime shipped in August 2026, from its published `pip freeze`
#: (github.com/googlecolab/backend-info): the package's lower bounds may not be above it.
COLAB_2026 = {
    "tensorflow": "2.20.0",
    "keras": "3.13.2",
    "numpy": "2.1.3",
    "pandas": "2.2.3",
    "matplotlib": "3.10.0",
    "pillow": "11.3.0",
}


def test_helper_package_cannot_displace_colabs_tensorflow():
    with open(ROOT / "pyproject.toml", "rb") as stream:
        dependencies = tomllib.load(stream)["project"]["dependencies"]
    bounds = environments.lower_bounds(dependencies)  # lower bounds only, or it raises
    # What Colab lacks, a lesson's set-up cell installs there (at its pin); the rest is Colab's.
    bounds = {
        name: version for name, version in bounds.items() if name not in environments.LEFT_OUT
    }
    assert set(bounds) == set(COLAB_2026)
    for name, version in bounds.items():
        assert Version(version) <= Version(COLAB_2026[name]), f"{name}>={version} is above Colab's"


def test_readme_lists_every_notebook_with_its_colab_link():
    readme = (ROOT / "README.md").read_text()
    for path in PATHS:
        assert f"(notebooks/{path.name})" in readme, f"README's table of lessons misses {path.name}"
        colab = re.search(
            r'href="([^"]+)"', notebook_tool.generated_cells(path, PATHS)["navigation-top"].source
        )
        assert f"({colab.group(1)})" in readme, (
            f"README's Colab link for {path.name} differs from the notebook's"
        )


def readme_block(name: str) -> str:
    match = notebook_tool.readme_block_pattern(name).search((ROOT / "README.md").read_text())
    assert match, f"README.md lacks its generated {name} block"
    return match.group(2)


@pytest.mark.parametrize("name", ["results", "benchmark", "ablation", "exports", "series"])
def test_readme_blocks_say_what_the_recorded_results_say(name):
    assert readme_block(name) == notebook_tool.readme_blocks()[name], (
        f"README's {name} block differs from results/; run `python tools/notebooks.py sync`"
    )


def test_readme_accuracies_are_the_recorded_ones():
    # Read back independently of the generator: every recorded model, at its recorded accuracy.
    recorded = json.loads((ROOT / "results" / "results.json").read_text())
    rows = [line.split("|") for line in readme_block("results").splitlines()]
    header = [cell.strip() for cell in rows[0]]
    column = header.index("test accuracy (%)")
    shown = {row[1].strip(): float(row[column]) for row in rows[2:]}
    assert shown == {
        model: round(100 * result["test_accuracy"], 2) for model, result in recorded.items()
    }


def test_readme_says_how_long_each_lesson_runs_as_the_series_benchmark_measured():
    # Read back independently of the generator: the "runs in" cell of each lesson's row.
    recorded = json.loads((ROOT / "results" / "series.json").read_text())["lessons"]
    header, *rows = [
        [cell.strip() for cell in line.split("|")]
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("| # |") or notebook_tool.LESSON_ROW.match(line)
    ]
    column = header.index("runs in")
    shown = {re.search(r"notebooks/(\w+)\.ipynb", row[2]).group(1): row[column] for row in rows}
    assert shown == {lesson: duration_text(recorded[lesson]) for lesson in shown}
    assert set(shown) == {path.stem for path in PATHS}


def test_the_recipes_module_is_what_the_lessons_export():
    assert exports.MODULE.read_text() == exports.module_text(PATHS), (
        "src/mnist_course/recipes.py differs from the # @save cells; "
        "run `python -m tools.notebooks sync`"
    )


def _defined_names(code: str) -> set[str]:
    try:
        return set(exports.top_level_names(exports.python_source(code)))
    except SyntaxError:
        return set()


def test_each_exported_name_is_written_once_in_the_whole_course():
    """A network, schedule or training function is written in the lesson that teaches it and
    imported everywhere else: no other cell, package module or benchmark defines it again."""
    exported = exports.check_definitions(exports.exports(PATHS))
    places = {}
    for path in PATHS:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and not exports.is_exported(cell):
                for name in _defined_names(cell.source) - {"__all__"}:
                    places.setdefault(name, []).append(f"{path.name}, cell {index}")
    sources = [*(ROOT / "src" / "mnist_course").glob("*.py"), *ROOT.glob("benchmarks/*.py")]
    for source in sources:
        if source != exports.MODULE:
            tree = ast.parse(source.read_text())
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Assign)):
                    for name in _defined_names(ast.unparse(node)):
                        places.setdefault(name, []).append(str(source.relative_to(ROOT)))
    twice = {name: places[name] for name in exported if name in places}
    assert not twice, f"defined again outside the lesson that exports them: {twice}"


def test_every_committed_figure_is_one_a_lesson_saves():
    saved = {"download"}
    for path in PATHS:
        for cell in code_cells(nbformat.read(path, as_version=4)):
            saved |= set(re.findall(r'save_figure\(\s*fig,\s*"([^"]+)"', cell.source))
    committed = {path.stem for path in (ROOT / "figures").glob("*.png")}
    assert committed <= saved, f"figures no lesson makes any more: {sorted(committed - saved)}"
    assert saved - {"download"} <= committed, f"figures not committed: {saved - committed}"
