"""Grade many submissions of one assignment with stock nbgrader, in parallel.

nbgrader's autograde is sequential and its SQLite gradebook takes one writer
(jupyter/nbgrader#174), so the submissions are split into shards, each graded
by its own ``nbgrader autograde`` process in its own scratch course directory
and gradebook; the scores are then read back from every shard. A submission
nbgrader could not grade is simply missing from the result.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from .pipeline import Score, generate_release, make_course, nbgrader, read_scores, submit


def grade_submissions(name: str, submissions: dict, work_dir: Path,
                      workers: int | None = None) -> list[Score]:
    """Autograde ``{student: notebook}`` for assignment ``name``; returns their scores."""
    if not submissions:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(submissions)))
    students = sorted(submissions)
    shards = [students[k::workers] for k in range(workers)]

    def run(k: int) -> list[Score]:
        course = make_course(Path(work_dir) / f"shard-{k}", [name])
        generate_release(course, name)
        for student in shards[k]:
            nb = submissions[student]
            text = nb if isinstance(nb, str) else nbformat.writes(nb)
            submit(course, student, name, text=text)
        # One student's failure must not hide the others' scores: read what was graded.
        nbgrader(course, "autograde", name, "--force", check=False)
        # nbgrader removes the autograded folder of a submission it failed on,
        # but may leave a partial record in the gradebook: trust only the former.
        graded = course / "autograded"
        return [s for s in read_scores(course, name)
                if (graded / s.student / name / f"{name}.ipynb").exists()]

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(run, range(workers)))
    return sorted((s for shard in results for s in shard), key=lambda s: s.student)
