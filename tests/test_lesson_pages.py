"""The browser check's own logic, without a browser: heading anchors, links, error outputs."""

import pytest

from tools.lesson_pages import (
    ROOT,
    Link,
    cells_to_run,
    checkout_problem,
    github_slug,
    heading_anchors,
    is_external,
    link_problem,
    output_problems,
    page_problems,
    resolve_link,
)

SERVER = "http://127.0.0.1:8888"
LESSON = "notebooks/00_data.ipynb"


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("The lessons", "the-lessons"),
        ("Speed, measured against Keras's defaults", "speed-measured-against-kerass-defaults"),
        ("Lessons 07 and 08: time to 99%, spreads", "lessons-07-and-08-time-to-99-spreads"),
        ("00 · The MNIST data", "00--the-mnist-data"),
        ("What `fit` does, in [Colab](https://colab.example)", "what-fit-does-in-colab"),
        ("snake_case and hyphen-ated", "snake_case-and-hyphen-ated"),
    ],
)
def test_github_slug(heading, slug):
    assert github_slug(heading) == slug


def test_heading_anchors_number_repeats_and_skip_code_blocks():
    markdown = "\n".join(
        [
            "# Title",
            "## Setup ##",
            "## Setup",
            "#not-a-heading",
            "```bash",
            "# a comment in a code block",
            "```",
            "    ### Indented four spaces: code",
        ]
    )
    assert heading_anchors(markdown) == {"title", "setup", "setup-1"}


