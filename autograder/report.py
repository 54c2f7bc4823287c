"""``report``: ``grades.csv`` and a readable HTML report of a graded course.

Grades come from the gradebook (nbgrader's ``Gradebook`` API, at the
``CourseDirectory.db_url`` of the course's ``nbgrader_config.py``, or any
``db_url`` given): its students, its assignments, its submissions and scores.
``<course_dir>/reports/grade-results.json``, which ``grade`` writes, only
*annotates* them (failed or flagged, and why); an entry for a submission the
gradebook does not hold (a student since removed, an old run) is ignored.

* ``grades.csv`` — nbgrader's export columns (``nbgrader export``: one row per
  student and assignment, 0 where nothing was submitted) plus ``status``
  (graded, failed, not submitted), ``flags`` and ``reason``; cells a
  spreadsheet would run as formulas are escaped (:mod:`autograder.csvsafe`).
* ``report.html`` — one self-contained page rendered from
  ``autograder/templates/report.html.j2`` (charts are inline SVG): the score
  distribution of every assignment, the pass rate of every exercise, the item
  analysis of every test cell (:mod:`autograder.items`), one line per failed
  or flagged submission with its reason and a link to the student's feedback,
  the score table, a legend and the date.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import ASSIGNMENTS, REPORTS_DIR
from .csvsafe import write_rows

# Where ``grade`` writes its results (autograder.grade.RESULTS_FILE); spelled out
# here so reading a report does not import the grading machinery.
RESULTS_FILE = Path(REPORTS_DIR) / "grade-results.json"
TEMPLATES = Path(__file__).resolve().parent / "templates"

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

def pass_rates(course: Course) -> list[dict]:
    """Per exercise: how many graded submissions pass all its test cells (worst first)."""
    rows = []
    for name in course.assignments:
        graded = [s for (st, a), s in course.submissions.items()
                  if a == name and s.status != "failed" and s.cells]
        for exercise, tests in course.exercises.get(name, {}).items():
            passed = sum(all(s.cells.get(t, (0, 1))[0] >= s.cells.get(t, (0, 1))[1]
                             for t in tests) for s in graded)
            per_test = {t: sum(s.cells.get(t, (0, 1))[0] >= s.cells.get(t, (0, 1))[1]
                               for s in graded) for t in tests}
            rows.append({"assignment": name, "exercise": exercise, "tests": tests,
                         "graded": len(graded), "passed": passed,
                         "rate": passed / len(graded) if graded else float("nan"),
                         "per_test": per_test})
    return sorted(rows, key=lambda r: (r["rate"] if r["graded"] else 2.0,
                                       course.assignments.index(r["assignment"])))


def problems(course: Course) -> list[Submission]:
    """Failed or flagged submissions, and graded ones that stopped with a reason."""
    found = [s for s in course.submissions.values() if s.status == "failed" or s.flags or s.reason]
    rank = {name: k for k, name in enumerate(course.assignments)}
    return sorted(found, key=lambda s: (s.status != "failed", rank.get(s.assignment, 99),
                                        s.student))


# ---------------------------------------------------------------- charts

def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9})
    return plt


def score_distribution_chart(course: Course) -> str:
    """One histogram of percentage scores per assignment, inline SVG."""
    plt = _pyplot()
    names = course.assignments or ["(none)"]
    cols = min(3, len(names))
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False,
                             sharey=True)
    bins = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001]
    for ax, name in zip(axes.flat, names):
        pct = [100 * s.score / s.max_score for (st, a), s in course.submissions.items()
               if a == name and s.max_score]
        failed = sum(1 for (st, a), s in course.submissions.items()
                     if a == name and s.status == "failed")
        ax.hist(pct, bins=bins, color="#4c72b0", edgecolor="white")
        mean = sum(pct) / len(pct) if pct else 0
        ax.axvline(mean, color="#c44e52", linestyle="--", linewidth=1)
        ax.set_title(f"{name}  (n={len(pct)}, mean {mean:.0f} %"
                     + (f", {failed} failed" if failed else "") + ")", fontsize=9)
        ax.set_xlim(0, 100)
        ax.set_xlabel("score (%)")
    for ax in axes[:, 0]:
        ax.set_ylabel("submissions")
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.tight_layout()
    return _svg(fig)


def pass_rate_chart(rates: list[dict]) -> str:
    """Horizontal bars: the share of submissions passing each exercise, worst on top."""
    plt = _pyplot()
    rows = [r for r in rates if r["graded"]] or [{"assignment": "", "exercise": "(none)",
                                                   "rate": 0.0, "passed": 0, "graded": 0}]
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(rows) + 1.0))
    labels = [f"{r['assignment']} · {r['exercise']}" for r in rows]
    values = [100 * r["rate"] for r in rows]
    colours = ["#c44e52" if v < 50 else "#dd8452" if v < 80 else "#55a868" for v in values]
    ax.barh(range(len(rows)), values, color=colours)
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions passing every test of the exercise (%)")
    for k, r in enumerate(rows):
        ax.text(min(values[k] + 1, 88), k, f"{r['passed']}/{r['graded']}", va="center",
                fontsize=8)
    fig.tight_layout()
    return _svg(fig)


# ---------------------------------------------------------------- HTML

LEGEND = [
    ("✗ failed", "grading could not run the submission (see the reason); it scores 0 and "
                 "waits for manual grading"),
    ("⚑ flagged", "graded, but the submission tampered with locked cells or what the tests "
                  "use; what it changed was put back before the tests ran"),
    ("— not submitted", "the gradebook has the student but no submission"),
    ("pass rate", "submissions whose every test cell of the exercise earned full marks, "
                  "among the graded ones (failed submissions left out)"),
    ("D (discrimination)", "share of the top 27 % (by score on the rest of the assignment) "
                           "passing the cell minus that of the bottom 27 %: near 1 separates "
                           "strong from weak, near 0 does not, below 0 — check the test; — with "
                           "fewer than 10 graded submissions"),
    ("catalogued mistake", "a failure message the mutation catalogue's entry produces in the "
                           "same test cell (autograder/catalogue/signatures.json)"),
]


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["pct"] = lambda x: "—" if x != x else f"{100 * x:.0f} %"
    return env


def feedback_links(course: Course, course_dir: Path, out_dir: Path) -> dict:
    """(student, assignment) -> relative link to the student's feedback page, if written."""
    links = {}
    for (student, name) in course.submissions:
        folder = Path(course_dir) / "feedback" / student / name
        pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
        if pages:
            links[(student, name)] = Path(os.path.relpath(pages[0], out_dir)).as_posix()
    return links


