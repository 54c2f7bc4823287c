"""The similarity report: what it sets aside, how well it finds copiers, and where it goes.

No grading anywhere: the comparison reads the submissions' solution cells only.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.config import REPO
from autograder.quality import bench_similarity
from autograder.quality.restyle import disguise, restyle
from autograder.reporting import similarity_course
from autograder.reporting.similarity_tokens import given_by, normalise

NAME = "01_arrays"


def tokens(source: str, stub: str = "") -> tuple:
    return normalise(source, given_by(stub) if stub else given_by("")).tokens


# ------------------------------------------------------------ what is set aside

def test_what_copying_disguises_is_set_aside():
    stubs, references = similarity_course.course_material(REPO, "05_backprop")
    for exercise in ("Affine", "SoftmaxWithLoss", "MatMul"):
        given = given_by(stubs[exercise])
        original = references[exercise][0]
        mine = normalise(original, given).tokens
        assert mine and "raise" not in mine          # the stub's placeholder is gone
        for seed in range(5):
            copy = disguise(original, random.Random(seed))
            assert copy != original
            assert normalise(copy, given).tokens == mine, (exercise, seed, copy)


def test_what_is_given_and_what_says_nothing_is_left_out():
    stub = ('def f(x, y):\n    """Add, shapes (n,)."""\n    n = len(x)\n'
            '    # YOUR CODE HERE\n    raise NotImplementedError()\n')
    one = ('def f(x, y):\n    """Add, shapes (n,)."""\n    n = len(x)\n'
           '    if n != len(y):\n        raise ValueError(f"lengths {n} and {len(y)}")\n'
           '    return [x[i] + y[i] for i in range(n)]  # the sum\n')
    other = ('def f(x, y):\n    """My own docstring."""\n    n = len(x)\n\n'
             '    if n != len(y):\n        raise ValueError("they differ!")\n'
             '    return [x[k] + y[k] for k in range(n)]\n')
    assert tokens(one, stub) == tokens(other, stub)
    assert "len" in tokens(one, stub) and "n" not in tokens(one, stub)
    assert tokens(one, stub)[:3] == ("if", "V", "!=")        # `n = len(x)` was given


def test_only_independent_lines_change_places():
    base = ("def g(x, f):\n    h = 1e-4\n    grad = np.zeros_like(x)\n"
            "    old = x[0]\n    x[0] = old + h\n    a = f(x)\n    x[0] = old - h\n"
            "    b = f(x)\n    grad[0] = (a - b) / (2 * h)\n    return grad\n")
    swapped_free = base.replace("    h = 1e-4\n    grad = np.zeros_like(x)\n",
                                "    grad = np.zeros_like(x)\n    h = 1e-4\n")
    swapped_bound = base.replace("    x[0] = old + h\n    a = f(x)\n",
                                 "    a = f(x)\n    x[0] = old + h\n")
    assert tokens(swapped_free) == tokens(base)
    assert tokens(swapped_bound) != tokens(base)
    # a view of x is x: writing through it keeps its place before f(x)
    view = ("def g(x, f):\n    v = x.reshape(-1)\n    v[0] = 1.0\n    a = f(x)\n"
            "    return a\n")
    moved = view.replace("    v[0] = 1.0\n    a = f(x)\n", "    a = f(x)\n    v[0] = 1.0\n")
    assert tokens(view) != tokens(moved)


def test_what_a_call_is_given_may_be_kept_by_the_callee():
    # visit(self) hands self to node, order.append(node) keeps it in order: v is self
    base = ("def backward(self):\n    order = []\n\n    def visit(node):\n"
            "        order.append(node)\n    visit(self)\n    self.grad = 1.0\n"
            "    for v in reversed(order):\n        v.grad += 1.0\n")
    loop = "    for v in reversed(order):\n        v.grad += 1.0\n"
    moved = base.replace("    self.grad = 1.0\n" + loop, loop + "    self.grad = 1.0\n")
    assert moved != base
    assert tokens(base) != tokens(moved)
    # d["x"] = x: d holds x, so writing x changes what d["x"] reads
    stored = 'def f(x, d):\n    d["x"] = x\n    x[0] = 1.0\n    y = d["x"].sum()\n    return y\n'
    swapped = stored.replace('    x[0] = 1.0\n    y = d["x"].sum()\n',
                             '    y = d["x"].sum()\n    x[0] = 1.0\n')
    assert tokens(stored) != tokens(swapped)


def test_an_unused_helper_is_set_aside_and_a_used_one_is_not():
    body = "class A:\n    def forward(self, x):\n        return x * 2\n"
    unused = body + "\n    def _check(self, v=None):\n        return None\n"
    used = body.replace("return x * 2", "return self._twice(x)") + \
        "\n    def _twice(self, v):\n        return v * 2\n"
    assert tokens(unused) == tokens(body)
    assert tokens(used) != tokens(body)


def test_each_student_writes_in_a_style_of_their_own():
    _, references = similarity_course.course_material(REPO, "06_training")
    source = references["train"][0]
    versions = {tuple(tokens(restyle(source, random.Random(f"s{k}")))) for k in range(12)}
    assert len(versions) >= 10


# ------------------------------------------------------------ how well, how fast

@pytest.fixture(scope="module")
def measured():
    start = time.process_time()
    found = bench_similarity.run(n=bench_similarity.STUDENTS, seed=0)
    return found, time.process_time() - start


def test_a_simulated_class_of_60(measured):
    found, seconds = measured
    for m in found:
        print(m.line())
    copied = sum(m.copied for m in found)
    above = sum(m.above for m in found)
    hits = sum(m.recall * m.copied for m in found)
    listed = sum(m.recall * m.copied / m.precision for m in found if m.precision)
    print(f"{above} of {copied} copied pairs above every other pair of their assignment; "
          f"listed: precision {hits / listed:.0%}, recall {hits / copied:.0%}; "
          f"{sum(m.cpu for m in found):.1f} s CPU comparing, {seconds:.1f} s with simulating")
    assert all(m.students == 60 and m.copied >= 5 for m in found)
    # A copy of code with nothing unusual in it looks like honest work: a few copied pairs
    # may rank among honest ones, never many.
    assert above >= 0.9 * copied
    assert hits / listed >= 0.85 and hits / copied >= 0.9
    assert sum(m.cpu for m in found) < 20       # CPU: a busy machine's wall clock says little


# ------------------------------------------------------------ the command and the page

@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with one assignment: 12 simulated students (copiers among them) this
    term, and an earlier term in which someone handed in the code of this term's most
    distinctive pair."""
    root = tmp_path_factory.mktemp("similar")
    shutil.copytree(REPO / "source" / NAME, root / "source" / NAME)
    subs = bench_similarity.simulated(NAME, n=12, seed=1)
    for sub in subs:
        folder = root / "submitted" / sub.student / NAME
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_text(nbformat.writes(sub.notebook), encoding="utf-8")
    top = similarity_course.compare_course(root, [NAME])[0].pairs[0]
    writer = next(s for s in subs if s.student == top.a)
    old = root / "earlier" / "2025-fall" / "submitted" / "alumna" / NAME
    old.mkdir(parents=True)
    (old / f"{NAME}.ipynb").write_text(nbformat.writes(writer.notebook), encoding="utf-8")
    return root, subs, writer


