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
  spreadsheet would run as formulas are escaped (:mod:`autograder.reporting.csvsafe`).
* ``report.html`` — one self-contained page rendered from
  ``templates/report.html.j2`` (charts are inline SVG): the score
  distribution of every assignment, the pass rate of every exercise, the item
  analysis of every test cell (:mod:`autograder.reporting.items`), one line per failed
  or flagged submission with its reason and a link to the student's feedback,
  the score table, the pairs of similar solutions to look at
  (:mod:`autograder.reporting.similarity`, read from the submissions themselves), a
  legend and the date.
"""
from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

from autograder.config import ASSIGNMENTS, REPORTS_DIR
from .charts import pass_rate_chart, score_distribution_chart
from .gradebook import (Course, Submission, collect, gradebook_problem, reason_of,
                        summarise_flags, write_grades_csv)

TEMPLATES = Path(__file__).resolve().parent / "templates"


def pass_rates(course: Course) -> list[dict]:
    """Per exercise: how many graded submissions pass all its test cells (worst first)."""
    rows = []
    for name in course.assignments:
        graded = [s for (st, a), s in course.submissions.items()
                  if a == name and s.measures_the_tests]
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

LEGEND = [
    ("✗ failed", "grading could not run the submission (see the reason); it scores 0 and "
                 "waits for manual grading"),
    ("⚑ flagged", "graded, but the submission tampered with locked cells or what the tests "
                  "use; what it changed was put back before the tests ran"),
    ("— not submitted", "the gradebook has the student but no submission"),
    ("pass rate", "submissions whose every test cell of the exercise earned full marks, "
                  "among the graded ones (failed and zeroed submissions left out)"),
    ("D (discrimination)", "share of the top 27 % (by score on the rest of the assignment) "
                           "passing the cell minus that of the bottom 27 %: near 1 separates "
                           "strong from weak, near 0 does not, below 0 — check the test; — with "
                           "fewer than 10 graded submissions"),
    ("catalogued mistake", "a failure message the mutation catalogue's entry produces in the "
                           "same test cell (autograder/catalogue/signatures.json)"),
    ("similar solutions", "pairs whose solutions share code that is unusual in the class "
                          "(docs/similarity.md): a reason to look, not a finding; for the "
                          "instructor only"),
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
    from autograder import catalogue
    from autograder.catalogue import signatures

    known = [n for n in names if n in ASSIGNMENTS and catalogue.load(n)]
    return signatures.stale(known)


def render_html(course: Course, rates: list[dict], title: str, items: list | None = None,
                links: dict | None = None, generated: datetime.datetime | None = None,
                stale_signatures: list[str] = (), similarity: dict | None = None) -> str:
    """The report page (``templates/report.html.j2``); ``similarity`` is the view of
    :func:`autograder.reporting.similarity_page.view`, shown as a section of its own."""
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
        table=_score_table(course, links), legend=LEGEND, sim=similarity)


def write_report(course_dir: Path, out_dir: Path | None = None,
                 db_url: str | None = None) -> dict:
    """Write ``grades.csv`` and ``report.html`` into ``out_dir`` (default: ``<course>/reports``)."""
    from .items import analyse
    from .similarity_course import compare_course
    from .similarity_page import view

    course_dir = Path(course_dir).resolve()
    out_dir = Path(out_dir).resolve() if out_dir else course_dir / REPORTS_DIR
    course = collect(course_dir, db_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    rates = pass_rates(course)
    items = analyse(course, course_dir)
    stale = _stale_signatures(course.assignments)
    similar = compare_course(course_dir, course.assignments, students=set(course.students))
    csv_path = write_grades_csv(course, out_dir / "grades.csv")
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(course, rates, f"Grade report — {course_dir.name}", items,
                                     feedback_links(course, course_dir, out_dir),
                                     stale_signatures=stale, similarity=view(similar)),
                         encoding="utf-8")
    return {"csv": csv_path, "html": html_path, "course": course, "rates": rates,
            "items": items, "similarity": similar}


def main(course_dir: Path, out_dir: Path | None = None, db_url: str | None = None) -> int:
    problem = gradebook_problem(course_dir, db_url)
    if problem:
        print(f"python -m autograder report: {problem}", file=sys.stderr)
        return 2
    result = write_report(course_dir, out_dir, db_url)
    course, rates = result["course"], result["rates"]
    found = problems(course)
    print(f"grades: {result['csv']}")
    print(f"report: {result['html']}")
    worst = [r for r in rates if r["graded"]][:3]
    if worst:
        print("hardest exercises: " + ", ".join(
            f"{r['assignment']}·{r['exercise']} {100 * r['rate']:.0f} %" for r in worst))
    print(f"failed or flagged submissions: {len(found)}")
    listed = sum(len(r.flagged) for r in result["similarity"])
    print(f"pairs of similar solutions to look at: {listed} (report.html, 'Similar solutions')")
    return 0
