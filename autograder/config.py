"""The course's nbgrader settings, in one place.

``nbgrader_config.py`` at the repository root applies them, and every scratch
course directory the tooling creates gets a config file that does the same,
so stock ``nbgrader`` commands and ``python -m autograder`` agree.
"""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The order of the course (COURSE_CONTRACT.md); only those present in source/ are used.
ASSIGNMENTS = ["01_arrays", "02_forward", "03_loss", "04_gradients", "05_backprop", "06_training"]

# Where grade, report (and their results) write inside a course directory.
REPORTS_DIR = "reports"

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

# Written into scratch course directories; the repository's own
# nbgrader_config.py says the same.
CONFIG_FILE_TEXT = """\
# nbgrader settings of the course; see autograder/config.py.
from autograder.config import configure

configure(get_config())
"""


def configure(c) -> None:
    """Apply the course's settings to a traitlets config object ``c``."""
    c.CourseDirectory.course_id = "nn-from-scratch"
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    # Each notebook runs in seconds; a minute per cell only stops runaway code.
    c.Execute.timeout = 60
    c.Execute.kernel_name = "python3"
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                "*.egg-info"]


def assignments(course_dir: Path = REPO) -> list[str]:
    """The assignments present in ``course_dir/source``, in course order."""
    source = Path(course_dir) / "source"
    present = {p.name for p in source.iterdir() if p.is_dir()} if source.exists() else set()
    unknown = present - set(ASSIGNMENTS) - {".ipynb_checkpoints"}
    if unknown:
        raise ValueError(f"source/ holds folders the course does not know: {sorted(unknown)}")
    return [a for a in ASSIGNMENTS if a in present]
