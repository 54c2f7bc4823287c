"""Grade a batch of generated submissions (check-tests' probes and catalogue entries).

The batch goes through :func:`autograder.grading.grade.grade` -- nbgrader's own
``Autograde`` converter in parallel workers, each kernel forked from a warm
template into its sandbox -- whose scores equal stock ``nbgrader autograde``'s
(``make bench`` and ``tests/test_grade.py`` compare them cell by cell). One
course directory serves every batch of a run: each batch names its students.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.grading import sandbox
from autograder.stock_nbgrader import submit


def grade_batch(course: Path, submissions: dict, workers: int | None = None) -> dict:
    """Autograde ``{(assignment, student): notebook}`` in ``course``; returns
    ``{(assignment, student): Outcome}`` of those graded (a submission nbgrader
    could not grade is missing)."""
    from autograder.grading.grade import grade

    if not submissions:
        return {}
    for (assignment, student), nb in submissions.items():
        submit(course, student, assignment, text=nb if isinstance(nb, str) else nbformat.writes(nb))
    # The catalogue is our own code: without a sandbox here it is graded as trusted.
    result = grade(course, sorted({a for a, _ in submissions}), workers, progress=False,
                   students=sorted({s for _, s in submissions}),
                   sandbox=sandbox.status()["ok"])
    return {o.key: o for o in result.graded if o.key in submissions}
