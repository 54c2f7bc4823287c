"""``report``: ``grades.csv`` and a readable HTML report of a graded course.

Scores come from the gradebook (nbgrader's ``Gradebook`` API, at the
``CourseDirectory.db_url`` of the course's ``nbgrader_config.py``, or any
``db_url`` given); failed and flagged submissions from
``<course_dir>/reports/grade-results.json``, which ``grade`` writes (no
file: none are reported).

* ``grades.csv`` — nbgrader's export columns (``nbgrader export``: one row per
  student and assignment, 0 where nothing was submitted) plus ``status``
  (graded, failed, not submitted), ``flags`` and ``reason``.
* ``report.html`` — one self-contained page (charts are inline SVG): the score
  distribution of every assignment, the pass rate of every exercise (a
  submission passes an exercise when every test cell ``test_<exercise>…``
  earns full marks), the failed and flagged submissions with their reasons,
  and the score table.
"""
from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .config import ASSIGNMENTS, REPORTS_DIR
from .grade import RESULTS_FILE

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
    for entry in results:
        key = (entry["student"], entry["assignment"])
        sub = submissions.get(key)
        if sub is None:        # failed before the gradebook heard of it
            sub = submissions[key] = Submission(
                entry["student"], entry["assignment"], float(entry.get("score") or 0.0),
                float(entry.get("max_score") or max_scores.get(entry["assignment"], 0.0)),
                {k: tuple(v) for k, v in (entry.get("cells") or {}).items()})
            if entry["assignment"] not in names:
                names = _order(names + [entry["assignment"]])
            if entry["student"] not in students:
                students = sorted(students + [entry["student"]])
        sub.status = entry.get("status") or "graded"
        sub.flags = list(entry.get("flags") or [])
        sub.reason = entry.get("reason") or ""
    return Course(names, students, max_scores, duedates, exercises, people, submissions,
                  results)


# ---------------------------------------------------------------- grades.csv

def write_grades_csv(course: Course, path: Path) -> Path:
    """One row per student and assignment, nbgrader's export columns first."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, CSV_KEYS, lineterminator="\n")
        writer.writeheader()
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
                               flags="; ".join(sub.flags), reason=sub.reason)
                writer.writerow(row)
    return path


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

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fbeaea; } tr.flagged td { background: #fff6e0; }
.low { color: #b00; font-weight: bold; } .muted { color: #777; }
figure { margin: 0.5em 0; } svg { max-width: 100%; height: auto; }
"""


def _e(value) -> str:
    return html.escape(str(value))


