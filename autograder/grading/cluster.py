"""``grade --scheduler tcp://HOST:PORT``: the same grading, one Dask task per submission.

The instructor's process (the *client*) does everything it does locally --
prechecks, verdict checks, merging, the gradebook, ``autograded/``, the
results file, the progress bar -- and hands only the middle step, running
nbgrader's ``Autograde`` on one submission, to a Dask cluster. Nothing needs a
shared file system:

* :class:`RemoteSpec` is what every task needs besides its submission: the
  template gradebook (assignment definitions), the non-notebook files of
  ``source/`` (data files nbgrader copies next to each notebook), the
  course's configuration (without its gradebook URL) and the limits. It travels once to each worker (a Dask task of its own, so
  the scheduler can recompute it when the worker holding it dies);
* a task carries one submission as text (:class:`autograder.grading.check.Task`'s
  notebooks and timestamp) and returns the worker's answer -- autograded
  notebooks, scores, events -- which the client validates and
  merges exactly as a local worker's (:mod:`autograder.grading.merge`).

On the Dask worker, :func:`grade_on_worker` builds a scratch course (a
*shard*) from the spec inside the worker's own ``local_directory`` and runs
the local pool's :class:`autograder.grading.pool.WorkerProcess` there: the same
``python -m autograder.grading.worker`` process, the same sandbox per kernel, the same
limits and per-task timeout. A worker whose sandbox does not work refuses
the task (unless the instructor passed ``--unsandboxed``).

Faults: Dask reschedules the task of a worker that dies or is removed; the
client lowers the scheduler's ``allowed-failures`` to 1 for its run, so a
submission costs at most one retry elsewhere and then fails alone
("KilledWorker"). A task that raises (no sandbox, worker process would not
start) is retried once (``retries=1``). A lost scheduler, or a cluster
without workers for :data:`NO_WORKERS_GRACE` seconds, ends the run: every
answer received is merged and saved, then :meth:`Executor.finish` raises
:class:`SchedulerLost`. Ctrl-C cancels every task the same way.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .dask_worker import close_run, grade_on_worker, worker_status

ENV_VAR = "NN_GRADER_SCHEDULER"     # the scheduler's address, when --scheduler is not given
CONFIG_SECTION = "DaskCluster"      # c.DaskCluster.scheduler = "tcp://..." in nbgrader_config.py
CONNECT_TIMEOUT = 30.0              # seconds to reach the scheduler
NO_WORKERS_GRACE = 600.0            # seconds with tasks pending and no worker before giving up
SKIP_PARTS = {".ipynb_checkpoints", "__pycache__"}


class ClusterError(RuntimeError):
    """The cluster cannot grade: unreachable, no autograder on the workers, no sandbox there."""


class SchedulerLost(ClusterError):
    """The run stopped before every submission was graded; what finished is saved."""


def address(cli: str | None, course_dir: Path) -> str | None:
    """The scheduler to use: ``--scheduler``, else $NN_GRADER_SCHEDULER, else
    ``c.DaskCluster.scheduler`` of the course's ``nbgrader_config.py``; None: grade locally.
    ``--scheduler local`` grades locally whatever the environment says."""
    from autograder.config import load_course_config

    if cli is not None:
        found = cli
    elif os.environ.get(ENV_VAR):
        found = os.environ[ENV_VAR]
    else:
        section = load_course_config(Path(course_dir)).get(CONFIG_SECTION, {})
        found = section.get("scheduler") or ""
    found = str(found).strip()
    return None if found in ("", "local") else found


# --------------------------------------------------------------------------- what travels

@dataclass
class RemoteSpec:
    """Everything a Dask worker needs to grade this run's submissions (no path of the course)."""
    token: str              # this run: names the worker's scratch folder
    template: bytes         # SQLite gradebook with the assignment definitions
    files: dict             # assignment -> {relative path: bytes} of source/ (no notebooks)
    rel: dict               # assignment -> its source folder relative to the course root
    worker: dict            # limits and kernel environment (pool.ShardSpec.worker)
    memory_mb: int
    config: str             # nbgrader_config.py for the worker (:func:`_config_text`)
    sandbox: bool           # refuse to grade without a working sandbox

    @classmethod
    def build(cls, spec, course_root: Path, sandbox: bool) -> "RemoteSpec":
        files, rel = {}, {}
        for name, (src, relative) in spec.sources.items():
            files[name], rel[name] = _read_tree(Path(src)), relative
        digest = hashlib.sha256(spec.template)
        return cls(f"{uuid.uuid4().hex[:8]}{digest.hexdigest()[:8]}", spec.template, files,
                   rel, spec.worker, spec.memory_mb, _config_text(course_root),
                   sandbox)


