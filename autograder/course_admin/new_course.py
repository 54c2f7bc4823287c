"""``python -m autograder init DIR``: set up a fresh course directory.

The folder gets what a term of the course needs before the first submission:
``nbgrader_config.py`` with the course's settings, ``source/`` with every
assignment of this repository, and a gradebook (``gradebook.db``) in which
each assignment is registered with its notebooks and cells, ready for due
dates. ``release/`` is left for ``python -m autograder release``, which checks
the order of release against those due dates.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.config import REPO, assignments
from autograder.stock_nbgrader import make_course, nbgrader


class CourseExists(Exception):
    """The target folder is not empty; init never writes over anything."""


def init(course_dir: str | Path, source_root: Path = REPO, say=print) -> Path:
    """Create the course directory ``course_dir`` (new or empty); returns its path."""
    course_dir = Path(course_dir).expanduser().resolve()
    if course_dir.exists() and (not course_dir.is_dir() or any(course_dir.iterdir())):
        raise CourseExists(f"{course_dir} exists and is not an empty folder; "
                           "init only sets up a new or empty one")
    names = assignments(source_root)
    make_course(course_dir, names, source_root)
    for name in names:
        # Registers the assignment, its notebooks and cells in the gradebook;
        # the student version goes to a throw-away folder.
        with tempfile.TemporaryDirectory(prefix="nn-init-") as tmp:
            nbgrader(course_dir, "generate_assignment", name, "--force",
                     f"--CourseDirectory.release_directory={tmp}")
    say(f"course directory {course_dir}:\n"
        f"  nbgrader_config.py  the course's settings (autograder/config.py)\n"
        f"  source/             {', '.join(names)}\n"
        f"  gradebook.db        every assignment registered, no due dates yet\n"
        f"next: set each due date (the release order depends on them), e.g.\n"
        f"  cd {course_dir} && nbgrader db assignment add 01_arrays "
        f"--duedate='2027-03-09 23:59:00 +0900'\n"
        f"then release an assignment when it is handed out:\n"
        f"  python -m autograder release 01_arrays --course-dir {course_dir}")
    return course_dir
