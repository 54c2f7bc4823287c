"""The course's nbgrader settings, in one place.

``nbgrader_config.py`` at the repository root applies them, and every scratch
course directory the tooling creates gets a config file that does the same,
so stock ``nbgrader`` commands and ``python -m autograder`` agree.

A course directory made by ``python -m autograder init`` also names its time zone,
``c.Course.timezone`` (an IANA name, e.g. ``Asia/Seoul``): a setting of ours, which
nbgrader ignores, read by :mod:`autograder.course_admin.due_dates`.
"""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The order of the course (COURSE_CONTRACT.md); only those present in source/ are used.
ASSIGNMENTS = ["01_arrays", "02_forward", "03_loss", "04_gradients", "05_backprop", "06_training",
               "07_autograd"]

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
    install_fixes()


def install_fixes() -> None:
    """The fixes to nbgrader and nbclient this course's grading relies on, in this process:
    wherever the course's ``nbgrader_config.py`` is loaded, and in every grading worker
    (a Dask worker's course configuration arrives as data, which runs none of this)."""
    from autograder import nbgrader_fixes

    nbgrader_fixes.install()


def assignments(course_dir: Path = REPO) -> list[str]:
    """The assignments present in ``course_dir/source``, in course order."""
    source = Path(course_dir) / "source"
    present = {p.name for p in source.iterdir() if p.is_dir()} if source.exists() else set()
    unknown = present - set(ASSIGNMENTS) - {".ipynb_checkpoints"}
    if unknown:
        raise ValueError(f"source/ holds folders the course does not know: {sorted(unknown)}")
    return [a for a in ASSIGNMENTS if a in present]


def missing_config_note(course_dir: Path) -> str | None:
    """What a course directory without ``nbgrader_config.py`` gets instead of the
    course's settings (None when it has the file)."""
    course_dir = Path(course_dir)
    if (course_dir / "nbgrader_config.py").exists():
        return None
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    ours = Config()
    configure(ours)
    stock_dir, stock_execute = CourseDirectory(root=str(course_dir)), Execute()
    return (f"note: {course_dir} has no nbgrader_config.py, so nbgrader's defaults apply "
            f"instead of the course's: Execute.timeout {stock_execute.timeout} s per cell "
            f"(the course: {ours.Execute.timeout} s), course_id {stock_dir.course_id!r} "
            f"(the course: {ours.CourseDirectory.course_id!r}), gradebook {stock_dir.db_url}. "
            f"`python -m autograder init DIR` sets up a course folder with the course's "
            f"settings; or copy nbgrader_config.py from {REPO} into {course_dir}.")


def load_course_config(course_dir: Path):
    """The traitlets config of ``course_dir/nbgrader_config.py`` (empty if absent)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (Path(course_dir) / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    return config
