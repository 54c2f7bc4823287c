"""``check-tests``: prove the hidden tests catch every catalogued mistake.

Each catalogue entry is judged on a submission made from the released notebook
with the instructor's solution in every solution cell except the entry's
exercise, which gets the entry's code; submissions are graded by ``grade``
(:mod:`autograder.quality.batch`: nbgrader's own autograde, stock scores). A wrong entry must lose points in its own exercise's test cells; a
correct entry must lose none anywhere.

Grading one notebook per entry costs a kernel start and a full notebook run
each, so entries of *independent* exercises share a submission. Independence
is measured, not assumed: a probe submission per exercise replaces that
exercise by code that raises when called, and every other exercise whose tests
then lose points depends on it. Entries share a submission only when none of
their exercises depends on another. Attribution stays exact: an exercise's
test cells can only be moved by the exercises it depends on, and none of those
is changed in that submission. (Two entries whose exercises a third one's tests both
use may share a submission. A loss there could be either's: the matrix marks it as
shared, and it never decides a verdict -- a wrong entry must lose points in its own
exercise. Only there could two mistakes in principle cancel out.) The measured
dependencies are committed (:mod:`autograder.catalogue.dependencies`) with a digest
of what they are made of; while it holds, no probe is graded again. A lost point in
an exercise that nothing in the submission explains, a correct entry charged with any
loss, a wrong entry that loses nothing in its own exercise (so that its failure is told
exactly), or a submission nbgrader could not grade sends those entries back to be graded
one per notebook.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import catalogue
from autograder.catalogue import dependencies
from autograder.quality import failure_signatures
from autograder.config import REPO, assignments
from .batch import grade_batch
from autograder.stock_nbgrader import generate_releases, make_course
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
    # exercises whose loss another entry of the same submission could explain as well
    # (a third exercise whose tests use both): never the entry's own exercise
    shared: frozenset = frozenset()

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
    """Group entries so that no entry in a group can influence another's own tests.

    Two entries clash when they change the same exercise, when one exercise's
    tests depend on the other (``depends[e]``: the exercises whose tests depend
    on exercise e), or when one entry's code names the other's exercise. Two
    entries whose exercises a third exercise's tests both use may share: a loss
    there is charged to both, and :meth:`AssignmentCheck.take_packed` then grades
    them alone (most entries cost that third exercise nothing).
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


class AssignmentCheck:
    """One assignment's catalogue, judged in three rounds of grading (each round of every
    assignment is one batch): probes, packed groups, then entries alone."""

    def __init__(self, name: str, course: Path, course_dir: Path = REPO):
        self.name = name
        source_nb = nbformat.read(Path(course_dir) / "source" / name / f"{name}.ipynb",
                                  as_version=4)
        self.release_nb = nbformat.read(Path(course) / "release" / name / f"{name}.ipynb",
                                        as_version=4)
        self.reference = reference_sources(source_nb)
        self.crash = crashing_sources(source_nb)
        self.exercises = list(self.reference)
        self.entries = catalogue.load(name)
        for entry in self.entries:
            if entry.exercise not in self.reference:
                raise ValueError(f"catalogue entry {entry.student} names no exercise of {name}")
        self.graded = 0
        # measured by the probes below, unless committed for exactly these inputs
        self.known = dependencies.known(name, self.exercises, course_dir)
        self.depends: dict = dict(self.known or {})
        self.groups: list = []
        self.verdicts: dict = {}
        self.retry: list = []

    def _batch(self, subs: dict) -> dict:
        self.graded += len(subs)
        return {(self.name, student): fill(self.release_nb, sources)
                for student, sources in subs.items()}

    def _score(self, graded: dict, student: str):
        return graded.get((self.name, student))

    # 1. The reference, and one probe per exercise to measure which tests depend on what
    # (unless committed: the reference then goes with the packed groups).
    def probes(self) -> dict:
        if self.known is not None:
            return {}
        subs = {REFERENCE: self.reference}
        subs.update({f"probe--{e}": {**self.reference, e: self.crash[e]} for e in self.exercises})
        return self._batch(subs)

    def _take_reference(self, graded: dict) -> None:
        ref = self._score(graded, REFERENCE)
        if ref is None or ref.score != ref.max_score:
            raise AssertionError(f"{self.name}: the reference solution does not earn full "
                                 f"marks: {ref}")

    def take_probes(self, graded: dict) -> None:
        if self.known is not None:
            return
        self._take_reference(graded)
        for e in self.exercises:
            probe = self._score(graded, f"probe--{e}")
            if probe is None:
                raise AssertionError(f"{self.name}: nbgrader could not grade the probe of {e}")
            lost = losses(probe, self.exercises)
            self.depends[e] = {other for other, pts in lost.items() if pts and other != e}

    # 2. Entries of independent exercises share a submission.
    def packed(self) -> dict:
        self.groups = pack(self.entries, self.depends)
        subs = {f"group-{k:03d}": {**self.reference, **{x.exercise: x.source for x in group}}
                for k, group in enumerate(self.groups)}
        if self.known is not None:
            subs[REFERENCE] = self.reference
        return self._batch(subs)

    def take_packed(self, graded: dict) -> None:
        if self.known is not None:
            self._take_reference(graded)
        for k, group in enumerate(self.groups):
            score = self._score(graded, f"group-{k:03d}")
            if score is None:
                self.retry.extend(group)
                continue
            lost = losses(score, self.exercises)
            changed = {x.exercise for x in group}
            explained = changed | {d for e in changed for d in self.depends[e]}
            unexplained = any(pts for e, pts in lost.items() if e not in explained)
            # Only the losses an entry's own exercise can explain are charged to it.
            mine = {x.student: {e: (pts if e == x.exercise or e in self.depends[x.exercise]
                                    else 0.0) for e, pts in lost.items()} for x in group}
            if len(group) > 1 and unexplained:
                self.retry.extend(group)  # an interaction: grade each alone
                continue
            # A loss two entries could both explain (a third exercise's tests using both)
            # is marked as shared: it never decides a verdict, since an entry's own
            # exercise is charged to it alone (no other entry of the group can move those
            # tests). A correct entry charged with any loss is graded alone, as is a wrong
            # one that lost nothing in its own exercise, so that a failure is told exactly.
            charged = [e for x in group for e, pts in mine[x.student].items() if pts]
            shared = {e for e in charged if charged.count(e) > 1}
            for x in group:
                its = mine[x.student]
                if len(group) > 1 and (x.kind == "correct" and any(its.values())
                                       or x.kind == "wrong" and not its[x.exercise]
                                       and any(its[e] for e in shared)):
                    self.retry.append(x)
                else:
                    self.verdicts[x.student] = Verdict(
                        x, its, frozenset(e for e in shared if its[e]))

    # 3. Whatever could not be judged together is graded one entry per notebook.
    def alone(self) -> dict:
        return self._batch({x.student: {**self.reference, x.exercise: x.source}
                            for x in self.retry})

    def take_alone(self, graded: dict) -> None:
        for x in self.retry:
            score = self._score(graded, x.student)
            lost = (losses(score, self.exercises) if score
                    else {e: float("nan") for e in self.exercises})
            self.verdicts[x.student] = Verdict(x, lost)

    def result(self):
        """(exercises, depends, verdicts in catalogue order, notebooks graded, whether the
        dependencies were measured)."""
        return (self.exercises, self.depends, [self.verdicts[x.student] for x in self.entries],
                self.graded, self.known is None)


