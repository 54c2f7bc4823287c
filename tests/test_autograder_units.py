"""Unit tests of the autograder package's pure parts (no nbgrader runs)."""
from pathlib import Path

import nbformat
import pytest

from autograder import catalogue
from autograder.notebooks import nbtext
from autograder.quality.check_tests import (FIGURE, FIGURE_END, FIGURE_START, Verdict, figure_text,
                                   format_matrix, owner, update_readme)
from autograder.config import REPO, assignments
from autograder.quality.demo import score_table
from autograder.stock_nbgrader import Score
from autograder.quality.submissions import crashing_sources, fill, reference_sources, solution_cells

SAMPLE = '''#%% md
# Title
#%% given setup
import numpy as np
#%% solution dot
def dot(x, y):
    """doc"""
    ### BEGIN SOLUTION
    return float((x * y).sum())
    ### END SOLUTION
#%% test test_dot_values 2
assert dot(np.ones(2), np.ones(2)) == 2
#%% code
print(dot(np.ones(3), np.ones(3)))
'''


def test_nbtext_builds_nbgrader_cells():
    nb = nbtext.to_notebook(SAMPLE)
    kinds = [(c.cell_type, c.metadata.get("nbgrader", {}).get("grade_id")) for c in nb.cells]
    assert kinds == [("markdown", None), ("code", "setup"), ("code", "dot"),
                     ("code", "test_dot_values"), ("code", None)]
    assert nb.cells[1].metadata.nbgrader.locked and not nb.cells[1].metadata.nbgrader.grade
    assert nb.cells[2].metadata.nbgrader.solution and not nb.cells[2].metadata.nbgrader.locked
    assert nb.cells[3].metadata.nbgrader.points == 2 and nb.cells[3].metadata.nbgrader.grade
    assert nbtext.to_text(nb) == SAMPLE.replace("\n#%%", "\n\n#%%")


def test_nbtext_rejects_malformed_text():
    with pytest.raises(ValueError, match="needs an id"):
        nbtext.to_notebook("#%% solution\ndef f(): pass\n")
    with pytest.raises(ValueError, match="needs points"):
        nbtext.to_notebook("#%% test test_f\nassert True\n")
    with pytest.raises(ValueError, match="before the first"):
        nbtext.to_notebook("stray\n#%% md\nx\n")
    with pytest.raises(ValueError, match="malformed"):
        nbtext.to_notebook("#%% mdx\nx\n")


@pytest.mark.parametrize("name", assignments())
def test_nbtext_round_trips_every_source_notebook(name):
    path = REPO / "source" / name / f"{name}.ipynb"
    stored = nbformat.read(path, as_version=4)
    rebuilt = nbtext.to_notebook(nbtext.to_text(stored))
    assert nbformat.writes(rebuilt) == nbformat.writes(stored)


def test_submissions_fill_and_crash():
    nb = nbtext.to_notebook(SAMPLE)
    assert list(solution_cells(nb)) == ["dot"]
    reference = reference_sources(nb)
    assert "BEGIN SOLUTION" not in reference["dot"] and "return float" in reference["dot"]
    crash = crashing_sources(nb)["dot"]
    assert crash.startswith("def dot(x, y):") and "undefined_name" in crash
    assert "return float" not in crash
    filled = fill(nb, {"dot": "def dot(x, y):\n    return 0"})
    assert solution_cells(filled)["dot"].source.endswith("return 0")
    assert "BEGIN SOLUTION" in solution_cells(nb)["dot"].source  # the original is untouched
    with pytest.raises(KeyError):
        fill(nb, {"nope": ""})


def test_catalogue_entries_are_well_formed():
    for name in assignments():
        for entry in catalogue.load(name):
            assert entry.source.startswith(f"# {entry.kind}"), entry.student
            compile(entry.source, entry.student, "exec")


def test_catalogue_rejects_badly_named_files(tmp_path: Path):
    (tmp_path / "01_arrays" / "dot").mkdir(parents=True)
    (tmp_path / "01_arrays" / "dot" / "typo-x.py").write_text("# typo\n")
    with pytest.raises(ValueError, match="wrong-<slug>"):
        catalogue.load("01_arrays", tmp_path)


