"""``grade``: autograde every submission of a course in parallel, safely.

``grade(course_dir, assignments, workers, timeout, memory_mb)`` autogrades
``submitted/<student>/<assignment>/`` into ``autograded/`` and the course's own
gradebook (``CourseDirectory.db_url`` of its ``nbgrader_config.py``: SQLite by
default, any database nbgrader accepts otherwise), with the scores stock
``nbgrader autograde --force`` gives, so ``nbgrader generate_feedback`` and
``nbgrader export`` work afterwards.

How
---
1. The assignment definitions (notebooks, grade/solution/source/task cells,
   due date) are read from the real gradebook (``nbgrader generate_assignment``
   runs first, into a temporary release folder, if the assignment is not in it)
   and copied into a template SQLite gradebook.
2. Each submission is checked before anything runs: a notebook that is missing,
   misnamed or not valid JSON fails with a reason; locked cells that were
   edited or deleted, code that rebinds what the tests use, and extra files
   such as ``numpy.py`` beside the notebook are flagged. Only the assignment's
   notebooks (and ``timestamp.txt``) are copied on, so no submitted file can
   shadow an import; ``submitted/`` is only read.
3. N worker processes (:mod:`autograder.gradeworker`), each with its own
   scratch course directory and SQLite gradebook, run nbgrader's ``Autograde``
   converter on one submission at a time, pulled from a shared queue. Kernels
   run under per-notebook wall-clock, memory, CPU and output limits with a
   tamper guard (:mod:`autograder.kernel`). A worker that hangs or dies is
   killed and replaced; only its current submission fails.
4. The main process writes each result into the real gradebook through
   nbgrader's ``Gradebook`` API exactly as ``SaveAutoGrades`` would (auto
   scores, needs-manual-grade, "No response." comments, late penalties,
   timestamp) and copies the autograded folder into ``autograded/``. A failed
   submission gets auto score 0 and needs-manual-grade on every cell, and no
   autograded folder.

Results file
------------
``<course_dir>/reports/grade-results.json`` (entries of earlier runs for
other submissions are kept; a regraded submission's entry is replaced)::

    {"version": 1,
     "updated": "2025-01-01T12:00:00",          # local time of the last run
     "runs": [{"finished": "...", "seconds": 12.3, "workers": 2,
               "limits": {"timeout": 300.0, "cell_timeout": 60, "memory_mb": 2048,
                          "output_bytes": 1000000}}],   # last run only
     "submissions": [
       {"student": "alice", "assignment": "01_arrays",
        "status": "graded",           # or "failed"
        "reason": "",                 # why it failed, or what stopped it early
                                      # ("time limit: …", "kernel died …"); "" if nothing
        "flags": ["edited locked cell test_dot_values", …],   # tampering
        "notes": ["ignored extra file notes.txt", …],         # harmless remarks
        "score": 17.0, "max_score": 20.0,
        "cells": {"test_dot_values": [3.0, 3.0], …},          # grade_id -> [score, max]
        "seconds": 4.2}, …]}

Sorted by assignment then student. ``score`` is the gradebook's score (manual
scores included when an instructor gave some).
"""
from __future__ import annotations

import ast
import datetime
import hashlib
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from .config import ASSIGNMENTS, REPORTS_DIR
from .pipeline import nbgrader_env

RESULTS_FILE = Path(REPORTS_DIR) / "grade-results.json"
DEFAULT_TIMEOUT = 300.0       # seconds per notebook
DEFAULT_MEMORY_MB = 2048      # address space per kernel
DEFAULT_OUTPUT_BYTES = 1_000_000  # per cell and stream
WORKER_SLACK = 120.0          # beyond the notebook limit before a worker is presumed stuck


# --------------------------------------------------------------------------- results

@dataclass
class Outcome:
    student: str
    assignment: str
    status: str = "graded"          # "graded" | "failed"
    reason: str = ""
    flags: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    cells: dict = field(default_factory=dict)   # grade_id -> (score, max_score)
    seconds: float = 0.0
    execute_seconds: float = 0.0    # kernel start + cells, inside the worker
    cell_seconds: float = 0.0       # the cells alone

    @property
    def key(self):
        return (self.assignment, self.student)


