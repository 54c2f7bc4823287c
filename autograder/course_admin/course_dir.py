"""Which course directory a command works on, and whether what it was asked for is there.

Every command works where the instructor stands, as nbgrader does: in the current
folder when it holds ``nbgrader_config.py``, else in this repository (whose root is a
course directory too); ``--course-dir DIR`` says otherwise. Each says which one it uses.

Assignments and students named on the command line are checked here, the same way
for every command, before anything runs: an assignment is the course's when its
gradebook or ``source/`` has it; a student is known to a command when they have
something it works on (a submission for ``grade``, an autograded one for
``feedback``). Anything else is refused with exit code 2 and a sentence saying what
there is instead -- never nbgrader's own error.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from autograder.config import ASSIGNMENTS, REPO

CONFIG = "nbgrader_config.py"


class SelectionError(Exception):
    """Nothing was done: an unknown assignment or student, or nothing to work on."""


@dataclass(frozen=True)
class Where:
    path: Path
    why: str          # how it was chosen, in words

    def __str__(self) -> str:
        return f"course directory: {self.path} ({self.why})"


def resolve(course_dir: str | None, cwd: Path | None = None) -> Where:
    """The course directory of a command: ``--course-dir``, else the current folder when
    it holds ``nbgrader_config.py``, else the repository root."""
    cwd = Path.cwd() if cwd is None else Path(cwd)
    if course_dir is not None:
        return Where(Path(course_dir).expanduser().resolve(), "--course-dir")
    if (cwd / CONFIG).is_file():
        return Where(cwd.resolve(), "the current folder, which holds nbgrader_config.py")
    return Where(REPO, "the repository root: the current folder has no nbgrader_config.py")


def _order(names) -> list[str]:
    return sorted(names, key=lambda a: (ASSIGNMENTS.index(a) if a in ASSIGNMENTS else 99, a))


def known_assignments(course_dir: Path) -> list[str]:
    """The course's assignments: in its gradebook or in ``source/`` (no gradebook is made)."""
    from .due_dates import gradebook_exists, gradebook_url

    course_dir = Path(course_dir)
    names = set()
    source = course_dir / "source"
    if source.is_dir():
        names |= {p.name for p in source.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "__"))}
    url = gradebook_url(course_dir)
    if gradebook_exists(url):
        from nbgrader.api import Gradebook

        with Gradebook(url) as gb:
            names |= {a.name for a in gb.assignments}
    return _order(names)


def check_assignments(course_dir: Path, names) -> None:
    """Refuse assignments the course does not have (:class:`SelectionError`)."""
    if not names:
        return
    known = known_assignments(course_dir)
    unknown = [n for n in dict.fromkeys(names) if n not in known]
    if unknown:
        raise SelectionError(f"{', '.join(unknown)}: not an assignment of this course (it has "
                             f"{', '.join(known) or 'none'}: in its gradebook or source/)")


def students_in(course_dir: Path, folder: str, names=None) -> list[str]:
    """Students with a ``folder/<student>/<assignment>/`` of one of ``names`` (default: any)."""
    root = Path(course_dir) / folder
    if not root.is_dir():
        return []
    found = set()
    for student in root.iterdir():
        if student.is_dir() and not student.name.startswith("."):
            if any(p.is_dir() and (names is None or p.name in names) for p in student.iterdir()):
                found.add(student.name)
    return sorted(found)


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    return shown or "nobody"


def check_students(course_dir: Path, folder: str, students, names=None,
                   what: str = "submission") -> None:
    """Refuse students without anything in ``folder`` (``submitted``, ``autograded``) for
    ``names`` (default: any assignment); ``what`` names what is missing."""
    if not students:
        return
    present = students_in(course_dir, folder, names)
    unknown = [s for s in dict.fromkeys(students) if s not in present]
    if unknown:
        scope = f" for {', '.join(names)}" if names else ""
        raise SelectionError(f"no {what} of {', '.join(unknown)}{scope} in {folder}/ "
                             f"(it has {_listing(present)})")


def check_something_to_grade(course_dir: Path, names=None) -> None:
    """Refuse to grade an empty or missing ``submitted/``, saying how submissions get there."""
    course_dir = Path(course_dir)
    if students_in(course_dir, "submitted", names):
        return
    what = " of " + ", ".join(names) if names else ""
    collect = " && ".join(f"nbgrader collect {shlex.quote(n)}" for n in names or ["ASSIGNMENT"])
    state = "is missing" if not (course_dir / "submitted").is_dir() else "holds no submission" + what
    raise SelectionError(
        f"nothing to grade: {course_dir / 'submitted'} {state}. Submissions go to "
        "submitted/<student>/<assignment>/<assignment>.ipynb: did you run "
        f"`{collect}` (in {course_dir}; or nbgrader zip_collect, or copy them there)?")


def check_something_graded(course_dir: Path, names=None) -> None:
    """Refuse to write feedback when nothing is autograded yet."""
    if students_in(course_dir, "autograded", names):
        return
    what = " of " + ", ".join(names) if names else ""
    raise SelectionError(f"no graded submission{what} in {Path(course_dir) / 'autograded'}: "
                         "run `python -m autograder grade` first")
