"""Item analysis: which test cells a class fails, with which messages, and why.

For every exercise of every assignment, per test cell (``test_<exercise>…``):

* the **pass rate**: graded submissions whose cell earned full marks (failed
  submissions, and those whose scores grading set to zero for forged verdicts, are
  left out: their cell scores say nothing of their code);
* the **most common failure messages** with their counts, read from the error
  outputs of the autograded notebooks (``autograded/<student>/<assignment>/``).
  Messages are grouped after :func:`normalise` (floats and long numbers become
  ``…``), so "sum to 1.73" and "sum to 2.01" are one mistake;
* the **catalogued mistake** a message matches, if any: the mutation
  catalogue's failure signatures (:mod:`autograder.catalogue.signatures`, committed in
  ``autograder/catalogue/signatures.json``) say which message each wrong entry
  produces in which test cell;
* a **discrimination index** D: the share of the upper group passing the cell
  minus the share of the lower group, the groups being the top and bottom
  27 % of graded submissions ranked by their score on the *rest* of the
  assignment (the cell's own points left out, so a cell cannot discriminate by
  counting itself; no index below ten graded submissions). D near 1: strong
  submissions pass, weak ones fail; near 0: the cell does not separate them;
  negative: strong submissions fail it more often — worth a look at the test.

Everything is read from files already on disk; nothing is executed.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Floats (1.5, -2e-3, 1., .5, nan, inf) and integers of four digits or more vary
# from student to student; small integers (shapes, axes, indices) name the case.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+"
                    r"|\d{4,}|nan|inf)(?![\w.])", re.I)
RUN = re.compile(r"…(?:[\s,;]*…)+")
MAX_MESSAGE = 300
UPPER_SHARE = 0.27      # Kelley's 27 %: the usual size of the upper and lower groups
MIN_FOR_INDEX = 10      # fewer graded submissions: groups too small for an index


def normalise(message: str) -> str:
    """A failure message with the numbers that vary between students replaced by ``…``."""
    text = ANSI.sub("", message)
    text = " ".join(text.split())
    text = NUMBER.sub("…", text)
    text = RUN.sub("…", text)
    return text[:MAX_MESSAGE]


def failure_message(outputs) -> str | None:
    """``Type: message`` of a cell's error output, or None when it has none."""
    for output in outputs or []:
        if output.get("output_type") == "error":
            return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    return None


def failures_of_notebook(path: Path) -> dict:
    """grade_id -> failure message, for the test cells of one autograded notebook."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a notebook we cannot read has no messages
        return {}
    found = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            message = failure_message(cell.get("outputs"))
            if message is not None:
                found[meta.get("grade_id", "")] = message
    return found


def load_signatures(path: Path | None = None) -> dict:
    """assignment -> grade_id -> {message: [mistakes]}, from the committed signatures."""
    from autograder.catalogue import signatures

    data = signatures.load(path or signatures.SIGNATURES_FILE)
    return {name: entry["cells"] for name, entry in data.items()}


@dataclass
class Failure:
    message: str                 # normalised
    count: int
    example: str                 # one message as a student saw it
    mistakes: list = field(default_factory=list)   # catalogued mistakes it matches


@dataclass
class TestItem:
    assignment: str
    exercise: str
    grade_id: str
    max_score: float
    graded: int
    passed: int
    discrimination: float | None
    failures: list                # Failure, most common first

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else float("nan")


def discrimination(passes: list[bool], rest: list[float]) -> float | None:
    """Upper-minus-lower share of passes, groups by ``rest`` (see the module docstring)."""
    n = len(passes)
    if n < MIN_FOR_INDEX:
        return None
    size = max(1, round(UPPER_SHARE * n))
    order = sorted(range(n), key=lambda k: rest[k])
    lower, upper = order[:size], order[-size:]
    return (sum(passes[k] for k in upper) - sum(passes[k] for k in lower)) / size


def analyse(course, course_dir: Path, signatures: dict | None = None) -> list[TestItem]:
    """One :class:`TestItem` per test cell of every assignment, in course order.

    ``course`` is :func:`autograder.reporting.gradebook.collect`'s view of the gradebook.
    """
    course_dir = Path(course_dir)
    signatures = load_signatures() if signatures is None else signatures
    items = []
    for name in course.assignments:
        graded = [s for s in course.submissions.values()
                  if s.assignment == name and s.measures_the_tests]
        messages = {}
        for sub in graded:
            folder = course_dir / "autograded" / sub.student / name
            found = {}
            for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
                found.update(failures_of_notebook(path))
            messages[sub.student] = found
        known = signatures.get(name, {})
        for exercise, tests in course.exercises.get(name, {}).items():
            for grade_id in tests:
                passes, rest, counts, examples = [], [], Counter(), {}
                most = 0.0
                for sub in graded:
                    got, top = sub.cells.get(grade_id, (0.0, 0.0))
                    most = max(most, top)
                    passed = got >= top
                    passes.append(passed)
                    rest.append(sub.score - got)
                    if not passed:
                        raw = messages[sub.student].get(grade_id)
                        key = normalise(raw) if raw else "(no error message: partial or manual score)"
                        counts[key] += 1
                        examples.setdefault(key, raw or "")
                failures = [Failure(m, c, examples[m], list(known.get(grade_id, {}).get(m, [])))
                            for m, c in counts.most_common()]
                items.append(TestItem(name, exercise, grade_id, most, len(graded), sum(passes),
                                      discrimination(passes, rest), failures))
    return items
