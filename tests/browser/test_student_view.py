"""The student's view in a real browser: every released notebook, end to end.

nbval proves the code runs; this proves what a student sees. One JupyterLab
server (the course's pinned environment, nbgrader's and ipywidgets' lab
extensions, a loopback port, a random token) serves a temporary copy of
``release/``; one headless Chromium (Debian's, through Playwright) visits every
released notebook in turn and, like a student:

1. opens it and runs every cell, then checks that the narrative and its LaTeX
   maths render, every figure appears, every widget renders as a live
   control, and the only errors are the ``NotImplementedError``s of the
   exercises not written yet;
2. opens a hint (clicks the summary of a collapsed ``<details>`` block, the
   hints below the first exercise first), sees its body appear, closes it
   again and sees the body hidden -- every notebook has hints
   (``tests/test_teaching.py`` holds them all to it);
3. types the instructor's solution of the first exercise into its cell, runs
   it and its visible checks with Shift+Enter, and sees them pass;
4. uses a widget (moves a slider, picks an option, presses a button) and sees
   what it shows change -- running the widget's cell again first if it waits
   for the exercise just written;
5. opens a completed copy of the first notebook, presses nbgrader's Validate
   button and sees it pass (the button is the same in every notebook; the
   solutions of all of them are autograded to full marks by
   tests/test_assignments.py).

Screenshots of each notebook land in ``artifacts/screenshots/`` (git-ignored).
Without Chromium the tests skip and say why; CI (``.ci/run``) installs it and
sets ``COURSE_REQUIRE_BROWSER=1``, under which a missing browser fails instead.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest

from autograder.quality.submissions import reference_sources
from browser.notebooks import NOTEBOOKS, SCREENSHOTS, SOURCE


def _name(notebook: str) -> str:
    return Path(notebook).stem


class Stopwatch:
    """Seconds per step, for the test's log."""

    def __init__(self):
        self.laps, self._last = [], time.monotonic()

    def lap(self, step: str) -> None:
        now = time.monotonic()
        self.laps.append((step, now - self._last))
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.laps)


# -- what the page must show -----------------------------------------------------

