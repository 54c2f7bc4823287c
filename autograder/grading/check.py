"""Before anything runs: each submission read as hostile input, its tampering flagged."""
from __future__ import annotations

import fnmatch
import functools
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .definitions import AssignmentDef, NotebookDef
from .results import Outcome
from autograder.notebooks.sanitize import writes_once


@functools.lru_cache(maxsize=1024)
def _released(source: str) -> str:
    """A locked cell's source as students receive it (hidden tests removed)."""
    from nbgrader.preprocessors import ClearHiddenTests

    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


def tamper_flags(nb, definition: NotebookDef) -> list[str]:
    """What a submitted notebook changed of the instructor's cells. nbgrader puts every
    locked cell back before grading, and the tests run outside the student's kernel, so
    none of this can change a score: the flags tell the instructor what was tried."""
    flags = []
    defs = {c.name: c for c in definition.cells}
    seen: dict = {}
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
    for gid, count in seen.items():
        if count > 1:
            flags.append(f"duplicated cell {gid}")
    for d in definition.cells:
        if d.locked and d.name not in seen:
            flags.append(f"deleted {'test' if d.grade else 'locked'} cell {d.name}")
    return list(dict.fromkeys(flags))


MAX_NOTEBOOK_BYTES = 20_000_000   # a submitted notebook larger than this is not graded


@dataclass
class Task:
    """One submission to grade, carried whole: nothing in it points into the course directory."""
    student: str
    assignment: str
    notebooks: dict                 # file name -> notebook text (nbformat 4)
    timestamp: str | None
    flags: list
    notes: list
    secret: str | None = None       # submission_secret.txt, written back beside the notebooks


def _timestamp(folder: Path, notes: list, flags: list) -> str | None:
    """``timestamp.txt`` as nbgrader will read it, or None when absent or unreadable."""
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    if path.is_symlink() or not path.is_file():
        return None
    try:
        text = path.read_bytes()[:200].decode("utf-8").strip()
        parse_utc(text)
        return text
    except Exception:  # noqa: BLE001 - any garbage
        flags.append("unreadable timestamp.txt ignored (graded as if on time)")
        return None


SECRET_MAX_BYTES = 1024    # nbgrader's exchange writes 128 hex digits


