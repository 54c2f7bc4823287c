"""How long a notebook takes a student, so each one fits a sitting.

The estimate counts what a student reads and does outside the optional
sections (a section whose heading says ``Optional`` / ``선택``):

* English prose at 120 words a minute (lines that are mostly Korean are the
  same text again, read instead of, not beside, the English; maths counts
  as one word per formula);
* 6 seconds per line of example code to read and run, 2 seconds per line of
  visible checks;
* per exercise, 4 minutes plus half a minute per line of the reference
  solution (writing, running the checks, fixing);
* 2 minutes per predict-then-run checkpoint.

Each notebook states its time in its first cell as ``예상 소요 시간 … N minutes``
(or ``N분``); ``python -m autograder sitting`` prints both, and the tests hold
the stated time to at least the estimate, at most 100 minutes.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

WORDS_PER_MINUTE = 120
CODE_SECONDS_PER_LINE = 6
TEST_SECONDS_PER_LINE = 2
EXERCISE_MINUTES = 4.0
SOLUTION_MINUTES_PER_LINE = 0.5
CHECKPOINT_MINUTES = 2.0
LIMIT_MINUTES = 100

HANGUL = re.compile(r"[\uac00-\ud7a3]")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:\.\d+)?")
OPTIONAL = re.compile(r"^#{1,3} .*(optional|선택)", re.I)
STATED = re.compile(r"예상 소요 시간[^\n]*?(\d+)\s*(?:minutes|min|분)")


@dataclass
class Estimate:
    assignment: str
    words: int
    code_lines: int
    test_lines: int
    solution_lines: int
    exercises: int
    checkpoints: int
    stated: int | None

    @property
    def minutes(self) -> float:
        return (self.words / WORDS_PER_MINUTE
                + self.code_lines * CODE_SECONDS_PER_LINE / 60
                + self.test_lines * TEST_SECONDS_PER_LINE / 60
                + self.exercises * EXERCISE_MINUTES
                + self.solution_lines * SOLUTION_MINUTES_PER_LINE
                + self.checkpoints * CHECKPOINT_MINUTES)


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _english_words(markdown: str) -> int:
    count = 0
    for line in MATH.sub(" formula ", markdown).splitlines():
        latin = WORD.findall(re.sub(r"<[^>]+>", " ", line))
        if len(HANGUL.findall(line)) > 2 * len(latin):   # the Korean version of a line
            continue
        count += len(latin)
    return count


def _visible_lines(source: str, solution: bool) -> int:
    """Non-blank lines a student sees: hidden tests and (in a solution) the answer left out."""
    count, hidden = 0, False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line or (solution and "BEGIN SOLUTION" in line):
            hidden = True
        elif "END HIDDEN TESTS" in line or (solution and "END SOLUTION" in line):
            hidden = False
        elif not hidden and line.strip():
            count += 1
    return count


def _solution_lines(source: str) -> int:
    inside, count = False, 0
    for line in source.splitlines():
        if "BEGIN SOLUTION" in line:
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif inside and line.strip() and not line.strip().startswith("#"):
            count += 1
    return count


def estimate(notebook: Path) -> Estimate:
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    est = Estimate(Path(notebook).stem, 0, 0, 0, 0, 0, 0, None)
    optional = False
    for index, cell in enumerate(cells):
        text = _text(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if index == 0:
            found = STATED.search(text)
            est.stated = int(found.group(1)) if found else None
        if cell.get("cell_type") == "markdown":
            first = text.lstrip().splitlines()[0] if text.strip() else ""
            if first.startswith(("# ", "## ", "### ")) and first.startswith("##"):
                optional = bool(OPTIONAL.match(first)) or (optional and first.startswith("###"))
            if optional:
                continue
            est.words += _english_words(text)
            if "Predict, then run" in text:
                est.checkpoints += 1
        elif cell.get("cell_type") == "code":
            if meta.get("solution"):
                est.exercises += 1
                est.solution_lines += _solution_lines(text)
            elif optional:
                continue
            elif meta.get("grade"):
                est.test_lines += _visible_lines(text, False)
            else:
                est.code_lines += _visible_lines(text, False)
    return est


def main(course_dir: Path, assignments: list[str] | None = None) -> int:
    from ..config import assignments as course_assignments

    names = assignments or course_assignments(course_dir)
    print(f"{'assignment':<14}{'estimate':>9}{'stated':>8}  words code tests exercises checkpoints")
    worst = 0
    for name in names:
        est = estimate(Path(course_dir) / "source" / name / f"{name}.ipynb")
        stated = "-" if est.stated is None else f"{est.stated}"
        print(f"{name:<14}{est.minutes:>8.0f}m{stated:>7}m  {est.words:>5} {est.code_lines:>4} "
              f"{est.test_lines:>5} {est.exercises:>9} {est.checkpoints:>11}")
        if est.stated is None or est.stated < round(est.minutes) or est.stated > LIMIT_MINUTES:
            worst = 1
    return worst
