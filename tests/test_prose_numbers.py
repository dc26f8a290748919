"""Every number a lesson's prose states is shown beside it: in an output, the lesson's code, the
recorded results or the list of constants (tools/prose_numbers.py, tests/prose_constants.toml)."""

from decimal import Decimal

import nbformat
import pytest

from tools import prose_numbers
from tools.notebooks import notebook_paths

PATHS = notebook_paths()


def lesson(markdown, code="", output=""):
    """A notebook of one code cell with a printed output, then one markdown cell."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    if output:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    nb.cells = [cell, nbformat.v4.new_markdown_cell(markdown)]
    return nb


NOTHING = prose_numbers.Shown(set(), set())


def unshown(markdown, code="", output="", known=NOTHING):
    return [c.text for c in prose_numbers.unshown_claims(lesson(markdown, code, output), known)]


def test_a_percentage_is_shown_by_a_share_rounded_to_the_prose_precision():
    assert unshown("It reaches 98.37%, about 98.4%.", output="test accuracy 0.9837") == []
    assert unshown("It reaches 98.38%.", output="test accuracy 0.9837") == ["98.38%"]


def test_prose_more_precise_than_the_output_is_caught():
    assert unshown("The loss is 0.0655.", output="loss 0.066") == ["0.0655"]
    assert unshown("The loss is 0.066.", output="loss 0.0655") == []


def test_a_deliberately_wrong_number_fails_with_its_cell_and_words():
    nb = lesson("After 10 epochs the model reads 99.12% of the digits.", output="0.9913")
    [claim] = prose_numbers.unshown_claims(nb, NOTHING)
    assert (claim.cell, claim.text) == (1, "99.12%")
    assert "model reads 99.12% of the digits" in claim.context


def test_counts_with_thousands_separators_and_plain_counts_match():
    assert unshown("535,818 parameters, 163 mistakes.", output="535818 ... 163 wrong") == []
    assert unshown("164 mistakes.", output="163 wrong") == ["164"]


def test_settings_in_the_lessons_code_are_shown_and_may_stand_as_shares():
    assert unshown("Dropout of 0.2 and a target of 98%.", code="Dropout(0.2); TARGET = 0.98") == []


def test_a_printed_percentage_is_not_read_again_as_a_share():
    assert unshown("About 0.2% are ambiguous.", output="accuracy 20.0%") == ["0.2%"]


def test_points_are_percentages_too():
    assert unshown("A gain of 0.21 points.", output="difference 0.0021") == []


def test_code_links_html_small_counts_years_and_lesson_numbers_are_not_claims():
    markdown = (
        "Set `Dropout(0.37)`, see [lesson 05](05_cnn.ipynb) and <a href='x/123.html'>it</a>: "
        "3 layers, 10 digits, published in 1998, as lesson 05 shows, and lessons 02 to 11."
    )
    assert unshown(markdown) == []


def test_the_exercises_list_gives_settings_not_claims():
    markdown = "## Exercises\n\n1. Train for 30 epochs.\n\n**Next:** lesson 03, 98.76% of it."
    assert unshown(markdown) == ["98.76%"]


def test_terminal_colours_in_an_output_hide_no_number():
    assert unshown("The layer has 401,920 weights.", output="\x1b[38;5;34m401,920\x1b[0m") == []


def test_a_small_measurement_is_a_claim_however_small():
    assert unshown("It trains in 8 s, and in 9 minutes.", output="8.4 seconds") == ["9"]


def test_a_million_is_read_as_a_scale():
    assert unshown("About 1.8 million operations.", output="1,843,200 FLOP") == []


def test_constants_are_taken_as_written_only(tmp_path):
    listed = tmp_path / "constants.toml"
    listed.write_text('[all]\n"99.87" = "a published result"\n[02_x]\n"1,998" = "reason"\n')
    known = prose_numbers.constants("02_x", listed)
    assert known.written == {Decimal("99.87"), Decimal("1998")} and not known.shares
    assert unshown("An ensemble of 99.87% and 1,998 digits.", known=known) == []


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
def test_every_number_in_a_lessons_prose_is_shown_in_the_lesson(path):
    known = prose_numbers.recorded_values() | prose_numbers.constants(path.stem)
    missing = prose_numbers.unshown_claims(nbformat.read(path, as_version=4), known)
    assert not missing, "numbers in the prose that nothing in the lesson shows:\n" + "\n".join(
        f"  cell {claim.cell}: {claim.text}  (…{claim.context}…)" for claim in missing
    )