def test_owner_picks_the_longest_matching_exercise():
    exercises = ["Sigmoid", "sigmoid", "softmax", "SoftmaxWithLoss", "dot"]
    assert owner("test_sigmoid_values", exercises) == "sigmoid"
    assert owner("test_Sigmoid", exercises) == "Sigmoid"
    assert owner("test_SoftmaxWithLoss_backward", exercises) == "SoftmaxWithLoss"
    assert owner("test_softmaxish", exercises) is None
    assert owner("test_dot_rules", exercises) == "dot"


def test_verdicts_and_matrix():
    wrong = catalogue.Entry("a", "dot", "wrong", "x", "# wrong: x\n")
    right = catalogue.Entry("a", "dot", "correct", "y", "# correct: y\n")
    assert Verdict(wrong, {"dot": 2.0, "matmul": 0.0}).ok
    assert Verdict(wrong, {"dot": 0.0, "matmul": 1.0}).problem == (
        "loses points only outside its own exercise")
    assert Verdict(wrong, {"dot": 0.0}).problem == "keeps full marks"
    assert Verdict(right, {"dot": 0.0}).ok
    assert Verdict(right, {"dot": 1.0}).problem == "a correct alternative loses points"
    text = format_matrix("a", ["dot"], [Verdict(wrong, {"dot": 2.0})])
    assert "dot--wrong-x" in text and "-2" in text and text.endswith("ok")


def test_score_table():
    scores = [Score("ann", "01_arrays", 20, 20, {}), Score("bob", "01_arrays", 5, 20, {})]
    table = score_table(scores).splitlines()
    assert table[0].split() == ["student", "01_arrays", "total"]
    assert table[2].split() == ["ann", "20/20", "100.0%"]
    assert table[3].split() == ["bob", "5/20", "25.0%"]


def test_readme_states_the_catalogue_figure():
    """The README's figure (between check-tests' markers) counts the catalogue's files."""
    files = list((REPO / "autograder" / "catalogue").glob("*/*/*.py"))
    wrong = sum(f.name.startswith("wrong-") for f in files)
    correct = sum(f.name.startswith("correct-") for f in files)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = FIGURE.search(readme)
    assert found, "README.md lost the check-tests figure's markers"
    assert found.group(1) == figure_text(wrong, correct), (
        "README.md's figure is stale: run `make check-tests` (a full, passing run rewrites it)")


def test_check_tests_rewrites_only_between_the_markers(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\nToday: {FIGURE_START}old{FIGURE_END} and more\n",
                      encoding="utf-8")
    assert update_readme(readme, 7, 3)
    assert readme.read_text(encoding="utf-8") == (
        f"intro\nToday: {FIGURE_START}{figure_text(7, 3)}{FIGURE_END} and more\n")
    assert not update_readme(readme, 7, 3)
    readme.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="markers"):
        update_readme(readme, 1, 1)


def test_score_table_names_the_simulated_kinds():
    scores = [Score("s01", "01_arrays", 20, 20, {}), Score("s02", "01_arrays", 0, 20, {})]
    table = score_table(scores, {"s01": "correct", "s02": "unfilled"}).splitlines()
    assert table[0].split() == ["student", "simulated", "01_arrays", "total"]
    assert table[2].split() == ["s01", "correct", "20/20", "100.0%"]
    assert table[3].split() == ["s02", "unfilled", "0/20", "0.0%"]


def test_the_in_process_alembic_head_is_nbgrader_s_own(monkeypatch):
    """autograder.nbgrader_fixes.nbgrader_alembic_version gives new gradebooks the version nbgrader's own
    subprocess finds (the `alembic` command of this environment)."""
    import os
    import sys

    import nbgrader.api

    from autograder.nbgrader_fixes import nbgrader_alembic_version as alembic_head

    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    original = getattr(nbgrader.api.get_alembic_version, "original",
                       nbgrader.api.get_alembic_version)
    assert alembic_head.head() == original()


