"""A graded course as the reports see it: the gradebook, annotated by ``grade``'s results.

:func:`collect` reads the gradebook (nbgrader's ``Gradebook`` API at the course's
``CourseDirectory.db_url`` or any ``db_url`` given): its students, assignments,
submissions and scores. ``reports/grade-results.json``, which ``grade`` writes, only
*annotates* them (failed or flagged, and why); an entry for a submission the gradebook
does not hold (a student since removed, an old run) is ignored.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import ASSIGNMENTS, REPORTS_DIR

from .csvsafe import write_rows

# Where ``grade`` writes its results (autograder.grading.grade.RESULTS_FILE); spelled out
# here so reading a report does not import the grading machinery.
RESULTS_FILE = Path(REPORTS_DIR) / "grade-results.json"

# The flag of a submission whose every auto score grading set to 0 (forged verdicts).
ZEROED_FLAG = "forged verdicts"

CSV_KEYS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
            "email", "raw_score", "late_submission_penalty", "score", "max_score",
            "status", "flags", "reason"]


def course_db_url(course_dir: Path) -> str:
    """The gradebook URL the course's ``nbgrader_config.py`` gives nbgrader."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course_dir = Path(course_dir).resolve()
    config = Config()
    if (course_dir / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(course_dir)
    return CourseDirectory(config=config).db_url


def gradebook_problem(course_dir: Path, db_url: str | None = None) -> str | None:
    """Why the course's gradebook (or ``db_url``) cannot be read, in a sentence (None when
    it can): reports are refused with it rather than with nbgrader's or SQLAlchemy's error."""
    from nbgrader.api import Gradebook

    url = db_url or course_db_url(course_dir)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return (f"no gradebook at {url[len('sqlite:///'):]}: nothing graded yet "
                "(run `python -m autograder grade` first)")
    try:
        with Gradebook(url) as gb:
            gb.assignments
    except Exception as error:  # noqa: BLE001 - any reason, said in one line
        shown = url.split("@")[-1] if "@" in url else url      # no password in messages
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"cannot read the gradebook at {shown}: {type(error).__name__}: {first}"[:400]
    return None


def load_grade_results(course_dir: Path) -> list[dict]:
    """The submissions of ``grade-results.json`` (a list, or ``{"submissions": [...]}``)."""
    path = Path(course_dir) / RESULTS_FILE
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data.get("submissions", []) if isinstance(data, dict) else data
    return [e for e in entries if isinstance(e, dict) and "student" in e and "assignment" in e]


@dataclass
class Submission:
    student: str
    assignment: str
    score: float
    max_score: float
    cells: dict                       # grade_id -> (score, max_score)
    timestamp: object = None
    penalty: float = 0.0
    status: str = "graded"
    flags: list = field(default_factory=list)
    reason: str = ""
    zeroed: bool = False              # its auto scores were set to 0 (forged verdicts)

    @property
    def measures_the_tests(self) -> bool:
        """Whether its cell scores say what its code did: graded, and not zeroed
        (pass rates and the item analysis count only these)."""
        return self.status != "failed" and not self.zeroed and bool(self.cells)


@dataclass
class Course:
    assignments: list                 # names, in course order
    students: list                    # every student in the gradebook
    max_scores: dict                  # assignment -> max score
    duedates: dict                    # assignment -> due date or None
    exercises: dict                   # assignment -> {exercise: [test grade ids]}
    people: dict                      # student -> (last_name, first_name, email)
    submissions: dict                 # (student, assignment) -> Submission
    results: list                     # grade-results.json entries
    lms_ids: dict = field(default_factory=dict)    # student -> nbgrader's lms_user_id
    cell_max: dict = field(default_factory=dict)   # (assignment, test cell) -> points


def exercise_of(grade_id: str, exercises: list[str]) -> str:
    """The exercise a test cell ``test_<exercise>…`` belongs to (longest name that fits)."""
    name = grade_id[len("test_"):] if grade_id.startswith("test_") else grade_id
    fits = [e for e in exercises if name == e or name.startswith(e + "_")]
    if fits:
        return max(fits, key=len)
    return name.rsplit("_", 1)[0] if "_" in name else name


def _order(names):
    return sorted(names, key=lambda a: (ASSIGNMENTS.index(a) if a in ASSIGNMENTS else 99, a))


def collect(course_dir: Path, db_url: str | None = None) -> Course:
    """Everything the report shows, read from the gradebook and the results file."""
    from nbgrader.api import Gradebook

    db_url = db_url or course_db_url(course_dir)
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).exists():
        raise FileNotFoundError(f"no gradebook at {db_url[len('sqlite:///'):]}: "
                                "grade the course first")
    results = load_grade_results(course_dir)
    with Gradebook(db_url) as gb:
        names = _order(a.name for a in gb.assignments)
        students = sorted(s.id for s in gb.students)
        people = {s.id: (s.last_name or "", s.first_name or "", s.email or "")
                  for s in gb.students}
        lms_ids = {s.id: getattr(s, "lms_user_id", None) or "" for s in gb.students}
        cell_max = {}
        max_scores, duedates, exercises, submissions = {}, {}, {}, {}
        for assignment in gb.assignments:
            name = assignment.name
            max_scores[name] = float(assignment.max_score)
            duedates[name] = assignment.duedate
            solutions, tests = [], []
            for notebook in assignment.notebooks:
                solutions += [c.name for c in notebook.solution_cells]
                answers = {c.name for c in notebook.solution_cells}
                tests += [c.name for c in notebook.grade_cells
                          if c.cell_type == "code" and c.name not in answers]
                cell_max.update({(name, c.name): float(c.max_score or 0.0)
                                 for c in notebook.grade_cells})
            groups: dict = {}
            for grade_id in tests:
                groups.setdefault(exercise_of(grade_id, solutions), []).append(grade_id)
            order = {e: k for k, e in enumerate(solutions)}
            exercises[name] = dict(sorted(groups.items(), key=lambda kv: order.get(kv[0], 99)))
            for sub in gb.assignment_submissions(name):
                cells = {}
                for notebook in sub.notebooks:
                    for grade in notebook.grades:
                        cells[grade.name] = (float(grade.score), float(grade.max_score))
                submissions[(sub.student.id, name)] = Submission(
                    sub.student.id, name, float(sub.score), float(sub.max_score), cells,
                    sub.timestamp, float(sub.late_submission_penalty or 0.0))
    used = []
    for entry in results:
        sub = submissions.get((entry["student"], entry["assignment"]))
        if sub is None:        # not in the gradebook (any more): nothing to annotate
            continue
        sub.status = entry.get("status") or "graded"
        sub.flags = [str(f) for f in entry.get("flags") or []]
        if entry.get("sandbox") is False:   # grade --unsandboxed: say so wherever it shows
            sub.flags.append("unsandboxed: graded without OS isolation (grade --unsandboxed)")
        sub.reason = str(entry.get("reason") or "")
        sub.zeroed = bool(entry.get("zeroed")) or any(f.startswith(ZEROED_FLAG)
                                                       for f in sub.flags)
        used.append(entry)
    results = used
    return Course(names, students, max_scores, duedates, exercises, people, submissions,
                  results, lms_ids, cell_max)


