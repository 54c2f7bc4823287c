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
(:mod:`autograder.reporting.policy`: per assignment, hidden until a date or forever);
``--show-hidden-tests`` (``show_hidden_tests=True``) overrides it for one run
and gives nbgrader's full test source and tracebacks.

Whatever the policy, :class:`SafeFeedback` then makes every page safe to hand
out (``templates/nn_feedback``, nbgrader's feedback template with changes):

* no hidden-test line (while they are hidden) and no line of the instructor's
  solutions (``source/``, always) anywhere in an output: a cell printing
  IPython's ``In`` history, an exception message built from the caller's
  frame, a traceback — each such text, also in its ``repr`` and HTML-escaped
  forms, is replaced by a note;
* the notebook sanitised (:func:`autograder.notebooks.sanitize.sanitize_notebook`: no
  ``<script>``, event handlers or ``javascript:`` links; no absolute paths of
  the grading machine in tracebacks);
* maths rendered to MathML (no MathJax from a CDN: it renders offline);
* test cells named in the table of contents; the policy applied written at
  the top; and, from ``reports/grade-results.json``, the locked cells and the
  names the tests use that grading put back, so the student knows their edit
  was undone.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from autograder.config import assignments as course_assignments
from autograder.stock_nbgrader import nbgrader_env, nbgrader_failed

from . import rendered
from .progress import PlainProgress, tqdm_progress  # noqa: F401 - part of this API
from .redact import HideHiddenTests, _is_test_cell, redact_outputs, secret_lines

TEMPLATES = Path(__file__).resolve().parent / "templates"

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

        from autograder.notebooks.sanitize import math_to_mathml, sanitize_notebook

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
        _shorten_code(nb)
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


CODE_SHOWN = 20_000      # characters of a code cell a feedback page shows
LINE_SHOWN = 2_000       # characters of one line of code


_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")


def _feedback_exporter():
    """nbconvert's HTMLExporter without its last step, which parses the whole page again
    with BeautifulSoup (in pure Python, about half the time of a feedback page) to give
    images without a description an ``alt`` text and make cells focusable for the lab's
    keyboard navigation; a feedback page has no lab, and the ``alt`` text is added here."""
    from jinja2 import pass_context
    from nbconvert.exporters import HTMLExporter, TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class FeedbackExporter(HTMLExporter):
        # Every page repeats the instructor's markdown and code cells: each is rendered
        # and highlighted once per process, not once per student (half a page's time).
        @pass_context
        def markdown2html(self, context, source):
            return rendered.remembered_markdown(
                self, context, source,
                lambda: HTMLExporter.markdown2html(self, context, source))

        def from_notebook_node(self, nb, resources=None, **kw):
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code",
                rendered.remembered_highlight(Highlight2HTML(pygments_lexer=lexer, parent=self),
                                              lexer)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub(
                '<img alt="A figure of the notebook (그림)"', html), resources

    return FeedbackExporter


def _shorten_code(nb) -> None:
    """A code cell far longer than any answer (a 200 000-term expression, say) is shown cut:
    highlighting it would cost minutes for one page, and the student has it anyway."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.source
        if len(source) <= CODE_SHOWN and all(len(l) <= LINE_SHOWN for l in source.split("\n")):
            continue
        lines = [line if len(line) <= LINE_SHOWN else line[:LINE_SHOWN] + " …"
                 for line in source[:CODE_SHOWN].split("\n")]
        cell.source = "\n".join(lines) + (
            f"\n# ··· this cell is {len(source):,} characters long: the rest is not shown here ···")


def graded_students(course_dir: Path, name: str) -> list[str]:
    """Students with an autograded notebook of assignment ``name``."""
    root = Path(course_dir) / "autograded"
    return sorted(p.parent.name for p in root.glob(f"*/{name}") if p.is_dir())


WRITTEN = re.compile(r"Writing \d+ bytes to (.*\.html)")


def run_nbgrader_feedback(course_dir: Path, name: str, student: str | None = None,
                          show_hidden_tests: bool = False, policy: str = "",
                          on_written=None) -> subprocess.CompletedProcess:
    """``nbgrader generate_feedback NAME --force`` in a subprocess, with our preprocessors.

    nbgrader's command line cannot set a list of preprocessor classes, so the
    subprocess (``python -m autograder.reporting.feedback``, below) starts nbgrader's own
    GenerateFeedbackApp and adds :class:`HideHiddenTests` and
    :class:`SafeFeedback` to its config. ``on_written()`` is called each time
    nbgrader's log says it wrote a page. The log is returned as ``stderr``.
    """
    args = [name, "--force"] + ([f"--student={student}"] if student else [])
    command = [sys.executable, "-m", "autograder.reporting.feedback"]
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


def _written_students(log: str) -> set:
    """The students whose feedback page nbgrader's ``log`` says it wrote
    (``feedback/<student>/<assignment>/<notebook>.html``)."""
    return {Path(m.group(1).strip()).parts[-3] for m in WRITTEN.finditer(log)
            if len(Path(m.group(1).strip()).parts) >= 3}


def decisions(course_dir: Path, names: list[str], show_hidden_tests: bool = False,
              now=None) -> dict:
    """assignment -> :class:`autograder.reporting.policy.Decision` (``--show-hidden-tests`` wins).

    A policy ``"due"`` acts only on a due date that ``python -m autograder due`` set:
    any other (nbgrader reads ``+0900`` as 900 seconds) raises
    :class:`~autograder.course_admin.due_dates.UnconfirmedDueDate`, saying how to set it.
    """
    from autograder.course_admin import due_dates

    from . import policy

    rules = policy.load(course_dir)
    zone = due_dates.course_zone(course_dir)
    try:
        entries = due_dates.stored(course_dir)
    except Exception:  # noqa: BLE001 - no readable gradebook: no due dates
        entries = {}
    found = {}
    for name in names:
        if show_hidden_tests:
            found[name] = policy.Decision(True, "--show-hidden-tests",
                                          "hidden tests shown (--show-hidden-tests)")
            continue
        if policy.rule_of(rules, name) == "due":
            due_dates.require_confirmed(course_dir, [name], "writing feedback")
        entry = entries.get(name)
        found[name] = policy.decide(rules, name, entry.duedate if entry else None, now, zone)
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
                # nbgrader goes on past a submission it cannot render: run again, one
                # at a time, only those whose page it did not write, to learn which
                # fail and why (not the whole class: a class of 500 with one bad
                # submission would start nbgrader 500 times).
                done_now = _written_students(proc.stderr)
                for one in students:
                    if one in done_now:
                        continue
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


def main(course_dir: Path, names: list[str] | None, show_hidden_tests: bool,
         student: str | None = None, progress: bool | None = None) -> int:
    if not Path(course_dir).is_dir():
        print(f"no course directory at {course_dir}")
        return 1
    update, bar = tqdm_progress() if progress is None else tqdm_progress(disable=not progress)
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
    c.GenerateFeedback.exporter_class = _feedback_exporter()
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
    # is autograder.reporting.redact.HideHiddenTests, not a __main__ copy.
    from autograder.reporting.feedback import _nbgrader_app as run
    sys.exit(run(sys.argv[1:]))