def test_pack_keeps_apart_entries_whose_losses_could_not_be_told_apart():
    """Entries share a notebook only when neither can move the other's own tests: not the
    same exercise, not one exercise's tests using the other, and not an entry whose code
    names the other's exercise. Two exercises a third one's tests both use may share."""
    from autograder.catalogue import Entry
    from autograder.quality.check_tests import pack

    def entry(exercise, slug, source="pass"):
        return Entry("x", exercise, "wrong", slug, source)

    depends = {"Affine": {"Net"}, "Sigmoid": {"Net"}, "Net": set(), "Loss": set()}
    a, s, n, l1, l2 = (entry("Affine", "a"), entry("Sigmoid", "s"), entry("Net", "n"),
                       entry("Loss", "l1"), entry("Loss", "l2", "Affine()"))
    groups = [{x.slug for x in g} for g in pack([a, s, n, l1, l2], depends)]
    together = lambda p, q: any({p, q} <= g for g in groups)   # noqa: E731
    assert together("a", "s"), groups         # Net's tests use both: pinned down later
    assert not together("a", "n") and not together("s", "n"), groups
    assert not together("l1", "l2"), groups   # the same exercise
    assert not together("a", "l2"), groups    # l2's code names Affine
    assert together("a", "l1"), groups        # independent: packed


def test_a_loss_two_packed_entries_could_explain_is_marked_shared():
    """Affine and Sigmoid share a notebook; Net's tests use both. A loss in Net could be
    either's: a wrong entry that lost points in its own exercise keeps its verdict, with
    Net marked as shared; a correct entry charged with it, or a wrong one that lost
    nothing of its own, goes back to be graded alone. Without a loss in Net, every entry
    of the notebook has its verdict at once."""
    from types import SimpleNamespace

    from autograder.catalogue import Entry
    from autograder.quality.check_tests import AssignmentCheck, format_matrix

    def entry(exercise, kind, slug):
        return Entry("x", exercise, kind, slug, "pass")

    def graded(**lost):
        return SimpleNamespace(cells={f"test_{e}": (10 - pts, 10) for e, pts in lost.items()})

    check = AssignmentCheck.__new__(AssignmentCheck)
    check.name, check.exercises = "x", ["Affine", "Sigmoid", "Net", "Loss"]
    check.depends = {"Affine": {"Net"}, "Sigmoid": {"Net"}, "Net": set(), "Loss": set()}
    check.known, check.verdicts, check.retry = None, {}, []
    a1, s1, l1 = entry("Affine", "wrong", "a1"), entry("Sigmoid", "correct", "s1"), \
        entry("Loss", "wrong", "l1")
    a2, s2 = entry("Affine", "wrong", "a2"), entry("Sigmoid", "wrong", "s2")
    a3, s3 = entry("Affine", "wrong", "a3"), entry("Sigmoid", "wrong", "s3")
    check.groups = [[a1, s1, l1], [a2, s2], [a3, s3]]
    check.take_packed({("x", "group-000"): graded(Affine=2, Net=3, Loss=1),
                       ("x", "group-001"): graded(Affine=2, Sigmoid=1, Net=0),
                       ("x", "group-002"): graded(Affine=0, Sigmoid=1, Net=2)})
    assert check.retry == [s1, a3]
    none = {"Affine": 0, "Sigmoid": 0, "Net": 0, "Loss": 0}
    first = check.verdicts[a1.student]
    assert first.lost == {**none, "Affine": 2, "Net": 3} and first.shared == {"Net"}
    assert first.ok
    assert check.verdicts[l1.student].lost == {**none, "Loss": 1}
    assert not check.verdicts[l1.student].shared
    assert check.verdicts[a2.student].lost == {**none, "Affine": 2}
    assert check.verdicts[s2.student].lost == {**none, "Sigmoid": 1}
    assert check.verdicts[s3.student].shared == {"Net"}
    matrix = format_matrix("x", check.exercises, [first, check.verdicts[a2.student]])
    assert "-3*" in matrix and "-2*" not in matrix and "either could have cost it" in matrix


