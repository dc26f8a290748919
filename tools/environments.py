"""The requirements of the two test environments that stand for Colab.

    python -m tools.environments colab    # requirements.txt's pins, no course package
    python -m tools.environments oldest   # the same, at the oldest versions pyproject allows

Colab has its own TensorFlow, Keras and NumPy and none of the course; a lesson's set-up cell
clones the course and puts its package on the import path (tools/notebooks.py). `make colab`
runs lessons that way, in an environment made from ``colab``: requirements.txt without the course
package, JupyterLab, its settings and the browser driver, which Colab does not have either (see
tools/colab_emulation.py). pyproject.toml declares the package's dependencies as lower bounds
only, so that Colab's versions satisfy them; a lower bound nobody runs is a guess, so `make oldest`
installs ``oldest``, where every package pyproject names is pinned at its lower bound, and runs
the unit tests and the fast lessons with it.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Lines of requirements.txt that Colab, and so both environments, do without. ipycanvas and
#: ai-edge-litert are not in Colab either: the set-up cell of the lesson that uses them installs
#: them there (tools/notebooks.py, COLAB_EXTRAS), so the emulated Colab must start without them.
LEFT_OUT = ("jupyterlab", "selenium", "-e", "./jupyter-config", "ipycanvas", "ai-edge-litert")


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


def colab_requirements(requirements: str) -> str:
    """requirements.txt's pinned lines, without what Colab does not have (LEFT_OUT)."""
    lines = []
    for line in requirements.splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement and requirement.split()[0].split("==")[0].lower() not in LEFT_OUT:
            lines.append(requirement)
    return "\n".join(lines) + "\n"


def oldest_requirements(requirements: str, dependencies: list[str]) -> str:
    """colab_requirements with each of the package's dependencies pinned at its lower bound."""
    bounds = lower_bounds(dependencies)
    lines = []
    for requirement in colab_requirements(requirements).splitlines():
        name = requirement.split("==")[0].lower()
        lines.append(f"{name}=={bounds.pop(name)}" if name in bounds else requirement)
    lines += [f"{name}=={version}" for name, version in bounds.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("environment", choices=["colab", "oldest"])
    requirements = (ROOT / "requirements.txt").read_text()
    if parser.parse_args().environment == "colab":
        print(colab_requirements(requirements), end="")
        return
    with open(ROOT / "pyproject.toml", "rb") as stream:
        dependencies = tomllib.load(stream)["project"]["dependencies"]
    print(oldest_requirements(requirements, dependencies), end="")


if __name__ == "__main__":
    main()
