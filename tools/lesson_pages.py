"""The lessons' pages, read without a browser: heading anchors, links, outputs, cells to run.

The pure part of the browser check (tools/browser_check.py), kept apart from Selenium and
JupyterLab so that the unit tests run in any of the course's environments.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]


_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_IMPORTS_KERAS = re.compile(r"^\s*(?:import|from)\s+(?:keras|tensorflow)\b", re.MULTILINE)
EXECUTED_PROMPT = re.compile(r"^\[\d+\]:$")


class Link(NamedTuple):
    """Where a link leads: a path in the repository (None if it leads out of the repository's
    files) and the fragment after '#', if any."""

    path: str | None
    fragment: str


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text in lower case, without punctuation, with a
    hyphen for each space. Links into the README use these (JupyterLab's own anchors differ).
    Inline links and HTML tags count by their text only, as GitHub renders them."""
    text = _HTML_TAG.sub("", _MARKDOWN_LINK.sub(r"\1", heading))
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def heading_anchors(markdown: str) -> set[str]:
    """The anchors of every '#' heading of a markdown text outside code blocks, as GitHub makes
    them: a repeated heading gets -1, -2 and so on after its slug."""
    anchors: set[str] = set()
    seen: Counter[str] = Counter()
    fence = None
    for line in markdown.splitlines():
        marker = _FENCE.match(line)
        if marker and fence in (None, marker.group(1)):
            fence = None if fence else marker.group(1)
            continue
        heading = None if fence else _ATX_HEADING.match(line)
        if heading:
            slug = github_slug(heading.group(1))
            anchors.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
            seen[slug] += 1
    return anchors


def resolve_link(href: str, notebook: str, server: str) -> Link | None:
    """Where a link in a notebook's markdown leads, given the notebook's path in the repository.

    A relative link is resolved against the notebook's folder, as on GitHub and in JupyterLab;
    JupyterLab rewrites it into an address on its server (``/files/<path>``), and that form is
    read back to the same path. None for what the check does not follow: other hosts (there may
    be no internet, and they are not the course's files) and other schemes such as mailto.
    """
    target = urlsplit(urljoin(f"{server}/files/{quote(notebook)}", href))
    if target[:2] != urlsplit(server)[:2]:
        return None
    path = unquote(target.path)
    if not path.startswith("/files/"):
        return Link(None, target.fragment)
    return Link(path.removeprefix("/files/"), target.fragment)


def link_problem(href: str, notebook: str, server: str, root: Path = ROOT) -> str | None:
    """Why a link in a notebook leads nowhere, or None when it leads to a file of the repository
    (and, for a markdown file, to one of its headings) or to another host, which is not checked.
    ``href`` may be empty: that is how JupyterLab leaves a link it could not resolve."""
    if not href:
        return "JupyterLab could not resolve it"
    link = resolve_link(href, notebook, server)
    if link is None:
        return None
    if link.path is None:
        return "it leads outside the repository"
    target = root / link.path
    if not target.exists():
        return f"{link.path} is not in the repository"
    if link.fragment and target.suffix == ".md":
        if link.fragment not in heading_anchors(target.read_text(encoding="utf-8")):
            return f"{link.path} has no heading with the anchor #{link.fragment}"
    return None


def is_external(src: str, server: str) -> bool:
    """Whether an image comes from another host (the Colab badge): not loaded without internet,
    and not part of the course, so not checked."""
    parts = urlsplit(src)
    return parts.scheme in ("http", "https") and parts.netloc != urlsplit(server).netloc


def output_problems(notebook: dict[str, Any]) -> dict[int, str]:
    """The committed outputs a learner would read as an error, by cell number (from 1): an
    exception, or text on stderr (a warning, TensorFlow's log lines). One per cell, the first."""
    problems: dict[int, str] = {}
    for number, cell in enumerate(notebook["cells"], start=1):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                problem = f"an error, {output['ename']}: {output['evalue']}"
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                problem = f"text on stderr: {first_line(''.join(output['text']))}"
            else:
                continue
            problems.setdefault(number, f"{_cell_label(notebook, number)}: {problem}")
    return problems