_FENCED = re.compile(r"```.*?```", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$")
# TeX a student must never see as text: it means MathJax did not typeset it.
_RAW_TEX = re.compile(r"\$\$|\\begin\{|\\frac|\\mathbf|\\sum_|\\qquad")


def math_in(markdown: str) -> int:
    """How many formulas a markdown source holds (code spans aside)."""
    text = _INLINE_CODE.sub("", _FENCED.sub("", markdown))
    display = len(_DISPLAY_MATH.findall(text))
    return display + len(_INLINE_MATH.findall(_DISPLAY_MATH.sub("", text)))


def problems_after_run_all(cells: list[dict]) -> list[str]:
    """Everything wrong with what a student sees after running every cell."""
    problems = []
    markdown = [c for c in cells if c["type"] == "markdown"]
    code = [c for c in cells if c["type"] == "code"]
    if not markdown or not markdown[0]["headings"]:
        problems.append("the notebook does not open with a rendered heading")
    for cell in cells:
        where = f"cell {cell['index']} ({cell['type']}: {cell['source'].strip()[:50]!r})"
        if not cell["inDom"]:
            problems.append(f"{where} is not in the page (lazy rendering still on?)")
        if cell["type"] == "markdown":
            if not cell["rendered"] or not cell["text"].strip():
                problems.append(f"{where} is not rendered as text")
            expected = math_in(cell["source"])
            if cell["math"] < expected:
                problems.append(f"{where}: {cell['math']} of {expected} formulas typeset")
            if cell["mathErrors"]:
                problems.append(f"{where}: MathJax shows {cell['mathErrors']} error(s)")
            raw = _RAW_TEX.search(cell["text"])
            if raw:
                problems.append(f"{where} shows raw TeX {raw.group(0)!r} to the student")
            continue
        if cell["type"] != "code" or not cell["source"].strip():
            continue
        if cell["executionCount"] is None:
            problems.append(f"{where} did not run")
        outputs = cell["outputs"]
        if cell["renderedOutputs"] != len(outputs):
            problems.append(f"{where}: {len(outputs)} outputs, {cell['renderedOutputs']} on screen")
        for output in outputs:
            if output["output_type"] == "error" and output.get("ename") != "NotImplementedError":
                problems.append(f"{where} raised {output.get('ename')}: {output.get('evalue')}")
            if output["output_type"] == "stream" and output.get("name") == "stderr":
                problems.append(f"{where} writes to stderr: {''.join(output['text'])[:300]!r}")
        for text in cell["stderr"]:
            if "NotImplementedError" not in text:
                problems.append(f"{where} shows an error: {text[-300:]!r}")
        errors = [o for o in outputs if o["output_type"] == "error"]
        if errors and (cell["nbgrader"] or {}).get("solution"):
            problems.append(f"{where}: the exercise cell itself fails")
        # figures: every image the kernel sent is on screen, decoded, not empty
        pngs = sum("image/png" in o.get("data", {}) for o in outputs)
        shown = [i for i in cell["images"] if not i["inWidget"]]
        if sum(1 for i in shown if i["loaded"] and i["width"] > 0 and i["height"] > 0) < pngs:
            problems.append(f"{where}: {pngs} figure(s) sent, {len(shown)} shown")
        if "plt.show()" in cell["source"] and not outputs:
            # (a cell that waits for an unfinished exercise may print why instead)
            problems.append(f"{where} calls plt.show() but shows nothing")
        for image in cell["images"]:
            if image["inWidget"] and not (image["loaded"] and image["width"] > 0):
                problems.append(f"{where}: a figure inside a widget did not load")
        if re.search(r"<Figure size \d+x\d+ with \d+ Axes>", cell["outputText"]):
            problems.append(f"{where} prints a figure as text instead of drawing it")
        # widgets: every widget is a live control, not "Loading..." or an error
        for widget in cell["widgets"]:
            if not widget["present"] or not widget["rendered"] or widget["loading"]:
                problems.append(f"{where}: widget not rendered ({widget['text'][:80]!r})")
            elif widget["failed"]:
                problems.append(f"{where}: {widget['text'][:200]!r}")
            elif not widget["controls"]:
                problems.append(f"{where}: widget has no control to use")
    images = sum(len(c["images"]) for c in code)
    widgets = sum(len(c["widgets"]) for c in code)
    if not images:
        problems.append("the notebook shows no figure at all")
    if not widgets:
        problems.append("the notebook shows no widget at all")
    return problems


def first_exercise(cells: list[dict]) -> tuple[dict, list[dict]]:
    """The first solution cell and the grade cells that test it."""
    for k, cell in enumerate(cells):
        meta = cell["nbgrader"] or {}
        if meta.get("solution") and not meta.get("grade"):
            name = meta["grade_id"]
            tests = []
            for later in cells[k + 1:]:
                later_meta = later["nbgrader"] or {}
                if later_meta.get("solution") and not later_meta.get("grade"):
                    break
                if later_meta.get("grade") and later_meta.get("grade_id", "").startswith(
                        f"test_{name}"):
                    tests.append(later)
            return cell, tests
    raise AssertionError("the notebook has no exercise (nbgrader solution cell)")


def hint_cells(cells: list[dict]) -> list[dict]:
    """Markdown cells holding a ``<details>`` block: the hint cells right below
    an exercise first, then any other (a checkpoint's explanation), in order."""
    below_exercise = {cell["index"] + 1 for cell in cells if cell["type"] == "code"
                      and (cell["nbgrader"] or {}).get("solution")}
    found = [c for c in cells if c["type"] == "markdown" and "<details" in c["source"]]
    return sorted(found, key=lambda c: (c["index"] not in below_exercise, c["index"]))


def hint_problems(before: dict | None, opened: dict | None, closed: dict | None) -> list[str]:
    """What is wrong with a hint that was clicked open and then closed again."""
    if before is None:
        return ["its <details> block is in the markdown source but not on the page "
                "(dropped by the sanitizer, or the cell is not rendered)"]
    problems = []
    if not before["summary"]:
        problems.append("it has no <summary> line to click")
    if not before["bodyNodes"]:
        problems.append("it has nothing inside besides its summary")
    if before["open"] or before["bodyShown"]:
        problems.append("its body is already shown before the student opens it")
    if not (opened and opened["open"] and opened["bodyShown"]):
        problems.append("clicking its summary does not show its body")
    elif opened["height"] <= before["height"]:
        problems.append("clicking its summary opens it, but it takes no more room on the page")
    if not closed or closed["open"] or closed["bodyShown"]:
        problems.append("clicking its summary again does not hide its body")
    return problems


# -- the tests -----------------------------------------------------------------

def test_release_has_notebooks():
    assert NOTEBOOKS, "release/ holds no notebook: run `make release`"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_name)