def render_html(course: Course, rates: list[dict], title: str) -> str:
    subs = list(course.submissions.values())
    failed = [s for s in subs if s.status == "failed"]
    flagged = [s for s in subs if s.flags]
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{_e(title)}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>{_e(title)}</h1>",
             f"<p>{len(course.students)} students, {len(course.assignments)} assignments, "
             f"{len(subs)} submissions: {len(subs) - len(failed)} graded, "
             f"<b>{len(failed)} failed</b>, <b>{len(flagged)} flagged</b>."
             + ("" if course.results else " <span class='muted'>(no grade-results.json: "
                "failures and flags unknown)</span>") + "</p>"]

    parts.append("<h2>Scores per assignment</h2>")
    parts.append("<table><tr><th>assignment</th><th>submissions</th><th>mean</th>"
                 "<th>median</th><th>full marks</th><th>zero</th><th>max score</th></tr>")
    for name in course.assignments:
        pct = sorted(100 * s.score / s.max_score for s in subs
                     if s.assignment == name and s.max_score)
        if pct:
            median = (pct[len(pct) // 2] + pct[(len(pct) - 1) // 2]) / 2
            parts.append(f"<tr><td>{_e(name)}</td><td class=num>{len(pct)}</td>"
                         f"<td class=num>{sum(pct) / len(pct):.1f} %</td>"
                         f"<td class=num>{median:.1f} %</td>"
                         f"<td class=num>{sum(p >= 100 for p in pct)}</td>"
                         f"<td class=num>{sum(p <= 0 for p in pct)}</td>"
                         f"<td class=num>{course.max_scores.get(name, 0):g}</td></tr>")
        else:
            parts.append(f"<tr><td>{_e(name)}</td><td class=num>0</td><td colspan=5 "
                         f"class=muted>no submissions</td></tr>")
    parts.append("</table>")
    parts.append("<figure id='score-distribution'>" + score_distribution_chart(course)
                 + "<figcaption class=muted>Distribution of scores (% of the maximum); the "
                 "dashed line is the mean. Failed submissions count as 0.</figcaption></figure>")

    parts.append("<h2>Exercises students get wrong</h2>")
    worst = [r for r in rates if r["graded"]]
    if worst:
        w = worst[0]
        parts.append(f"<p>Hardest exercise: <b>{_e(w['assignment'])} · {_e(w['exercise'])}</b>, "
                     f"passed by {w['passed']} of {w['graded']} graded submissions "
                     f"({100 * w['rate']:.0f} %).</p>")
    parts.append("<figure id='pass-rates'>" + pass_rate_chart(rates)
                 + "<figcaption class=muted>A submission passes an exercise when every test "
                 "cell of the exercise earns full marks. Failed submissions are left out."
                 "</figcaption></figure>")
    parts.append("<table><tr><th>assignment</th><th>exercise</th><th>pass rate</th>"
                 "<th>test cells (passed / graded)</th></tr>")
    for r in rates:
        rate = f"{100 * r['rate']:.0f} %" if r["graded"] else "—"
        cls = " class='num low'" if r["graded"] and r["rate"] < 0.5 else " class=num"
        tests = ", ".join(f"{_e(t)} {n}/{r['graded']}" for t, n in r["per_test"].items())
        parts.append(f"<tr><td>{_e(r['assignment'])}</td><td>{_e(r['exercise'])}</td>"
                     f"<td{cls}>{rate}</td><td>{tests}</td></tr>")
    parts.append("</table>")

    parts.append("<h2 id='problems'>Failed and flagged submissions</h2>")
    found = problems(course)
    if not found:
        parts.append("<p>None" + ("" if course.results else
                     " (no grade-results.json: run <code>python -m autograder grade</code>)")
                     + ".</p>")
    else:
        parts.append("<table id='flagged'><tr><th>student</th><th>assignment</th><th>status</th>"
                     "<th>score</th><th>reason</th><th>flags</th></tr>")
        for s in found:
            cls = "failed" if s.status == "failed" else "flagged"
            flags = "<br>".join(_e(f) for f in s.flags)
            parts.append(f"<tr class={cls}><td>{_e(s.student)}</td><td>{_e(s.assignment)}</td>"
                         f"<td>{_e(s.status)}</td><td class=num>{s.score:g}/{s.max_score:g}</td>"
                         f"<td>{_e(s.reason)}</td><td>{flags}</td></tr>")
        parts.append("</table>")

    parts.append("<h2>Score table</h2><table><tr><th>student</th>"
                 + "".join(f"<th>{_e(n)}</th>" for n in course.assignments)
                 + "<th>total</th></tr>")
    for student in course.students:
        cells, got, most = [], 0.0, 0.0
        for name in course.assignments:
            s = course.submissions.get((student, name))
            most += course.max_scores.get(name, 0.0)
            if s is None:
                cells.append("<td class='num muted'>—</td>")
                continue
            got += s.score
            mark = " ✗" if s.status == "failed" else " ⚑" if s.flags else ""
            cells.append(f"<td class=num>{s.score:g}/{s.max_score:g}{mark}</td>")
        total = f"{100 * got / most:.1f} %" if most else "—"
        parts.append(f"<tr><td>{_e(student)}</td>{''.join(cells)}<td class=num>{total}</td></tr>")
    parts.append("</table><p class=muted>✗ failed, ⚑ flagged, — not submitted.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(course_dir: Path, out_dir: Path | None = None,
                 db_url: str | None = None) -> dict:
    """Write ``grades.csv`` and ``report.html`` into ``out_dir`` (default: ``<course>/reports``)."""
    course_dir = Path(course_dir).resolve()
    out_dir = Path(out_dir).resolve() if out_dir else course_dir / REPORTS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    course = collect(course_dir, db_url)
    rates = pass_rates(course)
    csv_path = write_grades_csv(course, out_dir / "grades.csv")
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(course, rates, f"Grade report — {course_dir.name}"),
                         encoding="utf-8")
    return {"csv": csv_path, "html": html_path, "course": course, "rates": rates}


def main(course_dir: Path, out_dir: Path | None = None, db_url: str | None = None) -> int:
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
