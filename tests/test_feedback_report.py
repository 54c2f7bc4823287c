"""feedback, report and simulate on a tiny course graded with stock nbgrader.

One module-scoped course (01_arrays, the four students of ``small_class``) is
released, autograded and given feedback once; the tests read what came out.
"""
from __future__ import annotations

import csv
import html
import json
import re
import shutil

import nbformat
import pytest

from autograder.reporting import feedback, gradebook, redact
from autograder.reporting import report
from autograder.quality import simulate
from autograder.quality.submissions import solution_cells
from autograder.config import REPO
from autograder.stock_nbgrader import autograde, generate_release, make_course, read_scores, submit

NAME = "01_arrays"
SOURCE = REPO / "source" / NAME / f"{NAME}.ipynb"
RELEASE = REPO / "release" / NAME / f"{NAME}.ipynb"


def _text(path) -> str:
    """What a reader of the HTML sees: tags removed, entities decoded."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _hidden_lines() -> list[str]:
    """Hidden-test lines of the source that appear nowhere in the release."""
    released = nbformat.read(RELEASE, as_version=4)
    visible = "\n".join(cell.source for cell in released.cells)
    lines = []
    for cell in nbformat.read(SOURCE, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 12 and line.strip() not in visible:
                lines.append(line.strip())
    assert len(lines) > 20
    return lines


LEAKY_DOT = """
import inspect, linecache

def dot(x, y):
    # Builds its error message from the hidden test that called it.
    frame = inspect.stack()[1].frame
    lines = linecache.getlines(frame.f_code.co_filename)
    raise RuntimeError("the caller was:\\n" + "".join(lines))
"""

LEAKY_MARKDOWN = """My answer <script>alert('feedback')</script>
<img src="x" onerror="alert('img')"> and [a link](javascript:alert('link')).

The loss is $L = -\\sum_k t_k \\log y_k$, and