def _score_summary(course: Course) -> list[dict]:
    rows = []
    for name in course.assignments:
        pct = sorted(100 * s.score / s.max_score for s in course.submissions.values()
                     if s.assignment == name and s.max_score)
        row = {"name": name, "n": len(pct), "max": course.max_scores.get(name, 0.0)}
        if pct:
            row.update(mean=sum(pct) / len(pct),
                       median=(pct[len(pct) // 2] + pct[(len(pct) - 1) // 2]) / 2,
                       full=sum(p >= 100 for p in pct), zero=sum(p <= 0 for p in pct))
        rows.append(row)
    return rows


def _score_table(course: Course, links: dict) -> list[dict]:
    rows = []
    for student in course.students:
        cells, got, most = [], 0.0, 0.0
        for name in course.assignments:
            s = course.submissions.get((student, name))
            most += course.max_scores.get(name, 0.0)
            if s is None:
                cells.append(None)
                continue
            got += s.score
            mark = " ✗" if s.status == "failed" else " ⚑" if s.flags else ""
            cells.append({"text": f"{s.score:g}/{s.max_score:g}{mark}",
                          "link": links.get((student, name))})
        rows.append({"student": student, "cells": cells,
                     "total": f"{100 * got / most:.1f} %" if most else "—"})
    return rows


def _stale_signatures(names: list[str]) -> list[str]:
    """The course's assignments whose catalogue signatures are out of date."""
    from . import catalogue, signatures

    known = [n for n in names if n in ASSIGNMENTS and catalogue.load(n)]
    return signatures.stale(known)


def render_html(course: Course, rates: list[dict], title: str, items: list | None = None,
                links: dict | None = None, generated: datetime.datetime | None = None,
                stale_signatures: list[str] = ()) -> str:
    """The report page (``templates/report.html.j2``)."""
    links = links or {}
    subs = list(course.submissions.values())
    found = problems(course)
    by_exercise: dict = {}
    for item in items or []:
        by_exercise.setdefault((item.assignment, item.exercise), []).append(item)
    generated = generated or datetime.datetime.now().astimezone()
    return _environment().get_template("report.html.j2").render(
        title=title, course=course, generated=generated.strftime("%Y-%m-%d %H:%M %Z").strip(),
        n_students=len(course.students), n_subs=len(subs),
        n_failed=sum(s.status == "failed" for s in subs),
        n_flagged=sum(bool(s.flags) for s in subs),
        summary=_score_summary(course), rates=rates,
        worst=next((r for r in rates if r["graded"]), None),
        distribution_svg=score_distribution_chart(course), pass_rate_svg=pass_rate_chart(rates),
        problems=[{"sub": s, "reason": reason_of(s), "flags": summarise_flags(s.flags),
                   "all_flags": s.flags, "link": links.get((s.student, s.assignment))}
                  for s in found],
        items=items or [], by_exercise=by_exercise, stale_signatures=list(stale_signatures),
        table=_score_table(course, links), legend=LEGEND)


def write_report(course_dir: Path, out_dir: Path | None = None,
                 db_url: str | None = None) -> dict:
    """Write ``grades.csv`` and ``report.html`` into ``out_dir`` (default: ``<course>/reports``)."""
    from .items import analyse

    course_dir = Path(course_dir).resolve()
    out_dir = Path(out_dir).resolve() if out_dir else course_dir / REPORTS_DIR
    course = collect(course_dir, db_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    rates = pass_rates(course)
    items = analyse(course, course_dir)
    stale = _stale_signatures(course.assignments)
    csv_path = write_grades_csv(course, out_dir / "grades.csv")
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(course, rates, f"Grade report — {course_dir.name}", items,
                                     feedback_links(course, course_dir, out_dir),
                                     stale_signatures=stale),
                         encoding="utf-8")
    return {"csv": csv_path, "html": html_path, "course": course, "rates": rates,
            "items": items}


def main(course_dir: Path, out_dir: Path | None = None, db_url: str | None = None) -> int:
    if not Path(course_dir).is_dir():
        print(f"no course directory at {course_dir}")
        return 1
    try:
        result = write_report(course_dir, out_dir, db_url)
    except FileNotFoundError as error:
        print(error)
        return 1
    course, rates = result["course"], result["rates"]
    found = problems(course)
    print(f"grades: {result['csv']}")
    print(f"report: {result['html']}")
    worst = [r for r in rates if r["graded"]][:3]
    if worst:
        print("hardest exercises: " + ", ".join(
            f"{r['assignment']}·{r['exercise']} {100 * r['rate']:.0f} %" for r in worst))
    print(f"failed or flagged submissions: {len(found)}")
    return 0