def test_student_works_through_notebook(visit, notebook):
    name = _name(notebook)
    for old in [*SCREENSHOTS.glob(f"{name}.*"), *SCREENSHOTS.glob(f"{name}-p[0-9]*.*"),
                *SCREENSHOTS.glob(f"{name}-widget.*"), *SCREENSHOTS.glob(f"{name}-exercise.*"),
                *SCREENSHOTS.glob(f"{name}-hint.*")]:
        old.unlink(missing_ok=True)
    clock = Stopwatch()
    visit.open(notebook)
    clock.lap("open")

    # 1. Run everything; judge what is on screen.
    visit.run_everything()
    clock.lap("run all")
    cells = visit.snapshot()
    problems = problems_after_run_all(cells)
    assert not problems, f"{notebook} after running every cell:\n  " + "\n  ".join(problems)
    errors = sum(o["output_type"] == "error" for c in cells if c["type"] == "code"
                 for o in c["outputs"])
    figures = sum(len(c["images"]) for c in cells if c["type"] == "code")
    formulas = sum(c.get("math", 0) for c in cells)
    print(f"{name}: {len(cells)} cells, {formulas} formulas, {figures} figures, "
          f"{errors} NotImplementedError(s)")

    # 2. Open a hint, read it, close it again.
    hints = hint_cells(cells)
    assert hints, f"{notebook}: no hint (a <details> block in a markdown cell) to open"
    hint = hints[0]["index"]
    before = visit.details_state(hint)
    visit.click_summary(hint)
    opened = visit.details_state(hint)
    if opened and opened["open"]:
        visit.scroll_to_cell(hint)
        visit.screenshot(SCREENSHOTS / f"{name}-hint.png")
    visit.click_summary(hint)
    closed = visit.details_state(hint)
    problems = hint_problems(before, opened, closed)
    assert not problems, (f"{notebook}: the hint in cell {hint} "
                          f"({hints[0]['source'].strip()[:60]!r}):\n  " + "\n  ".join(problems))
    print(f"{name}: hint in cell {hint} {before['summary']!r} opens to "
          f"{opened['bodyText'][:60]!r} and closes again")
    clock.lap("hint")

    # 3. Write the first exercise; run it and its visible checks; they pass.
    solution_cell, tests = first_exercise(cells)
    exercise = solution_cell["nbgrader"]["grade_id"]
    assert tests, f"{notebook}: exercise {exercise} has no test cell after it"
    source = SOURCE / notebook
    assert source.exists(), f"{notebook}: no source notebook {source} to take the solution from"
    answer = reference_sources(nbformat.read(source, as_version=4))[exercise]
    typed = visit.write_in_cell(solution_cell["index"], answer)
    assert typed.strip() == answer.strip(), (
        f"{notebook}: the editor holds something else than what was typed:\n{typed}")
    clock.lap("type")
    visit.shift_enter(solution_cell["index"])
    for test in tests:
        visit.select_cell(test["index"])
        visit.shift_enter(test["index"])
    now = visit.snapshot()
    for test in tests:
        cell = now[test["index"]]
        failures = [o for o in cell["outputs"] if o["output_type"] == "error"] + cell["stderr"]
        assert not failures, (f"{notebook}: {test['nbgrader']['grade_id']} fails with the "
                              f"instructor's {exercise}: {failures[0]}")
        if "print(" in test["source"]:
            assert cell["outputText"].strip(), (
                f"{notebook}: {test['nbgrader']['grade_id']} printed nothing")
    print(f"{name}: {exercise} typed in; " + ", ".join(
        f"{t['nbgrader']['grade_id']}: {now[t['index']]['outputText'].strip()[:60]!r}"
        for t in tests))
    visit.scroll_to_cell(solution_cell["index"])
    visit.screenshot(SCREENSHOTS / f"{name}-exercise.png")
    clock.lap("exercise")

    # 4. Use a widget; what it shows must change. A widget that needs the
    # student's code says so until it is written, and comes alive when its cell
    # runs again, as it tells the student; so if the first widget does not
    # respond, run its cell again (the first exercise is written now) and retry,
    # then go on to the next widget.
    candidates = [(c["index"], w["output"]) for c in cells if c["type"] == "code"
                  for w in c["widgets"] if w["kinds"]]
    interaction, tried = None, []
    for widget_cell, output in candidates:
        interaction = visit.interact(widget_cell, output)
        if interaction is None:
            visit.select_cell(widget_cell)
            visit.shift_enter(widget_cell)
            interaction = visit.interact(widget_cell, output)
        if interaction:
            break
        tried.append(widget_cell)
    assert interaction, (f"{notebook}: no control of the widgets in cells {tried} changes "
                         "what they show, even after the first exercise is written")
    print(f"{name}: widget in cell {widget_cell}: {interaction.control} "
          f"{interaction.description!r} changed its output")
    after = visit.snapshot()[widget_cell]
    bad = [t for t in after["stderr"] if "NotImplementedError" not in t]
    assert not bad, f"{notebook}: the widget in cell {widget_cell} shows an error: {bad[0][-300:]}"
    visit.scroll_to_cell(widget_cell)
    visit.screenshot(SCREENSHOTS / f"{name}-widget.png")
    clock.lap("widget")

    # The whole notebook as the student now sees it.
    pictures = visit.screenshot_notebook(SCREENSHOTS / f"{name}.jpg")
    clock.lap(f"{len(pictures)} screenshot(s)")
    print(f"{name}: {clock}")


