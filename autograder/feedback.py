"""Per-student HTML feedback that does not give the hidden tests away.

Stock ``nbgrader generate_feedback`` renders the *autograded* notebook, whose
grade cells hold the instructor's full test source, hidden tests included
(jupyter/nbgrader#917), and whose failure tracebacks quote the hidden lines
around the failing call. A student who reads that feedback can read the
hidden inputs and tune the code to them before the next submission.

So by default feedback runs nbgrader's own feedback converter (same HTML
template, same ``feedback/<student>/<assignment>/`` layout, scores from the
gradebook) with one extra preprocessor, :class:`HideHiddenTests`, between
nbgrader's ``GetGrades`` and the HTML exporter. For every grade cell it:

* replaces each hidden-test region of the source by a one-line note
  (the visible checks stay as they are);
* keeps every output of the cell — what it printed and, above all, the
  failure: exception type and message (``CheckFailed: dot(x, y) with x of
  shape (3, 1) should raise ValueError, but returned float 9.0``);
* trims the traceback: frames of the test cell lose the hidden lines they
  quote (a frame whose failing line is hidden keeps only its header, marked
  as a hidden test), and any quoted line of other frames that repeats a
  hidden line is dropped too. Frames of the student's own code stay.

Which lines are hidden comes from the gradebook's copy of the source grade
cell (saved by ``generate_assignment`` with its ``### BEGIN/END HIDDEN TESTS``
markers), matched line by line against the executed cell, so it also works
where the autograded cell lost its markers. If a cell cannot be matched
to its source, its whole test source is withheld.

``--show-hidden-tests`` (``show_hidden_tests=True``) gives stock nbgrader
feedback instead: full test source, full tracebacks — for courses whose
hidden tests are not secret, or after the deadline.
"""
from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .config import assignments as course_assignments
from .pipeline import nbgrader_env, nbgrader_failed

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"
NOTE = "# ··· hidden tests: {n} line{s} not shown; their result is in the output below ···"
WITHHELD = "# ··· the code of this test cell is not shown; its result is in the output below ···"

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The header of a traceback frame in a notebook cell (IPython >= 8, and older forms).
CELL_FRAME = re.compile(r"(?:Cell In ?\[|Input In \[|<ipython-input-)(\d+)")
# A quoted source line of a frame: "      5 code" or "----> 9 code".
QUOTED_LINE = re.compile(r"^\s*(?:-*>\s*)?(\d+)(?:\s|$)")



def _plain(text: str) -> str:
    return ANSI.sub("", text)


def _is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution")


def hidden_lines_of_source(source: str) -> tuple[list[str], list[bool]]:
    """The source's lines without the markers, and which of them are hidden."""
    lines, hidden, inside = [], [], False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        else:
            lines.append(line)
            hidden.append(inside)
    return lines, hidden


