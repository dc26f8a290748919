"""The environments that stand for Colab: made from requirements.txt and pyproject's bounds."""

import os
import subprocess
import sys

import pytest

from tools.colab_emulation import make_colab_site
from tools.environments import colab_requirements, lower_bounds, oldest_requirements

REQUIREMENTS = """# a comment line
tensorflow==2.21.0      # the models
numpy==2.4.6            # arrays
jupyterlab==4.6.6       # the interface
pytest==9.2.0           # the tests
selenium==4.51.0        # the browser check
-e .                    # the package
./jupyter-config        # Jupyter settings
"""


def test_lower_bounds_are_read_and_anything_else_is_refused():
    assert lower_bounds(["tensorflow>=2.16.1", "NumPy >= 1.26"]) == {
        "tensorflow": "2.16.1",
        "numpy": "1.26",
    }
    for dependency in ("keras>=3.8,<4", "keras==3.8", "keras"):
        with pytest.raises(ValueError, match="lower bounds only"):
            lower_bounds([dependency])


def test_the_colab_environment_keeps_the_pins_and_leaves_out_what_colab_lacks():
    assert colab_requirements(REQUIREMENTS) == "tensorflow==2.21.0\nnumpy==2.4.6\npytest==9.2.0\n"


def test_the_oldest_environment_pins_each_dependency_at_its_lower_bound():
    dependencies = ["tensorflow>=2.16.1", "numpy>=1.26", "pillow>=10.1"]
    assert oldest_requirements(REQUIREMENTS, dependencies).splitlines() == [
        "tensorflow==2.16.1",
        "numpy==1.26",
        "pytest==9.2.0",
        "pillow==10.1",  # a dependency requirements.txt does not list is still pinned
    ]


def test_the_stand_in_colab_module_is_loaded_before_anything_runs(tmp_path):
    site = make_colab_site(tmp_path / "site")
    environment = {**os.environ, "PYTHONPATH": str(site)}
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; print('google.colab' in sys.modules)"],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    ).stdout
    assert loaded == "True\n"
