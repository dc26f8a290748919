"""The requirements of an environment with the oldest versions the package allows.

    python -m tools.oldest_environment > requirements-oldest.txt

pyproject.toml declares the package's dependencies as lower bounds only, so that Colab, which
ships its own TensorFlow, Keras and NumPy, can use the course without reinstalling them. A lower
bound nobody runs is a guess; `make oldest` installs exactly these versions and runs the unit tests
and the fast lessons with them, in Colab's way (see tools/colab_emulation.py). The list is made
from requirements.txt, whose pins are replaced by the lower bounds for every package pyproject
names; the test tools keep their pins, and what only the maintainer's interface needs
(JupyterLab, its settings, the browser driver) and the package itself are left out: the lessons
find the package through the clone, as in Colab.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Lines of requirements.txt the oldest environment does without (see the module's docstring).
LEFT_OUT = ("jupyterlab", "selenium", "-e", "./jupyter-config")


def lower_bounds(dependencies: list[str]) -> dict[str, str]:
    """``{"keras": "3.10.0", ...}`` from pyproject's ``"keras>=3.10.0"`` entries.

    Anything but a plain lower bound is refused: an upper bound or an exact pin would let pip
    replace what Colab ships, which is what the bounds are there to prevent.
    """
    bounds = {}
    for dependency in dependencies:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([\d.]+)", dependency)
        if not match:
            raise ValueError(
                f"pyproject.toml: dependency {dependency!r} is not of the form 'name>=version'; "
                "the package declares lower bounds only (pins belong in requirements.txt)"
            )
        bounds[match.group(1).lower()] = match.group(2)
    return bounds


def oldest_requirements(requirements: str, dependencies: list[str]) -> str:
    """requirements.txt's text with each of the package's dependencies pinned at its lower bound."""
    bounds = lower_bounds(dependencies)
    lines = []
    for line in requirements.splitlines():
        requirement = line.split("#", 1)[0].strip()
        if not requirement or requirement.split()[0].split("==")[0].lower() in LEFT_OUT:
            continue
        name = requirement.split("==")[0].lower()
        lines.append(f"{name}=={bounds.pop(name)}" if name in bounds else requirement)
    lines += [f"{name}=={version}" for name, version in bounds.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    with open(ROOT / "pyproject.toml", "rb") as stream:
        dependencies = tomllib.load(stream)["project"]["dependencies"]
    print(oldest_requirements((ROOT / "requirements.txt").read_text(), dependencies), end="")


if __name__ == "__main__":
    main()
