"""Every notebook teaches: hints, predict-then-run checkpoints, Korean summaries.

The conventions these tests hold every source notebook to (and so every
released one, which nbgrader generates from it):

* A *section* starts at a markdown cell whose first line is ``## <number>. <title>``
  and runs to the next ``## `` heading.
* Every section has a **checkpoint**: a markdown cell holding the line
  ``**🔮 Predict, then run (예측하고 실행하기)**`` and the question, then a code
  cell whose run shows the answer, then a markdown cell with the explanation
  collapsed in a ``<details>`` block.
* Every section closes with a Korean summary: its last markdown cell starts with
  ``**핵심 정리**`` and has at least two lines of Korean.
* Every exercise's instructions (the markdown cell right above its solution
  cell) are given in Korean too.
* Right below every solution cell, a markdown cell holds two or three
  progressive hints, each ``<details><summary>💡 Hint k (힌트 k)</summary>…</details>``,
  in Korean and English, and none of them holds a line of the solution.
* The visible checks point a failure to the hint or section that explains it
  (``with see("Hint 2 of …"):`` from ``course.checks``).
* Where the course departs from the study note, a ``노트 정오표`` box says so.
"""
from __future__ import annotations

import json
import re

import pytest

from autograder.config import REPO, assignments

ASSIGNMENTS = assignments()

CHECKPOINT = "**🔮 Predict, then run (예측하고 실행하기)**"
SUMMARY = "**핵심 정리**"
HINT = re.compile(r"<details>\s*<summary>💡 Hint (\d) \(힌트 \1\)</summary>(.*?)</details>", re.S)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _cells(assignment: str) -> list[dict]:
    path = REPO / "source" / assignment / f"{assignment}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        cell["text"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return cells