def test_the_command_writes_one_page_and_nothing_else(course, tmp_path):
    root, subs, writer = course
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "autograder", "similarity", NAME,
                           "--course-dir", str(root), "--earlier", str(root / "earlier"),
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert [p.name for p in out.iterdir()] == ["similarity.html"]
    page = (out / "similarity.html").read_text(encoding="utf-8")
    assert "pairs to look at" in page and "not a finding" in page
    assert not re.search(r"plagiar|cheat|guilty|dishonest", page, re.I)
    copier = next(s for s in subs if s.kind == "copier")
    pair = sorted((copier.student, copier.copied_from))
    assert re.search(rf"<b>{pair[0]}</b> · <b>{pair[1]}</b>", page), proc.stdout
    assert f"<b>{writer.student}</b> · <b>2025-fall/submitted/alumna</b>" in page
    assert "(earlier term)" in page
    assert f"{NAME}: 12 submissions and 1 of earlier terms" in proc.stdout
    assert 'class="rare"' in page                      # shared code highlighted


def test_the_report_has_the_section(course):
    from autograder.reporting.gradebook import Course
    from autograder.reporting.report import render_html
    from autograder.reporting.similarity_page import view

    root, subs, _ = course
    results = similarity_course.compare_course(root, [NAME], students={s.student for s in subs})
    students = sorted(s.student for s in subs)
    empty = Course([NAME], students, {NAME: 0.0}, {NAME: None}, {NAME: {}}, {}, {}, [])
    html = render_html(empty, [], "report", similarity=view(results))
    assert 'id="similarity"' in html and "Similar solutions" in html
    assert len(results[0].flagged) >= 1
    assert html.count('<details class="pair">') == len(results[0].flagged)
    without = render_html(empty, [], "report")
    assert 'id="similarity"' not in without


def test_nothing_of_it_reaches_students():
    """Only the instructor's report and page use the comparison: not the feedback, the
    exports, the gradebook files or the student bundle."""
    reporting = REPO / "autograder" / "reporting"
    users = {p.name for p in reporting.rglob("*.py") if "similarity" in p.read_text("utf-8")}
    assert users <= {"similarity.py", "similarity_tokens.py", "similarity_order.py",
                     "similarity_course.py", "similarity_page.py", "report.py",
                     "__init__.py"}, users
    for folder in ("course_admin", "grading", "notebooks"):
        for path in (REPO / "autograder" / folder).rglob("*.py"):
            assert "similarity" not in path.read_text("utf-8"), path
    feedback_templates = reporting / "templates" / "nn_feedback"
    for path in feedback_templates.rglob("*"):
        if path.is_file():
            assert "similar" not in path.read_text("utf-8").lower(), path


def test_hostile_submissions_do_not_stop_it(tmp_path):
    """What a student hands in is read, never run; what cannot be read is named."""
    shutil.copytree(REPO / "source" / NAME, tmp_path / "source" / NAME)
    release = nbformat.read(REPO / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    deep = "def dot(x, y):\n    return " + " + ".join(["x"] * 5000) + "\n"
    cells = {"deep": deep, "plain": "def dot(x, y):\n    return (x * y).sum()\n"}
    for student, source in cells.items():
        nb = nbformat.from_dict(release)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "dot":
                cell.source = source
        folder = tmp_path / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{NAME}.ipynb")
    broken = tmp_path / "submitted" / "broken" / NAME
    broken.mkdir(parents=True)
    (broken / f"{NAME}.ipynb").write_text('{"cells": [' * 100_000, encoding="utf-8")
    linked = tmp_path / "submitted" / "linked" / NAME
    linked.mkdir(parents=True)
    (linked / f"{NAME}.ipynb").symlink_to(REPO / "source" / NAME / f"{NAME}.ipynb")
    result = similarity_course.compare_course(tmp_path, [NAME])[0]
    assert result.students == 2 and sorted(result.unreadable) == ["broken", "linked"]
    assert len(result.exercises["dot"].docs["deep"].tokens) > 5000
