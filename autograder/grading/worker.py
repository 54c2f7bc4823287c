"""One ``grade`` worker: stock nbgrader autograde on one submission at a time.

``python -m autograder.grading.worker SHARD_DIR REAL_COURSE_DIR`` (or a fork of
``grade``, :mod:`.worker_fork`) reads one JSON task per line on stdin and answers one
JSON result per line on stdout. A task carries the submission itself (``{"notebooks":
{file name: notebook text}, "timestamp": text or null}``), never a path into the
course, and the answer carries the autograded notebooks back as text: grading one
submission is a function of (submission, assignment definition, limits) -> result,
and only the instructor's process writes the real gradebook and ``autograded/``.

Each worker owns a scratch course directory (``SHARD_DIR``) whose SQLite gradebook
holds the assignment definitions copied from the real gradebook
(:mod:`.shard_gradebook`: one engine for every ``Gradebook`` nbgrader opens, the
pristine template put back before each task). Every submission is graded there under
the alias student id ``student`` (a student id such as ``*`` is never seen by
nbgrader's globbing). nbgrader's ``Autograde`` converter runs with the course's
configuration, with ``Execute`` replaced by :class:`~.execute.RobustExecute`, whose
kernels come from :mod:`.kernels`.

The worker dies with the ``grade`` process (``PR_SET_PDEATHSIG``), and on its way
out removes its shard and its kernels' jails.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import sys
import time
import traceback
from pathlib import Path

from autograder.config import load_course_config

from . import frames, shard_gradebook
from .execute import configure_worker
from .kernels import (EVENTS, JAILS, LIMITS, SPARE, STATS, ZYGOTE, close_jail, drop_spare,
                      forget_inherited_state, reap_jails, zygote)

ALIAS = "student"   # the student id every submission is graded under in a shard


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
        configure_worker(self.config, spec["timeout"], spec.get("cell_timeout"),
                         spec.get("output_bytes", 0))
        LIMITS.update(spec.get("sandbox") or {})
        self.coursedir = CourseDirectory(config=self.config)
        self.env = spec["env"]
        self.pristine_gradebook = None   # read at the first task: the shard is complete then
        shard_gradebook.install(self.config.CourseDirectory.db_url)

    def grade(self, task: dict) -> dict:
        from nbgrader.converters import Autograde

        EVENTS.clear()
        STATS.clear()
        start = time.monotonic()
        reap_jails()   # the previous submission's kernel, killed as it finished
        assignment = task["assignment"]
        cd = self.coursedir
        submitted = Path(cd.format_path(cd.submitted_directory, ALIAS, assignment))
        autograded = Path(cd.format_path(cd.autograded_directory, ALIAS, assignment))
        for folder in (submitted.parent, autograded.parent):
            if folder.exists():
                shutil.rmtree(folder)
        submitted.mkdir(parents=True)
        for name, text in task["notebooks"].items():
            (submitted / Path(name).name).write_text(text, encoding="utf-8")
        if task.get("timestamp"):
            (submitted / "timestamp.txt").write_text(task["timestamp"], encoding="utf-8")
        # Each submission starts from a clean slate: a test cell the student deleted must not
        # keep the previous student's score.
        if self.pristine_gradebook is None:
            self.pristine_gradebook = (self.shard / "gradebook.db").read_bytes()
        shard_gradebook.reset(cd.db_url, self.shard / "gradebook.db", self.pristine_gradebook)
        os.environ.update(self.env)

        buffer = _ListHandler()
        cd.assignment_id, cd.student_id = assignment, ALIAS
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
            spare = {id(km.jail) for km, _name, _arguments in SPARE}
            for jail in list(JAILS):   # all but the spare's, which waits for the next task
                if id(jail) not in spare:
                    close_jail(jail)
        result = {"student": task["student"], "assignment": assignment, "events": list(EVENTS),
                  "errors": buffer.errors, "error": error, "autograded": None}
        if autograded.is_dir():
            result["autograded"] = {p.name: _read_regular(p) for p in sorted(autograded.iterdir())
                                    if p.suffix == ".ipynb" and not p.is_symlink()}
        try:
            result["gradebook"] = read_submission(cd.db_url, cd.course_id, assignment, ALIAS)
        except Exception as exc:  # noqa: BLE001
            result["gradebook"] = None
            result["error"] = result["error"] or f"no gradebook entry: {exc}"
        result["seconds"] = time.monotonic() - start
        result["execute_seconds"] = STATS.get("execute", 0.0)
        result["cell_seconds"] = STATS.get("cells", 0.0)
        result["test_seconds"] = STATS.get("tests", 0.0)        # test cells, in the judge
        result["judge_wait_seconds"] = STATS.get("judge_wait", 0.0)
        result["judge_messages"] = STATS.get("messages", 0)
        return result


def _read_regular(path: Path, limit: int = frames.MAX_ANSWER_BYTES) -> str:
    """A file the kernel could have reached, read safely once the kernel is dead: never
    through a link, never from a FIFO or device (which could block), at most ``limit``
    bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(f"{path.name} is larger than {limit} bytes")
    return data.decode("utf-8", errors="replace")


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors: list = []

    def emit(self, record):
        try:
            self.errors.append(record.getMessage()[-2000:])
        except Exception:  # noqa: BLE001
            pass