def _secret(folder: Path, notes: list) -> str | None:
    """``submission_secret.txt`` exactly as nbgrader's exchange wrote it, or None.

    ``release_feedback`` files a student's feedback under a hash of this secret, and
    the student's ``fetch_feedback`` finds it with the copy in their own cache, so it
    goes into ``autograded/`` unchanged, as stock autograde copies it. Read without
    following a link, only from a regular file, at most ``SECRET_MAX_BYTES``."""
    try:
        fd = os.open(folder / "submission_secret.txt",
                     os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError:
        fd = None
    raw = None
    if fd is not None:
        with os.fdopen(fd, "rb") as fh:
            if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raw = fh.read(SECRET_MAX_BYTES + 1)
    try:
        if raw and len(raw) <= SECRET_MAX_BYTES:
            return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    notes.append("ignored submission_secret.txt (not a short text file): "
                 "nbgrader release_feedback cannot hand this student their feedback")
    return None


def precheck(student: str, assignment: str, folder: Path, adef: AssignmentDef, ignore: list):
    """A Task to grade, or a failed Outcome with its reason. Never raises."""
    flags, notes = [], []
    try:
        return _precheck(student, assignment, folder, adef, ignore, flags, notes)
    except RecursionError:
        reason = "could not check the submission: a cell nests too deeply to analyse"
    except MemoryError:
        reason = "could not check the submission: it is too large to analyse"
    except Exception as exc:  # noqa: BLE001 - one hostile submission fails alone
        reason = f"could not check the submission: {type(exc).__name__}: {str(exc)[:200]}"
    return Outcome(student, assignment, "failed", reason, flags, notes)


def _how_to_fix(student: str, assignment: str, expected: list, others: list) -> str:
    """What the instructor runs to grade a misnamed (or missing) notebook after all."""
    import shlex

    folder = f"submitted/{student}/{assignment}"
    again = (f"python -m autograder grade {shlex.quote(assignment)} "
             f"--student {shlex.quote(student)}")
    if len(expected) == 1 and len(others) == 1:
        rename = (f"mv {shlex.quote(f'{folder}/{others[0]}')} "
                  f"{shlex.quote(f'{folder}/{expected[0]}')}")
        return (f". If it is the student's work, rename it and grade it again (in the course "
                f"directory): {rename} && {again}")
    return (f". Put the student's notebook at {folder}/{expected[0] if expected else '…'} "
            f"and grade it again: {again}")


def _precheck(student, assignment, folder, adef, ignore, flags, notes):
    expected = [f"{nb.name}.ipynb" for nb in adef.notebooks]
    if folder.is_symlink():
        return Outcome(student, assignment, "failed",
                       "the submission folder is a symbolic link", flags, notes)
    entries = sorted(p.name for p in folder.iterdir())
    links = [n for n in expected if (folder / n).is_symlink()]
    if links:
        return Outcome(student, assignment, "failed",
                       f"{', '.join(links)} is a symbolic link, not a submitted file", flags, notes)
    present = [name for name in expected if (folder / name).is_file()]
    ignore = set(ignore) | {"timestamp.txt", "submission_secret.txt"}
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
                  + (f", found {', '.join(others)}" if others else ", found no notebook")
                  + _how_to_fix(student, assignment, expected, others))
        return Outcome(student, assignment, "failed", reason, flags, notes)
    missing = [n for n in expected if n not in present]
    if missing:
        notes.append(f"missing notebook(s) {', '.join(missing)} score zero")
    notebooks = {}
    for nbdef in adef.notebooks:
        path = folder / f"{nbdef.name}.ipynb"
        if not path.is_file():
            continue
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return Outcome(student, assignment, "failed",
                           f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB", flags,
                           notes)
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return Outcome(student, assignment, "failed",
                           f"{path.name} is not valid JSON ({exc})", flags, notes)
        try:
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)   # nbformat 3 converted
            if not isinstance(nb.get("cells"), list):
                raise ValueError("no list of cells")
            for cell in nb.cells:
                _check_cell(cell)
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook
            return Outcome(student, assignment, "failed",
                           f"{path.name} is not a Jupyter notebook ({str(exc)[:300]})", flags,
                           notes)
        flags += tamper_flags(nb, nbdef)
        notebooks[path.name] = writes_once(nb)
    return Task(student, assignment, notebooks, _timestamp(folder, notes, flags), flags, notes,
                _secret(folder, notes))


def _check_cell(cell) -> None:
    """Raise ValueError when a cell's fields have types nbgrader would trip over."""
    if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
        raise ValueError("a cell of unknown type")
    if not isinstance(cell.get("source", ""), str):
        raise ValueError("a cell whose source is not text")
    meta = cell.get("metadata", {})
    if not isinstance(meta, dict):
        raise ValueError("a cell whose metadata is not an object")
    grader = meta.get("nbgrader")
    if grader is None:
        return
    if not isinstance(grader, dict):
        raise ValueError("a cell whose nbgrader metadata is not an object")
    if "grade_id" in grader and not isinstance(grader["grade_id"], str):
        raise ValueError("a cell whose grade_id is not text")
    for key in ("grade", "solution", "locked", "task"):
        if key in grader and not isinstance(grader[key], bool):
            raise ValueError(f"a cell whose nbgrader {key!r} is not true/false")
    if "points" in grader:
        points = grader["points"]
        if isinstance(points, bool) or not isinstance(points, (int, float)):
            raise ValueError(f"a cell whose points are not a number ({str(points)[:20]!r})")
