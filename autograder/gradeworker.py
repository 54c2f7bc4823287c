"""One ``grade`` worker: stock nbgrader autograde, in-process, one submission at a time.

``python -m autograder.gradeworker SHARD_DIR REAL_COURSE_DIR`` reads one JSON
task per line on stdin and answers one JSON result per line on stdout. Each
worker owns a scratch course directory (``SHARD_DIR``) whose SQLite gradebook
holds the assignment definitions copied from the real gradebook, so workers
never share a database (jupyter/nbgrader#174). nbgrader is imported once and
its ``Autograde`` converter runs for each task with the course's own
configuration; the only change is that the ``Execute`` preprocessor is
:class:`RobustExecute`, which behaves identically on a notebook that stays
within its limits and otherwise:

* stops a notebook at its wall-clock limit (``notebook_timeout``) instead of
  letting it run for cells × per-cell timeout;
* survives a dying kernel (``os._exit``, a crash, a limit): the cell that was
  running and every later cell get an error output, so each test cell scores
  what it earned (zero when it did not run) and the notebook is still written
  to ``autograded/`` — stock nbgrader instead deletes the folder and fails;
* runs the kernel through :mod:`autograder.kernel` (memory, CPU and output
  limits, tamper guard).
"""
from __future__ import annotations

import json
import logging
import math
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Float

EVENTS: list = []   # what RobustExecute noticed while grading the current task
STATS: dict = {}    # seconds spent starting kernels and running cells


class LimitedKernelManager(AsyncKernelManager):
    """Starts Python kernels through ``autograder.kernel`` instead of ipykernel_launcher."""

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return ["autograder.kernel" if part == "ipykernel_launcher" else part for part in cmd]


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


