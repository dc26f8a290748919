"""``python -m mnist_course``: see mnist_course.cli."""

import sys

from mnist_course.cli import main

sys.exit(main())