$$\\frac{\\partial L}{\\partial a_k} = y_k - t_k$$
"""

LEAKY_LAST = """import os
from IPython.display import HTML, display
display(HTML("<b onmouseover=\\"alert('out')\\">hover</b><script>alert('out')</script>"))
print(os.getcwd())
print(In)
print("\\n".join(In))
np.linalg.inv(np.zeros((2, 2)))
"""


def leaky_notebook(release_nb, source_nb):
    """A student who tries to read the hidden tests and solutions out of their feedback,
    to run script in it, and who edited a locked cell."""
    from autograder.quality.submissions import crashing_sources, fill

    # Answers that crash, so no solution line is the student's own.
    sources = crashing_sources(source_nb)
    sources["dot"] = LEAKY_DOT
    nb = fill(release_nb, sources)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_dot_values":
            cell.source += "\nprint('my own line in a locked cell')"
    nb.cells.append(nbformat.v4.new_markdown_cell(LEAKY_MARKDOWN))
    nb.cells.append(nbformat.v4.new_code_cell(LEAKY_LAST))
    return nb


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    from autograder.quality.simulate import small_class

    course = make_course(tmp_path_factory.mktemp("fb") / "course", [NAME])
    release = generate_release(course, NAME)
    source_nb = nbformat.read(SOURCE, as_version=4)
    release_nb = nbformat.read(release / f"{NAME}.ipynb", as_version=4)
    students = small_class(NAME, source_nb, release_nb)
    students["leaky"] = leaky_notebook(release_nb, source_nb)
    for student, nb in students.items():
        submit(course, student, NAME, text=nbformat.writes(nb))
    autograde(course, NAME)
    # What grade writes for such a student (stock autograde above wrote none).
    _write_results(course, [{"student": "leaky", "assignment": NAME, "status": "graded",
                             "reason": "", "score": 0.0, "max_score": 20.0, "cells": {},
                             "flags": ["edited locked cell test_dot_values",
                                       "replaced np.allclose; restored before the tests ran"]}])

    calls = []
    hidden = feedback.generate_feedback(course, [NAME], progress=lambda *a: calls.append(a))
    assert not hidden[NAME]["failed"]
    shutil.copytree(course / "feedback", course / "feedback-hidden")
    shown = feedback.generate_feedback(course, [NAME], show_hidden_tests=True,
                                       student="partly_wrong")
    assert not shown[NAME]["failed"]
    (course / "reports" / "grade-results.json").unlink()
    return {"course": course, "students": sorted(students), "progress": calls}


def _page(graded, student, kind="feedback-hidden"):
    return graded["course"] / kind / student / NAME / f"{NAME}.html"


def test_feedback_for_every_student(graded):
    for student in graded["students"]:
        assert _page(graded, student).is_file(), student
    # Progress is reported once at the start and after every page nbgrader writes.
    n = len(graded["students"])
    assert graded["progress"] == [(None, 0, n)] + [(NAME, k, n) for k in range(1, n + 1)]


def test_feedback_hides_hidden_test_source(graded):
    hidden = _hidden_lines()
    for student in graded["students"]:
        text = _text(_page(graded, student))
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{student}'s feedback shows hidden test lines: {leaked[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text
        assert "hidden tests:" in text and "not shown" in text


def test_feedback_keeps_the_failure_message(graded):
    autograded = graded["course"] / "autograded"
    for student in ("partly_wrong", "crashing"):
        nb = nbformat.read(autograded / student / NAME / f"{NAME}.ipynb", as_version=4)
        errors = [out for cell in nb.cells
                  if cell.metadata.get("nbgrader", {}).get("grade")
                  for out in cell.get("outputs", []) if out.output_type == "error"]
        assert errors, f"{student} fails no test"
        text = _text(_page(graded, student))
        for error in errors:
            assert f"{error.ename}: {error.evalue}" in text, error.evalue


def test_show_hidden_tests_gives_the_full_test_source(graded):
    text = _text(_page(graded, "partly_wrong", "feedback"))
    missing = [line for line in _hidden_lines() if line not in text]
    assert not missing, f"--show-hidden-tests leaves out {missing[:3]}"


def test_hidden_lines_found_where_markers_were_removed():
    source = "check(1)\n### BEGIN HIDDEN TESTS\nsecret(2)\nsecret(3)\n### END HIDDEN TESTS\nprint('ok')"
    executed = "check(1)\nsecret(2)\nsecret(3)\nprint('ok')"
    mask = redact.hidden_mask(executed, source)
    assert mask == [False, True, True, False]
    assert redact.redact_source(executed, mask).splitlines()[1].startswith("# ··· hidden tests: 2")
    # A cell that cannot be matched to its source is withheld whole.
    cell = nbformat.v4.new_code_cell("secret(2)\nsecret(3)")
    redact.hide_hidden_tests(cell, None)
    assert "secret" not in cell.source


def test_traceback_frames_lose_hidden_lines():
    frame = ("\x1b[36mCell In[7], line 3\x1b[39m\n      1 check(1)\n      2 secret_setup()\n"
             "----> 3 secret(2)\n      4 print('ok')\n")
    student = "\x1b[36mCell In[5], line 2\x1b[39m, in f(x)\n      1 def f(x):\n----> 2     return y\n"
    out = redact.redact_traceback(["---", frame, student, "NameError: name 'y' is not defined"],
                                    7, {2, 3}, {"secret_setup()", "secret(2)"})
    joined = "\n".join(out)
    assert "secret" not in joined
    assert "Cell In[7]" in joined and "hidden tests" in joined
    assert "return y" in joined and out[-1] == "NameError: name 'y' is not defined"


def _write_results(course, entries):
    path = course / "reports" / "grade-results.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"version": 1, "submissions": entries}), encoding="utf-8")


def test_report_without_results_file(graded, tmp_path):
    out = report.write_report(graded["course"], tmp_path)
    rows = list(csv.DictReader(out["csv"].open()))
    scores = {s.student: s for s in read_scores(graded["course"], NAME)}
    assert {r["student_id"] for r in rows} == set(scores) == set(graded["students"])
    for row in rows:
        assert row["assignment"] == NAME and row["status"] == "graded"
        assert float(row["score"]) == scores[row["student_id"]].score
        assert float(row["max_score"]) == scores[row["student_id"]].max_score
    assert re.search(r'id="problems">Failed and flagged submissions</h2>\s*<p>None',
                     out["html"].read_text())


def test_report_lists_failed_and_flagged(graded, tmp_path):
    course = graded["course"]
    restored = [f"replaced np.{f}; restored before the tests ran"
                for f in ("allclose", "isclose", "array_equal", "testing", "dot")]
    _write_results(course, [
        {"student": "crashing", "assignment": NAME, "status": "failed",
         "reason": "kernel died (memory limit?)", "flags": [], "score": 0.0,
         "max_score": 20.0, "cells": {}},
        {"student": "partly_wrong", "assignment": NAME, "status": "graded", "reason": "",
         "flags": ["edited locked cell test_dot_values"] + restored, "score": 1.0,
         "max_score": 20.0, "cells": {}},
        # Not in the gradebook: an old entry, which must not come back as a grade.
        {"student": "ghost", "assignment": NAME, "status": "failed",
         "reason": "submission is not valid JSON", "flags": [], "score": 0.0,
         "max_score": 20.0, "cells": {}},
    ])
    try:
        out = report.write_report(course, tmp_path)
    finally:
        (course / "reports" / "grade-results.json").unlink()
    rows = {r["student_id"]: r for r in csv.DictReader(out["csv"].open())}
    assert set(rows) == set(graded["students"])
    assert rows["crashing"]["status"] == "failed"
    assert rows["crashing"]["reason"] == "kernel died (memory limit?)"
    assert rows["partly_wrong"]["flags"].startswith("edited locked cell test_dot_values")
    assert rows["partly_wrong"]["reason"]            # flagged: the reason says why
    assert rows["correct"]["status"] == "graded" and rows["correct"]["flags"] == ""

    page = out["html"].read_text(encoding="utf-8")
    assert page.count("<svg") >= 2                      # both charts, inline
    assert 'id="score-distribution"' in page and 'id="pass-rates"' in page
    assert 'id="legend"' in page and 'id="generated"' in page
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d", page)
    flagged = page[page.index('id="flagged"'):]
    flagged = flagged[:flagged.index("</table>")]
    for text in ("crashing", "kernel died (memory limit?)", "partly_wrong",
                 "edited locked cells: test_dot_values"):
        assert text in flagged
    assert "ghost" not in page and "correct<" not in flagged
    # One line per submission: six flags make one row, summarised, the rest folded.
    assert flagged.count("<tr class=") == 2
    assert "+2 more" in flagged and "<details>" in flagged
    # Each problem links to the student's feedback page.
    link = f'href="{course.name}/../feedback/partly_wrong/{NAME}/{NAME}.html"'
    hrefs = re.findall(r'href="([^"]+)"', flagged)
    assert any(h.endswith(f"feedback/partly_wrong/{NAME}/{NAME}.html") for h in hrefs), link
    for h in hrefs:
        assert (tmp_path / h).resolve().is_file(), h

    # Pass rates are per exercise, over the graded (not failed) submissions.
    rates = {r["exercise"]: r for r in out["rates"]}
    assert set(rates) == {"dot", "matmul", "broadcast_shape"}
    assert all(r["graded"] == 4 for r in rates.values())   # 5 students, 1 failed
    assert rates["dot"]["tests"] == ["test_dot_values", "test_dot_geometry", "test_dot_edges",
                                     "test_dot_errors", "test_dot_rules"]


def _copy_course(graded, tmp_path):
    """A copy of the graded course whose gradebook the test may change."""
    copy = tmp_path / "course"
    shutil.copytree(graded["course"], copy, ignore=shutil.ignore_patterns("feedback-hidden"))
    return copy


def test_report_after_the_gradebook_shrank(graded, tmp_path):
    from nbgrader.api import Gradebook

    course = _copy_course(graded, tmp_path)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("unfilled", "crashing", "leaky"):
            gb.remove_student(student)
    # An old results file with five students: the two removed and one never there.
    _write_results(course, [
        {"student": s, "assignment": NAME, "status": "graded", "reason": "", "flags": [],
         "score": 20.0, "max_score": 20.0, "cells": {}}
        for s in ("correct", "partly_wrong", "unfilled", "crashing", "erin")])
    out = report.write_report(course, tmp_path / "out")
    rows = list(csv.DictReader(out["csv"].open(encoding="utf-8")))
    assert sorted(r["student_id"] for r in rows) == ["correct", "partly_wrong"]
    scores = {s.student: s.score for s in read_scores(course, NAME)}
    assert {r["student_id"]: float(r["score"]) for r in rows} == scores
    text = _text(out["html"])
    for gone in ("unfilled", "crashing", "leaky", "erin"):
        assert gone not in text
    assert "2 students" in text


def test_item_analysis_names_the_failures(graded, tmp_path):
    out = report.write_report(graded["course"], tmp_path)
    items = {i.grade_id: i for i in out["items"]}
    assert set(items) >= {"test_dot_values", "test_matmul_values"}
    for item in items.values():
        assert item.graded == 5 and 0 <= item.passed <= 5
        assert sum(f.count for f in item.failures) == item.graded - item.passed
    # The crashing student's NameError groups with nothing else; the message is kept.
    messages = [f.message for i in items.values() for f in i.failures]
    assert any(m.startswith("NameError: name 'undefined_name' is not defined") for m in messages)
    # partly_wrong uses catalogue entries: at least one failure is named after one.
    named = [f for i in items.values() for f in i.failures if f.mistakes]
    assert named, messages
    page = out["html"].read_text(encoding="utf-8")
    assert 'id="item-analysis"' in page and "catalogued:" in page
    assert 'id="stale-signatures"' not in page
    assert html.escape(named[0].mistakes[0]) in page


def test_exercise_of_picks_the_longest_name():
    names = ["sigmoid", "sigmoid_grad", "Sigmoid"]
    assert gradebook.exercise_of("test_sigmoid_grad_values", names) == "sigmoid_grad"
    assert gradebook.exercise_of("test_sigmoid_values", names) == "sigmoid"
    assert gradebook.exercise_of("test_Sigmoid", names) == "Sigmoid"


# ------------------------------------------------------------------ simulate

def _notebooks():
    return (nbformat.read(SOURCE, as_version=4), nbformat.read(RELEASE, as_version=4))


def test_simulate_is_deterministic_for_a_seed():
    source_nb, release_nb = _notebooks()
    first = simulate.synthetic_class(NAME, source_nb, release_nb, 20, seed=3)
    again = simulate.synthetic_class(NAME, source_nb, release_nb, 20, seed=3)
    other = simulate.synthetic_class(NAME, source_nb, release_nb, 20, seed=4)
    assert [(s.student, s.kind, s.detail, s.text()) for s in first] == \
           [(s.student, s.kind, s.detail, s.text()) for s in again]
    assert [(s.kind, s.text()) for s in first] != [(s.kind, s.text()) for s in other]


def test_simulate_gives_the_requested_mix():
    source_nb, release_nb = _notebooks()
    subs = simulate.synthetic_class(NAME, source_nb, release_nb, 30, seed=0)
    assert [s.student for s in subs] == [f"s{k:02d}" for k in range(1, 31)]
    kinds = [s.kind for s in subs]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "correct": 15, "partly_wrong": 9, "unfilled": 3, "adversarial": 3}

    reference = simulate.reference_sources(source_nb)
    release_text = nbformat.writes(release_nb)
    for sub in subs:
        answers = {gid: cell.source for gid, cell in
                   solution_cells(sub.notebook).items()}
        changed = [gid for gid in reference if answers.get(gid) != reference[gid]]
        if sub.kind == "unfilled":
            assert sub.text() == release_text
        elif sub.kind == "partly_wrong":
            assert 1 <= len(changed) <= 3 and "wrong-" in sub.detail, sub.detail
        elif sub.kind == "correct":
            assert "wrong" not in sub.detail
    tricks = {s.detail.split()[0] for s in simulate.synthetic_class(
        NAME, source_nb, release_nb, 40, seed=0) if s.kind == "adversarial"}
    assert tricks == set(simulate.ADVERSARIAL)


def test_adversarial_submissions_try_their_trick():
    source_nb, release_nb = _notebooks()
    import random

    for trick in simulate.ADVERSARIAL:
        nb, detail = simulate.adversarial(NAME, source_nb, release_nb, trick, random.Random(1))
        text = nbformat.writes(nb)
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
                 and not c.metadata["nbgrader"].get("solution")]
        if trick == "patches-numpy":
            assert "np.allclose = lambda" in text
        elif trick == "rebinds-checks":
            assert "course.checks" in text and "_never_fail" in text
        elif trick == "edits-test-cell":
            assert any(c.source.endswith("pass") for c in tests)
        else:
            assert len(tests) == len([c for c in release_nb.cells
                                      if c.metadata.get("nbgrader", {}).get("grade")
                                      and not c.metadata["nbgrader"].get("solution")]) - 1


def test_simulate_writes_submitted_folders(tmp_path):
    course = make_course(tmp_path / "course", [NAME])
    shutil.copytree(RELEASE.parent, course / "release" / NAME)
    written = simulate.simulate(course, 6, seed=1, names=[NAME], generate=False)
    assert len(written) == 6
    for sub in written:
        path = course / "submitted" / sub.student / NAME / f"{NAME}.ipynb"
        assert path.read_text(encoding="utf-8") == sub.text()


# ------------------------------------------------------------------ feedback guarantees

def _solution_lines() -> list[str]:
    """Lines of the instructor's solutions that the release does not show."""
    released = nbformat.read(RELEASE, as_version=4)
    visible = {l.strip() for cell in released.cells for l in cell.source.splitlines()}
    lines = []
    for cell in nbformat.read(SOURCE, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN SOLUTION" in line:
                    inside = True
                elif "END SOLUTION" in line:
                    inside = False
                elif inside and len(line.strip()) >= 12 and line.strip() not in visible:
                    lines.append(line.strip())
    assert len(lines) >= 5
    return lines


def test_feedback_leaks_nothing_from_outputs(graded):
    """print(In), an exception built from the caller's frame: no hidden or solution line."""
    nb = nbformat.read(graded["course"] / "autograded" / "leaky" / NAME / f"{NAME}.ipynb",
                       as_version=4)
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    hidden = _hidden_lines()
    assert any(line in outputs or json.dumps(line)[1:-1] in outputs for line in hidden), \
        "the attack did not work: the autograded outputs hold no hidden line"
    page = _page(graded, "leaky").read_text(encoding="utf-8")
    text = _text(_page(graded, "leaky"))
    for line in hidden + _solution_lines():
        for form in {line, html.escape(line), line.replace("'", "\\'")}:
            assert form not in page and form not in text, line
    assert "removed: a line of the hidden tests or the solution" in text


def test_feedback_html_is_sanitised(graded):
    page = _page(graded, "leaky").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S | re.I)
    assert not [s for s in scripts if "alert" in s], scripts
    assert not re.search(r"<[^>]+\son\w+\s*=", page, flags=re.I)
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", page, flags=re.I)
    assert "javascript:alert" not in page
    assert "cdn.jsdelivr" not in page and "mathjax" not in page.lower()
    assert "hover" in page and "My answer" in page        # the harmless parts stay


