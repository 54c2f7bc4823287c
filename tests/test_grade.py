"""`python -m autograder grade` on the bad-submission corpus (tests/corpus/), in one batch.

Each corpus file builds one student's 01_arrays submission and states its expected outcome.
The whole corpus is graded in one batch with small limits (10 s per cell, 1 GB per kernel):
every expectation holds, the control student is unaffected, submitted/ is unchanged, the
gradebook and autograded/ agree with the results, and regrading (all but the cases that wait
for a timeout) gives the same.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

from autograder import catalogue
from autograder.config import REPO, assignments
from autograder.grading.check import precheck, tamper_flags
from autograder.grading.definitions import AssignmentDef, CellDef, NotebookDef
from autograder.grading.grade import RESULTS_FILE, grade
from autograder.stock_nbgrader import generate_release, make_course, read_scores
from autograder.quality.simulate import small_class
from autograder.quality.submissions import fill, reference_sources

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.stem for p in CORPUS.glob("*.py") if not p.stem.startswith("_"))
NAME = "01_arrays"
# Regraded to prove determinism: one of each kind (the others cost the same again).
REGRADE = ["correct", "os_exit", "memory_hog", "huge_output", "edited_tests", "numpy_tamper",
           "course_tamper", "shadow_numpy", "invalid_json"]
# Generous per notebook (a loaded CI machine), short per cell (the endless loops wait for it).
LIMITS = dict(workers=2, timeout=180, memory_mb=1024, cell_timeout=10, progress=False)


def load_case(case: str):
    spec = importlib.util.spec_from_file_location(f"corpus_{case}", CORPUS / f"{case}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Kit:
    """What a corpus recipe builds a submission from."""

    def __init__(self, release_nb, source_nb):
        self.release_nb = release_nb
        self.reference = reference_sources(source_nb)

    def notebook(self, **solutions):
        return fill(self.release_nb, {**self.reference, **solutions})

    @staticmethod
    def text(nb) -> str:
        return nbformat.writes(nb)


def tree_digest(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("corpus") / "course", [NAME])
    release = generate_release(course, NAME)
    kit = Kit(nbformat.read(release / f"{NAME}.ipynb", as_version=4),
              nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4))
    for case in CASES:
        folder = course / "submitted" / case / NAME
        folder.mkdir(parents=True)
        for filename, text in load_case(case).build(kit).items():
            (folder / filename).write_text(text, encoding="utf-8")
    before = tree_digest(course / "submitted")
    first = grade(course, None, **LIMITS)
    after_first = tree_digest(course / "submitted")
    saved = json.loads((course / RESULTS_FILE).read_text(encoding="utf-8"))
    gradebook = {s.student: s for s in read_scores(course, NAME)}
    autograded = {case: (course / "autograded" / case / NAME / f"{NAME}.ipynb").exists()
                  for case in CASES}
    second = grade(course, None, students=REGRADE, **LIMITS)
    return dict(course=course, first=first, second=second, before=before,
                after_first=after_first, after_second=tree_digest(course / "submitted"),
                saved=saved, gradebook=gradebook, autograded=autograded)


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(corpus, case):
    expect = load_case(case).EXPECT
    got = corpus["first"].get(case, NAME)
    summary = f"{case}: {got.status} {got.score}/{got.max_score} reason={got.reason!r} flags={got.flags}"
    assert got.status == expect["status"], summary
    assert got.score == expect["score"], summary
    assert got.max_score == 20, summary
    if expect["reason"]:
        assert expect["reason"] in got.reason, summary
    else:
        assert got.reason == "", summary
    for flag in expect["flags"]:
        assert any(flag in f for f in got.flags), f"flag {flag!r} missing: {summary}"
    if not expect["flags"]:
        assert got.flags == [], summary
    for cell in expect.get("zero", []):
        assert got.cells[cell][0] == 0, f"{cell}: {summary}"
    # autograded/ holds exactly the graded submissions; the gradebook has every one.
    assert corpus["autograded"][case] == (got.status == "graded"), summary
    assert corpus["gradebook"][case].score == got.score, summary


def test_submitted_is_never_modified(corpus):
    assert corpus["after_first"] == corpus["before"]
    assert corpus["after_second"] == corpus["before"]


def test_grading_twice_gives_the_same(corpus):
    def key(result, students):
        return [(o.student, o.status, o.score, sorted(o.cells.items()), o.flags)
                for o in result.outcomes if o.student in students]
    regraded = {o.student for o in corpus["second"].outcomes}
    assert regraded == set(REGRADE)
    assert key(corpus["second"], regraded) == key(corpus["first"], regraded)


def test_results_file(corpus):
    saved = corpus["saved"]
    assert saved["version"] == 1
    entries = {e["student"]: e for e in saved["submissions"]}
    assert set(entries) == set(CASES)
    for case in CASES:
        got = corpus["first"].get(case, NAME)
        entry = entries[case]
        assert (entry["status"], entry["reason"], entry["flags"], entry["score"]) == (
            got.status, got.reason, got.flags, got.score)
        assert entry["cells"] == {k: list(v) for k, v in got.cells.items()}
    assert "FAILED  01_arrays/invalid_json" in corpus["first"].summary()


def definition_from_source(name: str) -> NotebookDef:
    """What generate_assignment records of a notebook, read from source/ directly."""
    nb = nbformat.read(REPO / "source" / name / f"{name}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if "grade_id" in meta:
            cells.append(CellDef(meta["grade_id"], cell.cell_type, bool(meta.get("locked")),
                                 cell.source, "", grade=bool(meta.get("grade")),
                                 solution=bool(meta.get("solution")),
                                 max_score=float(meta.get("points", 0) or 0)))
    return NotebookDef(name, None, cells)


@pytest.fixture(scope="session")
def every_assignment():
    """(definition, released notebook) of every assignment: source/ and the committed release/."""
    return {name: (definition_from_source(name),
                   nbformat.read(REPO / "release" / name / f"{name}.ipynb", as_version=4))
            for name in assignments()}


def test_honest_submissions_are_never_flagged(every_assignment):
    """No flag on the simulated class nor on any catalogue entry, in every assignment."""
    for name, (definition, release_nb) in every_assignment.items():
        source_nb = nbformat.read(REPO / "source" / name / f"{name}.ipynb", as_version=4)
        reference = reference_sources(source_nb)
        notebooks = dict(small_class(name, source_nb, release_nb), source=source_nb)
        for entry in catalogue.load(name):
            notebooks[entry.student] = fill(release_nb, {**reference, entry.exercise: entry.source})
        for student, nb in notebooks.items():
            flags = tamper_flags(nbformat.from_dict(nb), definition)
            assert flags == [], f"{name}/{student} flagged: {flags}"


def test_precheck_reports_missing_and_extra_files(tmp_path, every_assignment):
    adef = AssignmentDef(NAME, None, [every_assignment[NAME][0]])
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "course").mkdir()
    (folder / "course" / "__init__.py").write_text("")
    (folder / "notes.txt").write_text("hi")

    out = precheck("s", NAME, folder, adef, [".ipynb_checkpoints"])
    assert out.status == "failed" and "found no notebook" in out.reason
    assert any("ignored course" in f for f in out.flags)
    assert out.notes == ["ignored extra file notes.txt"]

    (folder / f"{NAME}.ipynb").write_text('{"cells": 3}')
    out = precheck("s", NAME, folder, adef, [".ipynb_checkpoints"])
    assert out.status == "failed" and "not a Jupyter notebook" in out.reason


def test_notebook_time_limit(tmp_path):
    """RobustExecute stops a notebook at its wall-clock limit: later cells get an error output
    (so a test cell among them scores zero) instead of running."""
    from traitlets.config import Config

    from autograder.grading.execute import RobustExecute
    from autograder.grading.kernels import EVENTS

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import time\ntime.sleep(1.5)\nx = 1"),
        nbformat.v4.new_code_cell("time.sleep(1.5)"),
        nbformat.v4.new_code_cell("time.sleep(1.5)"),
        nbformat.v4.new_code_cell("print(x)")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    config = Config()
    config.RobustExecute.notebook_timeout = 4
    config.RobustExecute.timeout = 30
    EVENTS.clear()
    executor = RobustExecute(config=config)
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    kinds = [[o.get("ename") or o.output_type for o in cell.outputs] for cell in nb.cells]
    assert kinds[0] == [] and kinds[-1] == ["NotRun"], kinds
    assert any("time limit" in e for e in EVENTS)


def _cli(*args) -> int:
    from autograder.__main__ import main
    return main(["grade", *args])


def test_cli_exit_codes(tmp_path, capsys, monkeypatch):
    """grade exits 2 for an assignment the course lacks or a student with no submission,
    1 when a submission failed, 2 without a sandbox (with a message saying how to get one)."""
    from autograder.grading import sandbox
    from autograder.stock_nbgrader import submit

    course = make_course(tmp_path / "course", [NAME])
    assert _cli("07_bogus", "--course-dir", str(course)) == 2
    assert "07_bogus: not an assignment of this course" in capsys.readouterr().err
    submit(course, "broken", NAME, text="{not json")
    assert _cli("--course-dir", str(course)) == 1
    out = capsys.readouterr()
    assert "FAILED  01_arrays/broken" in out.out and "Traceback" not in out.err
    assert _cli("--course-dir", str(course), "--student", "nobody") == 2
    assert "no submission of nobody" in capsys.readouterr().err
    assert _cli("--course-dir", str(tmp_path / "missing")) == 2

    monkeypatch.setattr(sandbox, "BWRAP", str(tmp_path / "no-bwrap"))
    monkeypatch.setattr(sandbox, "_STATUS", {})
    assert _cli("--course-dir", str(course)) == 2
    err = capsys.readouterr().err
    assert "bubblewrap" in err and "--unsandboxed" in err
    assert _cli("--course-dir", str(course), "--unsandboxed") == 1
    saved = json.loads((course / RESULTS_FILE).read_text())
    assert saved["runs"][0]["sandbox"]["ok"] is False
    assert saved["submissions"][0]["sandbox"] is False


def test_worker_answers_are_validated():
    from autograder.grading.merge import BadAnswer, validate

    good = {"autograded": {"01_arrays.ipynb": "{}"},
            "gradebook": {"timestamp": None, "notebooks": {"01_arrays": {
                "grades": {"t": {"auto_score": 1.0}}, "comments": {"t": None},
                "late_submission_penalty": None}}}}
    assert validate(good, ["01_arrays.ipynb"]) is good
    for bad in ({**good, "autograded": {"../../gradebook.db": "x"}},
                {**good, "autograded": {"01_arrays.ipynb": 3}},
                {**good, "gradebook": {"notebooks": {"01_arrays": {
                    "grades": {"t": {"auto_score": "20"}}, "comments": {}}}}},
                {**good, "events": "x"}):
        with pytest.raises(BadAnswer):
            validate(bad, ["01_arrays.ipynb"])


def test_workers_use_the_kernel_templates_grade_started_and_nothing_is_left(tmp_path,
                                                                            monkeypatch):
    """grade starts one kernel template per worker before anything else; each worker forked
    from it takes one over instead of starting its own, and none outlives grade."""
    import os

    from autograder.grading import sandbox, templates
    from autograder.stock_nbgrader import submit

    started = tmp_path / "templates-started-by"
    stock_init = templates.Zygote.__init__

    def recording_init(self, *args, **kwargs):
        with open(started, "a") as f:        # the workers' writes land here too
            f.write(f"{os.getpid()}\n")
        stock_init(self, *args, **kwargs)

    monkeypatch.setattr(templates.Zygote, "__init__", recording_init)
    course = make_course(tmp_path / "course", ["01_arrays"])
    release = generate_release(course, "01_arrays")
    source = nbformat.read(course / "source" / "01_arrays" / "01_arrays.ipynb", as_version=4)
    stub = nbformat.read(release / "01_arrays.ipynb", as_version=4)
    for student in ("a", "b", "c"):
        submit(course, student, "01_arrays",
               text=nbformat.writes(fill(stub, reference_sources(source))))
    folders = Path(sandbox._scratch_root()).glob(f"nn-zygote-{os.getpid()}-*")
    before = set(folders), set(_children())   # a template this process runs tests with
    result = grade(course, None, 2, 120, 1024, progress=False)
    assert [(o.status, o.score) for o in result.outcomes] == [("graded", 20.0)] * 3
    assert started.read_text().split() == [str(os.getpid())] * 2, \
        "a worker started a template of its own instead of the one grade started for it"
    folders = Path(sandbox._scratch_root()).glob(f"nn-zygote-{os.getpid()}-*")
    assert set(folders) <= before[0], "grade left a template's folder"
    assert set(_children()) <= before[1], "grade left a template or worker (or its zombie)"


def _children() -> list:
    """This process's kernel templates and forked workers, zombies included."""
    import os

    mine = Path("/proc/self/cmdline").read_bytes()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if parent == str(os.getpid()) and (b"zygote" in cmd or cmd in (mine, b"")):
            found.append(pid)
    return found
