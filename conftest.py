"""Test-run settings that must be in place before nbval starts any notebook kernel.

Kernels inherit this process's environment, so setting it here covers every notebook at once.
"""

import os
import shutil
import tempfile

from mnist_course.paths import OUTPUT_DIR_VARIABLE

_output_dir = None


def pytest_configure(config):
    global _output_dir
    # Figures, results and download.png go to a scratch folder: running the tests must leave the
    # checkout exactly as committed. `make notebooks` is the one way to refresh those files.
    if OUTPUT_DIR_VARIABLE not in os.environ:
        _output_dir = tempfile.mkdtemp(prefix="mnist-course-test-outputs-")
        os.environ[OUTPUT_DIR_VARIABLE] = _output_dir
    # A CI setting such as MPLBACKEND=Agg would reach the kernels, whose figures would then not be
    # displayed (and plt.show() would warn on stderr). Without it, ipykernel uses the inline backend
    # the committed outputs were made with, and this process picks a headless backend by itself.
    os.environ.pop("MPLBACKEND", None)


def pytest_unconfigure(config):
    if _output_dir is not None:
        shutil.rmtree(_output_dir, ignore_errors=True)
