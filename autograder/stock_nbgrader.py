"""Driving stock nbgrader over a course directory.

A *course directory* is nbgrader's layout: ``source/``, ``release/``,
``submitted/<student>/<assignment>/``, ``autograded/…``, ``feedback/…`` and a
gradebook. Every step here runs the real ``nbgrader`` command in a
subprocess, so what we test is what an instructor gets.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_FILE_TEXT, REPO, assignments


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries its log."""


def nbgrader_env() -> dict:
    """The environment of every process that runs nbgrader or its kernels.

    nbgrader shells out to `alembic` and `jupyter`, so this environment's bin
    comes first on PATH; kernels skip figure rendering (MPLBACKEND=Agg).
    """
    bin_dir = str(Path(sys.executable).parent)
    return dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", MPLBACKEND="Agg",
                PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))


def nbgrader_failed(proc: subprocess.CompletedProcess) -> bool:
    """nbgrader often exits 0 after logging an error, so read the log too."""
    return proc.returncode != 0 or "| ERROR]" in proc.stderr


def log_tail(proc: subprocess.CompletedProcess, chars: int = 4000) -> str:
    """The end of what a command printed, standard output then standard error."""
    return f"{proc.stdout[-chars:]}\n{proc.stderr[-chars:]}"


def nbgrader(course_dir: Path, *args: str, check: bool = True,
             timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course_dir`` (which holds its nbgrader_config.py)."""
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args],
                          cwd=course_dir, env=nbgrader_env(), capture_output=True, text=True,
                          timeout=timeout)
    if check and nbgrader_failed(proc):
        raise NbgraderError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                            f"{log_tail(proc)}")
    return proc


def make_course(course_dir: Path, names: list[str] | None = None,
                source_root: Path = REPO) -> Path:
    """Create (or refresh) a scratch course directory with a copy of ``source/``."""
    course_dir = Path(course_dir).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    (course_dir / "nbgrader_config.py").write_text(CONFIG_FILE_TEXT)
    for name in names or assignments(source_root):
        target = course_dir / "source" / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source_root / "source" / name, target,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return course_dir


def generate_release(course_dir: Path, name: str) -> Path:
    """``nbgrader generate_assignment NAME --force``; returns ``release/NAME``."""
    nbgrader(course_dir, "generate_assignment", name, "--force")
    return Path(course_dir) / "release" / name


# nbgrader's own generate_assignment app, run once per name in one Python: importing
# nbgrader costs about 2.5 CPU-seconds (it imports its Jupyter server extensions),
# which seven separate `nbgrader generate_assignment` commands pay seven times.
_GENERATE_EACH = """
import sys
from nbgrader.apps.generateassignmentapp import GenerateAssignmentApp
for name in sys.argv[1:]:
    GenerateAssignmentApp.clear_instance()
    app = GenerateAssignmentApp.instance()
    app.initialize([name, "--force"])
    app.start()
"""


def generate_releases(course_dir: Path, names: list[str]) -> list[Path]:
    """:func:`generate_release` of each name, in one process; returns each ``release/NAME``.
    The same app and arguments as the command (``tests/test_assignments.py`` holds the
    committed release to the command's output, byte for byte)."""
    if names:
        proc = subprocess.run([sys.executable, "-c", _GENERATE_EACH, *names], cwd=course_dir,
                              env=nbgrader_env(), capture_output=True, text=True)
        if nbgrader_failed(proc):
            raise NbgraderError(f"nbgrader generate_assignment of {', '.join(names)} failed "
                                f"({proc.returncode}):\n{log_tail(proc)}")
    return [Path(course_dir) / "release" / name for name in names]


def submit(course_dir: Path, student: str, name: str, notebook: Path | None = None,
           text: str | None = None) -> Path:
    """Place a submission at ``submitted/<student>/<name>/<name>.ipynb``.

    Either copies ``notebook`` or writes ``text`` (which need not be valid JSON).
    """
    folder = Path(course_dir) / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.ipynb"
    if text is not None:
        target.write_text(text, encoding="utf-8")
    else:
        shutil.copyfile(notebook, target)
    return target


def autograde(course_dir: Path, name: str, student: str | None = None,
              check: bool = True) -> subprocess.CompletedProcess:
    """Stock ``nbgrader autograde NAME --force`` (one student or all; ``"*"``: every
    assignment). ``check``: raise when nbgrader reports an error."""
    args = ["autograde", name, "--force"]
    if student:
        args.append(f"--student={student}")
    return nbgrader(course_dir, *args, check=check)


@dataclass(frozen=True)
class Score:
    student: str
    assignment: str
    score: float
    max_score: float
    cells: dict  # grade_id -> (score, max_score)


def read_scores(course_dir: Path, name: str | None = None) -> list[Score]:
    """Every autograded submission's total and per-test-cell scores."""
    from nbgrader.api import Gradebook

    db = f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"
    found = []
    with Gradebook(db) as gb:
        for assignment in gb.assignments:
            if name and assignment.name != name:
                continue
            for submission in gb.assignment_submissions(assignment.name):
                cells = {}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        cells[grade.name] = (float(grade.score), float(grade.max_score))
                found.append(Score(submission.student.id, assignment.name,
                                   float(submission.score), float(submission.max_score), cells))
    return sorted(found, key=lambda s: (s.student, s.assignment))
