"""Grade many submissions of one assignment with stock nbgrader, in parallel.

nbgrader's autograde is sequential and its SQLite gradebook takes one writer
(jupyter/nbgrader#174), so the submissions are split into shards, each graded
by its own ``nbgrader autograde`` process in its own scratch course directory
and gradebook; the scores are then read back from every shard.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from .pipeline import Score, autograde, generate_release, make_course, read_scores, submit


def grade_submissions(name: str, submissions: dict, work_dir: Path,
                      workers: int | None = None) -> list[Score]:
    """Autograde ``{student: notebook}`` for assignment ``name``; returns their scores."""
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
        autograde(course, name)
        return read_scores(course, name)

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(run, range(workers)))
    return sorted((s for shard in results for s in shard), key=lambda s: s.student)
