"""Numbers that a lesson's prose states but nothing beside it shows.

A lesson reads its results in words ("98.37% on the test set, 163 mistakes"), and a learner should
be able to find each number in an output of the same notebook. When a lesson is re-run and its
outputs change, prose that was not updated goes stale silently; this finds it. A number in a
markdown cell counts as shown when it is, to the precision the prose gives it:
- in an output of the notebook (printed text, a table, a returned value);
- in the notebook's code (the lesson's own settings: ``epochs=10``, ``Dropout(0.2)``);
- in the course's recorded scores (results.json, seed_spread.json, ablation.json in results/);
- or in the list of constants (tests/prose_constants.toml): facts from outside the run, such as
  years and published figures, and the course's fixed sizes, each with its reason.
A per cent, or a number of (percentage) points, may also be shown as a share: 0.9837 shows 98.37%
and 98.4%, and the code's ``0.98`` shows a target of 98%.
Only numbers that make a claim are checked: any with decimals, a per cent sign or a thousands
separator, any with a unit of time or size ("8 s", "2 MB"), and whole numbers above 10 that are
not years or lesson numbers ("05", "lesson 11").
Inline code, code blocks, link targets and HTML are not prose and are skipped, and so is the list
of exercises, whose numbers are settings to try, not results (their solutions are checked).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CONSTANTS = ROOT / "tests" / "prose_constants.toml"
RESULTS = ROOT / "results"
#: The recorded results whose numbers a lesson may discuss (the learning curves are in its logs).
RECORDED = ("results.json", "seed_spread.json", "ablation.json")

#: A number as prose writes it: 98.37, 535,818, 0.066, 5.3 (a sign or a per cent sign may follow).
_PROSE_NUMBER = re.compile(r"(?<![\w.,/])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])(\s?%)?")
#: A number as code and outputs write it: also exponents (1e-3, 4.5e-01).
_ANY_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
#: A unit after a number that makes it a measurement of this run, whatever its size.
_MEASUREMENT_UNIT = re.compile(r"\s?(?:s|ms|seconds?|minutes?|min|[KMG]B|MFLOP)\b")
#: "lesson 11", "lessons 02 to 11": a number that names a lesson, not a claim.
_LESSON_REFERENCE = re.compile(r"lessons?\s+(?:\d\d\s*(?:,|and|to|or)\s*)*$", re.IGNORECASE)
_COLOUR_CODE = re.compile(r"\x1b\[[0-9;]*m")
_SCALES = {"million": Decimal(10) ** 6, "thousand": Decimal(10) ** 3}
#: Words after a number that make it a per cent: it may be shown as a share.
_PERCENT_WORDS = ("point", "points", "percentage")
_NOT_PROSE = [
    re.compile(r"^## Exercises$.*?(?=^## |^\*\*Next|\Z)", re.DOTALL | re.MULTILINE),
    re.compile(r"```.*?```", re.DOTALL),  # code blocks
    re.compile(r"`[^`\n]*`"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<[^>\n]*>"),  # HTML tags and their attributes
    re.compile(r"https?://\S+"),  # bare addresses
]


class Claim(NamedTuple):
    """A number stated in a markdown cell, with the words around it for the report."""

    cell: int
    text: str
    value: Decimal
    decimals: int
    scale: Decimal
    percent: bool
    context: str


class Shown(NamedTuple):
    """The numbers a notebook shows: as written, and those that may stand for a per cent as a
    share (a printed percentage is already one, so it is only in ``written``)."""

    written: set[Decimal]
    shares: set[Decimal]

    def __or__(self, other: Shown) -> Shown:
        return Shown(self.written | other.written, self.shares | other.shares)


def prose(source: str) -> str:
    """A markdown cell's text with what is not prose blanked out; LaTeX's ``{,}`` becomes ``,``."""
    text = source.replace("{,}", ",")
    for pattern in _NOT_PROSE:
        text = pattern.sub(lambda match: " " * len(match.group()), text)
    return text


def claims(cell_index: int, source: str) -> list[Claim]:
    """The numbers in a markdown cell that make a claim (see the module's docstring)."""
    text = prose(source)
    found = []
    for match in _PROSE_NUMBER.finditer(text):
        whole, fraction, percent = match.groups()
        digits = whole.replace(",", "") + (fraction or "")
        value = Decimal(digits)
        measured = _MEASUREMENT_UNIT.match(text, match.end())  # "8 s", "2 MB": however small
        is_claim = bool(fraction or percent or "," in whole or measured) or (
            value > 10
            and not (len(whole) == 2 and whole.startswith("0"))
            and not _is_year(whole)
            and not _LESSON_REFERENCE.search(text[: match.start()])
        )
        if not is_claim:
            continue
        following = text[match.end() : match.end() + 12].split()
        word = following[0].strip(".,;:)").lower() if following else ""
        scale = _SCALES.get(word, Decimal(1))
        start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
        context = " ".join(source[start:end].split())
        decimals = len(fraction) - 1 if fraction else 0
        is_percent = bool(percent) or word in _PERCENT_WORDS
        text_found = match.group().strip()
        found.append(Claim(cell_index, text_found, value, decimals, scale, is_percent, context))
    return found


def _is_year(whole: str) -> bool:
    return len(whole) == 4 and 1900 <= int(whole) <= 2100


def numbers_in(text: str, shares: bool = True) -> Shown:
    """Every number written in ``text``, as exact decimals (thousands separators removed); with
    ``shares``, those not printed as percentages may also stand for one."""
    written, as_shares = set(), set()
    for match in _ANY_NUMBER.finditer(text):
        value = Decimal(match.group().replace(",", ""))
        written.add(value)
        if shares and not text[match.end() : match.end() + 2].lstrip().startswith("%"):
            as_shares.add(value)
    return Shown(written, as_shares)


def shown(claim: Claim, numbers: Shown) -> bool:
    """Whether a number shown rounds to the claim (a share times 100, for a per cent)."""
    quantum = Decimal(1).scaleb(-claim.decimals)
    scales = {Decimal(1), claim.scale}  # "1.8 million" is shown by 1,843,200 and by 1.8 million
    candidates = [abs(value) / scale for value in numbers.written for scale in scales]
    if claim.percent:
        candidates += [abs(value) * 100 / scale for value in numbers.shares for scale in scales]
    for candidate in candidates:
        for rounding in (ROUND_HALF_UP, ROUND_HALF_EVEN):
            try:
                if candidate.quantize(quantum, rounding=rounding) == claim.value:
                    return True
            except InvalidOperation:  # too many digits to round to the claim's: not it
                continue
    return False


def output_text(cell: nbformat.NotebookNode) -> Iterator[str]:
    """The text a code cell's outputs show, without terminal colour codes (Keras's summary)."""
    for output in cell.get("outputs", []):
        texts = [output["text"]] if "text" in output else []
        data = output.get("data", {})
        texts += [data[kind] for kind in ("text/plain", "text/markdown") if kind in data]
        for text in texts:
            yield _COLOUR_CODE.sub("", text)


def recorded_values(folder: Path = RESULTS) -> Shown:
    """Every number in the recorded scores (RECORDED), which lessons read and discuss."""
    values: set[Decimal] = set()

    def walk(item: object) -> None:
        if isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            values.add(Decimal(repr(item)))

    for name in RECORDED:
        if (folder / name).is_file():
            walk(json.loads((folder / name).read_text()))
    return Shown(values, values)


def constants(lesson: str, path: Path = CONSTANTS) -> Shown:
    """The constants every lesson and ``lesson`` itself may state (tests/prose_constants.toml),
    as written: a constant is a fact, not a share."""
    with open(path, "rb") as stream:
        listed = tomllib.load(stream)
    allowed = {**listed.get("all", {}), **listed.get(lesson, {})}
    return Shown({Decimal(number.replace(",", "")) for number in allowed}, set())


def unshown_claims(nb: nbformat.NotebookNode, known: Shown) -> list[Claim]:
    """The claims of the notebook's own markdown cells that neither its code and outputs nor
    ``known`` (recorded results and constants) show."""
    numbers = known
    for cell in nb.cells:
        if cell.cell_type == "code":
            numbers = numbers | numbers_in(cell.source)
            for text in output_text(cell):
                numbers = numbers | numbers_in(text)
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or "course_cell" in cell.metadata:
            continue
        missing += [claim for claim in claims(index, cell.source) if not shown(claim, numbers)]
    return missing
