"""The course as nbgrader records it: assignment definitions read from the real gradebook."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path


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

        from autograder.nbgrader_fixes.nbgrader_alembic_version import install
        from autograder.config import load_course_config

        install()   # a course without our nbgrader_config.py creates gradebooks too
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

    def known(self) -> set:
        """The assignments of the course: in its gradebook or in its source/ folder."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, self.course_id) as gb:
            names = {a.name for a in gb.assignments}
        source = self.path("source")
        if source.is_dir():
            names |= {p.name for p in source.iterdir()
                      if p.is_dir() and not p.name.startswith((".", "__"))}
        return names

    def ensure_in_gradebook(self, names: list[str]) -> None:
        """``generate_assignment`` (into a temporary release folder) for unknown assignments."""
        from nbgrader.api import Gradebook, MissingEntry

        from autograder.stock_nbgrader import nbgrader

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
    """A fresh SQLite gradebook holding the assignment definitions ``defs``: the rows
    nbgrader's ``update_or_create_*`` calls make, added in one transaction (those calls commit
    once per row, a few hundred commits that cost grade half a second before any worker can
    start)."""
    from nbgrader.api import (Assignment, GradeCell, Gradebook, Notebook, SolutionCell,
                              SourceCell, TaskCell)
    from nbgrader.utils import parse_utc

    from .shard_gradebook import unsynced

    rows = []   # each added by itself: nbgrader's relationships do not cascade additions
    for a in defs.values():
        assignment = Assignment(name=a.name, duedate=parse_utc(a.duedate), course_id=course_id)
        rows.append(assignment)
        for nb in a.notebooks:
            notebook = Notebook(name=nb.name, assignment=assignment, kernelspec=nb.kernelspec)
            rows.append(notebook)
            for c in nb.cells:
                if c.grade:
                    rows.append(GradeCell(name=c.name, notebook=notebook,
                                          max_score=c.max_score, cell_type=c.cell_type))
                if c.solution:
                    rows.append(SolutionCell(name=c.name, notebook=notebook))
                if c.task:
                    rows.append(TaskCell(name=c.name, notebook=notebook, max_score=c.max_score,
                                         cell_type=c.cell_type))
                rows.append(SourceCell(name=c.name, notebook=notebook, cell_type=c.cell_type,
                                       locked=c.locked, source=c.source, checksum=c.checksum))
    with unsynced(db_path), Gradebook(f"sqlite:///{db_path}", course_id) as gb:
        gb.db.add_all(rows)
        gb.db.commit()