def _config_text(course_root: Path) -> str:
    """The course's configuration as a worker's ``nbgrader_config.py``: evaluated here (its
    imports and paths are the instructor's), without the gradebook URL (which may hold a
    password) or the course root, neither of which a worker uses."""
    from autograder.config import load_course_config

    config = load_course_config(Path(course_root))
    for name in ("db_url", "root"):
        config.CourseDirectory.pop(name, None)
    return f"import pickle\nc.merge(pickle.loads({pickle.dumps(config)!r}))\n"


def _read_tree(src: Path) -> dict:
    """relative path -> bytes of the files ``ShardSpec.build`` copies (notebooks skipped)."""
    found = {}
    if not src.is_dir():
        return found
    for path in sorted(src.rglob("*")):
        relative = path.relative_to(src)
        if SKIP_PARTS & set(relative.parts) or path.suffix == ".ipynb" or not path.is_file():
            continue
        found[relative.as_posix()] = path.read_bytes()
    return found


def _hold(spec: RemoteSpec) -> RemoteSpec:
    return spec


def _client(where: str, timeout: float = CONNECT_TIMEOUT):
    from distributed import Client

    try:
        return Client(where, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {where}: {exc}") from exc


def _set_allowed_failures(n: int):
    # A lambda is sent by value: the scheduler needs no autograder installed.
    return lambda dask_scheduler: (dask_scheduler.allowed_failures,
                                   setattr(dask_scheduler, "allowed_failures", n))[0]


def connect(where: str, sandbox: bool = True) -> "Executor":
    """Check the cluster before anything is graded; raises :class:`ClusterError`."""
    client = _client(where)
    try:
        try:
            found = client.run(worker_status)
        except Exception as exc:  # noqa: BLE001 - any worker that cannot run our code
            raise ClusterError(
                f"the Dask workers at {where} cannot run the autograder ({type(exc).__name__}: "
                f"{exc}); install this course's requirements on every worker "
                "(pip install -r requirements.txt and the course package)") from exc
        threads = sum(client.nthreads().values())
    finally:
        client.close()
    statuses = [s["sandbox"] for s in found.values()]
    if sandbox:
        missing = {w: s["sandbox"]["reason"] for w, s in found.items() if not s["sandbox"]["ok"]}
        if missing:
            from .sandbox import HOW_TO_GET_ONE
            raise ClusterError("no sandbox on Dask worker(s) " + "; ".join(
                f"{w}: {why}" for w, why in sorted(missing.items())) + f". {HOW_TO_GET_ONE}")
        status = {"ok": True, "reason": "" if found else "no worker yet: each checks per task",
                  "memory": all(s["memory"] for s in statuses),
                  "pids": all(s["pids"] for s in statuses)}
    else:
        status = {"ok": False, "reason": "--unsandboxed", "memory": False, "pids": False}
    status["scheduler"] = where
    return Executor(where, status, threads, sandbox)


class Executor:
    """Grade ``jobs`` ((key, payload), longest first) on a Dask cluster; ``collect(key,
    answer)`` is called in the caller's thread for each, as they finish."""

    def __init__(self, where: str, status: dict, threads: int, sandbox: bool):
        self.where, self.status, self.sandbox = where, status, sandbox
        self.threads = max(1, threads)
        self.interrupted = False
        self.lost: str | None = None
        self.left = 0               # submissions not graded when the run stopped early

    def __call__(self, tmp: Path, spec, course_dir: Path, jobs: list, workers: int,
                 task_timeout: float, collect) -> None:
        from distributed import as_completed

        remote = RemoteSpec.build(spec, course_dir, self.sandbox)
        client = _client(self.where)
        keys, futures, old = {}, [], None
        self._received = 0
        # Ctrl-C must not land inside one of Dask's blocking calls: its sync() then schedules
        # a cancel that can fail on its loop (a NameError tornado logs with a traceback).
        # Here Ctrl-C only raises a flag, which the loop below reads between calls.
        self._stop = threading.Event()
        installed = (threading.current_thread() is threading.main_thread()
                     and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN)
        if installed:
            previous = signal.signal(signal.SIGINT, lambda signum, frame: self._stop.set())
        try:
            try:
                old = client.run_on_scheduler(_set_allowed_failures(1))
            except Exception:  # noqa: BLE001 - a scheduler that runs no client code: Dask's default
                old = None
            held = client.submit(_hold, remote, key=f"nn-grade-spec-{remote.token}", pure=False)
            for i, (key, payload) in enumerate(jobs):
                future = client.submit(grade_on_worker, held, payload, task_timeout,
                                       key=f"nn-grade-{remote.token}-{i}", retries=1,
                                       pure=False, priority=len(jobs) - i)
                keys[future.key] = key
                futures.append(future)
            self._collect(client, as_completed(futures, loop=client.loop), keys, collect)
        except KeyboardInterrupt:
            self.interrupted = True
        finally:
            self.left = len(jobs) - self._received
            try:
                self._close(client, futures, remote.token, old)
            finally:
                if installed:
                    signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)

    def _collect(self, client, pending, keys: dict, collect) -> None:
        from distributed import KilledWorker

        received, total = set(), len(keys)
        self._received = 0
        empty_since, asked = None, 0.0
        while len(received) < total:
            if self._stop.is_set():
                raise KeyboardInterrupt
            batch = pending.next_batch(block=False) if pending.has_ready() else []
            if not batch:
                if client.status not in ("running", "connecting"):
                    self.lost = f"lost the connection to the Dask scheduler at {self.where}"
                    return
                if pending.is_empty():
                    return
                if time.monotonic() - asked > 5:
                    asked = time.monotonic()
                    try:
                        nthreads = client.nthreads() if client.status == "running" else {}
                    except Exception:  # noqa: BLE001 - the scheduler is gone
                        nthreads = {}
                    empty_since = None if nthreads else (empty_since or time.monotonic())
                if empty_since and time.monotonic() - empty_since > NO_WORKERS_GRACE:
                    self.lost = (f"no Dask worker at {self.where} for "
                                 f"{NO_WORKERS_GRACE:.0f} s")
                    return
                time.sleep(0.2)
                continue
            for future in batch:
                if future.key in received:
                    continue
                try:
                    answer = future.result()
                except KilledWorker as exc:
                    answer = {"fatal": "the Dask worker grading it died or was removed twice "
                                       f"(last {getattr(exc.last_worker, 'address', '?')}); "
                                       "not graded"}
                except Exception as exc:  # noqa: BLE001
                    if future.cancelled() or client.status != "running":
                        self.lost = (f"lost the connection to the Dask scheduler at "
                                     f"{self.where}")
                        return
                    answer = {"fatal": f"the Dask worker could not grade it: "
                                       f"{type(exc).__name__}: {str(exc)[:400]}"}
                received.add(future.key)
                self._received = len(received)
                future.release()
                collect(keys[future.key], answer if isinstance(answer, dict) else
                        {"fatal": "the Dask worker answered something that is not an object"})

    def _close(self, client, futures: list, token: str, old) -> None:
        try:
            if client.status == "running":
                client.cancel(futures, force=True)
                if old is not None and old != 1:
                    client.run_on_scheduler(_set_allowed_failures(old))
                client.run(close_run, token, on_error="ignore")
        except Exception:  # noqa: BLE001 - the scheduler may be gone: nothing left to tidy there
            pass
        finally:
            client.close(timeout=10)

    def finish(self) -> None:
        """After the results are saved: Ctrl-C or a lost scheduler ends the run here."""
        if self.interrupted:
            raise KeyboardInterrupt
        if self.lost:
            raise SchedulerLost(f"{self.lost}: {self.left} submission(s) not graded; every "
                                "result received is saved. Run grade again to grade the rest.")


# --------------------------------------------------------------------------- reruns

def pending(course, found: list) -> tuple[list, int]:
    """``found`` less the submissions graded before and unchanged since (``--force`` keeps all):
    graded in the results file, in ``autograded/``, no submitted file newer than that."""
    from .results import load_results

    try:
        entries = {(e["assignment"], e["student"]): e.get("status")
                   for e in load_results(course.root).get("submissions", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return found, 0
    todo, done = [], 0
    for student, assignment, folder in found:
        graded = course.path("autograded", student, assignment)
        if entries.get((assignment, student)) == "graded" and graded.is_dir() \
                and _newest(folder) <= graded.stat().st_mtime:
            done += 1
        else:
            todo.append((student, assignment, folder))
    return todo, done


def _newest(folder: Path) -> float:
    times = [folder.lstat().st_mtime]
    for path in folder.rglob("*"):
        try:
            times.append(path.lstat().st_mtime)
        except OSError:
            pass
    return max(times)
