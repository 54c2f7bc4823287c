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

from autograder import feedback, report, simulate
from autograder.submissions import solution_cells
from autograder.config import REPO
from autograder.pipeline import autograde, generate_release, make_course, read_scores, submit

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


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from autograder.simulate import small_class

    course = make_course(tmp_path_factory.mktemp("fb") / "course", [NAME])
    release = generate_release(course, NAME)
    source_nb = nbformat.read(SOURCE, as_version=4)
    release_nb = nbformat.read(release / f"{NAME}.ipynb", as_version=4)
    students = small_class(NAME, source_nb, release_nb)
    for student, nb in students.items():
        submit(course, student, NAME, text=nbformat.writes(nb))
    autograde(course, NAME)

    hidden = feedback.generate_feedback(course, [NAME])
    assert not hidden[NAME]["failed"]
    shutil.copytree(course / "feedback", course / "feedback-hidden")
    shown = feedback.generate_feedback(course, [NAME], show_hidden_tests=True,
                                       student="partly_wrong")
    assert not shown[NAME]["failed"]
    return {"course": course, "students": sorted(students)}


def _page(graded, student, kind="feedback-hidden"):
    return graded["course"] / kind / student / NAME / f"{NAME}.html"


def test_feedback_for_every_student(graded):
    for student in graded["students"]:
        assert _page(graded, student).is_file(), student


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
    mask = feedback.hidden_mask(executed, source)
    assert mask == [False, True, True, False]
    assert feedback.redact_source(executed, mask).splitlines()[1].startswith("# ··· hidden tests: 2")
    # A cell that cannot be matched to its source is withheld whole.
    cell = nbformat.v4.new_code_cell("secret(2)\nsecret(3)")
    feedback.hide_hidden_tests(cell, None)
    assert "secret" not in cell.source


def test_traceback_frames_lose_hidden_lines():
    frame = ("\x1b[36mCell In[7], line 3\x1b[39m\n      1 check(1)\n      2 secret_setup()\n"
             "----> 3 secret(2)\n      4 print('ok')\n")
    student = "\x1b[36mCell In[5], line 2\x1b[39m, in f(x)\n      1 def f(x):\n----> 2     return y\n"
    out = feedback.redact_traceback(["---", frame, student, "NameError: name 'y' is not defined"],
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
    assert all(r["graded"] == 3 for r in rates.values())   # 4 students, 1 failed
    assert rates["dot"]["tests"] == ["test_dot_values", "test_dot_errors", "test_dot_rules"]


def _copy_course(graded, tmp_path):
    """A copy of the graded course whose gradebook the test may change."""
    copy = tmp_path / "course"
    shutil.copytree(graded["course"], copy, ignore=shutil.ignore_patterns("feedback-hidden"))
    return copy


def test_report_after_the_gradebook_shrank(graded, tmp_path):
    from nbgrader.api import Gradebook

    course = _copy_course(graded, tmp_path)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("unfilled", "crashing"):
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
    for gone in ("unfilled", "crashing", "erin"):
        assert gone not in text
    assert "2 students" in text


def test_item_analysis_names_the_failures(graded, tmp_path):
    out = report.write_report(graded["course"], tmp_path)
    items = {i.grade_id: i for i in out["items"]}
    assert set(items) >= {"test_dot_values", "test_matmul_values"}
    for item in items.values():
        assert item.graded == 4 and 0 <= item.passed <= 4
        assert sum(f.count for f in item.failures) == item.graded - item.passed
    # The crashing student's NameError groups with nothing else; the message is kept.
    messages = [f.message for i in items.values() for f in i.failures]
    assert any(m.startswith("NameError: name 'undefined_name' is not defined") for m in messages)
    # partly_wrong uses catalogue entries: at least one failure is named after one.
    named = [f for i in items.values() for f in i.failures if f.mistakes]
    assert named, messages
    page = out["html"].read_text(encoding="utf-8")
    assert 'id="item-analysis"' in page and "catalogued:" in page
    assert html.escape(named[0].mistakes[0]) in page


def test_exercise_of_picks_the_longest_name():
    names = ["sigmoid", "sigmoid_grad", "Sigmoid"]
    assert report.exercise_of("test_sigmoid_grad_values", names) == "sigmoid_grad"
    assert report.exercise_of("test_sigmoid_values", names) == "sigmoid"
    assert report.exercise_of("test_Sigmoid", names) == "Sigmoid"


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
