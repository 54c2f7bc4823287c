"""Every assignment in source/: release in sync, no leaks, grading end to end.

That every source cell runs and every visible assertion holds is proved by
nbval (`make test` runs it on source/ beside this suite); these tests prove the rest.
"""
from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import pytest

from autograder.config import REPO, assignments
from autograder.stock_nbgrader import (autograde, log_tail, make_course, nbgrader, read_scores,
                                      submit)

ASSIGNMENTS = assignments()


def test_course_has_assignments():
    assert ASSIGNMENTS, "source/ holds no assignment"
    assert ASSIGNMENTS[0] == "01_arrays"


def _solution_lines(cell_source: str) -> list[str]:
    """The non-trivial lines between BEGIN SOLUTION and END SOLUTION."""
    lines, inside = [], False
    for line in cell_source.splitlines():
        if "BEGIN SOLUTION" in line:
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif inside and len(line.strip()) > 12 and not line.strip().startswith("#"):
            lines.append(line.strip())
    return lines


def _hidden_lines(cell_source: str) -> list[str]:
    """The non-trivial lines between BEGIN HIDDEN TESTS and END HIDDEN TESTS."""
    return _solution_lines(cell_source.replace("BEGIN HIDDEN TESTS", "BEGIN SOLUTION")
                           .replace("END HIDDEN TESTS", "END SOLUTION"))


def _outside_regions(cell_source: str) -> list[str]:
    """The lines outside BEGIN/END SOLUTION and BEGIN/END HIDDEN TESTS regions."""
    lines, inside = [], False
    for line in cell_source.splitlines():
        if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
            inside = False
        elif not inside:
            lines.append(line)
    return lines


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.fixture(scope="session")
def stock(tmp_path_factory):
    """A scratch course of every assignment where stock ``nbgrader generate_assignment`` has
    run (the command ``make release`` stands for: its output is compared with release/), then
    stock ``nbgrader autograde`` has graded three submissions of each assignment: the source,
    the unfilled release, and one whose every answer raises. One command of each for all
    the assignments (``"*"``), since importing nbgrader alone costs a CPU-second or more per
    command; whatever either says about one assignment fails only that assignment's tests."""
    import nbformat

    from autograder.quality.submissions import crashing_sources, fill

    course = make_course(tmp_path_factory.mktemp("stock") / "course", ASSIGNMENTS)
    generated = nbgrader(course, "generate_assignment", "*", "--force", check=False)
    for name in ASSIGNMENTS:
        source = REPO / "source" / name / f"{name}.ipynb"
        release = course / "release" / name / f"{name}.ipynb"
        if not release.exists():
            continue
        submit(course, "solution", name, source)
        submit(course, "unfilled", name, release)
        crashing = fill(nbformat.read(release, as_version=4),
                        crashing_sources(nbformat.read(source, as_version=4)))
        submit(course, "crashing", name, text=nbformat.writes(crashing))
    graded = autograde(course, "*", check=False)
    return course, generated, graded


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_matches_nbgrader(name, stock):
    course, generated, _ = stock
    built = course / "release" / name
    assert built.is_dir(), f"nbgrader generate_assignment released no {name}:\n{log_tail(generated)}"
    committed = REPO / "release" / name
    assert committed.is_dir(), f"release/{name} is missing: run `make release`"
    diff = filecmp.dircmp(built, committed)
    assert not diff.left_only and not diff.right_only, (
        f"release/{name} has different files from nbgrader's output: run `make release`")
    for filename in diff.common_files:
        assert (built / filename).read_bytes() == (committed / filename).read_bytes(), (
            f"release/{name}/{filename} is out of date: run `make release`")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_leaks_no_solution(name):
    source_cells = _cells(REPO / "source" / name / f"{name}.ipynb")
    released = (REPO / "release" / name / f"{name}.ipynb").read_text(encoding="utf-8")
    released_text = "\n".join(_source(c) for c in json.loads(released)["cells"])
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in released, f"release/{name} contains the marker {marker!r}"
    secret = set()
    for cell in source_cells:
        secret.update(_solution_lines(_source(cell)))
        secret.update(_hidden_lines(_source(cell)))
    assert secret, f"source/{name} has no solution or hidden-test lines to protect"
    # Lines that also stand outside every hidden region (visible checks, given
    # code) are public anyway.
    given = {line.strip() for cell in source_cells
             for line in _outside_regions(_source(cell))}
    leaked = [line for line in secret - given if line in released_text]
    assert not leaked, f"release/{name} contains solution or hidden-test lines: {leaked[:3]}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_notebook_is_clean(name):
    nb = json.loads((REPO / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}, (
        f"source/{name} notebook metadata holds {sorted(nb['metadata'])}")
    for cell in nb["cells"]:
        assert not cell.get("outputs"), f"source/{name} cell {cell.get('id')} has stored outputs"
        assert cell.get("execution_count") is None, f"source/{name} has execution counts"
        assert set(cell["metadata"]) <= {"nbgrader"}, (
            f"source/{name} cell {cell.get('id')} has metadata {sorted(cell['metadata'])}")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_exercise_cells_follow_contract(name):
    """Each solution cell's only top-level statement defines the exercise it is named after."""
    import ast

    for cell in _cells(REPO / "source" / name / f"{name}.ipynb"):
        meta = cell["metadata"].get("nbgrader", {})
        if not meta.get("solution"):
            continue
        tree = ast.parse(_source(cell))
        assert len(tree.body) == 1, f"{name}: solution cell {meta['grade_id']} has more than one statement"
        node = tree.body[0]
        assert isinstance(node, (ast.FunctionDef, ast.ClassDef)), meta["grade_id"]
        assert node.name == meta["grade_id"], f"{name}: cell {meta['grade_id']} defines {node.name}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grading_end_to_end(name, stock):
    """Stock nbgrader gives the source full marks, and zero to the unfilled
    release and to a submission whose every answer raises.

    (The instructor's solution typed into the release, and every catalogued
    mistake and alternative, are graded by `autograder check-tests`.)
    """
    course, generated, graded = stock
    assert (course / "release" / name).is_dir(), (
        f"nbgrader generate_assignment released no {name}:\n{log_tail(generated)}")
    scores = {s.student: s for s in read_scores(course, name)}
    assert set(scores) == {"solution", "unfilled", "crashing"}, (
        f"nbgrader autograde graded {sorted(scores)} of {name}'s three submissions:\n"
        f"{log_tail(graded)}")

    got = scores["solution"]
    lost = {cell: pts for cell, pts in got.cells.items() if pts[0] != pts[1]}
    assert got.max_score > 0
    assert got.score == got.max_score, f"the solution loses points in {lost}"
    for student in ("unfilled", "crashing"):
        earned = {cell: pts for cell, pts in scores[student].cells.items() if pts[0] > 0}
        assert scores[student].score == 0, f"{student} earns points in {earned}"
