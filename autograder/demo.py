"""``make demo``: release, simulate a class, autograde it with nbgrader, print scores."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat

from .config import REPO, assignments
from .pipeline import autograde, generate_release, make_course, read_scores, submit
from .release import release
from .simulate import small_class


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


def run_demo(course_dir: str | Path = "scratch/demo") -> str:
    course_dir = (REPO / course_dir).resolve()
    start = time.time()
    print("1. regenerating release/ from source/ ...")
    release()
    if course_dir.exists():
        shutil.rmtree(course_dir)
    names = assignments()
    course = make_course(course_dir, names)
    print(f"2. simulating a class of four in {course_dir.relative_to(REPO)}/submitted ...")
    for name in names:
        release_nb = nbformat.read(generate_release(course, name) / f"{name}.ipynb", as_version=4)
        source_nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        for student, nb in small_class(name, source_nb, release_nb).items():
            submit(course, student, name, text=nbformat.writes(nb))
    print("3. autograding with nbgrader into gradebook.db ...")
    for name in names:
        autograde(course, name)
        print(f"   {name} graded")
    table = score_table(read_scores(course))
    print(f"\n{table}\n\ngradebook: {course / 'gradebook.db'}  ({time.time() - start:.0f} s)")
    return table
