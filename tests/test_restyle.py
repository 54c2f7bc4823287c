"""The simulated class's rewritten solutions still pass: a correct solution restyled
(:func:`~autograder.quality.restyle.restyle`) or disguised
(:func:`~autograder.quality.restyle.disguise`) must pass its exercise's visible checks,
in every assignment, or `make demo` and the similarity bench grade correct students 0.

Run in this process, without a kernel: each assignment's given cells and reference
solutions once, then each rewritten solution, in a copy of that namespace, with the
visible test cells of its exercise.
"""
from __future__ import annotations

import ast
import contextlib
import io
import random
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from autograder import catalogue  # noqa: E402
from autograder.config import REPO  # noqa: E402
from autograder.quality.check_tests import owner  # noqa: E402
from autograder.quality.restyle import disguise, restyle  # noqa: E402
from autograder.quality.submissions import reference_sources, solution_cells  # noqa: E402

NAMES = sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir())
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*$",
                    re.S | re.M)
#: Students who rewrite each correct solution: a few, so that the test takes seconds.
RESTYLED, DISGUISED = 3, 1


def run(namespace: dict, cells: list) -> str | None:
    """Run ``cells`` ((name, source) pairs) in ``namespace``; the first error, if any."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for name, source in cells:
                exec(compile(source, name, "exec"), namespace)
    except Exception as error:      # noqa: BLE001 -- any error is the finding
        return f"{name}: {type(error).__name__}: {error}"
    finally:
        plt.close("all")
    return None


def graded(nb):
    """(nbgrader metadata, cell) of every cell nbgrader knows."""
    return [(cell.metadata["nbgrader"], cell) for cell in nb.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader")]


def given(nb) -> dict:
    """The namespace after the given (locked) cells and the reference solutions, in order."""
    namespace = {"__name__": "__main__"}
    solutions = reference_sources(nb)
    cells = [(meta["grade_id"], solutions.get(meta["grade_id"], cell.source))
             for meta, cell in graded(nb)
             if meta.get("solution") or (meta.get("locked") and not meta.get("grade"))]
    assert run(namespace, cells) is None
    return namespace


def visible_tests(nb, exercise: str, exercises: list) -> list:
    return [(meta["grade_id"], HIDDEN.sub("", cell.source)) for meta, cell in graded(nb)
            if meta.get("grade") and owner(meta["grade_id"], exercises) == exercise]


def correct_solutions(name: str, nb) -> list:
    """(exercise, which, source) for the reference and every catalogued correct entry."""
    found = [(exercise, "reference", source)
             for exercise, source in reference_sources(nb).items()]
    return found + [(entry.exercise, entry.slug, entry.source)
                    for entry in catalogue.load(name) if entry.kind == "correct"]


def rewritten(source: str, label: str) -> list:
    """(how, source): a few students' own versions and a copier's."""
    return ([(f"restyled {k}", restyle(source, random.Random(f"{label}:{k}")))
             for k in range(RESTYLED)]
            + [(f"disguised {k}", disguise(source, random.Random(f"{label}:{k}")))
               for k in range(DISGUISED)])


@pytest.mark.parametrize("name", NAMES)
def test_rewritten_correct_solutions_pass_the_visible_checks(name):
    nb = nbformat.read(REPO / "source" / name / f"{name}.ipynb", as_version=4)
    base = given(nb)
    exercises = list(solution_cells(nb))
    failures = []
    for exercise, which, source in correct_solutions(name, nb):
        tests = visible_tests(nb, exercise, exercises)
        assert tests, f"{name}: no visible test cell of {exercise}"
        for how, text in rewritten(source, f"{exercise}:{which}"):
            error = run(dict(base), [(exercise, text), *tests])
            if error:
                failures.append(f"{exercise} ({which}), {how}: {error}\n{text}")
    assert not failures, f"{len(failures)} rewritten correct solutions fail; the first:\n" \
                         + failures[0]


def test_operators_of_a_class_with_its_own_are_left_as_written():
    """``__rmul__`` as ``self * other`` swapped would call itself; ``-x`` as ``-1 * x``
    needs an ``__rmul__`` the class may not have."""
    source = ("class V:\n    def __init__(self, x):\n        self.x = x\n\n"
              "    def __mul__(self, other):\n        return V(self.x * other)\n\n"
              "    def __rmul__(self, other):\n        return self * other\n\n"
              "    def __sub__(self, other):\n        return V(self.x - other)\n\n"
              "    def __neg__(self):\n        return V(-self.x)\n")

    def operators(text):
        return sorted(ast.unparse(n) for n in ast.walk(ast.parse(text))
                      if isinstance(n, (ast.BinOp, ast.UnaryOp, ast.Compare)))

    for k in range(20):
        assert operators(restyle(source, random.Random(k))) == operators(source)
    plain = "def f(x, y):\n    return -x * y - 2 * x\n"
    assert any(operators(restyle(plain, random.Random(k))) != operators(plain)
               for k in range(20))