def _grade(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _sections(cells: list[dict]) -> list[tuple[str, list[dict]]]:
    sections, current = [], None
    for cell in cells:
        first = cell["text"].lstrip().splitlines()[0] if cell["text"].strip() else ""
        if cell["cell_type"] == "markdown" and first.startswith("## "):
            current = None
            if re.match(r"## \d+\. ", first):
                current = (first, [])
                sections.append(current)
            continue
        if current is not None:
            current[1].append(cell)
    return sections


def _solution_lines(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if "BEGIN SOLUTION" in line:
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif inside and len(line.strip()) > 12 and not line.strip().startswith("#"):
            lines.append(line.strip())
    return lines


def _korean_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if len(HANGUL.findall(line)) >= 5)


@pytest.fixture(params=ASSIGNMENTS)
def notebook(request):
    return request.param, _cells(request.param)


def test_every_section_has_a_checkpoint(notebook):
    name, cells = notebook
    sections = _sections(cells)
    assert sections, f"{name}: no numbered section (## 1. …)"
    for title, body in sections:
        found = False
        for i, cell in enumerate(body[:-2]):
            if (cell["cell_type"] == "markdown" and CHECKPOINT in cell["text"]
                    and body[i + 1]["cell_type"] == "code" and not _grade(body[i + 1])
                    and body[i + 2]["cell_type"] == "markdown"
                    and "<details>" in body[i + 2]["text"]):
                found = True
        assert found, (f"{name}, {title!r}: no checkpoint (a '{CHECKPOINT}' cell, "
                       "a code cell that shows the answer, a <details> explanation)")


def test_every_section_closes_with_a_korean_summary(notebook):
    name, cells = notebook
    for title, body in _sections(cells):
        markdown = [c for c in body if c["cell_type"] == "markdown"]
        assert markdown and markdown[-1]["text"].lstrip().startswith(SUMMARY), (
            f"{name}, {title!r}: its last markdown cell is not a {SUMMARY} summary")
        assert _korean_lines(markdown[-1]["text"]) >= 2, (
            f"{name}, {title!r}: the {SUMMARY} needs two or three lines in Korean")


def test_every_exercise_has_korean_instructions_and_progressive_hints(notebook):
    name, cells = notebook
    exercises = [i for i, c in enumerate(cells) if _grade(c).get("solution")
                 and c["cell_type"] == "code"]
    assert exercises, f"{name}: no exercise"
    for i in exercises:
        exercise = _grade(cells[i]).get("grade_id")
        before, after = cells[i - 1], cells[i + 1]
        assert before["cell_type"] == "markdown" and len(HANGUL.findall(before["text"])) >= 20, (
            f"{name}, {exercise}: the instructions above the solution cell need a Korean version")
        assert after["cell_type"] == "markdown", f"{name}, {exercise}: no hint cell below it"
        hints = HINT.findall(after["text"])
        levels = [int(level) for level, _ in hints]
        assert levels in ([1, 2], [1, 2, 3]), (
            f"{name}, {exercise}: hints numbered {levels}, expected 1, 2 (and 3)")
        assert after["text"].count("<details>") == after["text"].count("</details>")
        for level, body in hints:
            assert HANGUL.search(body) and re.search(r"[A-Za-z]{4,}", body), (
                f"{name}, {exercise}: hint {level} needs both Korean and English")
        for line in _solution_lines(cells[i]["text"]):
            assert line not in after["text"], (
                f"{name}, {exercise}: a hint gives away the solution line {line!r}")


def test_visible_checks_point_to_their_explanation(notebook):
    name, cells = notebook
    for i, cell in enumerate(cells):
        if not (_grade(cell).get("solution") and cell["cell_type"] == "code"):
            continue
        exercise = _grade(cell)["grade_id"]
        tests = [c["text"].split("### BEGIN HIDDEN TESTS")[0] for c in cells
                 if _grade(c).get("grade") and _grade(c).get("grade_id", "").startswith(
                     f"test_{exercise}")]
        assert any("see(" in text for text in tests), (
            f"{name}, {exercise}: no visible check points to a hint or section (see(...))")


def test_details_blocks_are_closed(notebook):
    name, cells = notebook
    for cell in cells:
        if cell["cell_type"] == "markdown":
            assert cell["text"].count("<details>") == cell["text"].count("</details>"), (
                f"{name}: unbalanced <details> in {cell['text'][:80]!r}")


def test_errata_against_the_study_note():
    boxes = "\n".join(c["text"] for a in ASSIGNMENTS for c in _cells(a)
                      if c["cell_type"] == "markdown" and "노트 정오표" in c["text"])
    for erratum in (("size()",), ("정수",), ("상수",), ("SGE",), ("np.rando",), ("h_1", "h₁"),
                    ("column vector", "열벡터")):
        assert any(text in boxes for text in erratum), f"no 노트 정오표 box mentions {erratum[0]!r}"


# Every notebook states its time in its first cell; these hold it to that time, to points on
# the maths, to Korean at parity and to the one glossary.
ENGLISH_LINE = re.compile(r"(?:[A-Za-z][A-Za-z'’-]*\W+){5}")
GLOSSARY_ROW = re.compile(r"^\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*$")


def _bilingual(text: str) -> bool:
    return _korean_lines(text) >= 1 and any(ENGLISH_LINE.search(line) and not HANGUL.search(line)
                                           for line in text.splitlines())


def test_each_notebook_fits_a_sitting(notebook):
    from autograder.quality import sitting

    name, _ = notebook
    est = sitting.estimate(REPO / "source" / name / f"{name}.ipynb")
    assert est.stated is not None and round(est.minutes) <= est.stated <= sitting.LIMIT_MINUTES, (
        f"{name}: states {est.stated} minutes, estimated {est.minutes:.0f} "
        f"(python -m autograder sitting); at most {sitting.LIMIT_MINUTES}")


def test_most_points_go_to_the_maths(notebook):
    from autograder.quality import points

    name, _ = notebook
    shares = points.shares(REPO / "source" / name / f"{name}.ipynb")
    assert shares.maths_share >= points.MIN_MATHS_SHARE, (
        f"{name}: {shares.maths_share:.0%} of the points on the maths "
        f"(python -m autograder points)")


def test_checkpoints_answers_and_summaries_are_bilingual(notebook):
    name, cells = notebook
    for i, cell in enumerate(cells):
        text = cell["text"]
        if cell["cell_type"] != "markdown":
            continue
        if CHECKPOINT in text:
            question = text.replace(CHECKPOINT, "")
            assert _bilingual(question), f"{name}: checkpoint {text[:80]!r} needs Korean and English"
            answer = next((c for c in cells[i + 1:] if c["cell_type"] == "markdown"), None)
            assert answer is not None and "<details>" in answer["text"]
            assert _bilingual(answer["text"]), (
                f"{name}: the answer to checkpoint {text[:60]!r} needs Korean and English")
        if text.lstrip().startswith(SUMMARY):
            assert _bilingual(text.replace(SUMMARY, "")), (
                f"{name}: summary {text[:60]!r} needs Korean and English")


def test_one_korean_term_per_concept(notebook):
    from course import glossary

    name, cells = notebook
    markdown = "\n".join(c["text"] for c in cells if c["cell_type"] == "markdown")
    for variant, preferred in glossary.VARIANTS.items():
        assert variant not in markdown, f"{name}: uses {variant!r}; the course says {preferred!r}"
    table = next((c["text"] for c in cells if c["cell_type"] == "markdown"
                  and c["text"].lstrip().startswith("## Glossary (용어집)")), None)
    assert table is not None, f"{name}: no '## Glossary (용어집)' table"
    rows = [GLOSSARY_ROW.match(line) for line in table.splitlines()[1:]]
    rows = [m.groups() for m in rows if m and not m.group(1).startswith(("English", "---"))]
    assert rows, f"{name}: an empty glossary"
    for english, korean in rows:
        assert glossary.KOREAN.get(english) == korean, (
            f"{name}: glossary row {english} | {korean} is not course.glossary's "
            f"({glossary.KOREAN.get(english, 'no such term')})")
