"""``python -m autograder init DIR``: set up a fresh course directory.

The folder gets what a term of the course needs before the first submission:
``nbgrader_config.py`` with the course's settings, ``source/`` with every
assignment of this repository, and a gradebook (``gradebook.db``) in which
each assignment is registered with its notebooks and cells, ready for due
dates. Its ``nbgrader_config.py`` also names the course's time zone
(``c.Course.timezone``), in which ``python -m autograder due`` reads due dates
without an offset and every command shows them. ``release/`` is left for
``python -m autograder release``, which checks the order of release against those
due dates.
"""
from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

from autograder.config import REPO, assignments
from autograder.stock_nbgrader import make_course, nbgrader

from .due_dates import ZONE_SETTING, zone_info

DEFAULT_ZONE = "Asia/Seoul"

ZONE_TEXT = """
# The course's time zone (an IANA name): `python -m autograder due` reads a due date
# without an offset in it, and every command shows due dates in it beside UTC.
c = get_config()
c.Course.timezone = {zone!r}
"""


class CourseExists(Exception):
    """The target folder is not empty; init never writes over anything."""


def init(course_dir: str | Path, source_root: Path = REPO, say=print,
         zone: str = DEFAULT_ZONE) -> Path:
    """Create the course directory ``course_dir`` (new or empty) whose time zone is
    ``zone``; returns its path."""
    course_dir = Path(course_dir).expanduser().resolve()
    if course_dir.exists() and (not course_dir.is_dir() or any(course_dir.iterdir())):
        raise CourseExists(f"{course_dir} exists and is not an empty folder; "
                           "init only sets up a new or empty one")
    zone_info(zone)
    names = assignments(source_root)
    make_course(course_dir, names, source_root)
    config = course_dir / "nbgrader_config.py"
    config.write_text(config.read_text(encoding="utf-8") + ZONE_TEXT.format(zone=zone),
                      encoding="utf-8")
    for name in names:
        # Registers the assignment, its notebooks and cells in the gradebook;
        # the student version goes to a throw-away folder.
        with tempfile.TemporaryDirectory(prefix="nn-init-") as tmp:
            nbgrader(course_dir, "generate_assignment", name, "--force",
                     f"--CourseDirectory.release_directory={tmp}")
    first = names[0] if names else "01_arrays"
    say(f"course directory {course_dir}:\n"
        f"  nbgrader_config.py  the course's settings (autograder/config.py), "
        f"time zone {zone} ({ZONE_SETTING})\n"
        f"  source/             {', '.join(names)}\n"
        f"  gradebook.db        every assignment registered, no due dates yet\n"
        f"next, in the course directory (every command works on the folder it is run in):\n"
        f"  cd {shlex.quote(str(course_dir))}\n"
        f"set each due date (the release order depends on them), in {zone} time, e.g.\n"
        f"  python -m autograder due {shlex.quote(first)} '2027-03-09 23:59'\n"
        f"then release an assignment when it is handed out:\n"
        f"  python -m autograder release {shlex.quote(first)}")
    return course_dir