def _profiled(grade, task: dict, folder: str) -> dict:
    """``grade(task)`` under cProfile, its statistics saved as folder/<pid>-<n>.prof
    (``python -m autograder.quality.bench --profile`` sums them up)."""
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(grade, task)
    finally:
        count = len(list(Path(folder).glob(f"{os.getpid()}-*.prof")))
        profile.dump_stats(str(Path(folder) / f"{os.getpid()}-{count}.prof"))


def _die_with_parent() -> None:
    """SIGTERM when ``grade`` dies, however it dies (Linux)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main_forked(argv: list[str], template=None) -> int:
    """:func:`main` in a worker forked from grade (:mod:`autograder.grading.worker_fork`), with the
    kernel template grade started for it (a :class:`~.templates.Zygote`), if any."""
    forget_inherited_state()
    if template is not None:
        ZYGOTE.append(template)
    return main(argv)


def main(argv: list[str]) -> int:
    shard, course_dir = Path(argv[0]), Path(argv[1])
    _die_with_parent()
    if os.getppid() == 1:
        return 1   # grade died before we could ask to die with it

    def stop(*_):
        drop_spare()
        for jail in list(JAILS):
            close_jail(jail)
        reap_jails(wait=True)
        for template in ZYGOTE:
            template.proc.kill()
            shutil.rmtree(template.root, ignore_errors=True)
        shutil.rmtree(shard, ignore_errors=True)
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    # The protocol owns the original stdout; anything else printed goes to stderr.
    protocol = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.chdir(shard)
    shard_gradebook.scratch_sqlite()
    worker = Worker(shard, course_dir)
    zygote()   # warm before the first submission arrives
    profile = os.environ.get("AUTOGRADER_PROFILE", "")   # a folder: cProfile every task there
    frames.write(protocol, frames.encode(0, {"ready": True}))
    try:
        while True:
            try:
                task_id, task = frames.read(0, frames.MAX_TASK_BYTES)
            except frames.PeerClosed:
                break
            try:
                result = _profiled(worker.grade, task, profile) if profile else \
                    worker.grade(task)
            except Exception:  # noqa: BLE001
                result = {"student": task.get("student"), "assignment": task.get("assignment"),
                          "error": traceback.format_exc(), "gradebook": None,
                          "autograded": None, "events": list(EVENTS), "errors": []}
            frames.write(protocol, _answer(task_id, result))
    finally:
        drop_spare()
        for jail in list(JAILS):
            close_jail(jail)
        reap_jails(wait=True)
        for template in ZYGOTE:
            template.close()
        shutil.rmtree(shard, ignore_errors=True)
    return 0


def _answer(task_id: int, result: dict) -> bytes:
    """The framed answer; one too large for grade to accept says so instead."""
    data = frames.encode(task_id, result)
    if len(data) - frames.HEADER.size <= frames.MAX_ANSWER_BYTES:
        return data
    size = len(data) >> 20
    return frames.encode(task_id, {
        "student": result.get("student"), "assignment": result.get("assignment"),
        "autograded": None, "gradebook": None, "events": result.get("events", [])[:20],
        "errors": [], "error": f"the graded notebook came to {size} MiB, more than the "
                               f"{frames.MAX_ANSWER_BYTES >> 20} MiB a submission may"})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
