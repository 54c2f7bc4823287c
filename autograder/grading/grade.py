"""``grade``: autograde every submission of a course in parallel, in a sandbox, safely.

``grade(course_dir, ...)`` autogrades ``submitted/<student>/<assignment>/``
into ``autograded/`` and the course's own gradebook (``CourseDirectory.db_url``
of its ``nbgrader_config.py``: SQLite by default, any database nbgrader
accepts otherwise), with the scores stock ``nbgrader autograde --force``
gives, so ``nbgrader generate_feedback`` and ``nbgrader export`` work
afterwards. The way a submission travels is :mod:`autograder.grading`'s docstring:
definitions, check, the workers (each kernel in its sandbox, each test cell in the
notebook's judge), merge, results.

Without a working sandbox ``grade`` refuses (:class:`SandboxUnavailable`)
unless ``sandbox=False`` (``--unsandboxed``); every outcome then says so.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import cgroups, cluster
from . import sandbox as jail
from .check import Task, precheck
from autograder.config import ASSIGNMENTS
from .definitions import Course, write_template
from .merge import BadAnswer, failure_reason, merge, validate
from autograder.stock_nbgrader import nbgrader_env
from .pool import WORKER_SLACK, Pool, ShardSpec
from .templates import Zygote
from .results import RESULTS_FILE, GradeResult, Outcome, Progress, load_results, save_results

__all__ = ["grade", "run", "RESULTS_FILE", "load_results", "SandboxUnavailable",
           "UnknownAssignment"]

DEFAULT_TIMEOUT = 300.0       # seconds per notebook
DEFAULT_MEMORY_MB = 2048      # per kernel (its whole process tree where cgroups work)
DEFAULT_OUTPUT_BYTES = 1_000_000  # per cell and stream
KERNEL_DISK_MB = 64           # each kernel's /tmp and home
SCRATCH_PREFIX = "nn-grade-"


class SandboxUnavailable(RuntimeError):
    """No sandbox can be had on this machine, and the instructor did not opt out."""


class UnknownAssignment(ValueError):
    """An assignment named on the command line that the course does not have."""


def grade(course_dir: Path, assignments: list[str] | None = None, workers: int | None = None,
          timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
          progress: bool = True, cell_timeout: float | None = None,
          output_bytes: int = DEFAULT_OUTPUT_BYTES,
          students: list[str] | None = None, sandbox: bool = True,
          scheduler: str | None = None, force: bool = True) -> GradeResult:
    """Autograde every submission of ``assignments`` (default: all) of ``course_dir``.

    ``timeout``: wall-clock seconds per notebook; ``cell_timeout``: seconds per
    cell (default: the course's ``Execute.timeout``, capped at ``timeout``);
    ``memory_mb``: memory per kernel (0: no limit); ``students``: only these
    students (default: everyone in ``submitted/``); ``sandbox``: False grades
    without isolation; ``scheduler``: grade on this Dask cluster (:mod:`autograder.grading.cluster`),
    where ``force=False`` skips what an earlier run graded.
    """
    start = time.monotonic()
    # A worker's kernel template spends about a CPU-second importing NumPy, matplotlib and the
    # rest: started first, the templates do it while this process checks the sandbox and
    # imports nbgrader (where there is no sandbox, grade refuses below and closes them).
    templates = [] if scheduler else _early_templates(Path(course_dir), workers, sandbox,
                                                      students)
    probe = jail.Probe() if sandbox and not scheduler else None   # runs while nbgrader imports
    try:
        import nbgrader.api  # noqa: F401 - here, beside the probe and the templates

        executor = cluster.connect(scheduler, sandbox) if scheduler else None
        status = executor.status if executor else (
            jail.status(probe) if sandbox else {"ok": False, "reason": "--unsandboxed",
                                                "memory": False, "pids": False})
        if sandbox and not status["ok"]:
            raise SandboxUnavailable(f"no sandbox for the grading kernels: {status['reason']}; "
                                     f"{jail.HOW_TO_GET_ONE}")
        _remove_stale_scratch()
        return _grade(course_dir, assignments, workers, timeout, memory_mb, progress,
                      cell_timeout, output_bytes, students, executor=executor, status=status,
                      force=force, start=start, templates=templates)
    finally:
        if probe is not None:
            probe.close()
        for template in templates:
            template.close()


def _grade(course_dir, assignments, workers, timeout, memory_mb, progress, cell_timeout,
           output_bytes, students, executor, status, force, start, templates) -> GradeResult:
    from nbgrader.api import Gradebook

    # nbgrader shells out to `alembic` when it creates a gradebook.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    course = Course(course_dir)
    known = course.known()
    if assignments:
        unknown = sorted(set(assignments) - known)
        if unknown:
            raise UnknownAssignment(
                f"{', '.join(unknown)}: not an assignment of this course (it has "
                f"{', '.join(sorted(known)) or 'none'}: in its gradebook or source/)")
    found, skipped = [], []
    for student, assignment, folder in course.submissions(assignments):
        if students is not None and student not in students:
            continue
        if assignment in known:
            found.append((student, assignment, folder))
        else:
            skipped.append(f"submitted/{student}/{assignment}: not an assignment of this course")
    if executor and not force:
        found, done = cluster.pending(course, found)
        if done:
            skipped.append(f"{done} submission(s) graded before and unchanged since "
                           "(--force regrades them)")
    names = sorted({a for _, a, _ in found},
                   key=lambda a: (ASSIGNMENTS.index(a) if a in ASSIGNMENTS else 99, a))
    # Later assignments (longer to run) first, so no worker is left with a long one at the end.
    found.sort(key=lambda f: (-names.index(f[1]), f[0]))

    if cell_timeout is None:
        configured = course.config.Execute.get("timeout", 30)
        cell_timeout = min(float(configured or timeout), float(timeout)) if timeout else None
    workers = executor.threads if executor else \
        max(1, min(workers or os.cpu_count() or 1, len(found) or 1))
    limits = {"timeout": timeout, "cell_timeout": cell_timeout, "memory_mb": memory_mb,
              "output_bytes": output_bytes}
    task_timeout = (timeout or 3600) + WORKER_SLACK
    outcomes: dict = {}
    bar = Progress(len(found), progress)

    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as tmp:
        spec = _worker_spec(limits, status)
        # Local workers start now, and warm up while this process does the rest.
        pool = Pool(Path(tmp), spec, course.root, workers, task_timeout, templates) \
            if found and not executor else None
        try:
            course.ensure_in_gradebook(names)
            defs = course.definitions(names)
            _add_definitions(spec, Path(tmp), course, defs)
            if pool:
                pool.open()
            with Gradebook(course.db_url, course.course_id) as gb:
                tasks: list[Task] = []
                for student, assignment, folder in found:
                    checked = precheck(student, assignment, folder, defs[assignment],
                                       list(course.coursedir.ignore))
                    if isinstance(checked, Outcome):   # failed before running: record it
                        checked.sandbox = bool(status["ok"])
                        merge(gb, course, Task(checked.student, checked.assignment, {}, None,
                                               checked.flags, checked.notes), {}, checked)
                        outcomes[checked.key] = checked
                        bar.update(checked)
                        continue
                    tasks.append(checked)
                    if pool:
                        pool.put(*_job(checked))
                by_key = {(t.assignment, t.student): t for t in tasks}

                def collect(key, answer):
                    outcome = _outcome(gb, course, by_key[key], answer, bool(status["ok"]))
                    outcomes[outcome.key] = outcome
                    bar.update(outcome)

                if pool:
                    for key, answer in pool.results():
                        collect(key, answer)
                elif tasks:
                    executor(Path(tmp), spec, course.root, [_job(t) for t in tasks], workers,
                             task_timeout, collect)
        finally:
            if pool:
                pool.close()

    result = GradeResult(sorted(outcomes.values(), key=lambda o: o.key),
                         time.monotonic() - start, workers, limits, dict(status), skipped)
    save_results(course.root, result)
    if executor:
        executor.finish()   # Ctrl-C or a lost scheduler: raised once what finished is saved
    return result


def _worker_spec(limits: dict, status: dict) -> ShardSpec:
    """What a worker starts on (worker.json); the definitions come later."""
    env = {"AUTOGRADER_MEMORY_MB": str(int(limits["memory_mb"] or 0)),
           "AUTOGRADER_CPU_SECONDS": str(int(limits["timeout"] * 2 + 30) if limits["timeout"] else 0),
           "AUTOGRADER_OUTPUT_BYTES": str(int(limits["output_bytes"] or 0))}
    worker = {"timeout": limits["timeout"], "cell_timeout": limits["cell_timeout"],
              "output_bytes": limits["output_bytes"], "env": env,
              "sandbox": {"sandbox": bool(status["ok"]), "memory_mb": int(limits["memory_mb"] or 0),
                          "pids": 64, "disk_mb": KERNEL_DISK_MB}}
    return ShardSpec(b"", {}, worker, int(limits["memory_mb"] or 0))


def _add_definitions(spec: ShardSpec, tmp: Path, course: Course, defs: dict) -> None:
    """The template gradebook and source files of ``defs``."""
    # Kept in memory, not on disk: a grade killed outright leaves no hidden tests in /tmp.
    path = tmp / "template.db"
    write_template(path, course.course_id, defs)
    spec.template = path.read_bytes()
    path.unlink()
    for name in defs:
        src = course.path("source", assignment=name)
        spec.sources[name] = (src, os.path.relpath(src, course.root))


def _early_templates(course_dir: Path, workers: int | None, jailed: bool,
                     students: list[str] | None = None) -> list:
    """A kernel template (not yet warm) for each local worker grade will likely start: one per
    submission folder (of ``students`` only, if given), at most ``workers`` (default: one per
    core). A worker forked from grade takes one over (:mod:`autograder.grading.pool`); any left are
    closed when grade ends."""
    try:
        folders = sum(1 for student in (course_dir / "submitted").iterdir() if student.is_dir()
                      and (students is None or student.name in students)
                      for entry in student.iterdir() if entry.is_dir())
    except OSError:
        return []
    templates = []
    for _ in range(min(workers or os.cpu_count() or 1, folders)):
        try:
            templates.append(Zygote(jailed, KERNEL_DISK_MB, env=nbgrader_env(), wait=False))
        except (OSError, RuntimeError):
            break
    return templates


def _job(t: Task) -> tuple:
    """(key, payload) of one task: the submission itself, never a path."""
    return ((t.assignment, t.student),
            {"student": t.student, "assignment": t.assignment, "notebooks": t.notebooks,
             "timestamp": t.timestamp})


def _outcome(gb, course: Course, task: Task, answer: dict, sandboxed: bool) -> Outcome:
    """Check one worker answer and merge it; any problem fails this submission alone."""
    outcome = Outcome(task.student, task.assignment, flags=list(task.flags),
                      notes=list(task.notes), sandbox=sandboxed)
    try:
        answer = validate(answer, list(task.notebooks))
        outcome.seconds = float(answer.get("seconds", 0.0))
        outcome.execute_seconds = float(answer.get("execute_seconds", 0.0))
        outcome.cell_seconds = float(answer.get("cell_seconds", 0.0))
        outcome.test_seconds = float(answer.get("test_seconds", 0.0))
        outcome.judge_wait_seconds = float(answer.get("judge_wait_seconds", 0.0))
        outcome.judge_messages = int(answer.get("judge_messages", 0))
        if answer.get("autograded") and answer.get("gradebook"):
            events = [str(e)[:300] for e in answer.get("events", [])]
            outcome.reason = "; ".join(dict.fromkeys(events))
        else:
            outcome.status = "failed"
            outcome.reason = failure_reason(answer)
    except (BadAnswer, ValueError, TypeError, KeyError) as exc:
        outcome.status, outcome.reason = "failed", f"the worker's answer was malformed: {exc}"
    try:
        merge(gb, course, task, answer if outcome.status == "graded" else {}, outcome)
    except Exception as exc:  # noqa: BLE001 - one bad merge must not stop the batch
        gb.db.rollback()
        outcome.status, outcome.reason = "failed", f"could not record the grades: {exc}"
        try:
            merge(gb, course, task, {}, outcome)
        except Exception:  # noqa: BLE001
            gb.db.rollback()
    return outcome


def _remove_stale_scratch() -> None:
    """Scratch folders and cgroups of a ``grade`` (or its kernels) that died before cleaning
    up."""
    cgroups.remove_stale_cgroups()
    roots = {Path(tempfile.gettempdir()), Path("/dev/shm")}
    for root in roots:
        try:
            entries = list(root.iterdir())
        except OSError:
            continue
        for entry in entries:
            for prefix in (SCRATCH_PREFIX, "nn-kernel-", "nn-zygote-"):
                pid = entry.name[len(prefix):].split("-")[0]
                if entry.name.startswith(prefix) and pid.isdigit() \
                        and not Path(f"/proc/{pid}").exists():
                    shutil.rmtree(entry, ignore_errors=True)


def run(course_dir: Path, assignments: list[str] | None, workers: int | None, timeout: float,
        memory_mb: int, cell_timeout: float | None = None, students: list[str] | None = None,
        sandbox: bool = True, scheduler: str | None = None, force: bool = False) -> int:
    """The CLI: grade, print the summary. 0: every submission graded; 1: some failed;
    2: nothing could be graded (no sandbox, unknown assignment, no course)."""
    course_dir = Path(course_dir)
    if not course_dir.is_dir():
        print(f"grade: {course_dir} is not a course directory", file=sys.stderr)
        return 2
    try:
        scheduler = cluster.address(scheduler, course_dir)
        result = grade(course_dir, assignments or None, workers, timeout, memory_mb,
                       progress=True, cell_timeout=cell_timeout, students=students,
                       sandbox=sandbox, scheduler=scheduler, force=force or not scheduler)
    except cluster.SchedulerLost as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 1
    except (SandboxUnavailable, UnknownAssignment, FileNotFoundError,
            cluster.ClusterError) as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grade: interrupted; what was graded so far is in the gradebook", file=sys.stderr)
        return 130
    if students:
        missing = sorted(set(students) - {o.student for o in result.outcomes})
        if missing:
            print(f"grade: no submission of {', '.join(missing)} in submitted/",
                  file=sys.stderr)
    print(result.summary())
    print(f"results: {course_dir.resolve() / RESULTS_FILE}")
    if students and not result.outcomes:
        return 2
    return 1 if result.failed else 0
