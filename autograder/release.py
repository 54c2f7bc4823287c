"""Regenerate ``release/`` (the student versions) from ``source/``."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .config import REPO, assignments
from .pipeline import generate_release, make_course


def build_release(names: list[str] | None, out_root: Path,
                  source_root: Path = REPO) -> list[Path]:
    """Generate the student version of each assignment into ``out_root/NAME``.

    nbgrader runs in a throw-away course directory, so the repository gets no
    gradebook and ``release/`` holds exactly what nbgrader made.
    """
    names = names or assignments(source_root)
    written = []
    with tempfile.TemporaryDirectory(prefix="nn-release-") as tmp:
        course = make_course(Path(tmp), names, source_root)
        for name in names:
            made = generate_release(course, name)
            target = Path(out_root) / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(made, target)
            written.append(target)
    return written


def release(names: list[str] | None = None, course_dir: Path = REPO) -> list[Path]:
    """Regenerate ``release/NAME`` of ``course_dir`` (default: the repository)."""
    course_dir = Path(course_dir).resolve()
    return build_release(names, course_dir / "release", course_dir)
