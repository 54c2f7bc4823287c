"""``check-tests``: prove the hidden tests catch every catalogued mistake.

Each catalogue entry becomes a submission: the released notebook with every
solution cell filled by the instructor's solution except the entry's exercise,
which gets the entry's code. All of them go through the real nbgrader
pipeline. A wrong entry must lose points in its own exercise's test cells; a
correct entry must lose none anywhere.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import catalogue
from .config import REPO, assignments
from .release import build_release
from .sharded import grade_submissions
from .submissions import fill, reference_sources

REFERENCE = "reference"


def owner(cell: str, exercises: list[str]) -> str | None:
    """The exercise a test cell belongs to: grade_id test_<name> or test_<name>_…"""
    matches = [e for e in exercises if cell == f"test_{e}" or cell.startswith(f"test_{e}_")]
    return max(matches, key=len) if matches else None


@dataclass
class Verdict:
    entry: catalogue.Entry
    lost: dict  # exercise -> points lost

    @property
    def ok(self) -> bool:
        if self.entry.kind == "correct":
            return not any(self.lost.values())
        return self.lost.get(self.entry.exercise, 0) > 0

    @property
    def problem(self) -> str:
        if self.ok:
            return ""
        if self.entry.kind == "correct":
            return "a correct alternative loses points"
        if any(self.lost.values()):
            return "loses points only outside its own exercise"
        return "keeps full marks"


def check_assignment(name: str, work_dir: Path, workers: int | None = None):
    """Grade the reference and every catalogue entry of ``name``; return verdicts."""
    source_nb = nbformat.read(REPO / "source" / name / f"{name}.ipynb", as_version=4)
    release_nb = nbformat.read(build_release([name], work_dir / "release")[0] / f"{name}.ipynb",
                               as_version=4)
    reference = reference_sources(source_nb)
    exercises = list(reference)
    entries = catalogue.load(name)
    submissions = {REFERENCE: fill(release_nb, reference)}
    for entry in entries:
        if entry.exercise not in reference:
            raise ValueError(f"catalogue entry {entry.student} names no exercise of {name}")
        submissions[entry.student] = fill(release_nb, {**reference, entry.exercise: entry.source})
    scores = {s.student: s for s in grade_submissions(name, submissions, work_dir / "grade", workers)}

    ref = scores[REFERENCE]
    if ref.score != ref.max_score:
        raise AssertionError(f"{name}: the reference solution scores {ref.score}/{ref.max_score}")
    verdicts = []
    for entry in entries:
        lost: dict = {e: 0.0 for e in exercises}
        for cell, (got, most) in scores[entry.student].cells.items():
            exercise = owner(cell, exercises)
            if exercise is not None:
                lost[exercise] += most - got
        verdicts.append(Verdict(entry, lost))
    return exercises, verdicts


def format_matrix(name: str, exercises: list[str], verdicts: list[Verdict]) -> str:
    """entry × exercise → points lost, with a verdict per row."""
    width = max([len(v.entry.student) for v in verdicts] + [10])
    cols = [max(len(e), 5) for e in exercises]
    head = f"{name:<{width}}  " + "  ".join(f"{e:>{c}}" for e, c in zip(exercises, cols))
    lines = [head, "-" * len(head)]
    for v in verdicts:
        cells = "  ".join(f"{(f'-{v.lost[e]:g}' if v.lost[e] else '.'):>{c}}"
                          for e, c in zip(exercises, cols))
        flag = "ok" if v.ok else f"FAIL: {v.problem}"
        lines.append(f"{v.entry.student:<{width}}  {cells}  {flag}")
    return "\n".join(lines)


def run(names: list[str] | None = None, workers: int | None = None) -> int:
    """Check every named assignment (default: all); print matrices; 0 if all pass."""
    names = names or assignments()
    failures = caught = mistakes = correct_ok = correct = 0
    with tempfile.TemporaryDirectory(prefix="nn-check-tests-") as tmp:
        for name in names:
            if not catalogue.load(name):
                print(f"{name}: no catalogue entries")
                failures += 1
                continue
            exercises, verdicts = check_assignment(name, Path(tmp) / name, workers)
            print(format_matrix(name, exercises, verdicts), end="\n\n")
            for exercise in exercises:
                kinds = [v.entry.kind for v in verdicts if v.entry.exercise == exercise]
                if kinds.count("wrong") < 3 or kinds.count("correct") < 2:
                    print(f"{name}/{exercise}: needs at least 3 wrong and 2 correct entries")
                    failures += 1
            for v in verdicts:
                if v.entry.kind == "wrong":
                    mistakes += 1
                    caught += v.ok
                else:
                    correct += 1
                    correct_ok += v.ok
                failures += not v.ok
    print(f"hidden tests catch {caught} of {mistakes} catalogued mistakes; "
          f"{correct_ok} of {correct} correct alternatives earn full marks")
    print(f"check-tests: {caught + correct_ok} passed, {failures} failed")
    return 1 if failures else 0
