# Installed into the environment's etc/ipython/ by requirements.txt (see pyproject.toml here),
# so every IPython kernel of the course's environment reads it, in JupyterLab and in the tests.
#
# TensorFlow's C++ core writes its start-up lines (absl, oneDNN, "Could not find cuda drivers",
# the CPU-feature guard) and some notices during `fit` straight to the process's stderr. By
# default the kernel copies that stream into the cell that happens to run, where a beginner reads
# it as an error. Not capturing it leaves those lines in the terminal that runs `jupyter lab`, for
# whoever needs them, and the cells show what the committed notebooks show. Python's own output,
# warnings and tracebacks are not affected: they still appear in the cell.
c.IPKernelApp.capture_fd_output = False  # noqa: F821 (IPython defines `c` when it reads this file)