@dataclass
class GradeResult:
    outcomes: list
    seconds: float = 0.0
    workers: int = 0
    limits: dict = field(default_factory=dict)

    def get(self, student: str, assignment: str) -> Outcome:
        for o in self.outcomes:
            if o.student == student and o.assignment == assignment:
                return o
        raise KeyError((student, assignment))

    @property
    def graded(self) -> list:
        return [o for o in self.outcomes if o.status == "graded"]

    @property
    def failed(self) -> list:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def flagged(self) -> list:
        return [o for o in self.outcomes if o.flags]

    def summary(self) -> str:
        lines = [f"graded {len(self.graded)}, failed {len(self.failed)}, "
                 f"flagged {len(self.flagged)} of {len(self.outcomes)} submissions "
                 f"in {self.seconds:.1f} s with {self.workers} worker(s)"]
        for o in self.failed:
            lines.append(f"  FAILED  {o.assignment}/{o.student}: {o.reason}")
        for o in self.graded:
            if o.reason:
                lines.append(f"  STOPPED {o.assignment}/{o.student} "
                             f"({o.score:g}/{o.max_score:g}): {o.reason}")
        for o in self.flagged:
            lines.append(f"  FLAGGED {o.assignment}/{o.student}: {'; '.join(o.flags)}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- course

@dataclass
class CellDef:
    name: str
    cell_type: str
    locked: bool
    source: str
    checksum: str
    grade: bool = False
    solution: bool = False
    task: bool = False
    max_score: float = 0.0


@dataclass
class NotebookDef:
    name: str
    kernelspec: str | None
    cells: list          # CellDef in source order


@dataclass
class AssignmentDef:
    name: str
    duedate: object
    notebooks: list


class Course:
    """A course directory as its nbgrader configuration sees it."""

    def __init__(self, course_dir: Path):
        from nbgrader.coursedir import CourseDirectory

        from .gradeworker import load_course_config

        self.root = Path(course_dir).resolve()
        self.config = load_course_config(self.root)
        if "root" not in self.config.CourseDirectory:
            self.config.CourseDirectory.root = str(self.root)
        self.coursedir = CourseDirectory(config=self.config)
        self.db_url = self.coursedir.db_url
        self.course_id = self.coursedir.course_id

    def path(self, kind: str, student: str = ".", assignment: str = ".") -> Path:
        folder = getattr(self.coursedir, f"{kind}_directory")
        return Path(self.coursedir.format_path(folder, student, assignment))

    def submissions(self, names: list[str] | None) -> list[tuple[str, str, Path]]:
        """(student, assignment, folder) of every submission folder."""
        root = self.path("submitted")
        found = []
        if not root.is_dir():
            return found
        for student_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            for folder in sorted(p for p in student_dir.iterdir() if p.is_dir()):
                if names is None or folder.name in names:
                    found.append((student_dir.name, folder.name, folder))
        return found

    def ensure_in_gradebook(self, names: list[str]) -> None:
        """``generate_assignment`` (into a temporary release folder) for unknown assignments."""
        from nbgrader.api import Gradebook, MissingEntry

        from .pipeline import nbgrader

        missing = []
        with Gradebook(self.db_url, self.course_id) as gb:
            for name in names:
                try:
                    gb.find_assignment(name)
                except MissingEntry:
                    missing.append(name)
        for name in missing:
            if not (self.path("source", assignment=name)).is_dir():
                raise FileNotFoundError(f"{name} is neither in the gradebook nor in source/")
            with tempfile.TemporaryDirectory(prefix="nn-grade-release-") as tmp:
                nbgrader(self.root, "generate_assignment", name, "--force",
                         f"--CourseDirectory.release_directory={tmp}")

    def definitions(self, names: list[str]) -> dict:
        from nbgrader.api import Gradebook

        found = {}
        with Gradebook(self.db_url, self.course_id) as gb:
            for name in names:
                a = gb.find_assignment(name)
                notebooks = []
                for nb in a.notebooks:
                    grades = {c.name: c for c in nb.grade_cells}
                    solutions = {c.name for c in nb.solution_cells}
                    tasks = {c.name: c for c in nb.task_cells}
                    cells = []
                    for s in nb.source_cells:
                        graded = grades.get(s.name) or tasks.get(s.name)
                        cells.append(CellDef(
                            s.name, s.cell_type, bool(s.locked), s.source or "", s.checksum or "",
                            grade=s.name in grades, solution=s.name in solutions,
                            task=s.name in tasks,
                            max_score=float(graded.max_score) if graded else 0.0))
                    notebooks.append(NotebookDef(nb.name, nb.kernelspec, cells))
                found[name] = AssignmentDef(name, a.duedate, notebooks)
        return found


def write_template(db_path: Path, course_id: str, defs: dict) -> None:
    """A fresh SQLite gradebook holding the assignment definitions ``defs``."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db_path}", course_id) as gb:
        for a in defs.values():
            gb.update_or_create_assignment(a.name, duedate=a.duedate)
            for nb in a.notebooks:
                gb.update_or_create_notebook(nb.name, a.name, kernelspec=nb.kernelspec)
                for c in nb.cells:
                    if c.grade:
                        gb.update_or_create_grade_cell(c.name, nb.name, a.name,
                                                       max_score=c.max_score,
                                                       cell_type=c.cell_type)
                    if c.solution:
                        gb.update_or_create_solution_cell(c.name, nb.name, a.name)
                    if c.task:
                        gb.update_or_create_task_cell(c.name, nb.name, a.name,
                                                      max_score=c.max_score,
                                                      cell_type=c.cell_type)
                    gb.update_or_create_source_cell(c.name, nb.name, a.name,
                                                    cell_type=c.cell_type, locked=c.locked,
                                                    source=c.source, checksum=c.checksum)


# --------------------------------------------------------------------------- checks

def _released(source: str) -> str:
    """A locked cell's source as students receive it (hidden tests removed)."""
    from nbgrader.preprocessors import ClearHiddenTests

    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


def _parse(source: str):
    """The AST of a code cell, with IPython magics and shell lines blanked out."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append(line[:len(line) - len(stripped)] + "pass"
                     if stripped.startswith(("%", "!")) else line)
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _top_level_bindings(tree) -> dict:
    """name -> ("import", module) | ("def", None) | ("assign", None) at module level."""
    found = {}

    def visit(stmts):
        for node in stmts:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    found[name] = ("import", alias.name if alias.asname else name)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    found[alias.asname or alias.name] = ("import", f"{node.module}.{alias.name}")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[node.name] = ("def", None)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                            found[sub.id] = ("assign", None)
            elif isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
                for attr in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, attr, []) or [])
                if isinstance(node, ast.For):
                    for sub in ast.walk(node.target):
                        if isinstance(sub, ast.Name):
                            found[sub.id] = ("assign", None)
            elif isinstance(node, ast.ExceptHandler):
                visit(node.body)
    visit(tree.body)
    return found


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def tamper_flags(nb, definition: NotebookDef) -> list[str]:
    """What a submitted notebook changed of what the tests rely on."""
    flags = []
    defs = {c.name: c for c in definition.cells}
    seen: dict = {}
    student_trees = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid is not None:
            seen[gid] = seen.get(gid, 0) + 1
        d = defs.get(gid)
        if d is not None and d.locked:
            text = cell.get("source", "")
            if text.rstrip() not in (d.source.rstrip(), _released(d.source).rstrip()):
                flags.append(f"edited locked cell {gid}")
            if not meta.get("locked", False):
                flags.append(f"unlocked cell {gid}")
            if d.grade and float(meta.get("points", d.max_score) or 0) != d.max_score:
                flags.append(f"changed the points of {gid}")
            continue
        if cell.get("cell_type") == "code":
            tree = _parse(cell.get("source", ""))
            if tree is not None:
                student_trees.append(tree)
    for gid, count in seen.items():
        if count > 1:
            flags.append(f"duplicated cell {gid}")
    for d in definition.cells:
        if d.locked and d.name not in seen:
            flags.append(f"deleted {'test' if d.grade else 'locked'} cell {d.name}")

    # What the tests use: the modules, functions and classes locked cells bind
    # (variables of worked examples in unlocked cells are the student's to change).
    exercises = {c.name for c in definition.cells if c.solution}
    locked_bindings: dict = {}
    for d in definition.cells:
        if not d.locked or d.cell_type != "code":
            continue
        tree = _parse(d.source)
        if tree is None:
            continue
        for name, kind in _top_level_bindings(tree).items():
            if kind[0] in ("import", "def"):
                locked_bindings[name] = kind
    protected = set(locked_bindings) - exercises
    # Modules the tests rely on, under whatever name student code imports them.
    packages = {"numpy", "course", "builtins", "sys", "math"} | {
        kind[1].split(".")[0] for kind in locked_bindings.values() if kind[0] == "import"}
    for tree in student_trees:
        roots = protected | {"sys", "builtins", "__builtins__"}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots |= {a.asname or a.name.split(".")[0] for a in node.names
                          if a.name.split(".")[0] in packages}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in packages:
                roots |= {a.asname or a.name for a in node.names}
        for name, kind in _top_level_bindings(tree).items():
            if name in protected and kind != locked_bindings.get(name):
                flags.append(f"redefines {name}, which the tests use")
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, (ast.Assign, ast.Delete)):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                root = _root_name(target)
                if isinstance(target, (ast.Attribute, ast.Subscript)) and root in roots:
                    flags.append(f"modifies {_dotted(target) or root}, which the tests use")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("setattr", "delattr") and node.args:
                root = _root_name(node.args[0])
                if root in roots:
                    flags.append(f"{node.func.id}() on {root}, which the tests use")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""]
                if any(m.split(".")[0] in ("builtins", "ctypes", "gc") for m in modules):
                    flags.append(f"imports {', '.join(modules)}")
    return list(dict.fromkeys(flags))


@dataclass
class Task:
    student: str
    assignment: str
    source: str
    files: list
    flags: list
    notes: list


def precheck(student: str, assignment: str, folder: Path, adef: AssignmentDef, course: Course):
    """A Task to grade, or a failed Outcome with its reason."""
    expected = [f"{nb.name}.ipynb" for nb in adef.notebooks]
    entries = sorted(p.name for p in folder.iterdir())
    present = [name for name in expected if (folder / name).is_file()]
    flags, notes = [], []
    ignore = set(course.coursedir.ignore) | {"timestamp.txt"}
    import fnmatch
    for name in entries:
        if name in expected or any(fnmatch.fnmatch(name, pat) for pat in ignore):
            continue
        path = folder / name
        if name.endswith(".py") or (path.is_dir() and (path / "__init__.py").exists()):
            flags.append(f"ignored {name} beside the notebook (it could shadow an import)")
        else:
            notes.append(f"ignored extra file {name}")
    if not present:
        others = [n for n in entries if n.endswith(".ipynb")]
        reason = (f"missing notebook: expected {', '.join(expected)}"
                  + (f", found {', '.join(others)}" if others else ", found no notebook"))
        return Outcome(student, assignment, "failed", reason, flags, notes)
    missing = [n for n in expected if n not in present]
    if missing:
        notes.append(f"missing notebook(s) {', '.join(missing)} score zero")
    for nbdef in adef.notebooks:
        path = folder / f"{nbdef.name}.ipynb"
        if not path.is_file():
            continue
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return Outcome(student, assignment, "failed",
                           f"{path.name} is not valid JSON ({exc})", flags, notes)
        try:
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
            if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
                raise ValueError("no list of cells")
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook
            return Outcome(student, assignment, "failed",
                           f"{path.name} is not a Jupyter notebook ({exc})", flags, notes)
        flags += tamper_flags(nb, nbdef)
    files = present + (["timestamp.txt"] if (folder / "timestamp.txt").is_file() else [])
    return Task(student, assignment, str(folder), files, flags, notes)


# --------------------------------------------------------------------------- workers

class WorkerProcess:
    def __init__(self, shard: Path, course_dir: Path, log):
        self.shard, self.course_dir, self.log = shard, course_dir, log
        self.proc = None

    def start(self) -> None:
        env = nbgrader_env()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.gradeworker", str(self.shard), str(self.course_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
            start_new_session=True, env=env, cwd=self.shard)
        self._read(120.0)

    def _read(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    return {}
                return json.loads(line)

    def run(self, task: Task, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        payload = {"student": task.student, "assignment": task.assignment,
                   "source": task.source, "files": task.files}
        try:
            self.proc.stdin.write(json.dumps(payload) + "\n")
            self.proc.stdin.flush()
            answer = self._read(timeout)
        except (BrokenPipeError, OSError, ValueError):
            answer = {}
        if answer is None:
            self.kill()
            return {"fatal": f"grading did not finish within {timeout:.0f} s; the worker was "
                             "stopped"}
        if not answer:
            code = self.proc.poll()
            self.kill()
            tail = ""
            try:
                lines = Path(self.log.name).read_text(errors="replace").strip().splitlines()
                tail = f": {lines[-1][:300]}" if lines else ""
            except OSError:
                pass
            return {"fatal": f"the grading worker died (exit code {code}){tail}"}
        return answer

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()

    def stop(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                proc.stdin.close()
                proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, OSError, ValueError):
                pass
        self.kill()


# --------------------------------------------------------------------------- merge

def _merge(gb, course: Course, task: Task, answer: dict, outcome: Outcome) -> None:
    """Write one worker's result into the real gradebook and autograded/."""
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's update_or_create_submission triggers these in stock autograde too.
        warnings.simplefilter("ignore", SAWarning)
        _merge_into(gb, course, task, answer, outcome)


def _merge_into(gb, course: Course, task: Task, answer: dict, outcome: Outcome) -> None:
    dest = course.path("autograded", task.student, task.assignment)
    data = answer.get("gradebook")
    kwargs = {}
    if data and data.get("timestamp"):
        kwargs["timestamp"] = datetime.datetime.fromisoformat(data["timestamp"])
    gb.update_or_create_student(task.student)
    gb.update_or_create_submission(task.assignment, task.student, **kwargs)
    sub = gb.find_submission(task.assignment, task.student)
    if outcome.status == "graded":
        for nb_name, nb_data in data["notebooks"].items():
            snb = gb.find_submission_notebook(nb_name, task.assignment, task.student)
            grades = {g.name: g for g in snb.grades}
            for name, g in nb_data["grades"].items():
                grade = grades[name]
                grade.auto_score = g["auto_score"]
                # As SaveAutoGrades: a manual score already given needs review.
                grade.needs_manual_grade = bool(g["needs_manual_grade"]) or (
                    grade.manual_score is not None and g["auto_score"] is not None)
            comments = {c.name: c for c in snb.comments}
            for name, text in nb_data["comments"].items():
                comments[name].auto_comment = text
            snb.late_submission_penalty = nb_data["late_submission_penalty"]
        gb.db.commit()
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(answer["autograded"], dest)
    else:
        for snb in sub.notebooks:
            for grade in snb.grades:
                grade.auto_score = 0.0
                grade.needs_manual_grade = True
        gb.db.commit()
        if dest.exists():
            shutil.rmtree(dest)
    sub = gb.find_submission(task.assignment, task.student)
    outcome.score, outcome.max_score = float(sub.score), float(sub.max_score)
    outcome.cells = {g.name: (float(g.score), float(g.max_score))
                     for snb in sub.notebooks for g in snb.grades}


def _failure_reason(answer: dict) -> str:
    if answer.get("fatal"):
        return answer["fatal"]
    # The exception nbgrader logged (last line of its traceback), else its own error.
    texts = [e for e in answer.get("errors", []) if "Traceback" in e]
    texts += [answer.get("error") or ""]
    texts += [e for e in answer.get("errors", []) if "Traceback" not in e
              and not e.startswith(("There was an error", "Please see"))]
    for text in texts:
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        if lines:
            return f"nbgrader could not grade it: {lines[-1][:300]}"
    return "nbgrader could not grade it (no autograded notebook)"


# --------------------------------------------------------------------------- grade

class Progress:
    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled and total > 0
        self.done = self.failed = self.flagged = 0
        self.start = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_line = -1

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += outcome.status == "failed"
        self.flagged += bool(outcome.flags)
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / self.total)
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        text = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"graded {self.done - self.failed}  failed {self.failed}  "
                f"flagged {self.flagged}  {elapsed:.0f}s (eta {eta:.0f}s)")
        if self.tty:
            sys.stderr.write("\r" + text + ("\n" if self.done == self.total else ""))
            sys.stderr.flush()
        else:
            step = max(1, self.total // 10)
            if self.done == self.total or self.done // step != self.last_line:
                self.last_line = self.done // step
                print(text, file=sys.stderr, flush=True)


def grade(course_dir: Path, assignments: list[str] | None = None, workers: int | None = None,
          timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
          progress: bool = True, cell_timeout: float | None = None,
          output_bytes: int = DEFAULT_OUTPUT_BYTES,
          students: list[str] | None = None) -> GradeResult:
    """Autograde every submission of ``assignments`` (default: all) of ``course_dir``.

    ``timeout``: wall-clock seconds per notebook; ``cell_timeout``: seconds per
    cell (default: the course's ``Execute.timeout``, capped at ``timeout``);
    ``memory_mb``: address space per kernel (0: no limit); ``students``: only
    these students (default: everyone in ``submitted/``).
    """
    from nbgrader.api import Gradebook

    start = time.monotonic()
    # nbgrader shells out to `alembic` when it creates a gradebook.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    course = Course(course_dir)
    found = [s for s in course.submissions(assignments) if students is None or s[0] in students]
    names = sorted({a for _, a, _ in found},
                   key=lambda a: (ASSIGNMENTS.index(a) if a in ASSIGNMENTS else 99, a))
    if assignments:
        unknown = [a for a in assignments if a not in names]
        if unknown and progress:
            print(f"no submissions of {', '.join(unknown)}", file=sys.stderr)
    course.ensure_in_gradebook(names)
    defs = course.definitions(names)

    outcomes: dict = {}
    tasks: list[Task] = []
    for student, assignment, folder in found:
        checked = precheck(student, assignment, folder, defs[assignment], course)
        if isinstance(checked, Outcome):
            outcomes[checked.key] = checked
        else:
            tasks.append(checked)

    if cell_timeout is None:
        configured = course.config.Execute.get("timeout", 30)
        cell_timeout = min(float(configured or timeout), float(timeout)) if timeout else None
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks) or 1))
    limits = {"timeout": timeout, "cell_timeout": cell_timeout, "memory_mb": memory_mb,
              "output_bytes": output_bytes}
    bar = Progress(len(found), progress)
    for o in outcomes.values():
        bar.update(o)

    with tempfile.TemporaryDirectory(prefix="nn-grade-") as tmp, \
            Gradebook(course.db_url, course.course_id) as gb:
        for o in list(outcomes.values()):   # failed before running: record them
            _merge(gb, course, Task(o.student, o.assignment, "", [], o.flags, o.notes),
                   {}, o)
        if tasks:
            _run_workers(Path(tmp), course, defs, tasks, workers, limits, gb, outcomes, bar)

    result = GradeResult(sorted(outcomes.values(), key=lambda o: o.key),
                         time.monotonic() - start, workers, limits)
    save_results(course.root, result)
    return result