def test_the_cached_metadata_check_judges_as_nbgrader_s_own():
    """autograder.nbgrader_fixes.nbgrader_validate_cell: every cell of every source notebook, and cells broken in
    each way nbgrader's schema forbids, get the verdict (and error) of jsonschema.validate."""
    import copy

    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator
    from nbgrader.nbgraderformat.common import BaseMetadataValidator

    from autograder.nbgrader_fixes import nbgrader_validate_cell as schema_cache

    schema_cache.install()
    validator = MetadataValidator()
    cells = [cell for name in assignments()
             for cell in nbformat.read(REPO / "source" / name / f"{name}.ipynb",
                                       as_version=4).cells if "nbgrader" in cell.metadata]
    broken = []
    for cell in cells[:8]:
        for key, value in [("points", "20"), ("grade", "yes"), ("grade_id", 3),
                           ("locked", None), ("solution", 1)]:
            bad = copy.deepcopy(cell)
            bad.metadata.nbgrader[key] = value
            broken.append(bad)

    def verdict(check, cell):
        try:
            check(cell)
        except jsonschema.ValidationError as exc:
            return exc.message, list(exc.path)
        return None

    def stock(cell):
        jsonschema.validate(cell.metadata["nbgrader"], validator.schema)

    failed = 0
    for cell in cells + broken:
        expected = verdict(stock, cell)
        assert verdict(lambda c: BaseMetadataValidator.validate_cell(validator, c),
                       cell) == expected, cell.metadata["nbgrader"]
        failed += expected is not None
    assert failed == len(broken), "a broken cell passed the schema"


def test_the_template_gradebook_holds_what_nbgrader_s_own_calls_write(tmp_path: Path):
    """write_template adds its rows in one transaction; the gradebook is the one nbgrader's
    update_or_create_* calls make, row for row (ids aside), grade, solution, task and
    locked cells and a due date included."""
    import sqlite3

    from nbgrader.api import Gradebook

    from autograder.nbgrader_fixes.nbgrader_alembic_version import install
    from autograder.grading.definitions import AssignmentDef, CellDef, NotebookDef, write_template

    install()   # as Course() does: nbgrader would shell out to `alembic` for each new gradebook
    cells = [CellDef("intro", "markdown", True, "# Hi", "c0"),
             CellDef("answer", "code", False, "x = 1", "c1", solution=True),
             CellDef("test", "code", True, "assert x", "c2", grade=True, max_score=2.0),
             CellDef("both", "code", False, "y = 2", "c3", grade=True, solution=True,
                     max_score=1.5),
             CellDef("essay", "markdown", True, "Explain.", "c4", task=True, max_score=3.0)]
    defs = {"a1": AssignmentDef("a1", "2026-01-02 03:04:05 UTC",
                                [NotebookDef("nb1", '{"name": "python3"}', cells),
                                 NotebookDef("nb2", None, cells[:3])]),
            "a2": AssignmentDef("a2", None, [NotebookDef("nb1", None, cells[1:3])])}
    ours = tmp_path / "ours.db"
    write_template(ours, "course-x", defs)
    stock = tmp_path / "stock.db"
    with Gradebook(f"sqlite:///{stock}", "course-x") as gb:
        for a in defs.values():
            gb.update_or_create_assignment(a.name, duedate=a.duedate)
            for nb in a.notebooks:
                gb.update_or_create_notebook(nb.name, a.name, kernelspec=nb.kernelspec)
                for c in nb.cells:
                    if c.grade:
                        gb.update_or_create_grade_cell(c.name, nb.name, a.name,
                                                       max_score=c.max_score,
                                                       cell_type=c.cell_type)
                    if c.solution:
                        gb.update_or_create_solution_cell(c.name, nb.name, a.name)
                    if c.task:
                        gb.update_or_create_task_cell(c.name, nb.name, a.name,
                                                      max_score=c.max_score,
                                                      cell_type=c.cell_type)
                    gb.update_or_create_source_cell(c.name, nb.name, a.name,
                                                    cell_type=c.cell_type, locked=c.locked,
                                                    source=c.source, checksum=c.checksum)

    def content(path: Path) -> dict:
        """Every table's rows, each id replaced by the names it stands for."""
        con = sqlite3.connect(path)
        names = {}
        for row in con.execute("SELECT a.id, a.name, a.duedate, a.course_id FROM assignment a"):
            names[row[0]] = ("assignment", *row[1:])
        for row in con.execute("SELECT id, name, assignment_id, kernelspec FROM notebook"):
            names[row[0]] = ("notebook", row[1], names[row[2]], row[3])
        for row in con.execute("SELECT id, name, notebook_id, type FROM base_cell"):
            names[row[0]] = ("cell", row[1], names[row[2]], row[3])
        for (row_id,) in con.execute("SELECT id FROM source_cell"):
            names[row_id] = "a source cell's own id"
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {}
        for table in tables:
            rows = con.execute(f"SELECT * FROM {table}").fetchall()   # noqa: S608 - our tables
            found[table] = sorted(repr(tuple(names.get(v, v) if table != "alembic_version"
                                             else v for v in row)) for row in rows)
        return found

    mine, theirs = content(ours), content(stock)
    assert mine == theirs
    assert len(mine["grade_cells"]) == 4 and len(mine["task_cells"]) == 1, mine