def test_feedback_has_no_paths_of_the_grading_machine(graded):
    text = _text(_page(graded, "leaky"))
    assert "LinAlgError" in text                             # the traceback is there
    for root in (str(graded["course"]), str(REPO), "/tmp/", "site-packages/numpy/linalg"):
        if root.endswith("linalg"):
            assert "…/site-packages/numpy/linalg" in text
        else:
            assert root not in text, root
    assert not re.search(r"(?<![\w.…>~])/(?:tmp|root|home|usr|work|opt)/", text)


def test_feedback_renders_maths_offline(graded):
    page = _page(graded, "leaky").read_text(encoding="utf-8")
    assert page.count("<math") >= 2 and 'display="block"' in page
    assert "<mfrac>" in page and "$$" not in _text(_page(graded, "leaky"))
    # maths followed by a Korean particle is maths too ("$w_{ij}$는")
    assert not re.search(r"\$[^$\n]+\$[가-힣]", _text(_page(graded, "leaky")))


def test_feedback_wraps_names_tests_and_tells_what_was_undone(graded):
    page = _page(graded, "leaky").read_text(encoding="utf-8")
    assert "white-space: pre-wrap" in page
    toc = page[page.index('id="toc"'):]
    toc = toc[:toc.index("</ol>")]
    for grade_id in ("test_dot_values", "test_matmul_values", "test_broadcast_shape_errors"):
        assert f"<code>{grade_id}</code>" in toc
    notice = page[page.index('id="nn-restored"'):]
    notice = _text_of(notice[:notice.index("</div>")])
    assert "you edited the locked cell test_dot_values" in notice
    assert "np.allclose" in notice
    assert 'id="nn-restored"' not in _page(graded, "correct").read_text(encoding="utf-8")
    policy = _text(_page(graded, "correct"))
    assert "Hidden tests not shown (policy: hidden for good)." in policy