def cells_to_run(notebook: dict[str, Any]) -> range:
    """The cells a learner runs first in lesson 00, by index from 0: from the first code cell to
    the code cell after the first that imports Keras or TensorFlow, so that TensorFlow starts
    and does some work, as it does in every lesson."""
    code = [i for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"]
    imports = [i for i in code if _IMPORTS_KERAS.search(_source(notebook["cells"][i]))]
    after = [i for i in code if imports and i > imports[0]]
    if not after:
        raise ValueError("no code cell after a cell that imports keras or tensorflow")
    return range(code[0], after[0] + 1)


def page_problems(
    facts: dict[str, Any], notebook: dict[str, Any], path: str, server: str, root: Path = ROOT
) -> list[str]:
    """Everything wrong on a lesson's page, from what the page shows (``PAGE_FACTS_JS``) and the
    committed notebook, each with where it is and what to do about it."""
    problems = [f"an error dialog is open: {first_line(text)}" for text in facts["dialogs"]]
    problems += [
        f"a notification is showing over the lesson: '{first_line(text)}'. Turn it off in the"
        " environment's JupyterLab settings (share/jupyter/lab/settings/overrides.json)"
        for text in facts["toasts"]
    ]
    problems += [
        f"cell {image['cell']}: the image {_image_name(image['src'], path, server)} did not load."
        " Correct its address, or re-run the notebook if it is an output"
        for image in facts["images"]
        if not image["loaded"] and not is_external(image["src"], server)
    ]
    for link in facts["links"]:
        problem = link_problem(link["href"], path, server, root)
        if problem:
            problems.append(
                f"cell {link['cell']}: the link '{link['text']}' is dead: {problem}. Correct the"
                " link, or the file or heading it leads to"
            )
    committed = output_problems(notebook)
    problems += [
        f"{problem}. Fix its cause and re-run the notebook (make notebooks)"
        for problem in committed.values()
    ]
    problems += [
        f"cell {error['cell']}: JupyterLab shows an error or stderr output: "
        f"{first_line(error['text'])}"
        for error in facts["errors"]
        if error["cell"] not in committed
    ]
    return problems


def page_summary(facts: dict[str, Any], notebook: dict[str, Any], path: str, server: str) -> str:
    """What was checked on a lesson's page, in numbers."""
    external = sum(is_external(image["src"], server) for image in facts["images"])
    followed = sum(resolve_link(link["href"], path, server) is not None for link in facts["links"])
    outputs = sum(len(cell.get("outputs", [])) for cell in notebook["cells"])
    return (
        f"checked dialogs, notifications, images ({len(facts['images']) - external} checked,"
        f" {external} on other hosts skipped), links ({followed} checked,"
        f" {len(facts['links']) - followed} to other hosts skipped), committed outputs ({outputs})"
    )


def _image_name(src: str, notebook: str, server: str) -> str:
    link = resolve_link(src, notebook, server)
    return link.path if link and link.path else src[:60]


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"])


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _cell_label(notebook: dict[str, Any], number: int) -> str:
    count = notebook["cells"][number - 1].get("execution_count")
    return f"cell {number} (In [{count}])" if count else f"cell {number}"


def checkout_problem(before: str, after: str) -> str | None:
    """What changed in ``git status`` of the lessons and README while the check ran, if
    anything: the check must not write to them, but another program may have."""
    changed = sorted(set(before.splitlines()) ^ set(after.splitlines()), key=lambda x: x[3:])
    if not changed:
        return None
    lines = [f"{'before' if line in before.splitlines() else 'after':6} {line}" for line in changed]
    return (
        "git status of notebooks/ and README.md changed while the check ran. If nothing else"
        " saved, committed or restored them meanwhile, the check wrote to them: restore them"
        " with git. Lines that changed:\n" + textwrap.indent("\n".join(lines), "      | ")
    )
