"""Where the browser test finds the course and puts its pictures."""
from __future__ import annotations

from autograder.config import REPO

RELEASE = REPO / "release"
SOURCE = REPO / "source"
SCREENSHOTS = REPO / "artifacts" / "screenshots"   # git-ignored (/artifacts/)

# Every notebook a student gets, release/<assignment>/*.ipynb, whatever exists
# when the tests are collected.
NOTEBOOKS = sorted(p.relative_to(RELEASE).as_posix() for p in RELEASE.glob("*/*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
