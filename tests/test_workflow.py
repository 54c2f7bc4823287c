"""The instructor's command line: it never deletes what it did not make, says
what is wrong with exit code 2, releases in a safe order, sets up a course,
and opens the student's lab without the instructor's tools."""
from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.course_admin import release as releasing
from autograder.__main__ import CREATES_ITS_FOLDER, build_parser, main
from autograder.config import ASSIGNMENTS, REPO, assignments
from autograder.quality.demo import MARKER, Clock, DemoError, estimate_seconds, prepare_scratch
from autograder.course_admin.lab import INSTRUCTOR_LAB_PLUGINS, NEWS_PLUGIN, lab_command
from autograder.course_admin.new_course import CourseExists, init
from autograder.stock_nbgrader import make_course
from autograder.quality.submissions import solution_cells


def files_under(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# ------------------------------------------------------------------ demo never deletes

def someones_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "thesis"
    (folder / "chapter1").mkdir(parents=True)
    (folder / "chapter1" / "draft.tex").write_text("years of work")
    (folder / "notes.txt").write_text("keep me")
    return folder


def test_demo_refuses_a_folder_it_did_not_make(tmp_path: Path, capsys):
    folder = someones_folder(tmp_path)
    before = files_under(folder)
    assert main(["demo", "--course-dir", str(folder), "--students", "2"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert files_under(folder) == before


def test_demo_course_dir_dot_is_the_current_folder_and_is_refused(tmp_path: Path,
                                                                 monkeypatch, capsys):
    folder = someones_folder(tmp_path)
    before, repo_files = files_under(folder), sorted(p.name for p in REPO.iterdir())
    monkeypatch.chdir(folder)
    assert main(["demo", "--course-dir", ".", "--students", "2"]) == 2
    err = capsys.readouterr().err
    assert str(folder) in err and str(REPO) not in err
    assert files_under(folder) == before
    assert sorted(p.name for p in REPO.iterdir()) == repo_files


def test_demo_refuses_a_file(tmp_path: Path):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(DemoError, match="file"):
        prepare_scratch(tmp_path / "a-file")
    assert (tmp_path / "a-file").read_text() == "x"


def test_demo_scratch_folder_relative_to_the_current_folder(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    made = prepare_scratch(Path("runs") / "demo")
    assert made == tmp_path / "runs" / "demo" and (made / MARKER).is_file()
    (made / "submitted" / "s01").mkdir(parents=True)
    (made / "gradebook.db").write_text("old")
    # Its own scratch folder: emptied (the folder itself stays), marked again.
    assert prepare_scratch(made) == made
    assert sorted(p.name for p in made.iterdir()) == [MARKER]
    # An empty folder someone made is fine too: nothing to lose.
    (tmp_path / "empty").mkdir()
    assert (prepare_scratch(tmp_path / "empty") / MARKER).is_file()


def test_demo_estimate_grows_with_the_class():
    small, large = estimate_seconds(4, 6, 2), estimate_seconds(30, 6, 2)
    assert 0 < small < large
    assert estimate_seconds(30, 6, 1) > large


def test_demo_clock_scales_what_is_left_by_the_pace_so_far():
    clock = Clock({"release": 100.0, "grade": 300.0, "report": 10.0})
    assert clock.left() == 410.0                      # nothing done: the estimate itself
    clock.start -= 200.0                              # release took twice as long as measured
    clock.finished("release")
    assert clock.left() == pytest.approx(2 * 310.0, rel=0.01)


# ------------------------------------------------------------------ the command line

def subcommands() -> dict:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_option_and_argument_has_help(command):
    parser = subcommands()[command]
    assert parser.description or parser.format_usage()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and action.help != argparse.SUPPRESS, (command, action.dest)


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert re.search(r"\d+\.\d+", capsys.readouterr().out)


@pytest.mark.parametrize("command", sorted(set(subcommands()) - CREATES_ITS_FOLDER))
def test_a_missing_course_dir_is_an_error_and_is_not_created(command, tmp_path: Path, capsys):
    missing = tmp_path / "no-such-course"
    assert main([command, "--course-dir", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not missing.exists()


def test_a_course_dir_without_config_says_which_defaults_apply(tmp_path: Path, capsys):
    assert main(["release", "--course-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "no nbgrader_config.py" in err and "30 s per cell" in err and "60 s" in err


def test_the_entry_point_is_installed():
    script = Path(sys.executable).parent / "nn-autograder"
    assert script.exists(), "pip install -e . installs the nn-autograder command"
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "autograder" in proc.stdout


# ------------------------------------------------------------------ release order

def exercises_of(name: str) -> set:
    nb = nbformat.read(REPO / "source" / name / f"{name}.ipynb", as_version=4)
    return set(solution_cells(nb))


@pytest.mark.parametrize("name", assignments())
def test_every_given_answer_is_declared(name):
    """A given cell that defines an earlier assignment's exercise is in GIVES_AWAY."""
    nb = nbformat.read(REPO / "release" / name / f"{name}.ipynb", as_version=4)
    given = releasing.given_definitions(nb)
    declared = releasing.GIVES_AWAY.get(name, {})
    for earlier in ASSIGNMENTS[:ASSIGNMENTS.index(name)]:
        shown = given & exercises_of(earlier)
        assert shown <= set(declared.get(earlier, [])), (
            f"{name} gives away {sorted(shown)} of {earlier}: declare it in GIVES_AWAY")


def test_gives_away_names_real_earlier_exercises():
    for name, given in releasing.GIVES_AWAY.items():
        for earlier, exercises in given.items():
            assert ASSIGNMENTS.index(earlier) < ASSIGNMENTS.index(name)
            assert set(exercises) <= exercises_of(earlier), (name, earlier)


def test_release_problems():
    now = datetime.datetime(2027, 3, 10, 12, 0)
    past, future = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    refusals, warnings = releasing.release_problems(["05_backprop"], {"03_loss": future}, now)
    assert len(refusals) == 1 and "03_loss" in refusals[0] and not warnings
    assert releasing.release_problems(["05_backprop"], {"03_loss": past}, now) == ([], [])
    refusals, warnings = releasing.release_problems(["05_backprop"], {}, now)
    assert not refusals and "no due date" in warnings[0]
    assert releasing.release_problems(["01_arrays", "03_loss"], {}, now) == ([], [])


def test_release_of_an_unknown_assignment_is_an_error(tmp_path: Path, capsys):
    course = make_course(tmp_path / "course", ["01_arrays"])
    assert main(["release", "07_bogus", "--course-dir", str(course)]) == 2
    assert "07_bogus" in capsys.readouterr().err


# ------------------------------------------------------------------ init

def test_init_sets_up_a_course(tmp_path: Path, capsys):
    root = tmp_path / "repo"
    shutil.copytree(REPO / "source" / "01_arrays", root / "source" / "01_arrays")
    course = init(tmp_path / "내 강좌 2027 (봄)", source_root=root, zone="Europe/Berlin")
    out = capsys.readouterr().out
    assert (course / "nbgrader_config.py").is_file()
    assert (course / "source" / "01_arrays" / "01_arrays.ipynb").is_file()
    assert not (course / "release").exists()
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment("01_arrays")
        assert [nb.name for nb in assignment.notebooks] == ["01_arrays"]
        assert assignment.duedate is None
    from autograder.course_admin.due_dates import course_zone
    assert course_zone(course) == "Europe/Berlin"
    # every next step is a command that survives pasting into a shell
    commands = [shlex.split(line) for line in out.splitlines()
                if line.startswith(("  cd ", "  python -m autograder"))]
    assert commands[0] == ["cd", str(course)]
    assert ["python", "-m", "autograder", "due", "01_arrays", "2027-03-09 23:59"] in commands
    assert ["python", "-m", "autograder", "release", "01_arrays"] in commands
    assert "nbgrader db assignment add" not in out
    with pytest.raises(CourseExists):
        init(course, source_root=root)


def test_init_cli_refuses_a_folder_in_use(tmp_path: Path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert main(["init", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


# ------------------------------------------------------------------ make lab

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    def __init__(self, instructor: bool, home: Path):
        command, env, folder = lab_command(instructor, REPO, config_dir=home / "student-config")
        if instructor:
            env["JUPYTER_CONFIG_DIR"] = str(home / "config")   # no user settings either way
        env.update(JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "run"),
                   IPYTHONDIR=str(home / "ipython"))
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.command = command + ["--no-browser", "--ServerApp.ip=127.0.0.1",
                                  f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                                  f"--IdentityProvider.token={self.token}",
                                  f"--LabApp.user_settings_dir={home / 'settings'}",
                                  f"--LabApp.workspaces_dir={home / 'workspaces'}"]
        self.log = home / "lab.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(self.command, cwd=folder, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while self.get("api/status")[0] != 200:
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.3)

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{path}",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""
        except (urllib.error.URLError, ConnectionError, OSError):
            return 0, ""

    def page_config(self) -> dict:
        status, html = self.get("lab")
        assert status == 200
        found = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S)
        return json.loads(found.group(1))

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


def test_the_students_lab_has_no_instructor_tools(tmp_path: Path):
    lab = Lab(False, tmp_path)
    try:
        assert ("--allow-root" in lab.command) == (os.geteuid() == 0)
        assert lab.get("formgrader")[0] == 404            # formgrader's server extension
        assert lab.get("formgraders")[0] == 404           # the course list's
        assert lab.get("assignments")[0] == 404           # the assignment list's (no exchange)
        assert lab.get("assignments/validate")[0] == 405  # Validate is there (POST only)
        disabled = set(lab.page_config()["disabledExtensions"])   # the page gets a list
        assert set(INSTRUCTOR_LAB_PLUGINS) <= disabled
        assert NEWS_PLUGIN in disabled                    # no news toast over the outputs
        assert "@jupyter/nbgrader:validate-assignment" not in disabled
    finally:
        lab.stop()


def test_the_instructors_lab_has_formgrader(tmp_path: Path):
    lab = Lab(True, tmp_path)
    try:
        assert lab.get("formgrader")[0] == 200
        disabled = set(lab.page_config().get("disabledExtensions", []))
        assert not disabled & set(INSTRUCTOR_LAB_PLUGINS)
    finally:
        lab.stop()


def test_the_documented_release_order_is_the_tools():
    doc = (REPO / "docs" / "exercises.md").read_text(encoding="utf-8")
    doc = doc[doc.index("## What later notebooks hand out"):]
    for name, given in releasing.GIVES_AWAY.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{name}` |"))
        for earlier, exercises in given.items():
            assert f"`{earlier}`" in row and all(f"`{e}`" in row for e in exercises), row


def test_bundle_refuses_to_replace_a_folder_that_is_not_a_bundle(tmp_path: Path, capsys):
    folder = someones_folder(tmp_path)
    before = files_under(folder)
    assert main(["bundle", "01_arrays", "--out", str(folder)]) == 2
    assert "not a student bundle" in capsys.readouterr().err
    assert files_under(folder) == before


def test_make_clean_removes_everything_generated():
    """Every root-level path .gitignore lists as generated is in `make clean`'s rm."""
    ignored = {line.strip("/") for line in (REPO / ".gitignore").read_text().splitlines()
               if line.startswith("/")}
    dry_run = subprocess.run(["make", "-n", "clean"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
    removed = set(dry_run.replace("\\\n", " ").split()) - {"rm", "-rf"}
    assert {"reports", "scratch", "gradebook.db"} <= ignored
    assert ignored <= removed, sorted(ignored - removed)


def test_the_legend_says_who_is_who():
    from autograder.quality.simulate import MIX, legend, synthetic_class
    name = "01_arrays"
    source = nbformat.read(REPO / "source" / name / f"{name}.ipynb", as_version=4)
    released = nbformat.read(REPO / "release" / name / f"{name}.ipynb", as_version=4)
    subs = synthetic_class(name, source, released, 10, seed=0)
    text = legend(subs)
    for kind in MIX:
        assert f"  {kind.replace('_', ' ')} (" in text
    for sub in subs:
        assert sub.student in text
        if sub.kind == "partly_wrong":
            wrong = [part.split(":")[0] for part in sub.detail.split(", ")]
            assert f"{sub.student}: 01 {','.join(wrong)}" in text
        if sub.kind == "adversarial":
            assert sub.detail.split()[0] in text      # the trick
    full = legend(subs, full=True)
    assert all(sub.detail in full for sub in subs)
