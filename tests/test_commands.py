"""Commands act where the instructor stands and say when there is nothing to do: the
course directory each uses, empty ``submitted/``, unknown assignments and students
refused alike by every command, reports without a gradebook, and ``make demo`` on a
machine without bubblewrap."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.config import REPO
from autograder.stock_nbgrader import make_course


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    """A course folder with our nbgrader_config.py and 01_arrays, nothing graded."""
    return make_course(tmp_path / "course2027", ["01_arrays"])


def _repo_state() -> list:
    return sorted(p.name for p in REPO.iterdir())


def test_a_command_run_inside_a_course_folder_works_there(course, monkeypatch, capsys):
    before = _repo_state()
    monkeypatch.chdir(course)
    assert main(["grade", "01_arrays"]) == 2
    err = capsys.readouterr().err
    assert f"course directory: {course} (the current folder" in err
    assert "nothing to grade" in err and "nbgrader collect 01_arrays" in err
    assert main(["due"]) == 0
    captured = capsys.readouterr()
    assert f"course directory: {course}" in captured.err
    assert "01_arrays: no due date" in captured.out
    assert _repo_state() == before                       # no gradebook.db, no reports/ there
    assert not (course / "gradebook.db").exists() and not (course / "reports").exists()


def test_init_refuses_a_zone_that_does_not_exist(tmp_path, capsys):
    assert main(["init", str(tmp_path / "term"), "--zone", "Asia/Soeul"]) == 2
    assert "not an IANA time zone" in capsys.readouterr().err
    assert not (tmp_path / "term").exists()


def test_a_folder_without_config_means_the_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["due", "07_nothing"]) == 2
    err = capsys.readouterr().err
    assert f"course directory: {REPO} (the repository root" in err
    assert "07_nothing: not an assignment of this course" in err


def test_empty_or_missing_submitted_says_what_to_do(course, capsys):
    assert main(["grade", "--course-dir", str(course)]) == 2
    err = capsys.readouterr().err
    assert "submitted is missing" in err and "did you run `nbgrader collect" in err
    (course / "submitted" / "kim").mkdir(parents=True)   # a student folder, no assignment
    assert main(["grade", "--course-dir", str(course)]) == 2
    assert "holds no submission" in capsys.readouterr().err


def test_unknown_assignments_and_students_are_refused_alike(course, capsys):
    (course / "submitted" / "kim" / "01_arrays").mkdir(parents=True)
    (course / "autograded" / "kim" / "01_arrays").mkdir(parents=True)
    for command in (["grade"], ["feedback"], ["release"], ["simulate"]):
        assert main(command + ["01_arrray", "--course-dir", str(course)]) == 2, command
        err = capsys.readouterr().err
        assert "01_arrray: not an assignment of this course (it has 01_arrays" in err, command
    for command in (["grade", "--student", "kimm"], ["feedback", "--student", "kimm"]):
        assert main(command + ["--course-dir", str(course)]) == 2, command
        err = capsys.readouterr().err
        assert "submission of kimm in" in err and "(it has kim)" in err, command
        assert "Traceback" not in err and "[ERROR]" not in err


def test_feedback_with_nothing_graded_says_so(course, capsys):
    assert main(["feedback", "--course-dir", str(course)]) == 2
    assert "run `python -m autograder grade` first" in capsys.readouterr().err


def test_reports_without_a_readable_gradebook_say_so_in_one_line(course, tmp_path, capsys):
    for command in ("report", "export"):
        assert main([command, "--course-dir", str(course)]) == 2
        err = capsys.readouterr().err
        assert "no gradebook at" in err and "grade` first" in err
        assert main([command, "--course-dir", str(course),
                     "--db-url", "postgresql+psycopg2://me:secret@127.0.0.1:9/nowhere"]) == 2
        err = capsys.readouterr().err
        assert "cannot read the gradebook at 127.0.0.1:9/nowhere" in err
        assert "secret" not in err and "Traceback" not in err


# ------------------------------------------------------------------ make demo, no bubblewrap

def test_make_demo_without_bubblewrap_says_exactly_what_to_run(tmp_path):
    """bwrap "missing" (BWRAP points nowhere) and nothing may be installed: the demo
    stops before anything runs, with the two ways on."""
    env = {k: v for k, v in os.environ.items()          # not the jobserver of a `make test`
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(BWRAP=str(tmp_path / "no-bwrap"), NN_INSTALL="no")
    proc = subprocess.run(["make", "--no-print-directory", "demo", "STUDENTS=1"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode != 0
    text = proc.stderr
    assert "bubblewrap (bwrap) is missing" in text and "NN_INSTALL=no" in text
    assert "sudo apt-get install bubblewrap" in text and "make demo UNSANDBOXED=1" in text
    assert "autograder demo" not in proc.stdout                   # nothing ran

    # UNSANDBOXED=1 needs no bubblewrap: the check passes and the demo is run with the flag
    dry = subprocess.run(["make", "--no-print-directory", "-n", "demo", "UNSANDBOXED=1"],
                         cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert "-m autograder demo --students 30 --unsandboxed" in dry.stdout
    check = subprocess.run([str(REPO / ".ci" / "demo-needs"), "sandbox"], cwd=REPO,
                           env=dict(env, UNSANDBOXED="1"), capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_demo_without_a_sandbox_names_options_it_accepts(tmp_path, monkeypatch, capsys):
    from autograder.__main__ import build_parser
    from autograder.grading import sandbox

    monkeypatch.setattr(sandbox, "BWRAP", str(tmp_path / "no-bwrap"))
    monkeypatch.setattr(sandbox, "_STATUS", {})
    assert main(["demo", "--course-dir", str(tmp_path / "demo"), "--students", "1"]) == 2
    err = capsys.readouterr().err
    assert "bubblewrap" in err and "sudo apt-get install bubblewrap" in err
    assert "make demo UNSANDBOXED=1" in err and "demo --unsandboxed" in err
    assert build_parser().parse_args(["demo", "--unsandboxed"]).unsandboxed
    assert not (tmp_path / "demo" / "submitted").exists()


@pytest.mark.skipif(not shutil.which("fc-list"), reason="no fontconfig here")
def test_make_lab_says_how_to_get_a_korean_font_where_it_cannot_install_one(tmp_path):
    """Where no Korean font is found (fontconfig pointed at an empty configuration)."""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><fontconfig><dir>' + str(tmp_path) +
                    '</dir><cachedir>' + str(tmp_path / "cache") + '</cachedir></fontconfig>')
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), NN_INSTALL="no")
    proc = subprocess.run([str(REPO / ".ci" / "demo-needs"), "font"], cwd=REPO, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0                                  # a note, not an error
    assert "no Korean font" in proc.stderr and "sudo apt-get install fonts-nanum" in proc.stderr
