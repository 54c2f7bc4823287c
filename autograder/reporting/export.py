"""``export``: the gradebook as files an LMS imports, and as long-format data.

Every export is built from the gradebook (:func:`autograder.reporting.gradebook.collect`:
its students, assignments and scores; ``grade-results.json`` only adds status
and flags) and goes through :mod:`autograder.reporting.csvsafe`, so no cell starts a
spreadsheet formula. Scores are the final ones (raw score minus the late
penalty), as ``nbgrader export`` computes them.

``canvas.csv`` — Canvas *Grades → Import* (gradebook CSV). UTF-8 with a byte
order mark (what Canvas's own gradebook export writes, and what lets Excel
open it right). Columns ``Student, ID, SIS User ID, SIS Login ID, Section``,
then one column per assignment, named as in the gradebook (Canvas matches a
column to an assignment by name, or offers to create it). ``Student`` is
``Last, First``; ``ID`` is the gradebook's ``lms_user_id`` when nbgrader has
one (Canvas matches on it first), else empty; ``SIS User ID`` and
``SIS Login ID`` are the nbgrader student id. The second row is
``Points Possible`` with each assignment's maximum.

``moodle.csv`` — Moodle *Grades → Import → CSV file*. UTF-8, comma separated,
header row ``Email address, ID number, First name, Last name`` then one column
per assignment (map "ID number" or "Email address" to the user field, each
assignment column to its grade item, in Moodle's import form).

``grades-long.csv`` / ``grades-long.json`` — one row per student, assignment,
exercise and test cell: ``student, assignment, exercise, test_cell, score,
max_score, status, flags`` (``flags`` joined by ``; `` in the CSV, a list in the
JSON). A student's whole submission is summed by grouping on student and
assignment.

Only assignments handed out appear (a ``release/<assignment>/`` folder in the course
directory, or a submission in the gradebook): ``init`` registers every assignment
in the gradebook ahead of time, and a column for one not yet released would import
into the LMS as an assignment nobody can do.

Missing and failed submissions, in every format:

* **not submitted** (the student is in the gradebook, no submission): an
  empty grade cell in ``canvas.csv`` and ``moodle.csv`` (both LMSs leave an
  empty cell ungraded, so their own missing-work policy applies); rows with
  status ``not submitted`` and an empty score in the long formats (``null`` in
  JSON).
* **failed** (grading could not run it; the gradebook holds 0 and marks it
  for manual grading): also an *empty* grade cell in the LMS files — a
  grading failure must never reach students as a zero — and rows with status
  ``failed``, score 0 and the reason in ``flags`` in the long formats.
  ``export`` prints how many were left empty.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .csvsafe import write_rows
from .gradebook import Course, collect, gradebook_problem, reason_of

FORMATS = ("canvas", "moodle", "long", "json")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_FIXED = ["Email address", "ID number", "First name", "Last name"]
LONG_KEYS = ["student", "assignment", "exercise", "test_cell", "score", "max_score",
             "status", "flags"]


def final_score(course: Course, student: str, name: str):
    """The LMS grade of one submission: a number, or None (empty cell)."""
    sub = course.submissions.get((student, name))
    if sub is None or sub.status == "failed":
        return None
    return round(max(0.0, sub.score - sub.penalty), 4)


def released(course: Course, course_dir: Path) -> list[str]:
    """The assignments handed out: released into ``release/``, or submitted by someone."""
    submitted = {name for (_, name) in course.submissions}
    return [n for n in course.assignments
            if n in submitted or (Path(course_dir) / "release" / n).is_dir()]


def canvas_rows(course: Course, names: list[str] | None = None) -> tuple[list, list]:
    names = course.assignments if names is None else names
    header = CANVAS_FIXED + list(names)
    rows = [["Points Possible", "", "", "", ""]
            + [course.max_scores.get(n, 0.0) for n in names]]
    for student in course.students:
        last, first, _ = course.people.get(student, ("", "", ""))
        name = ", ".join(p for p in (last, first) if p) or student
        rows.append([name, course.lms_ids.get(student, ""), student, student, ""]
                    + [final_score(course, student, n) for n in names])
    return header, rows


def moodle_rows(course: Course, names: list[str] | None = None) -> tuple[list, list]:
    names = course.assignments if names is None else names
    header = MOODLE_FIXED + list(names)
    rows = []
    for student in course.students:
        last, first, email = course.people.get(student, ("", "", ""))
        rows.append([email, student, first, last]
                    + [final_score(course, student, n) for n in names])
    return header, rows


def long_rows(course: Course, names: list[str] | None = None) -> list[dict]:
    rows = []
    for name in course.assignments if names is None else names:
        for student in course.students:
            sub = course.submissions.get((student, name))
            if sub is None:
                status, flags = "not submitted", []
            else:
                status = sub.status
                flags = list(sub.flags) + ([reason_of(sub)] if sub.status == "failed" else [])
            for exercise, tests in course.exercises.get(name, {}).items():
                for test in tests:
                    got, most = (None, None) if sub is None else sub.cells.get(test, (0.0, None))
                    if most is None:
                        most = course.cell_max.get((name, test), 0.0)
                    rows.append({"student": student, "assignment": name, "exercise": exercise,
                                 "test_cell": test, "score": got, "max_score": most,
                                 "status": status, "flags": flags})
    return rows


def write_exports(course_dir: Path, out_dir: Path | None = None, db_url: str | None = None,
                  formats=FORMATS) -> dict:
    """Write the chosen exports; returns {format: path} and the course."""
    course_dir = Path(course_dir).resolve()
    course = collect(course_dir, db_url)
    out_dir = Path(out_dir).resolve() if out_dir else course_dir / "reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    names = released(course, course_dir)
    written = {}
    if "canvas" in formats:
        header, rows = canvas_rows(course, names)
        written["canvas"] = write_rows(out_dir / "canvas.csv", header, rows,
                                       encoding="utf-8-sig")
    if "moodle" in formats:
        header, rows = moodle_rows(course, names)
        written["moodle"] = write_rows(out_dir / "moodle.csv", header, rows)
    rows = long_rows(course, names) if {"long", "json"} & set(formats) else []
    if "long" in formats:
        written["long"] = write_rows(out_dir / "grades-long.csv", LONG_KEYS,
                                     [{**r, "flags": "; ".join(r["flags"])} for r in rows])
    if "json" in formats:
        path = out_dir / "grades-long.json"
        path.write_text(json.dumps({"format": "nn-from-scratch grades, long", "version": 1,
                                    "columns": LONG_KEYS, "rows": rows},
                                   indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written["json"] = path
    return {"written": written, "course": course,
            "unreleased": [n for n in course.assignments if n not in names]}


def main(course_dir: Path, out_dir: Path | None, db_url: str | None,
         formats: list[str] | None) -> int:
    problem = gradebook_problem(course_dir, db_url)
    if problem:
        print(f"python -m autograder export: {problem}", file=sys.stderr)
        return 2
    result = write_exports(course_dir, out_dir, db_url, formats or FORMATS)
    for kind, path in result["written"].items():
        print(f"{kind}: {path}")
    if result["unreleased"]:
        print(f"left out, not released yet: {', '.join(result['unreleased'])} (no release/ "
              "folder, no submission)")
    course = result["course"]
    failed = sum(s.status == "failed" for s in course.submissions.values())
    if failed:
        print(f"{failed} failed submission(s) left empty in the LMS files: "
              "grade them by hand, then export again")
    return 0