def _run_workers(tmp: Path, course: Course, defs: dict, tasks: list, workers: int,
                 limits: dict, gb, outcomes: dict, bar: Progress) -> None:
    template = tmp / "template.db"
    write_template(template, course.course_id, defs)
    env = {"AUTOGRADER_MEMORY_MB": str(int(limits["memory_mb"] or 0)),
           "AUTOGRADER_CPU_SECONDS": str(int(limits["timeout"] * 2 + 30) if limits["timeout"] else 0),
           "AUTOGRADER_OUTPUT_BYTES": str(int(limits["output_bytes"] or 0))}
    locked = {name: [hashlib.sha256(c.source.encode()).hexdigest()
                     for nb in a.notebooks for c in nb.cells if c.locked]
              for name, a in defs.items()}
    shards = []
    for k in range(workers):
        shard = tmp / f"shard-{k}"
        for name in defs:
            src = course.path("source", assignment=name)
            dst = shard / os.path.relpath(src, course.root)
            if src.is_dir():
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
                    ".ipynb_checkpoints", "__pycache__"))
            else:
                dst.mkdir(parents=True)
            (shard / f"locked-{name}.json").write_text(json.dumps(locked[name]))
        shutil.copyfile(template, shard / "gradebook.db")
        (shard / "worker.json").write_text(json.dumps(
            {"timeout": limits["timeout"], "cell_timeout": limits["cell_timeout"], "env": env}))
        shards.append(shard)

    # Longest first: later assignments run longer.
    order = {a: i for i, a in enumerate(defs)}
    todo: queue.Queue = queue.Queue()
    for task in sorted(tasks, key=lambda t: (-order[t.assignment], t.student)):
        todo.put(task)
    done: queue.Queue = queue.Queue()
    task_timeout = (limits["timeout"] or 3600) + WORKER_SLACK

    procs: list[WorkerProcess] = []

    def work(shard: Path) -> None:
        with open(shard / "worker.log", "w") as log:
            proc = WorkerProcess(shard, course.root, log)
            procs.append(proc)
            try:
                while True:
                    try:
                        task = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        done.put((task, proc.run(task, task_timeout)))
                    except Exception as exc:  # noqa: BLE001
                        done.put((task, {"fatal": f"grading worker error: {exc}"}))
            finally:
                proc.stop()

    threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in shards]
    for t in threads:
        t.start()
    finished = False
    try:
        _collect(course, tasks, done, gb, outcomes, bar)
        finished = True
    finally:
        if not finished:   # Ctrl-C or a bug: no worker (nor its kernels) outlives grade()
            while not todo.empty():
                todo.get_nowait()
            for proc in list(procs):
                proc.kill()
    for t in threads:
        t.join()