def _text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_sanitise_an_autograded_notebook_in_place(graded, tmp_path):
    from autograder.notebooks.sanitize import sanitize_notebook_file

    path = tmp_path / "leaky.ipynb"
    shutil.copyfile(graded["course"] / "autograded" / "leaky" / NAME / f"{NAME}.ipynb", path)
    assert sanitize_notebook_file(path, [str(graded["course"])])
    nb = nbformat.read(path, as_version=4)
    # What a browser renders as HTML: markdown cells and HTML outputs (stream text and
    # code are shown escaped, so they may mention <script>).
    rendered = [c.source for c in nb.cells if c.cell_type == "markdown"]
    rendered += [o.data.get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
                 if o.get("output_type") in ("display_data", "execute_result")]
    rendered = "\n".join(rendered)
    assert "hover" in rendered and "My answer" in rendered
    for bad in ("<script", "onerror", "onmouseover", "javascript:"):
        assert bad not in rendered, bad
    assert not sanitize_notebook_file(path)                 # already clean: unchanged
    plain = tmp_path / "correct.ipynb"
    shutil.copyfile(graded["course"] / "autograded" / "correct" / NAME / f"{NAME}.ipynb", plain)
    before = nbformat.read(plain, as_version=4)
    sanitize_notebook_file(plain)
    after = nbformat.read(plain, as_version=4)
    assert [c.source for c in after.cells] == [c.source for c in before.cells]


