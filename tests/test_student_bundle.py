"""What students get: the bundle, installed into a clean venv, runs every released notebook.

``python -m autograder bundle`` is built once; a fresh ``python3 -m venv`` installs it
with pip as its README tells students (``pip install -r requirements.txt``, pip's
cache and configured index as usual; bytecode is compiled on import, not at install),
and every released notebook runs there with nbclient: each cell runs without error,
except cells that call an unfinished exercise, which raise ``NotImplementedError``. The
course's own wheel is checked too: it carries every subpackage, and building it prints no
deprecation warning.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from autograder.course_admin.bundle import build_bundle
from autograder.config import REPO, assignments

RUN_NOTEBOOK = textwrap.dedent('''
    """Run one notebook; print every error as `cell <n>: <ename>: <evalue>`."""
    import sys

    import nbformat
    from nbclient import NotebookClient
    from nbclient.output_widget import OutputWidget

    # As autograder/nbgrader_fixes/nbclient_312_output_widget.py (not in the student's venv): without this, a widget
    # cell now and then never gets its reply (jupyter/nbclient#312) and waits out the timeout.
    OutputWidget.sync_state = lambda self: None

    nb = nbformat.read(sys.argv[1], as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": sys.argv[2]}}).execute()
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                print(f"cell {number}: {output['ename']}: {output['evalue'][:200]}")
''')


def clean_env(home: Path) -> dict:
    """Nothing of the course's own environment leaks into the student's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "JPY_", "VIRTUAL_ENV", "PYTHON", "IPYTHON"))}
    env.update(MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1",
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"))
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(REPO)))
    return env


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    return build_bundle(REPO, tmp_path_factory.mktemp("bundle") / "nn-course")


@pytest.fixture(scope="session")
def student_python(bundle: Path, tmp_path_factory) -> tuple[Path, dict]:
    """A clean venv with the bundle installed as its README says."""
    home = tmp_path_factory.mktemp("student")
    env = clean_env(home)
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(home / "venv")], check=True, env=env)
    python = home / "venv" / "bin" / "python"
    # --no-compile: the student's pip also writes every installed module's bytecode, about
    # a quarter of the install's CPU; here only what the notebooks import is compiled, as
    # Python does on import. What is installed is the same.
    proc = subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                           "--no-compile", "-r", "requirements.txt"], cwd=bundle, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "deprecated" not in (proc.stdout + proc.stderr).lower()
    return python, env


def test_the_bundle_holds_what_students_need_and_nothing_more(bundle: Path):
    names = assignments()
    top = sorted(p.name for p in bundle.iterdir())
    assert top == ["README.md", "course", "jupyter", "notebooks", "pyproject.toml",
                   "requirements.txt"]
    assert sorted(p.name for p in (bundle / "notebooks").iterdir()) == names
    for name in names:
        assert (bundle / "notebooks" / name / f"{name}.ipynb").is_file()
    everything = [p.relative_to(bundle).as_posix() for p in bundle.rglob("*")]
    assert not [p for p in everything if "autograder" in p or "catalogue" in p
                or p.startswith("source") or "__pycache__" in p]
    text = "\n".join(p.read_text(encoding="utf-8") for p in (bundle / "notebooks").rglob("*.ipynb"))
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    pins = (bundle / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert all("==" in line for line in pins if line and not line.startswith("#") and line != ".")
    howto = (bundle / "README.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt" in howto and "설치" in howto
    assert "Restart Kernel and Run All Cells" in howto
    assert howto.count("sudo apt-get install fonts-nanum") == 2     # Korean, English
    with zipfile.ZipFile(f"{bundle}.zip") as archive:
        assert f"{bundle.name}/notebooks/01_arrays/01_arrays.ipynb" in archive.namelist()


def test_student_pins_agree_with_the_course_pins():
    def pins(path):
        lines = (REPO / path).read_text(encoding="utf-8").splitlines()
        return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    course, student = pins("requirements.txt"), pins("requirements-student.txt")
    assert student and all(course.get(name) == version for name, version in student.items())


def test_the_course_package_only_is_installed(student_python):
    python, env = student_python
    check = ("import course, course.plots, course.widgets, importlib.util; "
             "assert importlib.util.find_spec('autograder') is None")
    subprocess.run([str(python), "-c", check], check=True, env=env, cwd="/")


def test_the_students_jupyterlab_shows_no_news_toast(student_python):
    """The bundle's settings reach JupyterLab as it reads them: no news fetched, no ask."""
    python, env = student_python
    read = ("import json; from jupyterlab.labapp import LabApp; "
            "from jupyterlab_server.settings_utils import _get_overrides; "
            "print(json.dumps(_get_overrides(LabApp().app_settings_dir)[0]))")
    proc = subprocess.run([str(python), "-c", read], env=env, cwd="/", capture_output=True,
                          text=True, check=True)
    settings = json.loads(proc.stdout.strip().splitlines()[-1])
    assert settings["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false", "checkForUpdates": False}


@pytest.mark.parametrize("name", assignments())
def test_every_released_notebook_runs_in_the_students_venv(name, bundle: Path, student_python,
                                                           tmp_path: Path):
    python, env = student_python
    script = tmp_path / "run_notebook.py"
    script.write_text(RUN_NOTEBOOK, encoding="utf-8")
    folder = bundle / "notebooks" / name
    proc = subprocess.run([str(python), str(script), str(folder / f"{name}.ipynb"), str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    errors = proc.stdout.splitlines()
    assert errors, f"{name}: no cell calls an unfinished exercise?"
    assert all(": NotImplementedError:" in e for e in errors), "\n".join(errors)


def test_the_course_wheel_has_every_subpackage_and_builds_quietly(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--disable-pip-version-check", "-w", str(tmp_path), str(REPO)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = (proc.stdout + proc.stderr).lower()
    # setuptools' warnings (not pip's about its indexes): deprecations, packages left out
    assert "deprecat" not in log and "backendwarning" not in log, log[-3000:]
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for package in ["course", "autograder"]:
        for init in (REPO / package).rglob("__init__.py"):
            assert init.relative_to(REPO).as_posix() in names
    assert {"course/plots/backprop.py", "course/widgets/training.py"} <= set(names)
    assert not [n for n in names if n.startswith(("source/", "tests/", "release/"))]
