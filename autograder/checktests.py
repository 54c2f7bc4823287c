"""``check-tests``: prove the hidden tests catch every catalogued mistake.

Each catalogue entry is judged on a submission made from the released notebook
with the instructor's solution in every solution cell except the entry's
exercise, which gets the entry's code; submissions go through the real nbgrader
pipeline. A wrong entry must lose points in its own exercise's test cells; a
correct entry must lose none anywhere.

Grading one notebook per entry costs a kernel start and a full notebook run
each, so entries of *independent* exercises share a submission. Independence
is measured, not assumed: a probe submission per exercise replaces that
exercise by code that raises when called, and every other exercise whose tests
then lose points depends on it. Entries share a submission only when none of
their exercises depends on another. Attribution stays exact: an exercise's
test cells can only be moved by the exercises it depends on, and none of those
is changed in that submission. A lost point in an exercise that nothing in the
submission explains, or a submission nbgrader could not grade, sends its
entries back to be graded one per notebook.
"""
from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import catalogue, signatures
from .config import REPO, assignments
from .release import build_release
from .sharded import grade_submissions
from .submissions import crashing_sources, fill, reference_sources

REFERENCE = "reference"


def owner(cell: str, exercises: list[str]) -> str | None:
    """The exercise a test cell belongs to: grade_id test_<name> or test_<name>_…"""
    matches = [e for e in exercises if cell == f"test_{e}" or cell.startswith(f"test_{e}_")]
    return max(matches, key=len) if matches else None


def losses(score, exercises: list[str]) -> dict:
    """exercise -> points lost in its test cells, for one graded submission."""
    lost = {e: 0.0 for e in exercises}
    for cell, (got, most) in score.cells.items():
        exercise = owner(cell, exercises)
        if exercise is not None:
            lost[exercise] += most - got
    return lost


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


def calls(entry: catalogue.Entry, exercises: list[str]) -> set:
    """The other exercises an entry's own code names (and so may call)."""
    return {e for e in exercises
            if e != entry.exercise and re.search(rf"\b{re.escape(e)}\b", entry.source)}


def pack(entries: list[catalogue.Entry], depends: dict) -> list[list[catalogue.Entry]]:
    """Group entries so that no entry in a group can influence another's tests.

    Two entries clash when they change the same exercise, when one exercise's
    tests depend on the other (``depends[e]``: the exercises whose tests depend
    on exercise e), or when one entry's code names the other's exercise.
    """
    exercises = list(depends)

    def clash(a: catalogue.Entry, b: catalogue.Entry) -> bool:
        x, y = a.exercise, b.exercise
        return (x == y or y in depends[x] or x in depends[y]
                or y in calls(a, exercises) or x in calls(b, exercises))

    groups: list[list[catalogue.Entry]] = []
    for entry in entries:
        for group in groups:
            if not any(clash(entry, other) for other in group):
                group.append(entry)
                break
        else:
            groups.append([entry])
    return groups