def test_a_grading_worker_installs_the_course_fixes_whatever_its_configuration(tmp_path: Path):
    """A Dask worker's course configuration arrives as data, which runs none of the course's
    nbgrader_config.py: configure_worker installs the fixes itself. Without nbclient#312's
    work-around a widget cell stalled a cluster's notebook for a minute in most runs."""
    import subprocess
    import sys

    code = ("from traitlets.config import Config\n"
            "from nbclient.output_widget import OutputWidget\n"
            "from nbgrader.nbgraderformat.common import BaseMetadataValidator as V\n"
            "from autograder.grading.execute import configure_worker\n"
            "before = [getattr(OutputWidget.sync_state, 'muted', False),\n"
            "          getattr(V.validate_cell, 'cached', False)]\n"
            "configure_worker(Config(), 60, 30)\n"
            "print(before, [getattr(OutputWidget.sync_state, 'muted', False),\n"
            "               getattr(V.validate_cell, 'cached', False)])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[False,", "False]", "[True,", "True]"], out.stdout


def test_a_misnamed_notebook_fails_saying_how_to_grade_it_after_all(tmp_path: Path):
    import shlex

    from autograder.grading.check import precheck
    from autograder.grading.definitions import AssignmentDef, NotebookDef

    adef = AssignmentDef("01_arrays", None, [NotebookDef("01_arrays", None, [])])
    folder = tmp_path / "submitted" / "kim lee" / "01_arrays"
    folder.mkdir(parents=True)
    (folder / "01_arrays (1).ipynb").write_text("{}")
    out = precheck("kim lee", "01_arrays", folder, adef, [])
    assert out.status == "failed" and "found 01_arrays (1).ipynb" in out.reason
    fix = out.reason.split("(in the course directory): ")[1]
    assert shlex.split(fix) == [
        "mv", "submitted/kim lee/01_arrays/01_arrays (1).ipynb",
        "submitted/kim lee/01_arrays/01_arrays.ipynb", "&&", "python", "-m", "autograder",
        "grade", "01_arrays", "--student", "kim lee"]
    (folder / "01_arrays (1).ipynb").unlink()
    out = precheck("kim lee", "01_arrays", folder, adef, [])
    assert "found no notebook" in out.reason
    assert "Put the student's notebook at submitted/kim lee/01_arrays/01_arrays.ipynb" in out.reason


def test_committed_test_dependencies_are_taken_only_for_exactly_their_inputs(tmp_path):
    """check-tests skips its probes only when the table was measured on these very inputs:
    the same source notebook and the same exercises (and the same code, in the digest)."""
    from autograder.catalogue import dependencies

    name = "05_backprop"
    exercises = list(reference_sources(nbformat.read(
        REPO / "source" / name / f"{name}.ipynb", as_version=4)))
    table = tmp_path / "dependencies.json"
    measured = {e: set() for e in exercises}
    measured[exercises[0]] = {exercises[1]}
    dependencies.update({name: measured}, table)
    assert dependencies.known(name, exercises, REPO, table) == measured
    assert dependencies.known(name, exercises[:-1], REPO, table) is None
    assert dependencies.known("06_training", exercises, REPO, table) is None

    # A course whose source notebook differs by one character measures again.
    course = tmp_path / "course"
    (course / "source" / name).mkdir(parents=True)
    text = (REPO / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8")
    (course / "source" / name / f"{name}.ipynb").write_text(text.replace("MatMul", "MatMul ", 1),
                                                            encoding="utf-8")
    assert dependencies.known(name, exercises, course, table) is None
    # A damaged file is no table at all.
    table.write_text("{not json", encoding="utf-8")
    assert dependencies.known(name, exercises, REPO, table) is None


def test_committed_test_dependencies_name_the_exercises_of_their_assignment():
    from autograder.catalogue import dependencies

    for name, entry in dependencies.load().items():
        exercises = set(reference_sources(nbformat.read(
            REPO / "source" / name / f"{name}.ipynb", as_version=4)))
        assert set(entry["depends"]) == exercises, name
        assert all(set(d) <= exercises for d in entry["depends"].values()), name
