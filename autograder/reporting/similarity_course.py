"""Reading a course for the similarity report, and the ``similarity`` command.

The solution cells of ``submitted/`` (or ``autograded/``) and of earlier terms' folders,
the released stubs and the solutions everyone may share (``source/``, the mutation
catalogue) go to :func:`autograder.reporting.similarity.compare`; :func:`main` prints the
pairs to look at and writes ``similarity.html`` (:mod:`.similarity_page`).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .similarity import compare

MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*$", re.M)
REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*$",
                    re.S | re.M)


def stub_of(source: str) -> str:
    """A source cell as released: each solution region replaced as nbgrader replaces it."""
    return REGION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n"
                                f"{m.group(1)}raise NotImplementedError()", source)


def cell_sources(path: Path, exercises: set | None = None) -> dict:
    """exercise -> source of each solution cell of a notebook file."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = {}
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or not isinstance(cell.get("metadata"), dict):
            continue
        meta = cell["metadata"].get("nbgrader")
        if not isinstance(meta, dict):
            continue
        if cell.get("cell_type") == "code" and meta.get("solution"):
            gid = meta.get("grade_id")
            if isinstance(gid, str) and (exercises is None or gid in exercises):
                source = cell.get("source", "")
                found[gid] = "".join(source) if isinstance(source, list) else str(source)
    return found


def course_material(course_dir: Path, name: str) -> tuple:
    """(stubs, references) of an assignment: the released stub of every exercise (the
    source cell without its solution regions) and the code students write on their own
    (the instructor's solution; the catalogue's entries: its correct alternatives and
    the common mistakes it lists)."""
    path = Path(course_dir) / "source" / name / f"{name}.ipynb"
    stubs, references = {}, {}
    if path.is_file():
        for exercise, text in cell_sources(path).items():
            stubs[exercise] = stub_of(text)
            references.setdefault(exercise, []).append(MARKERS.sub("", text))
    try:
        from autograder import catalogue
        for entry in catalogue.load(name):
            references.setdefault(entry.exercise, []).append(entry.source)
    except (ImportError, ValueError):
        pass
    return stubs, references


def read_submissions(folder: Path, name: str, exercises: set | None) -> tuple:
    """(student -> exercise -> source, unreadable) from ``<folder>/<student>/<name>/``."""
    solutions, unreadable = {}, []
    if not Path(folder).is_dir():
        return solutions, unreadable
    for student_dir in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        path = student_dir / name / f"{name}.ipynb"
        if not path.exists() and not path.is_symlink():
            continue
        try:
            if path.is_symlink() or not path.is_file():
                raise ValueError("not a plain file")
            solutions[student_dir.name] = cell_sources(path, exercises)
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            unreadable.append(student_dir.name)     # the page names it
    return solutions, unreadable


def read_earlier(folder: Path, name: str, exercises: set | None) -> dict:
    """Earlier terms' submissions of ``name`` anywhere under ``folder`` (a course
    directory, its ``submitted/`` or ``autograded/``, or several terms' folders): every
    ``…/<student>/<name>/<name>.ipynb``, named by its path below ``folder``."""
    found = {}
    folder = Path(folder)
    for path in sorted(folder.rglob(f"{name}/{name}.ipynb")):
        if ".ipynb_checkpoints" in path.parts or path.is_symlink():
            continue
        who = path.parent.parent.relative_to(folder).as_posix()
        if who in found or who == ".":
            continue
        try:
            found[who] = cell_sources(path, exercises)
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            continue
    return found


def submissions_folder(course_dir: Path, choice: str | None = None) -> Path:
    """``submitted/`` unless told otherwise or missing, then ``autograded/``."""
    course_dir = Path(course_dir)
    if choice:
        return course_dir / choice
    submitted = course_dir / "submitted"
    return submitted if submitted.is_dir() else course_dir / "autograded"


def compare_course(course_dir: Path, names: list | None = None, earlier: Path | None = None,
                   folder: str | None = None, threshold: float | None = None,
                   students: set | None = None) -> list:
    """A :class:`Result` for every assignment (default: all in ``source/``), of every
    submission on disk (or only ``students``')."""
    from autograder.config import assignments

    course_dir = Path(course_dir).resolve()
    where = submissions_folder(course_dir, folder)
    results = []
    for name in names or assignments(course_dir):
        stubs, references = course_material(course_dir, name)
        wanted = set(stubs) or None
        solutions, unreadable = read_submissions(where, name, wanted)
        if students is not None:
            solutions = {s: c for s, c in solutions.items() if s in students}
            unreadable = [s for s in unreadable if s in students]
        before = read_earlier(Path(earlier), name, wanted) if earlier else {}
        result = compare(name, solutions, stubs, references, before, threshold)
        result.unreadable = unreadable
        results.append(result)
    return results


def main(course_dir: Path, names: list | None = None, earlier: str | None = None,
         out: str | None = None, folder: str | None = None) -> int:
    """The CLI: compare, print the pairs to look at, write ``similarity.html``."""
    import time

    from autograder.config import REPORTS_DIR
    from .similarity_page import write_page

    course_dir = Path(course_dir).resolve()
    if earlier and not Path(earlier).is_dir():
        print(f"no folder of earlier terms at {Path(earlier).resolve()}")
        return 2
    start = time.monotonic()
    results = compare_course(course_dir, names, Path(earlier) if earlier else None, folder)
    seconds = time.monotonic() - start
    out_dir = Path(out).resolve() if out else course_dir / REPORTS_DIR
    page = write_page(results, out_dir / "similarity.html", course_dir.name)
    where = submissions_folder(course_dir, folder)
    print(f"compared the solution cells in {where} ({seconds:.1f} s)")
    for result in results:
        extra = f" and {result.earlier} of earlier terms" if result.earlier else ""
        print(f"{result.assignment}: {result.students} submissions{extra}, "
              f"{len(result.flagged)} pair(s) to look at")
        for pair in result.flagged[:10]:
            where_from = " (earlier term)" if pair.earlier else ""
            top = ", ".join(f"{m.exercise} {m.score:.2f}" for m in pair.matches[:4])
            print(f"   {pair.score:5.2f}  {pair.a} · {pair.b}{where_from}   {top}")
        if len(result.flagged) > 10:
            print(f"   … {len(result.flagged) - 10} more on the page")
    print(f"similarity: {page} (for the instructor only: these are pairs to look at, "
          "not findings)")
    return 0