def check_assignment(name: str, work_dir: Path, workers: int = 1, course_dir: Path = REPO):
    """Grade the reference and every catalogue entry of ``name`` (from ``course_dir/source``).

    Returns (exercises, depends, verdicts, notebooks graded).
    """
    source_nb = nbformat.read(Path(course_dir) / "source" / name / f"{name}.ipynb", as_version=4)
    release_nb = nbformat.read(build_release([name], work_dir / "release", course_dir)[0]
                               / f"{name}.ipynb", as_version=4)
    reference = reference_sources(source_nb)
    exercises = list(reference)
    entries = catalogue.load(name)
    for entry in entries:
        if entry.exercise not in reference:
            raise ValueError(f"catalogue entry {entry.student} names no exercise of {name}")
    graded = 0

    def grade(batch: dict, label: str) -> dict:
        nonlocal graded
        graded += len(batch)
        return {s.student: s for s in grade_submissions(name, batch, work_dir / label, workers)}

    # 1. The reference, and one probe per exercise to measure which tests depend on what.
    crash = crashing_sources(source_nb)
    probes = {REFERENCE: fill(release_nb, reference)}
    probes.update({f"probe--{e}": fill(release_nb, {**reference, e: crash[e]}) for e in exercises})
    probed = grade(probes, "probes")
    ref = probed.get(REFERENCE)
    if ref is None or ref.score != ref.max_score:
        raise AssertionError(f"{name}: the reference solution does not earn full marks: {ref}")
    depends = {}
    for e in exercises:
        if f"probe--{e}" not in probed:
            raise AssertionError(f"{name}: nbgrader could not grade the probe of {e}")
        lost = losses(probed[f"probe--{e}"], exercises)
        depends[e] = {other for other, pts in lost.items() if pts and other != e}

    # 2. Entries of independent exercises share a submission.
    groups = pack(entries, depends)
    batch = {f"group-{k:03d}": fill(release_nb, {**reference,
                                                 **{x.exercise: x.source for x in group}})
             for k, group in enumerate(groups)}
    results = grade(batch, "groups")
    verdicts, retry = {}, []
    for k, group in enumerate(groups):
        score = results.get(f"group-{k:03d}")
        if score is None:
            retry.extend(group)
            continue
        lost = losses(score, exercises)
        changed = {x.exercise for x in group}
        explained = changed | {d for e in changed for d in depends[e]}
        unexplained = any(pts for e, pts in lost.items() if e not in explained)
        correct_lost = any(x.kind == "correct" for x in group) and any(lost.values())
        if len(group) > 1 and (unexplained or correct_lost):
            retry.extend(group)  # an interaction, or a loss to pin down: grade alone
            continue
        for x in group:
            mine = {e: (pts if e == x.exercise or e in depends[x.exercise] else 0.0)
                    for e, pts in lost.items()}
            verdicts[x.student] = Verdict(x, mine)

    # 3. Whatever could not be judged together is graded one entry per notebook.
    if retry:
        alone = grade({x.student: fill(release_nb, {**reference, x.exercise: x.source})
                       for x in retry}, "alone")
        for x in retry:
            score = alone.get(x.student)
            lost = losses(score, exercises) if score else {e: float("nan") for e in exercises}
            verdicts[x.student] = Verdict(x, lost)
    return exercises, depends, [verdicts[x.student] for x in entries], graded


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


FIGURE_START = "<!-- check-tests figure, rewritten by a full run of check-tests -->"
FIGURE_END = "<!-- end of check-tests figure -->"
FIGURE = re.compile(re.escape(FIGURE_START) + "(.*?)" + re.escape(FIGURE_END), re.S)


def figure_text(mistakes: int, correct: int) -> str:
    return (f"**hidden tests catch {mistakes} of {mistakes} catalogued mistakes; "
            f"{correct} correct alternatives earn full marks.**")


def update_readme(path: Path, mistakes: int, correct: int) -> bool:
    """Write the catalogue's figure between the README's markers; True if it changed."""
    text = path.read_text(encoding="utf-8")
    if not FIGURE.search(text):
        raise ValueError(f"{path} has no {FIGURE_START} ... {FIGURE_END} markers")
    new = FIGURE.sub(lambda m: FIGURE_START + figure_text(mistakes, correct) + FIGURE_END, text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def run(names: list[str] | None = None, workers: int | None = None,
        course_dir: Path = REPO) -> int:
    """Check every named assignment (default: all) of ``course_dir``; print
    matrices; 0 if all pass. A full, passing run on the repository rewrites the
    README's figure.

    Assignments are checked concurrently, one nbgrader process each, up to
    ``workers`` (default: the number of cores) at a time.
    """
    course_dir = Path(course_dir).resolve()
    full = not names or set(names) >= set(assignments(course_dir))
    names = names or assignments(course_dir)
    workers = workers or os.cpu_count() or 1
    failures = caught = mistakes = correct_ok = correct = 0
    with tempfile.TemporaryDirectory(prefix="nn-check-tests-") as tmp:
        def check(name):
            if not catalogue.load(name):
                return name, None
            return name, check_assignment(name, Path(tmp) / name, course_dir=course_dir)

        # Largest catalogues first, so no long one starts last.
        order = sorted(names, key=lambda n: -len(catalogue.load(n)))
        with ThreadPoolExecutor(workers) as pool:
            done = dict(pool.map(check, order))
        results = [(name, done[name]) for name in names]
    for name, result in results:
        if result is None:
            print(f"{name}: no catalogue entries")
            failures += 1
            continue
        exercises, depends, verdicts, graded = result
        print(format_matrix(name, exercises, verdicts))
        links = ", ".join(f"{d} uses {e}" for e in exercises for d in sorted(depends[e]))
        print(f"({len(verdicts)} entries graded in {graded} notebooks; "
              f"test dependencies: {links or 'none'})\n")
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
    if not failures and course_dir == REPO.resolve():
        # the report's item analysis names mistakes by these signatures
        print(f"signatures: {signatures.update(names)}")
        if full:
            changed = update_readme(REPO / "README.md", mistakes, correct)
            print(f"README.md: the figure {'is updated' if changed else 'was up to date'}")
    return 1 if failures else 0