def _policy_course(graded, tmp_path, rule: str):
    course = _copy_course(graded, tmp_path)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + f"\nc.FeedbackPolicy.hidden_tests = "
                      f"{{{NAME!r}: {rule!r}}}\n")
    shutil.rmtree(course / "feedback")
    return course


def test_policy_before_the_date_hides_hidden_tests(graded, tmp_path, capsys):
    course = _policy_course(graded, tmp_path, "2999-01-01T00:00")
    assert feedback.main(course, [NAME], False, "leaky", progress=False) == 0
    out = capsys.readouterr().out
    assert "hidden tests not shown (policy: hidden until a date, 2999-01-01 00:00 UTC)" in out
    text = _text(course / "feedback" / "leaky" / NAME / f"{NAME}.html")
    assert not [line for line in _hidden_lines() if line in text]
    assert "hidden until a date, 2999-01-01 00:00 UTC" in text


def test_policy_after_the_date_shows_hidden_tests(graded, tmp_path, capsys):
    course = _policy_course(graded, tmp_path, "2020-01-01")
    assert feedback.main(course, [NAME], False, "leaky", progress=False) == 0
    out = capsys.readouterr().out
    assert "hidden tests shown (policy: hidden until a date, 2020-01-01 00:00 UTC, which has " \
           "passed)" in out
    text = _text(course / "feedback" / "leaky" / NAME / f"{NAME}.html")
    assert not [line for line in _hidden_lines() if line not in text]
    assert not [line for line in _solution_lines() if line in text]   # solutions never


