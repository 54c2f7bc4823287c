"""``python -m autograder bundle``: everything a student needs, and nothing more.

The bundle is a folder (and a zip of it) holding

- ``notebooks/<assignment>/`` -- the released notebooks, generated afresh from
  ``source/`` (after the release-order check of :mod:`autograder.course_admin.release`);
- ``course/`` and a ``pyproject.toml`` that installs it -- the package the
  notebooks import (checks, figures, widgets, data), which holds no solution;
- ``requirements.txt`` -- the pinned packages (``requirements-student.txt``)
  plus the ``course`` package itself;
- ``jupyter/`` -- JupyterLab settings the ``course`` package installs into the
  student's environment: no "official Jupyter news" toast over the outputs;
- ``README.md`` -- how to install and work, in Korean and English, and which font
  shows the Korean text on Linux.

No ``autograder``, no mutation catalogue, no ``source/``, no hidden test.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from autograder.config import REPO, assignments
from .lab import NO_NEWS_SETTINGS
from .release import ReleaseError, build_release, check_release_order

NAME = "nn-from-scratch-student"

PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "The course package of 'Neural networks from scratch': checks, figures, widgets, data"
requires-python = ">=3.10"
license = "MIT"
dependencies = ["numpy", "matplotlib", "ipywidgets"]

[tool.setuptools.packages.find]
include = ["course", "course.*"]

# JupyterLab reads every file of this folder as settings defaults (no news toast).
[tool.setuptools.data-files]
"share/jupyter/lab/settings/overrides.d" = ["jupyter/{settings}"]
"""
SETTINGS = "nn-from-scratch.json"

HOWTO = """\
# Neural networks from scratch — student bundle / 학생용 묶음

Assignments in this bundle / 들어 있는 과제: {assignments}

## 한국어

1. Python 3.10 이상을 설치합니다.
2. 이 폴더에서 가상 환경을 만들고 필요한 패키지를 설치합니다.
   ```sh
   python3 -m venv .venv
   .venv/bin/pip install -r requirements.txt        # Windows: .venv\\Scripts\\pip install -r requirements.txt
   ```
3. `.venv/bin/jupyter lab notebooks` 로 JupyterLab을 열고 과제 노트북을 엽니다.
   한글이 네모(□)로 보이면 한글 글꼴이 없는 것입니다. Linux: `sudo apt-get install fonts-nanum`
   (Debian, Ubuntu) 또는 `sudo dnf install google-noto-sans-cjk-fonts` (Fedora) 후
   브라우저를 다시 엽니다. Windows와 macOS에는 한글 글꼴이 들어 있습니다.
4. 위에서부터 셀을 실행합니다. `# YOUR CODE HERE` 가 있는 곳에서
   `raise NotImplementedError()` 를 지우고 코드를 작성합니다. 함수의 이름, 인자와
   docstring(모든 shape가 적혀 있음)은 그대로 둡니다.
5. 각 연습 문제 바로 다음의 테스트 셀을 실행합니다. 실패한 검사는 무엇이 틀렸는지 알려 줍니다.
   제출하면 숨겨진 테스트가 다른 입력으로도 검사하므로, docstring이 허용하는 모든 입력에서
   맞도록 작성하세요.
6. 제출하기 전에 **Kernel → Restart Kernel and Run All Cells…** 를 실행해 모든 셀이
   오류 없이 도는지 확인한 뒤, 강의에서 안내한 방법으로 `.ipynb` 파일을 제출합니다.

## English

1. Install Python 3.10 or newer.
2. In this folder, create a virtual environment and install what the notebooks need:
   ```sh
   python3 -m venv .venv
   .venv/bin/pip install -r requirements.txt        # Windows: .venv\\Scripts\\pip install -r requirements.txt
   ```
3. Start JupyterLab with `.venv/bin/jupyter lab notebooks` and open an assignment.
   If Korean text shows as empty boxes, the computer has no Korean font. On Linux,
   `sudo apt-get install fonts-nanum` (Debian, Ubuntu) or
   `sudo dnf install google-noto-sans-cjk-fonts` (Fedora), then reopen the browser.
   Windows and macOS have one.
4. Run the cells from the top. Where you see `# YOUR CODE HERE`, delete
   `raise NotImplementedError()` and write your code. Keep the function's name, arguments and
   docstring (it states every shape).
5. Run the test cell right after each exercise; a failing check says what went wrong. Hidden
   tests try other inputs when you submit, so make the code right for every input the docstring
   allows.
6. Before submitting, run **Kernel → Restart Kernel and Run All Cells…** and check that every
   cell runs, then hand in the `.ipynb` file as your instructor asks.

The `course` package gives the notebooks their checks, figures, widgets and data; it contains no
solution. / `course` 패키지는 검사, 그림, 위젯과 데이터를 제공하며 정답은 들어 있지 않습니다.
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nn-from-scratch-course")
    except PackageNotFoundError:
        return "0.0.0"


def write_course_package(out: Path) -> None:
    """The installable ``course`` package in ``out``: course/, its pyproject.toml and the
    lab settings it installs. The bundle and the hub's student environment both install
    this, so a student gets the same package either way."""
    shutil.copytree(REPO / "course", out / "course",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (out / "pyproject.toml").write_text(
        PYPROJECT.format(name=NAME, version=_version(), settings=SETTINGS), encoding="utf-8")
    (out / "jupyter").mkdir()
    (out / "jupyter" / SETTINGS).write_text(json.dumps(NO_NEWS_SETTINGS, indent=2) + "\n",
                                            encoding="utf-8")


def build_bundle(course_dir: Path = REPO, out: Path | None = None,
                 names: list[str] | None = None, allow_early: bool = False) -> Path:
    """Write the student bundle of ``names`` (default: every assignment) to ``out``.

    ``out`` (default ``COURSE_DIR/scratch/nn-from-scratch-student``) is replaced, so it
    must be a new folder or an earlier bundle (it then holds our README.md and
    pyproject.toml); ``out.zip`` is written beside it.
    """
    course_dir = Path(course_dir).resolve()
    present = assignments(course_dir)
    names = names or present
    unknown = [n for n in names if n not in present]
    if unknown:
        raise ReleaseError(f"no assignment {', '.join(unknown)} in {course_dir / 'source'}")
    check_release_order(names, course_dir, allow_early, what="bundling")
    out = Path(out).expanduser().resolve() if out else course_dir / "scratch" / NAME
    if out.exists():
        ours = (out / "pyproject.toml").is_file() and \
            f'name = "{NAME}"' in (out / "pyproject.toml").read_text(encoding="utf-8")
        if any(out.iterdir()) and not ours:
            raise ReleaseError(f"{out} is not empty and is not a student bundle; "
                                  "choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    build_release(names, out / "notebooks", course_dir)
    write_course_package(out)
    pins = (REPO / "requirements-student.txt").read_text(encoding="utf-8")
    (out / "requirements.txt").write_text(
        pins + "# the course package in this folder (checks, figures, widgets, data)\n.\n",
        encoding="utf-8")
    (out / "README.md").write_text(HOWTO.format(assignments=", ".join(names)), encoding="utf-8")
    shutil.make_archive(str(out), "zip", root_dir=out.parent, base_dir=out.name)
    return out
