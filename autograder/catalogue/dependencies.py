"""Which exercises' tests depend on which other exercises, as check-tests measured them.

``check-tests`` grades catalogue entries of independent exercises in one submission, and
measures which are independent with a probe per exercise: the instructor's solutions with
that one exercise raising when called; every other exercise whose tests then lose points
depends on it. The probes are about one notebook in six that check-tests grades, and their
answer changes only with what they are made of: the source notebook (its tests and its
solutions), the course package its tests call, the code that builds the probes and the
grading pipeline. So the answer is committed here, ``dependencies.json``::

    {"05_backprop": {"inputs_sha256": "…", "depends": {"Add": [], "MatMul": ["Affine"], …}}}

with a digest of those inputs (:func:`inputs_digest`). While an assignment's digest holds,
check-tests takes its table and grades no probe (the instructor's solution is still graded,
and must still earn full marks); when it does not, check-tests measures again and, after a
passing run on the repository, rewrites the entry. An entry that is out of step costs
check-tests time, never a wrong verdict.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from autograder.config import REPO

DEPENDENCIES_FILE = Path(__file__).resolve().parent / "dependencies.json"

# What the probes' outcome is made of, besides the assignment's source notebook.
_CODE = ("course", "autograder/grading", "autograder/quality/submissions.py")


def _code_files() -> list[Path]:
    files = []
    for part in _CODE:
        path = REPO / part
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def inputs_digest(name: str, course_dir: Path = REPO) -> str:
    """SHA-256 of the source notebook of ``name`` in ``course_dir`` and of the code above."""
    digest = hashlib.sha256()
    source = Path(course_dir) / "source" / name / f"{name}.ipynb"
    digest.update(b"source\0" + source.read_bytes() + b"\0")
    for path in _code_files():
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0"
                      + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load(path: Path = DEPENDENCIES_FILE) -> dict:
    """The file as {assignment: {"inputs_sha256": …, "depends": …}} ({} if none)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)
            and isinstance(v.get("depends"), dict) and isinstance(v.get("inputs_sha256"), str)}


def known(name: str, exercises: list[str], course_dir: Path = REPO,
          path: Path = DEPENDENCIES_FILE) -> dict | None:
    """``{exercise: set of exercises whose tests depend on it}`` of ``name``, when the file
    holds it for exactly these inputs and exercises; else None (measure it)."""
    entry = load(path).get(name)
    if not entry or entry["inputs_sha256"] != inputs_digest(name, course_dir):
        return None
    depends = entry["depends"]
    if sorted(depends) != sorted(exercises):
        return None
    return {e: set(depends[e]) for e in exercises}


def update(measured: dict, path: Path = DEPENDENCIES_FILE) -> Path:
    """Write ``{assignment: {exercise: set}}`` (measured on the repository) into the file,
    keeping the other assignments' entries."""
    data = load(path)
    for name, depends in measured.items():
        data[name] = {"inputs_sha256": inputs_digest(name),
                      "depends": {e: sorted(d) for e, d in depends.items()}}
    Path(path).write_text(json.dumps(dict(sorted(data.items())), indent=1) + "\n",
                          encoding="utf-8")
    return Path(path)
