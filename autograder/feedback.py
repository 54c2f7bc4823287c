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

Whether hidden tests are shown follows the course's feedback release policy
(:mod:`autograder.policy`: per assignment, hidden until a date or forever);
``--show-hidden-tests`` (``show_hidden_tests=True``) overrides it for one run
and gives nbgrader's full test source and tracebacks.

Whatever the policy, :class:`SafeFeedback` then makes every page safe to hand
out (``templates/nn_feedback``, nbgrader's feedback template with changes):

* no hidden-test line (while they are hidden) and no line of the instructor's
  solutions (``source/``, always) anywhere in an output: a cell printing
  IPython's ``In`` history, an exception message built from the caller's
  frame, a traceback — each such text, also in its ``repr`` and HTML-escaped
  forms, is replaced by a note;
* the notebook sanitised (:func:`autograder.sanitize.sanitize_notebook`: no
  ``<script>``, event handlers or ``javascript:`` links; no absolute paths of
  the grading machine in tracebacks);
* maths rendered to MathML (no MathJax from a CDN: it renders offline);
* test cells named in the table of contents; the policy applied written at
  the top; and, from ``reports/grade-results.json``, the locked cells and the
  names the tests use that grading put back, so the student knows their edit
  was undone.
"""
from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from .config import assignments as course_assignments
from .pipeline import nbgrader_env, nbgrader_failed

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"
LEAK_NOTE = "··· [removed: a line of the hidden tests or the solution] ···"
MIN_SECRET = 10     # shorter lines (``else:``, ``return y``) give nothing away
TEMPLATES = Path(__file__).resolve().parent / "templates"
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


def _variants(line: str) -> set[str]:
    """How a source line can appear in an output: as is, inside a repr, HTML-escaped."""
    import html

    import json

    forms = {line, line.replace("\\", "\\\\"), json.dumps(line)[1:-1]}
    forms |= {f.replace("'", "\\'") for f in list(forms)}
    forms |= {html.escape(f, quote=q) for f in list(forms) for q in (False, True)}
    return {f for f in forms if len(f.strip()) >= MIN_SECRET}


def secret_lines(source_nb, hidden_sources: list[str], visible: set[str]) -> list[str]:
    """Lines no feedback output may contain, longest first.

    The instructor's solution lines (between ``### BEGIN/END SOLUTION`` in the
    source notebook's solution cells, the whole cell where it has no markers)
    and the hidden lines of ``hidden_sources``, less any line the student can
    see anyway (``visible``: every line of the released cells).
    """
    secret = set()
    for cell in (source_nb.cells if source_nb is not None else []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("solution"):
            continue
        lines = cell.source.split("\n")
        if any("BEGIN SOLUTION" in l for l in lines):
            inside = False
            for line in lines:
                if "BEGIN SOLUTION" in line:
                    inside = True
                elif "END SOLUTION" in line:
                    inside = False
                elif inside:
                    secret.add(line.strip())
        else:
            secret |= {l.strip() for l in lines}
    for source in hidden_sources:
        lines, hidden = hidden_lines_of_source(source)
        secret |= {l.strip() for l, h in zip(lines, hidden) if h}
    # A line that is part of a visible line ("matmul(A, B)" inside a visible
    # check's message) gives nothing away, and redacting it would cut messages.
    shown = "\n".join(visible)
    secret = {l for l in secret if len(l) >= MIN_SECRET and l not in shown}
    if hidden_sources:          # the markers say where hidden tests were: not shown either
        secret |= {f"### {BEGIN}", f"### {END}"}
    forms = set()
    for line in secret:
        forms |= _variants(line)
    return sorted(forms, key=len, reverse=True)


def redact_text(text: str, secrets: list[str]) -> str:
    """``text`` with every occurrence of a secret line replaced by :data:`LEAK_NOTE`."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, LEAK_NOTE)
    return text


def redact_outputs(nb, secrets: list[str]) -> None:
    """Remove secret lines from every output of every cell, in place."""
    if not secrets:
        return
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = redact_text("".join(output["text"]), secrets)
            if "evalue" in output:
                output["evalue"] = redact_text(output["evalue"], secrets)
            if "traceback" in output:
                output["traceback"] = [redact_text(t, secrets) for t in output["traceback"]]
            for mime, value in list(output.get("data", {}).items()):
                if isinstance(value, (str, list)) and not mime.startswith("image/"):
                    output["data"][mime] = redact_text("".join(value), secrets)


RESTORED = re.compile(r"^replaced (.+); restored before the tests ran$")


TAMPER_FLAG = re.compile(r"^(edited locked|unlocked|deleted test|deleted locked|duplicated) "
                         r"cell (\S+)$|^(changed the points of) (\S+)$")
UNDONE = {
    "edited locked": "you edited the locked cell {}: your change was undone, it ran as released",
    "unlocked": "you unlocked the cell {}: it was locked again and ran as released",
    "changed the points of": "you changed the points of {}: the released points count",
    "deleted test": "you deleted the test cell {}: it could not run, so it earned no points "
                    "(deleting a test never skips it: keep it in your notebook)",
    "deleted locked": "you deleted the locked cell {}: the cells after it ran without it",
    "duplicated": "you duplicated the cell {}: only the released cell counts",
}


def undone_edits(flags: list[str], restored: list[str] = ()) -> list[str]:
    """What grading undid, in words a student understands (from the results file's flags)."""
    lines, names = [], list(restored)
    for flag in flags:
        put_back = RESTORED.match(flag)
        if put_back:
            names.append(put_back.group(1))
            continue
        m = TAMPER_FLAG.match(flag)
        if m:
            what, cell = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            lines.append(UNDONE[what].format(cell))
    names = list(dict.fromkeys(names))
    if names:
        lines.append("your code replaced " + ", ".join(names[:8])
                     + (f" and {len(names) - 8} more" if len(names) > 8 else "")
                     + ", which the tests use: the originals were put back before each test ran")
    return lines


def _results_entry(course_dir: Path, student: str, assignment: str) -> dict:
    """The submission's entry of ``reports/grade-results.json`` ({} if none)."""
    import json

    path = Path(course_dir) / "reports" / "grade-results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("submissions", []) if isinstance(data, dict) else data
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("student") == student \
                and entry.get("assignment") == assignment:
            return entry
    return {}


class SafeFeedback(Preprocessor):
    """Feedback preprocessor: no secrets in outputs, sanitised HTML, MathML, notices."""

    enabled = Bool(True).tag(config=True)
    hide_hidden = Bool(True, help="hidden-test lines are secret too").tag(config=True)
    policy = Unicode("", help="the policy applied, one sentence").tag(config=True)

    def preprocess(self, nb, resources):
        import nbformat

        from .sanitize import math_to_mathml, sanitize_notebook

        info = resources.get("nbgrader", {})
        course_dir = Path.cwd()
        assignment, notebook = info.get("assignment", ""), info.get("notebook", "")
        source_path = course_dir / "source" / assignment / f"{notebook}.ipynb"
        release_path = course_dir / "release" / assignment / f"{notebook}.ipynb"
        source_nb = nbformat.read(source_path, as_version=4) if source_path.exists() else None
        visible = set()
        if release_path.exists():
            released = nbformat.read(release_path, as_version=4)
            visible = {l.strip() for c in released.cells for l in c.source.split("\n")}
        # Every test cell of the assignment counts, also those the student deleted:
        # the gradebook's copies (with their markers) and the source notebook's.
        hidden_sources = []
        if self.hide_hidden:
            if source_nb is not None:
                hidden_sources += [c.source for c in source_nb.cells if _is_test_cell(c)]
            if info.get("db_url"):
                from nbgrader.api import Gradebook, MissingEntry

                with Gradebook(info["db_url"]) as gb:
                    try:
                        cells = gb.find_notebook(notebook, assignment).source_cells
                        hidden_sources += [c.source for c in cells if c.cell_type == "code"]
                    except MissingEntry:
                        pass
        redact_outputs(nb, secret_lines(source_nb, hidden_sources, visible))
        sanitize_notebook(nb, [str(course_dir)])
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = math_to_mathml(cell.source)
        entry = _results_entry(course_dir, info.get("student", ""), assignment)
        resources["nn_feedback"] = {
            "policy": self.policy,
            "restored": undone_edits([str(f) for f in entry.get("flags") or []],
                                     [str(r) for r in entry.get("restored") or []]),
        }
        return nb, resources


def graded_students(course_dir: Path, name: str) -> list[str]:
    """Students with an autograded notebook of assignment ``name``."""
    root = Path(course_dir) / "autograded"
    return sorted(p.parent.name for p in root.glob(f"*/{name}") if p.is_dir())


WRITTEN = re.compile(r"Writing \d+ bytes to .*\.html")


def run_nbgrader_feedback(course_dir: Path, name: str, student: str | None = None,
                          show_hidden_tests: bool = False, policy: str = "",
                          on_written=None) -> subprocess.CompletedProcess:
    """``nbgrader generate_feedback NAME --force`` in a subprocess, with our preprocessors.

    nbgrader's command line cannot set a list of preprocessor classes, so the
    subprocess (``python -m autograder.feedback``, below) starts nbgrader's own
    GenerateFeedbackApp and adds :class:`HideHiddenTests` and
    :class:`SafeFeedback` to its config. ``on_written()`` is called each time
    nbgrader's log says it wrote a page. The log is returned as ``stderr``.
    """
    args = [name, "--force"] + ([f"--student={student}"] if student else [])
    command = [sys.executable, "-m", "autograder.feedback"]
    command += ["--show-hidden-tests"] if show_hidden_tests else []
    command += [f"--nn-policy={policy}"] if policy else []
    command += args
    log = []
    with subprocess.Popen(command, cwd=course_dir, env=nbgrader_env(), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        for line in proc.stdout:
            log.append(line)
            if on_written is not None and WRITTEN.search(line):
                on_written()
    return subprocess.CompletedProcess(command, proc.returncode, "", "".join(log))


def decisions(course_dir: Path, names: list[str], show_hidden_tests: bool = False,
              now=None) -> dict:
    """assignment -> :class:`autograder.policy.Decision` (``--show-hidden-tests`` wins)."""
    from . import policy

    rules = policy.load(course_dir)
    duedates = {}
    try:
        from .report import course_db_url
        from nbgrader.api import Gradebook

        with Gradebook(course_db_url(course_dir)) as gb:
            duedates = {a.name: a.duedate for a in gb.assignments}
    except Exception:  # noqa: BLE001 - no gradebook yet: no due dates
        pass
    found = {}
    for name in names:
        if show_hidden_tests:
            found[name] = policy.Decision(True, "--show-hidden-tests",
                                          "hidden tests shown (--show-hidden-tests)")
        else:
            found[name] = policy.decide(rules, name, duedates.get(name), now)
    return found


def generate_feedback(course_dir: Path, names: list[str] | None = None,
                      show_hidden_tests: bool = False,
                      student: str | None = None, workers: int | None = None,
                      progress=None, now=None) -> dict:
    """Write ``feedback/<student>/<assignment>/<notebook>.html`` for every autograded submission.

    Returns ``{assignment: {"written": [paths], "failed": {student: log},
    "policy": Decision}}``. Whether hidden tests show follows the course's
    policy (``show_hidden_tests=True`` overrides it). A submission nbgrader
    cannot render (for example, one missing from the gradebook) is retried
    alone and reported, without stopping the others. ``progress``, if given,
    is called as ``progress(assignment, done, total)`` once at the start
    (assignment None, done 0) and after each page nbgrader writes (``total``:
    submissions of all the assignments), e.g. :func:`tqdm_progress`.
    """
    course_dir = Path(course_dir).resolve()
    names = names or [n for n in course_assignments(course_dir)
                      if graded_students(course_dir, n)]
    decided = decisions(course_dir, names, show_hidden_tests, now)
    total = sum(1 if student else len(graded_students(course_dir, n)) for n in names)
    done, lock = [0], threading.Lock()

    def tick(name, count=1):
        with lock:
            done[0] += count
            if progress is not None:
                progress(name, min(done[0], total), total)

    if progress is not None:
        progress(None, 0, total)

    def one_assignment(name):
        students = [student] if student else graded_students(course_dir, name)
        show, text = decided[name].show, decided[name].text
        failed, pages = {}, [0]

        def written():
            pages[0] += 1
            tick(name)

        if students:
            proc = run_nbgrader_feedback(course_dir, name, student, show, text, written)
            if nbgrader_failed(proc):
                for one in students:       # isolate the submissions that fail
                    one_proc = run_nbgrader_feedback(course_dir, name, one, show, text)
                    if nbgrader_failed(one_proc):
                        failed[one] = one_proc.stderr[-2000:]
        written_pages = sorted(p for p in (course_dir / "feedback").glob(f"*/{name}/*.html")
                               if p.parts[-3] in students and p.parts[-3] not in failed)
        if len(students) > pages[0]:       # the ones nbgrader did not log (or redid)
            tick(name, len(students) - pages[0])
        return {"written": written_pages, "failed": failed, "policy": decided[name]}

    # One nbgrader process per assignment, as many at a time as there are cores
    # (they only read the gradebook and write separate folders).
    workers = max(1, min(len(names), workers or os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(names, pool.map(one_assignment, names)))


def tqdm_progress(**options):
    """A ``progress`` callback for :func:`generate_feedback` drawing a tqdm bar.

    Returns (callback, bar); close the bar when done.
    """
    from tqdm import tqdm

    bar = tqdm(total=0, unit="notebook", desc="feedback", **options)

    def update(name, done, total):
        if bar.total != total:
            bar.total = total
        if name:
            bar.set_postfix_str(name, refresh=False)
        bar.update(done - bar.n)

    return update, bar


def main(course_dir: Path, names: list[str] | None, show_hidden_tests: bool,
         student: str | None = None, progress: bool | None = None) -> int:
    if not Path(course_dir).is_dir():
        print(f"no course directory at {course_dir}")
        return 1
    show_bar = sys.stderr.isatty() if progress is None else progress
    update, bar = tqdm_progress(disable=not show_bar)
    try:
        summary = generate_feedback(course_dir, names, show_hidden_tests, student,
                                    progress=update)
    finally:
        bar.close()
    status = 0
    for name, result in summary.items():
        print(f"{name}: feedback for {len(result['written'])} submission(s) "
              f"in {Path(course_dir).resolve() / 'feedback'} — {result['policy'].text}")
        for one, log in result["failed"].items():
            status = 1
            print(f"  {one}: nbgrader could not write feedback:\n    "
                  + "\n    ".join(log.strip().splitlines()[-5:]))
    return status


def _nbgrader_app(argv: list[str]) -> int:
    """Run nbgrader's GenerateFeedbackApp (in this process) with our preprocessors."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.apps.generatefeedbackapp import GenerateFeedbackApp
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config

    show = "--show-hidden-tests" in argv
    policy = next((a.split("=", 1)[1] for a in argv if a.startswith("--nn-policy=")), "")
    argv = [a for a in argv if a != "--show-hidden-tests" and not a.startswith("--nn-policy=")]
    app = GenerateFeedbackApp()
    app.initialize(argv)
    import nbgrader

    c = Config()
    steps = [GetGrades] + ([] if show else [HideHiddenTests]) + [SafeFeedback,
                                                                 CSSHTMLHeaderPreprocessor]
    c.GenerateFeedback.preprocessors = steps
    c.SafeFeedback.hide_hidden = not show
    c.SafeFeedback.policy = policy
    c.HTMLExporter.template_name = "nn_feedback"
    c.HTMLExporter.template_file = "nn_feedback.html.j2"     # extends nbgrader's index.html.j2
    c.HTMLExporter.extra_template_basedirs = [
        str(TEMPLATES),
        str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")]
    app.update_config(c)
    app.start()
    return 0


if __name__ == "__main__":
    # Imported again under its package name, so the preprocessor nbgrader runs
    # is autograder.feedback.HideHiddenTests, not a __main__ copy.
    from autograder.feedback import _nbgrader_app as run
    sys.exit(run(sys.argv[1:]))
