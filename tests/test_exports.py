"""The lessons' `# @save` cells become one module, with the imports they need, and nothing twice."""

import nbformat
import pytest

from tools import exports


def lesson(folder, name, *cells):
    """A notebook of code cells written to ``folder/name.ipynb``."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_marked_cells_are_copied_in_lesson_order_with_their_origin_and_imports(tmp_path):
    first = lesson(
        tmp_path,
        "02_first",
        "import math\n\nimport numpy as np",
        "# @save\ndef double(x):\n    return 2 * np.asarray(x)",
        "result = double(3)  # not marked: stays in the lesson",
    )
    second = lesson(
        tmp_path,
        "03_second",
        "import math\n\nfrom mnist_course.recipes import double",
        "# @save\nHALF = 0.5\n\n\ndef circle(r):\n    return math.pi * double(r) * HALF",
    )
    text = exports.module_text([first, second])
    assert text.startswith(exports.HEADER)
    imports, body = text[len(exports.HEADER) :].split("\n\n\n", 1)
    assert imports.strip() == "import math\n\nimport numpy as np"
    assert "result = double(3)" not in text
    assert body.index("def double") < body.index("HALF = 0.5") < body.index("def circle")
    assert "# Defined in lesson 02, notebooks/02_first.ipynb\ndef double(x):" in body
    assert "# Defined in lesson 03, notebooks/03_second.ipynb\nHALF = 0.5" in body
    assert "# Defined in lesson 03, notebooks/03_second.ipynb\ndef circle(r):" in body
    namespace = {}
    exec(compile(text, "recipes.py", "exec"), namespace)  # the module works on its own
    assert namespace["circle"](1) == pytest.approx(3.14159, abs=1e-5)


def test_only_a_first_line_marker_exports_a_cell(tmp_path):
    path = lesson(tmp_path, "02_x", "x = 1\n# @save\ndef f():\n    return x")
    assert exports.exports([path]) == []


def test_a_name_exported_twice_is_an_error_naming_both_cells(tmp_path):
    first = lesson(tmp_path, "02_a", "# @save\ndef build():\n    return 1")
    second = lesson(tmp_path, "05_b", "x = 0", "# @save\ndef build():\n    return 2")
    with pytest.raises(exports.ExportError) as error:
        exports.module_text([first, second])
    message = str(error.value)
    assert "'build' is defined by two # @save cells" in message
    assert "notebooks/02_a.ipynb, cell 0" in message and "notebooks/05_b.ipynb, cell 1" in message


def test_a_name_the_lesson_never_imports_is_an_error(tmp_path):
    path = lesson(tmp_path, "02_a", "# @save\ndef f():\n    return keras.layers.Dense(1)")
    with pytest.raises(exports.ExportError, match="uses 'keras', which its lesson neither imports"):
        exports.module_text([path])


def test_a_later_lesson_cannot_use_what_is_exported_only_after_it(tmp_path):
    first = lesson(
        tmp_path,
        "02_a",
        "from mnist_course.recipes import later",
        "# @save\ndef early():\n    return later()",
    )
    second = lesson(tmp_path, "03_b", "# @save\ndef later():\n    return 1")
    with pytest.raises(exports.ExportError, match="uses 'later'"):
        exports.module_text([first, second])


def test_names_a_cell_binds_itself_need_no_import(tmp_path):
    code = (
        "def f(values, *, scale=2):\n"
        "    total = 0\n"
        "    for value in values:\n"
        "        total += value\n"
        "    try:\n"
        "        return [v * scale for v in values], total\n"
        "    except ValueError as error:\n"
        "        raise RuntimeError(len(values)) from error\n"
    )
    assert exports.free_names(code) == set()
    assert exports.free_names("def g():\n    return np.zeros(3)") == {"np"}


def test_magics_in_a_lesson_do_not_stop_its_imports_being_read(tmp_path):
    path = lesson(tmp_path, "02_a", 'import sys\n\nif True:\n    %pip install --quiet "x"')
    assert list(exports.imports_of(path)) == ["sys"]