def hidden_mask(executed: str, source: str | None) -> list[bool] | None:
    """For each line of the executed cell, whether it is hidden (markers count as hidden).

    ``source`` is the instructor's grade cell with its markers. Returns None when
    the executed cell cannot be matched to it.
    """
    lines = executed.split("\n")
    if any(BEGIN in line for line in lines):          # markers still there: use them
        mask, inside = [], False
        for line in lines:
            if BEGIN in line:
                inside = True
                mask.append(True)
            elif END in line:
                mask.append(True)
                inside = False
            else:
                mask.append(inside)
        return mask
    if source is None:
        return None
    src_lines, src_hidden = hidden_lines_of_source(source)
    if not any(src_hidden):
        return [False] * len(lines)
    if [l.rstrip() for l in src_lines] == [l.rstrip() for l in lines]:
        return list(src_hidden)
    # The cell differs from its source (edited source, other nbgrader version):
    # a line is visible only where it matches a visible line of the source.
    mask = [True] * len(lines)
    matcher = difflib.SequenceMatcher(None, [l.rstrip() for l in src_lines],
                                      [l.rstrip() for l in lines], autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            if not src_hidden[a + k]:
                mask[b + k] = False
    hidden_text = {l.strip() for l, h in zip(src_lines, src_hidden) if h and l.strip()}
    return [m or (line.strip() in hidden_text) for m, line in zip(mask, lines)]


def redact_source(executed: str, mask: list[bool]) -> str:
    """The executed cell with each run of hidden lines replaced by a note."""
    out, run = [], 0
    lines = executed.split("\n")
    for k, (line, hidden) in enumerate(zip(lines, mask)):
        if hidden:
            run += 1
            continue
        if run:
            out.append(_note(lines, mask, k - run, k))
            run = 0
        out.append(line)
    if run:
        out.append(_note(lines, mask, len(lines) - run, len(lines)))
    return "\n".join(out).rstrip("\n")


def _note(lines, mask, start, stop) -> str:
    body = [l for l in lines[start:stop] if BEGIN not in l and END not in l and l.strip()]
    indent = re.match(r"[ \t]*", lines[start]).group(0)
    return indent + NOTE.format(n=len(body), s="" if len(body) == 1 else "s")


def redact_traceback(traceback: list[str], execution_count, hidden_numbers: set[int],
                     hidden_text: set[str]) -> list[str]:
    """The traceback without quoted hidden lines.

    ``hidden_numbers`` are the (1-based) hidden line numbers of the cell that ran
    as ``In[execution_count]``; ``hidden_text`` the stripped hidden lines, dropped
    wherever else they are quoted. The exception type and message are kept.
    """
    result = []
    for frame in traceback:
        lines = frame.split("\n")
        head = CELL_FRAME.search(_plain(lines[0]))
        this_cell = bool(head and execution_count is not None
                         and int(head.group(1)) == execution_count)
        kept, failing_hidden = [lines[0]], False
        for line in lines[1:]:
            plain = _plain(line)
            quoted = QUOTED_LINE.match(plain)
            if quoted:
                number = int(quoted.group(1))
                code = plain[quoted.end():].strip()
                hidden = ((this_cell and number in hidden_numbers)
                          or (code and code in hidden_text)
                          or BEGIN in plain or END in plain)
                if hidden:
                    failing_hidden |= plain.lstrip().startswith("-")
                    continue
            kept.append(line)
        if failing_hidden:
            # "Cell In[12], line 9": the line number points into hidden code.
            where = f"Cell In[{head.group(1)}]" if head else "A frame"
            kept = [f"\x1b[36m{where}\x1b[39m, in the hidden tests (code not shown)"]
        text = "\n".join(kept)
        if frame.endswith("\n") and not text.endswith("\n"):
            text += "\n"
        result.append(text)
    return result


class HideHiddenTests(Preprocessor):
    """nbgrader feedback preprocessor: hide hidden-test source, keep the results."""

    # nbconvert runs a preprocessor only if it is enabled (nbgrader's are by default).
    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        sources = {}
        if info.get("db_url"):
            from nbgrader.api import Gradebook, MissingEntry

            with Gradebook(info["db_url"]) as gb:
                for cell in nb.cells:
                    if _is_test_cell(cell):
                        grade_id = cell.metadata["nbgrader"]["grade_id"]
                        try:
                            sources[grade_id] = gb.find_source_cell(
                                grade_id, info["notebook"], info["assignment"]).source
                        except MissingEntry:
                            pass
        for cell in nb.cells:
            if _is_test_cell(cell):
                hide_hidden_tests(cell, sources.get(cell.metadata["nbgrader"]["grade_id"]))
        return nb, resources


def hide_hidden_tests(cell, source: str | None) -> None:
    """Redact one autograded grade cell in place (see the module docstring)."""
    executed = cell.source
    mask = hidden_mask(executed, source)
    lines = executed.split("\n")
    if mask is None or len(mask) != len(lines):
        # Unknown provenance: withhold the whole test source.
        mask = [True] * len(lines)
        cell.source = WITHHELD
    elif any(mask):
        cell.source = redact_source(executed, mask)
    else:
        return
    numbers = {k + 1 for k, hidden in enumerate(mask) if hidden}
    hidden_text = {l.strip() for l, hidden in zip(lines, mask)
                   if hidden and len(l.strip()) >= 8
                   and BEGIN not in l and END not in l}
    if source:
        src_lines, src_hidden = hidden_lines_of_source(source)
        hidden_text |= {l.strip() for l, h in zip(src_lines, src_hidden)
                        if h and len(l.strip()) >= 8}
    visible = {l.strip() for l, hidden in zip(lines, mask) if not hidden}
    hidden_text -= visible
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            output["traceback"] = redact_traceback(output.get("traceback", []),
                                                   cell.get("execution_count"),
                                                   numbers, hidden_text)


def graded_students(course_dir: Path, name: str) -> list[str]:
    """Students with an autograded notebook of assignment ``name``."""
    root = Path(course_dir) / "autograded"
    return sorted(p.parent.name for p in root.glob(f"*/{name}") if p.is_dir())


def run_nbgrader_feedback(course_dir: Path, name: str, student: str | None = None,
                          show_hidden_tests: bool = False) -> subprocess.CompletedProcess:
    """``nbgrader generate_feedback NAME --force`` in a subprocess, with our preprocessor.

    nbgrader's command line cannot set a list of preprocessor classes, so the
    subprocess (``python -m autograder.feedback``, below) starts nbgrader's own
    GenerateFeedbackApp and adds :class:`HideHiddenTests` to its config.
    """
    args = [name, "--force"] + ([f"--student={student}"] if student else [])
    command = [sys.executable, "-m", "autograder.feedback"]
    command += ["--show-hidden-tests"] if show_hidden_tests else []
    return subprocess.run(command + args, cwd=course_dir, env=nbgrader_env(),
                          capture_output=True, text=True)


def generate_feedback(course_dir: Path, names: list[str] | None = None,
                      show_hidden_tests: bool = False,
                      student: str | None = None, workers: int | None = None) -> dict:
    """Write ``feedback/<student>/<assignment>/<notebook>.html`` for every autograded submission.

    Returns ``{assignment: {"written": [paths], "failed": {student: log}}}``.
    A submission nbgrader cannot render (for example, one missing from the
    gradebook) is retried alone and reported, without stopping the others.
    """
    course_dir = Path(course_dir).resolve()
    names = names or [n for n in course_assignments(course_dir)
                      if graded_students(course_dir, n)]

    def one_assignment(name):
        students = [student] if student else graded_students(course_dir, name)
        failed = {}
        if students:
            proc = run_nbgrader_feedback(course_dir, name, student, show_hidden_tests)
            if nbgrader_failed(proc):
                for one in students:       # isolate the submissions that fail
                    one_proc = run_nbgrader_feedback(course_dir, name, one, show_hidden_tests)
                    if nbgrader_failed(one_proc):
                        failed[one] = one_proc.stderr[-2000:]
        written = sorted(p for p in (course_dir / "feedback").glob(f"*/{name}/*.html")
                         if p.parts[-3] in students and p.parts[-3] not in failed)
        return {"written": written, "failed": failed}

    # One nbgrader process per assignment, as many at a time as there are cores
    # (they only read the gradebook and write separate folders).
    workers = max(1, min(len(names), workers or os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(names, pool.map(one_assignment, names)))


def main(course_dir: Path, names: list[str] | None, show_hidden_tests: bool,
         student: str | None = None) -> int:
    summary = generate_feedback(course_dir, names, show_hidden_tests, student)
    status = 0
    policy = "with hidden tests" if show_hidden_tests else "hidden tests not shown"
    for name, result in summary.items():
        print(f"{name}: feedback for {len(result['written'])} submission(s) "
              f"in {Path(course_dir).resolve() / 'feedback'} ({policy})")
        for one, log in result["failed"].items():
            status = 1
            print(f"  {one}: nbgrader could not write feedback:\n    "
                  + "\n    ".join(log.strip().splitlines()[-5:]))
    return status


def _nbgrader_app(argv: list[str]) -> int:
    """Run nbgrader's GenerateFeedbackApp (in this process) with HideHiddenTests."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.apps.generatefeedbackapp import GenerateFeedbackApp
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config

    show = "--show-hidden-tests" in argv
    argv = [a for a in argv if a != "--show-hidden-tests"]
    app = GenerateFeedbackApp()
    app.initialize(argv)
    if not show:
        c = Config()
        c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests,
                                            CSSHTMLHeaderPreprocessor]
        app.update_config(c)
    app.start()
    return 0


if __name__ == "__main__":
    # Imported again under its package name, so the preprocessor nbgrader runs
    # is autograder.feedback.HideHiddenTests, not a __main__ copy.
    from autograder.feedback import _nbgrader_app as run
    sys.exit(run(sys.argv[1:]))