def _collect(course: Course, tasks: list, done: queue.Queue, gb, outcomes: dict,
             bar: Progress) -> None:
    for _ in range(len(tasks)):
        task, answer = done.get()
        outcome = Outcome(task.student, task.assignment, flags=list(task.flags),
                          notes=list(task.notes))
        outcome.seconds = float(answer.get("seconds", 0.0))
        outcome.execute_seconds = float(answer.get("execute_seconds", 0.0))
        outcome.cell_seconds = float(answer.get("cell_seconds", 0.0))
        for what in answer.get("restored", []):
            outcome.flags.append(f"replaced {what}; restored before the tests ran")
        if answer.get("autograded") and answer.get("gradebook"):
            events = answer.get("events", [])
            outcome.reason = "; ".join(dict.fromkeys(events))
        else:
            outcome.status = "failed"
            outcome.reason = _failure_reason(answer)
        try:
            _merge(gb, course, task, answer, outcome)
        except Exception as exc:  # noqa: BLE001 - one bad merge must not stop the batch
            gb.db.rollback()
            outcome.status, outcome.reason = "failed", f"could not record the grades: {exc}"
        outcomes[outcome.key] = outcome
        bar.update(outcome)


def save_results(course_dir: Path, result: GradeResult) -> Path:
    path = Path(course_dir) / RESULTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = {}
    if path.exists():
        try:
            for e in json.loads(path.read_text(encoding="utf-8")).get("submissions", []):
                entries[(e["assignment"], e["student"])] = e
        except (ValueError, KeyError, TypeError):
            entries = {}
    for o in result.outcomes:
        entry = asdict(o)
        entry["cells"] = {k: list(v) for k, v in o.cells.items()}
        entries[o.key] = entry
    now = datetime.datetime.now().isoformat(timespec="seconds")
    data = {"version": 1, "updated": now,
            "runs": [{"finished": now, "seconds": round(result.seconds, 2),
                      "workers": result.workers, "limits": result.limits}],
            "submissions": [entries[k] for k in sorted(entries)]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def load_results(course_dir: Path) -> dict:
    """The saved results file as a dict (see the module docstring)."""
    return json.loads((Path(course_dir) / RESULTS_FILE).read_text(encoding="utf-8"))


def run(course_dir: Path, assignments: list[str] | None, workers: int | None, timeout: float,
        memory_mb: int, cell_timeout: float | None = None) -> int:
    """The CLI: grade, print the summary; 1 when a submission failed."""
    result = grade(Path(course_dir), assignments or None, workers, timeout, memory_mb,
                   progress=True, cell_timeout=cell_timeout)
    print(result.summary())
    print(f"results: {Path(course_dir).resolve() / RESULTS_FILE}")
    return 0