def check_all(names: list[str], work_dir: Path, workers: int | None = None,
              course_dir: Path = REPO) -> dict:
    """name -> :meth:`AssignmentCheck.result` for every named assignment with a catalogue.

    All assignments' probes are one batch, their packed groups the next, the
    entries graded alone the last: three runs of ``grade`` keep every worker
    busy to the end, instead of one assignment's tail idling the others.
    """
    course = make_course(Path(work_dir) / "course", names, course_dir)
    generate_releases(course, names)
    checks = [AssignmentCheck(name, course, course_dir) for name in names]
    for ask, take in (("probes", "take_probes"), ("packed", "take_packed"),
                      ("alone", "take_alone")):
        batch = {}
        for check in checks:
            batch.update(getattr(check, ask)())
        graded = grade_batch(course, batch, workers)
        for check in checks:
            getattr(check, take)(graded)
    return {check.name: check.result() for check in checks}


def _cell(verdict: Verdict, exercise: str) -> str:
    lost = verdict.lost[exercise]
    if not lost:
        return "."
    return f"-{lost:g}" + ("*" if exercise in verdict.shared else "")


def format_matrix(name: str, exercises: list[str], verdicts: list[Verdict]) -> str:
    """entry × exercise → points lost, with a verdict per row."""
    width = max([len(v.entry.student) for v in verdicts] + [10])
    cols = [max(len(e), 5) for e in exercises]
    head = f"{name:<{width}}  " + "  ".join(f"{e:>{c}}" for e, c in zip(exercises, cols))
    lines = [head, "-" * len(head)]
    for v in verdicts:
        cells = "  ".join(f"{_cell(v, e):>{c}}" for e, c in zip(exercises, cols))
        flag = "ok" if v.ok else f"FAIL: {v.problem}"
        lines.append(f"{v.entry.student:<{width}}  {cells}  {flag}")
    if any(v.shared for v in verdicts):
        lines.append("(* lost in a notebook shared with an entry of another exercise that "
                     "column's tests also use: either could have cost it)")
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

    ``workers``: grading workers (default: one per core).
    """
    course_dir = Path(course_dir).resolve()
    full = not names or set(names) >= set(assignments(course_dir))
    names = names or assignments(course_dir)
    failures = caught = mistakes = correct_ok = correct = 0
    measured: dict = {}
    with tempfile.TemporaryDirectory(prefix="nn-check-tests-") as tmp:
        checked = check_all([n for n in names if catalogue.load(n)], Path(tmp), workers,
                            course_dir)
    results = [(name, checked.get(name)) for name in names]
    for name, result in results:
        if result is None:
            print(f"{name}: no catalogue entries")
            failures += 1
            continue
        exercises, depends, verdicts, graded, probed = result
        if probed:
            measured[name] = depends
        print(format_matrix(name, exercises, verdicts))
        links = ", ".join(f"{d} uses {e}" for e in exercises for d in sorted(depends[e]))
        how = ("measured" if probed
               else f"as measured before ({dependencies.DEPENDENCIES_FILE.name})")
        print(f"({len(verdicts)} entries graded in {graded} notebooks; "
              f"test dependencies {how}: {links or 'none'})\n")
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
        print(f"signatures: {failure_signatures.update(names)}")
        if measured:
            print(f"test dependencies measured: {dependencies.update(measured)} "
                  "(commit it: while it is in step, check-tests grades no probe)")
        if full:
            changed = update_readme(REPO / "README.md", mistakes, correct)
            print(f"README.md: the figure {'is updated' if changed else 'was up to date'}")
    return 1 if failures else 0