def test_the_readme_has_the_heading_every_lesson_links_to():
    assert "the-lessons" in heading_anchors((ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("href", "link"),
    [
        ("../README.md#the-lessons", Link("README.md", "the-lessons")),
        ("01_linear_by_hand.ipynb", Link("notebooks/01_linear_by_hand.ipynb", "")),
        # The same links as JupyterLab rewrites them in the page.
        (f"{SERVER}/files/README.md?_xsrf=2%7Cabc#the-lessons", Link("README.md", "the-lessons")),
        (f"{SERVER}/files/notebooks/a%20b.ipynb?_xsrf=x", Link("notebooks/a b.ipynb", "")),
        ("../../outside.md", Link(None, "")),
        ("https://colab.research.google.com/github/x/y/blob/main/notebooks/00_data.ipynb", None),
        ("mailto:someone@example.org", None),
    ],
)
def test_resolve_link(href, link):
    assert resolve_link(href, LESSON, SERVER) == link


@pytest.fixture()
def repository(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_next.ipynb").write_text("{}")
    (tmp_path / "README.md").write_text("# Course\n\n## The lessons\n")
    return tmp_path


@pytest.mark.parametrize(
    "href",
    [
        "../README.md#the-lessons",
        "../README.md",
        "01_next.ipynb",
        "01_next.ipynb#Any-Heading",  # only fragments into markdown files are checked
        f"{SERVER}/files/README.md?_xsrf=x#the-lessons",
        "https://example.org/not-followed",
    ],
)
def test_a_good_link_has_no_problem(repository, href):
    assert link_problem(href, LESSON, SERVER, repository) is None


@pytest.mark.parametrize(
    ("href", "problem"),
    [
        ("02_missing.ipynb", "notebooks/02_missing.ipynb is not in the repository"),
        ("README.md#the-lessons", "notebooks/README.md is not in the repository"),
        ("../README.md#the-lesson", "README.md has no heading with the anchor #the-lesson"),
        (f"{SERVER}/files/README.md#lessons", "README.md has no heading with the anchor #lessons"),
        ("../../outside.md", "it leads outside the repository"),
        ("", "JupyterLab could not resolve it"),
    ],
)
def test_a_dead_link_or_a_wrong_fragment_is_reported(repository, href, problem):
    assert link_problem(href, LESSON, SERVER, repository) == problem


def test_only_images_on_other_hosts_are_external():
    assert is_external("https://colab.research.google.com/assets/colab-badge.svg", SERVER)
    assert not is_external(f"{SERVER}/files/figures/00_digits.png?_xsrf=x", SERVER)
    assert not is_external("data:image/png;base64,iVBORw0KGgo=", SERVER)


def _notebook(*cells):
    return {"cells": list(cells)}


def _code(source, *outputs, count=None):
    return {"cell_type": "code", "source": source, "execution_count": count, "outputs": outputs}


def _markdown(source):
    return {"cell_type": "markdown", "source": source}


ERROR = {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}
STDOUT = {"output_type": "stream", "name": "stdout", "text": ["fine\n"]}
STDERR = {"output_type": "stream", "name": "stderr", "text": ["\n", "WARNING: slow\n", "more\n"]}


def test_output_problems_finds_errors_and_stderr_by_cell():
    notebook = _notebook(
        _markdown("# Title"),
        _code("1 / 0", STDOUT, ERROR, count=1),
        _code("import warnings", STDERR, ERROR),
        _code("print('fine')", STDOUT, count=3),
    )
    assert output_problems(notebook) == {
        2: "cell 2 (In [1]): an error, ValueError: boom",
        3: "cell 3: text on stderr: WARNING: slow",
    }


def test_cells_to_run_end_one_code_cell_after_the_import_of_keras():
    notebook = _notebook(
        _markdown("## Setup"),
        _code("import sys"),
        _code(["import numpy as np\n", "import keras\n"]),
        _markdown("Loading:"),
        _code("data = load()"),
        _code("more()"),
    )
    assert cells_to_run(notebook) == range(1, 5)
    tensorflow = _notebook(_code("from tensorflow import keras"), _code("x = 1"))
    assert cells_to_run(tensorflow) == range(0, 2)


def test_cells_to_run_needs_a_cell_after_the_import():
    with pytest.raises(ValueError, match="imports keras or tensorflow"):
        cells_to_run(_notebook(_code("import numpy"), _code("import keras")))


def test_page_problems_reports_what_the_page_shows_once(repository):
    facts = {
        "dialogs": ["File Load Error\nUnhandled error"],
        "toasts": ["Would you like to get notified about official Jupyter news?\nYes No"],
        "images": [
            {"src": "https://colab.research.google.com/badge.svg", "loaded": False, "cell": 1},
            {"src": f"{SERVER}/files/figures/gone.png?_xsrf=x", "loaded": False, "cell": 3},
            {"src": "data:image/png;base64,iVBORw0KGgo=", "loaded": True, "cell": 2},
        ],
        "links": [
            {"href": "../README.md#the-lessons", "text": "Contents", "cell": 1},
            {"href": "02_missing.ipynb", "text": "02 Next", "cell": 1},
        ],
        "errors": [{"cell": 2, "text": "ValueError: boom"}, {"cell": 4, "text": "W0000 log"}],
    }
    notebook = _notebook(
        _markdown("nav"), _code("1 / 0", ERROR, count=1), _markdown("x"), _code("y")
    )
    problems = page_problems(facts, notebook, LESSON, SERVER, repository)
    assert len(problems) == 6
    assert problems[0] == "an error dialog is open: File Load Error"
    assert "notification is showing over the lesson: 'Would you like" in problems[1]
    assert problems[2].startswith("cell 3: the image figures/gone.png did not load")
    assert problems[3].startswith("cell 1: the link '02 Next' is dead: notebooks/02_missing")
    assert problems[4].startswith("cell 2 (In [1]): an error, ValueError: boom. Fix its cause")
    assert problems[5] == "cell 4: JupyterLab shows an error or stderr output: W0000 log"


def test_checkout_problem_names_what_changed_while_the_check_ran():
    before = " M notebooks/00_data.ipynb\n!! notebooks/.ipynb_checkpoints/\n"
    assert checkout_problem(before, before) is None
    after = "!! notebooks/.ipynb_checkpoints/\n?? notebooks/new.ipynb\n"
    problem = checkout_problem(before, after)
    assert problem.startswith("git status of notebooks/ and README.md changed while")
    assert problem.endswith(
        "      | before  M notebooks/00_data.ipynb\n      | after  ?? notebooks/new.ipynb"
    )