class RobustExecute(Execute):
    """nbgrader's Execute with a per-notebook time limit and dead-kernel recovery."""

    notebook_timeout = Float(0, help="Wall-clock seconds per notebook (0: no limit)").tag(
        config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = LimitedKernelManager
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        start = time.monotonic()
        self._deadline = None     # the clock starts with the first cell, not the kernel
        self._stopped = None
        self._cell_seconds = 0.0
        try:
            return super().preprocess(nb, resources, km)
        finally:
            STATS["execute"] = STATS.get("execute", 0.0) + time.monotonic() - start
            STATS["cells"] = STATS.get("cells", 0.0) + self._cell_seconds

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if self._deadline is not None:
            left = max(1, math.ceil(self._deadline - time.monotonic()))
            timeout = left if timeout is None else min(timeout, left)
        return timeout

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if self._deadline is None and self.notebook_timeout > 0:
            self._deadline = time.monotonic() + self.notebook_timeout
        if self._stopped is None and self._deadline is not None \
                and time.monotonic() >= self._deadline:
            self._stop(f"time limit: the notebook ran longer than {self.notebook_timeout:g} s")
        if self._stopped is not None:
            cell.outputs = [_error_output("NotRun", f"{self._stopped}; this cell did not run")]
            return cell, resources
        start = time.monotonic()
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            if self._deadline is not None and time.monotonic() >= self._deadline - 1:
                self._stop(f"time limit: the notebook ran longer than {self.notebook_timeout:g} s")
            else:
                self._stop("kernel died (the code exited the process, crashed, or exceeded a "
                           "memory or CPU limit)")
            cell.outputs = list(cell.get("outputs", [])) + [
                _error_output("KernelDied", self._stopped)]
            return cell, resources
        except CellTimeoutError:
            # Interrupted at its timeout, the cell still did not stop (it catches
            # KeyboardInterrupt, or is stuck in C code): stock nbgrader fails the
            # whole submission here. The kernel is useless from now on.
            self._stop(f"time limit: a cell ran past its {self.timeout} s timeout "
                       "and ignored the interrupt")
            cell.outputs = list(cell.get("outputs", [])) + [
                _error_output("CellTimeoutError", self._stopped)]
            return cell, resources
        finally:
            self._cell_seconds += time.monotonic() - start
            if self._deadline is not None and time.monotonic() >= self._deadline \
                    and self._stopped is None:
                self._stop(f"time limit: the notebook ran longer than {self.notebook_timeout:g} s")

    def _stop(self, reason: str) -> None:
        self._stopped = reason
        EVENTS.append(reason)


def configure_worker(c, notebook_timeout: float, cell_timeout: float | None) -> None:
    """Swap Execute for RobustExecute in the course's autograde preprocessors."""
    from nbgrader.converters import Autograde

    current = c.Autograde.get("autograde_preprocessors") or \
        Autograde.class_traits()["autograde_preprocessors"].default()
    c.Autograde.autograde_preprocessors = [RobustExecute if p in (Execute, "Execute") else p
                                           for p in current]
    c.RobustExecute.notebook_timeout = float(notebook_timeout or 0)
    if cell_timeout:
        c.RobustExecute.timeout = int(math.ceil(cell_timeout))


def load_course_config(course_dir: Path):
    """The traitlets config of ``course_dir/nbgrader_config.py`` (empty if absent)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (Path(course_dir) / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    return config


def read_submission(db_url: str, course_id: str, assignment: str, student: str) -> dict:
    """Everything autograde wrote about one submission, as plain data."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        sub = gb.find_submission(assignment, student)
        notebooks = {}
        for nb in sub.notebooks:
            notebooks[nb.name] = {
                "late_submission_penalty": nb.late_submission_penalty,
                "grades": {g.name: {"auto_score": g.auto_score, "max_score": g.max_score,
                                    "needs_manual_grade": g.needs_manual_grade}
                           for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }
        return {"timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
                "notebooks": notebooks}


class Worker:
    def __init__(self, shard: Path, course_dir: Path):
        from nbgrader.coursedir import CourseDirectory

        self.shard = Path(shard)
        spec = json.loads((self.shard / "worker.json").read_text())
        self.config = load_course_config(course_dir)
        self.config.CourseDirectory.root = str(self.shard)
        self.config.CourseDirectory.db_url = f"sqlite:///{self.shard / 'gradebook.db'}"
        configure_worker(self.config, spec["timeout"], spec.get("cell_timeout"))
        self.coursedir = CourseDirectory(config=self.config)
        self.env = spec["env"]

    def grade(self, task: dict) -> dict:
        from nbgrader.converters import Autograde

        EVENTS.clear()
        STATS.clear()
        start = time.monotonic()
        student, assignment = task["student"], task["assignment"]
        cd = self.coursedir
        submitted = Path(cd.format_path(cd.submitted_directory, student, assignment))
        autograded = Path(cd.format_path(cd.autograded_directory, student, assignment))
        for folder in (submitted, autograded):
            if folder.exists():
                shutil.rmtree(folder)
        submitted.mkdir(parents=True)
        for name in task["files"]:
            shutil.copy2(Path(task["source"]) / name, submitted / name)
        events = self.shard / "events.jsonl"
        events.unlink(missing_ok=True)
        os.environ.update(self.env)
        os.environ["AUTOGRADER_LOCKED"] = str(self.shard / f"locked-{assignment}.json")
        os.environ["AUTOGRADER_EVENTS"] = str(events)

        log = logging.getLogger(f"autograder.worker.{student}")
        buffer = _ListHandler()
        cd.assignment_id, cd.student_id = assignment, student
        app = Autograde(coursedir=cd, config=self.config)
        app.log.addHandler(buffer)
        app.force, app.create_student = True, True
        error = None
        try:
            app.start()
        except Exception:  # noqa: BLE001 - reported as this submission's failure
            error = traceback.format_exc()
        finally:
            app.log.removeHandler(buffer)
            cd.assignment_id, cd.student_id = "", "*"
        result = {"student": student, "assignment": assignment, "events": list(EVENTS),
                  "restored": [], "errors": buffer.errors, "error": error,
                  "autograded": str(autograded) if autograded.exists() else None}
        if events.exists():
            for line in events.read_text(encoding="utf-8").splitlines():
                what = json.loads(line).get("restored")
                if what and what not in result["restored"]:
                    result["restored"].append(what)
        try:
            result["gradebook"] = read_submission(cd.db_url, cd.course_id, assignment, student)
        except Exception as exc:  # noqa: BLE001
            result["gradebook"] = None
            result["error"] = result["error"] or f"no gradebook entry: {exc}"
        result["seconds"] = time.monotonic() - start
        result["execute_seconds"] = STATS.get("execute", 0.0)
        result["cell_seconds"] = STATS.get("cells", 0.0)
        del log
        return result


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors: list = []

    def emit(self, record):
        try:
            self.errors.append(record.getMessage())
        except Exception:  # noqa: BLE001
            pass


def main(argv: list[str]) -> int:
    shard, course_dir = Path(argv[0]), Path(argv[1])
    # The protocol owns the original stdout; anything else printed goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.chdir(shard)
    worker = Worker(shard, course_dir)
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        task = json.loads(line)
        try:
            result = worker.grade(task)
        except Exception:  # noqa: BLE001
            result = {"student": task.get("student"), "assignment": task.get("assignment"),
                      "error": traceback.format_exc(), "gradebook": None, "autograded": None,
                      "events": list(EVENTS), "restored": [], "errors": []}
        protocol.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
