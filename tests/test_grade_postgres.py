"""`grade` against a real PostgreSQL server gives the gradebook stock nbgrader gives.

The test starts Debian's PostgreSQL (``/usr/lib/postgresql/*/bin``) in a temporary directory on
a free loopback port (as the ``postgres`` user when run as root: the server refuses root), points
a course's ``CourseDirectory.db_url`` at it, and grades three students of `make demo`'s class
with ``grade`` (correct, partly wrong, unfilled). The same submissions go through stock ``nbgrader autograde`` into SQLite; every test
cell's auto score, needs-manual-grade and automatic comment must agree, and ``nbgrader export``
must work on the PostgreSQL gradebook afterwards. Skipped only when PostgreSQL is not installed
(``.ci/run`` installs it, and sets COURSE_REQUIRE_POSTGRES=1 so that CI fails instead).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grading.grade import grade
from autograder.stock_nbgrader import autograde, generate_release, make_course, nbgrader, submit
from autograder.quality.simulate import small_class

NAME = "01_arrays"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    bin_dir = _binaries()
    if bin_dir is None:
        if os.environ.get("COURSE_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is not installed (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed: apt-get install postgresql")
    pytest.importorskip("psycopg2")
    root = Path(tempfile.mkdtemp(prefix="nn-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")  # created by Debian's package
        os.chown(root, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()

    def run(*args):
        return subprocess.run(prefix + [str(a) for a in args], check=True,
                              capture_output=True, text=True, cwd=root)

    run(bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "grader", "-E", "UTF8")
    run(bin_dir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-t", "60", "-o",
        f"-p {port} -h 127.0.0.1 -k {root} -F", "start")
    try:
        run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "grader", "gradebook")
        yield f"postgresql+psycopg2://grader@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run(prefix + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "stop"], capture_output=True, cwd=root)
        shutil.rmtree(root, ignore_errors=True)


def gradebook_state(db_url: str) -> dict:
    """(student, cell) -> (auto score, needs manual grade, automatic comment or None)."""
    from nbgrader.api import Gradebook

    state = {}
    with Gradebook(db_url, "nn-from-scratch") as gb:
        for submission in gb.assignment_submissions(NAME):
            for nb in submission.notebooks:
                comments = {c.name: c.auto_comment for c in nb.comments}
                for g in nb.grades:
                    state[(submission.student.id, g.name)] = (
                        g.auto_score, g.needs_manual_grade, comments.get(g.name))
                for name, text in comments.items():
                    state.setdefault((submission.student.id, name), (None, None, text))
            state[(submission.student.id, "total")] = (submission.score, None, None)
    return state


def test_grade_into_postgres_equals_stock_nbgrader(postgres_url, tmp_path):
    stock = make_course(tmp_path / "stock", [NAME])
    ours = make_course(tmp_path / "ours", [NAME])
    with open(ours / "nbgrader_config.py", "a") as f:
        f.write(f"c.CourseDirectory.db_url = {postgres_url!r}\n")
    class_ = None
    for course in (stock, ours):
        release = generate_release(course, NAME)
        if class_ is None:
            source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
            everyone = small_class(NAME, source, nbformat.read(release / f"{NAME}.ipynb",
                                                               as_version=4))
            class_ = {s: everyone[s] for s in ("correct", "partly_wrong", "unfilled")}
        for student, nb in class_.items():
            submit(course, student, NAME, text=nbformat.writes(nb))
    assert not (ours / "gradebook.db").exists()

    start = time.monotonic()
    autograde(stock, NAME)
    result = grade(ours, None, workers=2, progress=False)
    assert not result.failed, result.summary()
    assert not (ours / "gradebook.db").exists(), "grade wrote SQLite, not the configured server"

    expected = gradebook_state(f"sqlite:///{stock / 'gradebook.db'}")
    got = gradebook_state(postgres_url)
    assert len(expected) > 3 * 11
    assert got == expected
    assert {o.student: o.score for o in result.outcomes} == {
        s: expected[(s, "total")][0] for s in class_}
    assert sorted(p.name for p in (ours / "autograded").iterdir()) == sorted(class_)

    nbgrader(ours, "export")
    rows = (ours / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(class_)
    assert time.monotonic() - start < 300