def test_feedback_in_a_browser_offline(graded, tmp_path):
    """Headless Chromium, network closed: no script runs, nothing is fetched, the maths is
    laid out as MathML and failure messages wrap inside their box."""
    import sys

    sys.path.insert(0, str(REPO / "tests"))
    from browser import chromium

    reason = chromium.missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    page_path = _page(graded, "leaky")
    dialogs, fetched = [], []
    with sync_playwright() as playwright:
        context = chromium.launch(playwright, tmp_path / "profile", viewport=(900, 800))
        try:
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: fetched.append(r.url)
                    if not r.url.startswith(("file:", "data:")) else None)
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            sizes = page.evaluate("""() => [...document.querySelectorAll('math')].map(m => {
                const r = m.getBoundingClientRect(); return [r.width, r.height]; })""")
            overflow = page.evaluate("""() => [...document.querySelectorAll(
                'div.output_area pre')].filter(p => p.scrollWidth > p.clientWidth + 2)
                .map(p => p.textContent.slice(0, 80))""")
            boxes = page.evaluate("() => document.querySelectorAll('div.output_area pre').length")
            fraction = page.evaluate("""() => { const f = document.querySelector('mfrac');
                return f ? f.getBoundingClientRect().height : 0; }""")
            summaries = page.evaluate("""() => [...document.querySelectorAll('summary')]
                .map(s => getComputedStyle(s).display)""")
        finally:
            context.close()
    assert not dialogs, dialogs
    assert not fetched, fetched
    assert len(sizes) >= 2 and all(w > 5 and h > 5 for w, h in sizes), sizes
    assert fraction > 20          # a fraction is laid out over two lines, not as text
    assert boxes > 10 and not overflow, overflow
    # hints keep their disclosure triangle (Bootstrap would make them blocks)
    assert summaries and set(summaries) == {"list-item"}, summaries