# The Validate button's path through the lab is the same for every notebook, so one
# notebook proves it; that every completed notebook passes its tests, hidden ones too, is
# proven by nbgrader autograding each source notebook to full marks
# (tests/test_assignments.py::test_grading_end_to_end) and by nbval on source/.
VALIDATED = NOTEBOOKS[:1]


@pytest.mark.parametrize("notebook", VALIDATED, ids=_name)
def test_validate_passes_on_completed_notebook(visit, notebook):
    name = _name(notebook)
    for old in SCREENSHOTS.glob(f"{name}-validate.*"):
        old.unlink(missing_ok=True)
    completed = Path("completed") / notebook
    assert (visit.server.root / completed).exists(), (
        f"no completed copy of {notebook}: source/{notebook} is missing")
    clock = Stopwatch()
    # Press Validate once the notebook's own kernel is up, as a student would: a
    # kernel still starting next to the one Validate starts on the server can
    # make that one die ("Kernel died before replying to kernel_info").
    visit.open(completed.as_posix())
    clock.lap("open")
    result = visit.press_validate()
    clock.lap("validate")
    visit.screenshot(SCREENSHOTS / f"{name}-validate.png")
    assert result["success"] and not result["failed"], (
        f"{notebook}, completed with the instructor's solutions: Validate says\n{result['text']}")
    verdict = next((line for line in result["text"].splitlines() if "Success" in line), "")
    print(f"{name}: Validate says {verdict!r} ({clock})")
