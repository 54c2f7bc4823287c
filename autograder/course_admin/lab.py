"""``make lab`` and ``make lab-instructor``: JupyterLab as a student or an instructor sees it.

nbgrader installs its lab and server extensions for everyone in the
environment, instructor tools included (formgrader, *Create Assignment*, the
course list). The student's lab turns those off in a configuration directory
of its own (``JUPYTER_CONFIG_DIR``, which outranks the environment's settings)
and keeps what helps a student: nbgrader's **Validate** button. The
assignment list is off too: it needs an nbgrader exchange, which a copy of
the course does not have; and so is JupyterLab's news feed, whose "official
Jupyter news" toast covers the outputs a student looks at. The instructor's lab is JupyterLab as installed, on
the course directory, so formgrader finds its ``nbgrader_config.py``.

Either runs as root only with ``--allow-root``, which is added only for root.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from autograder.config import REPO

#: nbgrader's server extensions a student has no use for.
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.assignment_list",
)
#: nbgrader's lab plugins a student has no use for (validate-assignment stays).
INSTRUCTOR_LAB_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",
)
#: JupyterLab's news feed and update check: its toast asks about "official Jupyter news"
#: over the first outputs a student looks at.
NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"
#: The same, as settings (the student bundle installs them as a JupyterLab settings
#: override, ``share/jupyter/lab/settings/overrides.d/``).
NO_NEWS_SETTINGS = {"@jupyterlab/apputils-extension:notification":
                    {"fetchNews": "false", "checkForUpdates": False}}


def write_student_config(config_dir: Path) -> Path:
    """A Jupyter configuration directory that switches the instructor tools off."""
    config_dir = Path(config_dir)
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    server = {"ServerApp": {"jpserver_extensions": {name: False
                                                    for name in INSTRUCTOR_SERVER_EXTENSIONS}}}
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(server, indent=2) + "\n")
    off = INSTRUCTOR_LAB_PLUGINS + (NEWS_PLUGIN,)
    page = {"disabledExtensions": {name: True for name in off}}
    (config_dir / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=2) + "\n")
    return config_dir


def lab_command(instructor: bool = False, course_dir: Path = REPO,
                config_dir: Path | None = None) -> tuple[list[str], dict, Path]:
    """(command, environment, working folder) of the student's or the instructor's lab."""
    course_dir = Path(course_dir).resolve()
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    command = [sys.executable, "-m", "jupyterlab"]
    folder = course_dir if instructor else course_dir / "release"
    if not folder.is_dir():
        raise FileNotFoundError(f"there is no {folder}; `python -m autograder release` makes it")
    if not instructor:
        config = write_student_config(config_dir or course_dir / "scratch" / "student-lab")
        env["JUPYTER_CONFIG_DIR"] = str(config)
    command.append(f"--ServerApp.root_dir={folder}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command, env, folder


def main(instructor: bool = False, course_dir: Path = REPO) -> int:
    try:
        command, env, folder = lab_command(instructor, course_dir)
    except FileNotFoundError as error:
        print(f"python -m autograder lab: {error}", file=sys.stderr)
        return 2
    who = "instructor (all of nbgrader's tools)" if instructor else (
        "student (nbgrader's Validate button only; `make lab-instructor` for formgrader)")
    print(f"JupyterLab as a {who} on {folder}", flush=True)
    os.chdir(folder)
    os.execve(command[0], command, env)
    return 0  # not reached