# ---------------------------------------------------------------- grades.csv

def grade_rows(course: Course):
    """The rows of ``grades.csv``, as dicts keyed by :data:`CSV_KEYS`."""
    for name in course.assignments:
        for student in course.students:
            last, first, email = course.people.get(student, ("", "", ""))
            sub = course.submissions.get((student, name))
            row = {"assignment": name, "duedate": course.duedates.get(name) or "",
                   "student_id": student, "last_name": last, "first_name": first,
                   "email": email, "max_score": course.max_scores.get(name, 0.0)}
            if sub is None:
                row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0,
                           score=0.0, status="not submitted", flags="", reason="")
            else:
                row.update(timestamp=sub.timestamp or "", raw_score=sub.score,
                           late_submission_penalty=sub.penalty,
                           score=max(0.0, sub.score - sub.penalty), status=sub.status,
                           flags="; ".join(sub.flags), reason=reason_of(sub))
            yield row


def write_grades_csv(course: Course, path: Path) -> Path:
    """One row per student and assignment, nbgrader's export columns first."""
    return write_rows(path, CSV_KEYS, grade_rows(course))


# ---------------------------------------------------------------- flags

RESTORED = re.compile(r"^replaced (.+); restored before the tests ran$")
USES = re.compile(r"^(modifies|redefines) (.+), which the tests use$")
CELL_FLAG = re.compile(r"^(edited locked|unlocked|deleted test|deleted locked|duplicated) cell (\S+)$")


def summarise_flags(flags: list[str]) -> str:
    """The flags of one submission in one line: like flags grouped, long lists cut."""
    groups: dict = {}
    for flag in flags:
        restored, cell, uses = RESTORED.match(flag), CELL_FLAG.match(flag), USES.match(flag)
        if uses:
            groups.setdefault(f"{uses.group(1)} what the tests use", []).append(uses.group(2))
        elif restored:
            groups.setdefault("replaced what the tests use (restored before they ran)",
                              []).append(restored.group(1))
        elif cell:
            groups.setdefault(f"{cell.group(1)} cells", []).append(cell.group(2))
        else:
            groups.setdefault(flag, [])
    parts = []
    for what, items in groups.items():
        if not items:
            parts.append(what)
            continue
        shown = ", ".join(items[:3]) + (f" +{len(items) - 3} more" if len(items) > 3 else "")
        parts.append(f"{what}: {shown}")
    return "; ".join(parts)


def reason_of(sub: Submission) -> str:
    """Why a submission is in the problems table, in words (never empty when it is)."""
    if sub.reason:
        return sub.reason
    if sub.status == "failed":
        return "grading failed (no reason recorded)"
    if sub.flags:
        if any(RESTORED.match(f) or CELL_FLAG.match(f) or USES.match(f) for f in sub.flags):
            return ("tampering: what it changed (locked cells, names the tests use) was put "
                    "back before the tests ran, so it gained nothing by it; review it")
        return "flagged for review"
    return ""


# ---------------------------------------------------------------- statistics
