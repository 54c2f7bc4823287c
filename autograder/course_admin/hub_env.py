"""The two Python environments a course hub runs its users' servers from.

A hub's single-user servers run as the students' and the instructor's own Unix
users, so neither can use the repository's ``.venv``: its interpreter may live
where they cannot reach it (a ``pyenv`` Python under ``/root``), and a student
who can read the repository reads ``source/`` and the mutation catalogue. So
the hub makes two environments of its own, on an interpreter every user may run,
with ``uv`` (pinned in ``requirements.txt``; it resolves, for that interpreter,
what the pins leave open, and links from its cache, so a rebuild takes seconds):

- the **student environment**: ``requirements-student.txt`` (what the student
  bundle pins), nbgrader (its Assignment List and Validate button) and
  JupyterHub (its single-user server) at the versions ``requirements.txt`` pins,
  and the ``course`` package built as the student bundle builds it. No
  ``autograder``, no catalogue, no ``source/``;
- the **instructor environment**: ``requirements.txt``, as ``make venv`` installs
  it, the course's own packages editable from the instructor's copy of the repository
  (:func:`copy_repository`: the packages and what they read, ``source/`` and the
  requirements among it), so that the repository itself may stay where only root
  reaches it, closed to students.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.config import REPO

#: Besides requirements-student.txt, at requirements.txt's pins: the student's server.
STUDENT_EXTRA = ("nbgrader", "jupyterhub")
#: What of the repository the instructor's copy holds: the course's packages and what
#: they read by path (the README for check-tests' figure, pyproject.toml to install).
REPOSITORY_PARTS = ("autograder", "course", "source", "release", "docs", "README.md",
                    "pyproject.toml", "requirements.txt", "requirements-student.txt",
                    "nbgrader_config.py")


#: Bytecode written once, when the environment is made: the users who run it cannot write
#: into it, so without it every server and command would compile what it imports from
#: source, each time (a student's server: 7.2 CPU-seconds of imports instead of 3.4).
COMPILED = ("--compile-bytecode",)


class EnvError(RuntimeError):
    """An environment cannot be built here; the message says why and what to do."""


def world_usable(path: Path, execute: bool = True) -> bool:
    """Whether a user who is neither owner nor in the group can read (and, with
    ``execute``, run) ``path``: every folder on the way searchable, the file readable."""
    path = Path(os.path.realpath(path))
    for folder in reversed(path.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(path).st_mode
    return bool(mode & stat.S_IROTH and (mode & stat.S_IXOTH or not execute))


def shared_python(source_env: Path | None = None) -> str:
    """An interpreter every user may run: the course's own if they may, else the
    system's of the same version, else the system's ``python3``."""
    source_env = Path(source_env or sys.prefix)
    xy = f"{sys.version_info.major}.{sys.version_info.minor}"
    home = re.search(r"^home\s*=\s*(.+)$", (source_env / "pyvenv.cfg").read_text(), re.M)
    candidates = [Path(home.group(1).strip()) / f"python{xy}"] if home else []
    candidates += [Path(p) / name for name in (f"python{xy}", "python3")
                   for p in ("/usr/local/bin", "/usr/bin")]
    for candidate in candidates:
        if not candidate.is_file() or not world_usable(candidate):
            continue
        stdlib = Path(os.path.realpath(candidate)).parent.parent / "lib"
        if any(world_usable(os_py, execute=False) for os_py in stdlib.glob("python3*/os.py")):
            return str(candidate)
    raise EnvError(f"no Python that every user may run: the course's .venv uses "
                   f"{candidates[0] if candidates else 'an interpreter'} in a folder other "
                   f"users cannot enter, and there is no /usr/bin/python3 "
                   f"(`apt-get install python3`)")


def pins(names) -> list[str]:
    """The lines of requirements.txt that pin ``names``."""
    found = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*==", line)
        if match and match.group(1).lower() in names:
            found[match.group(1).lower()] = line.split("#", 1)[0].strip()
    missing = [n for n in names if n not in found]
    if missing:
        raise EnvError(f"requirements.txt pins no {', '.join(missing)}")
    return [found[n] for n in names]


def fingerprint(kind: str, python: str, where: Path = REPO) -> str:
    """What an environment is made from (``where``: the repository or the copy it is
    installed from): a change means it must be made again."""
    digest = hashlib.sha256(f"{kind} {python} {where}\n".encode())
    for name in ("requirements.txt", "requirements-student.txt", "pyproject.toml"):
        digest.update((REPO / name).read_bytes())
    # How an environment is made is part of what it is made from.
    here = Path(__file__).parent
    for module in ("hub_env.py", "bundle.py", "lab.py"):
        digest.update((here / module).read_bytes())
    if kind == "student":           # a copy of the course package, not a link to it
        for path in sorted((REPO / "course").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode() + path.read_bytes())
    return digest.hexdigest()


def _uv(*args, cwd: Path = REPO) -> None:
    uv = Path(sys.prefix) / "bin" / "uv"
    command = [str(uv) if uv.is_file() else (shutil.which("uv") or "uv"), *args]
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    try:
        done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError:
        raise EnvError("uv is missing: `make venv` installs it (requirements.txt)") from None
    if done.returncode:
        raise EnvError(f"{' '.join(command[:3])} … failed:\n{done.stdout[-3000:]}")


def _open_to_all(target: Path) -> None:
    """Readable (and where it runs, runnable) by everyone, whatever umask the files
    had when uv put them in its cache."""
    for folder, dirs, files in os.walk(target):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            info = os.lstat(name)
            if stat.S_ISLNK(info.st_mode):
                continue
            want = info.st_mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
            if stat.S_ISDIR(info.st_mode) or info.st_mode & stat.S_IXUSR:
                want |= stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
            if want != info.st_mode:
                os.chmod(name, stat.S_IMODE(want))


def _new_venv(target: Path, python: str) -> str:
    if target.exists():
        shutil.rmtree(target)
    _uv("venv", "--quiet", "--python", python, str(target))
    return str(target / "bin" / "python")


def student_env(target: Path, python: str) -> Path:
    """The students' environment: the bundle's pins, nbgrader, JupyterHub, ``course``."""
    from .bundle import write_course_package

    env_python = _new_venv(Path(target), python)
    with tempfile.TemporaryDirectory(prefix="nn-hub-course-") as tmp:
        write_course_package(Path(tmp))   # the course package as the student bundle ships it
        _uv("pip", "install", "--quiet", *COMPILED, "--python", env_python,
            "-r", str(REPO / "requirements-student.txt"), *pins(STUDENT_EXTRA), tmp)
    _open_to_all(Path(target))
    return Path(target)


def copy_repository(target: Path) -> Path:
    """The parts of the repository the instructor's environment installs and reads,
    copied afresh into ``target`` (what else is there, the instructor's, stays)."""
    target = Path(target)
    target.mkdir(exist_ok=True)
    for part in REPOSITORY_PARTS:
        src, dst = REPO / part, target / part
        if dst.is_dir() and not dst.is_symlink():
            shutil.rmtree(dst)
        elif dst.exists() or dst.is_symlink():
            dst.unlink()
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info"))
        elif src.is_file():
            shutil.copy2(src, dst)
    return target


def instructor_env(target: Path, python: str, repository: Path) -> Path:
    """The instructor's environment: requirements.txt as ``make venv`` installs it, the
    course's packages editable from ``repository`` (:func:`copy_repository`)."""
    env_python = _new_venv(Path(target), python)
    _uv("pip", "install", "--quiet", *COMPILED, "--python", env_python,
        "-r", "requirements.txt", cwd=repository)
    _open_to_all(Path(target))
    return Path(target)
