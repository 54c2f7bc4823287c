"""``make demo``: release, simulate a class, grade it, write feedback and a report.

The class is :func:`autograder.simulate.simulate`'s synthetic one (30 students
by default: correct, partly wrong, unfilled and adversarial submissions of
every assignment) in ``scratch/demo/``.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from .config import REPO, assignments
from .pipeline import generate_release, make_course, nbgrader, read_scores


def score_table(scores) -> str:
    """Students down, assignments across, ``score/max`` in each cell."""
    names = sorted({s.assignment for s in scores}, key=assignments().index)
    students = sorted({s.student for s in scores})
    by_key = {(s.student, s.assignment): s for s in scores}
    width = max(len(s) for s in students + ["student"])
    head = f"{'student':<{width}}  " + "  ".join(f"{n:>12}" for n in names) + f"  {'total':>9}"
    lines = [head, "-" * len(head)]
    for student in students:
        row, got, most = [], 0.0, 0.0
        for name in names:
            s = by_key.get((student, name))
            row.append(f"{s.score:g}/{s.max_score:g}" if s else "—")
            if s:
                got, most = got + s.score, most + s.max_score
        lines.append(f"{student:<{width}}  " + "  ".join(f"{c:>12}" for c in row)
                     + f"  {100 * got / most if most else 0:8.1f}%")
    return "\n".join(lines)


def grade_course(course_dir: Path, names: list[str], workers: int | None = None,
                 timeout: float = 300.0, memory_mb: int = 2048) -> str:
    """Grade ``submitted/`` of ``names``; returns how.

    Uses the parallel, fault-tolerant ``autograder.grade.grade`` when it is
    there, stock ``nbgrader autograde`` (sequential, one assignment at a time)
    otherwise.
    """
    try:
        from .grade import grade
    except ImportError:
        grade = None
    if grade is not None:
        grade(Path(course_dir), names, workers, timeout, memory_mb, progress=True)
        return "autograder.grade"
    for name in names:
        # check=False: one broken submission must not stop the others.
        nbgrader(Path(course_dir), "autograde", name, "--force", check=False)
        print(f"   {name} graded")
    return "nbgrader autograde"


def run_demo(course_dir: str | Path = "scratch/demo", students: int = 30, seed: int = 0,
             workers: int | None = None) -> str:
    from .feedback import generate_feedback
    from .report import write_report
    from .simulate import class_mix, simulate

    course_dir = (REPO / course_dir).resolve()
    start = time.time()

    def step(text):
        print(f"{text}  [{time.time() - start:.0f} s]", flush=True)

    step("1. regenerating release/ from source/ ...")
    if course_dir.exists():
        shutil.rmtree(course_dir)
    names = assignments()
    course = make_course(course_dir, names)
    for name in names:
        # What `python -m autograder release` does, in the demo course (whose
        # gradebook needs the assignment anyway), then copied to release/.
        made = generate_release(course, name)
        target = REPO / "release" / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(made, target)
    mix = class_mix(students, seed)
    counts = {kind: list(mix.values()).count(kind) for kind in dict.fromkeys(mix.values())}
    step(f"2. simulating a class of {students} in {_show(course_dir)}/submitted ("
         + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items()) + ") ...")
    simulate(course, students, seed, names, generate=False)
    step(f"3. grading {students * len(names)} submissions ...")
    how = grade_course(course, names, workers)
    step(f"   graded with {how}")
    step("4. writing feedback (hidden tests not shown) ...")
    summary = generate_feedback(course, names)
    written = sum(len(r["written"]) for r in summary.values())
    failed = sum(len(r["failed"]) for r in summary.values())
    step(f"   {written} feedback files in {_show(course / 'feedback')}"
         + (f", {failed} could not be written" if failed else ""))
    step("5. writing grades.csv and report.html ...")
    report = write_report(course)
    table = score_table(read_scores(course))
    print(f"\n{table}\n")
    print(f"gradebook: {course / 'gradebook.db'}")
    print(f"grades:    {report['csv']}")
    print(f"report:    {report['html']}")
    print(f"({time.time() - start:.0f} s)")
    return table


def _show(path: Path) -> str:
    try:
        return str(Path(path).relative_to(REPO))
    except ValueError:
        return str(path)
