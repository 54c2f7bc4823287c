"""What runs on a Dask worker when ``grade --scheduler`` hands it submissions.

:func:`grade_on_worker` builds a scratch course (a *shard*) from the run's
:class:`~.cluster.RemoteSpec` inside the worker's own ``local_directory`` and runs the
local pool's :class:`~.pool.WorkerProcess` there: the same grading worker process, the
same sandbox per kernel, the same limits and per-task timeout. A worker whose sandbox
does not work refuses the task (:class:`NoSandbox`) unless the instructor passed
``--unsandboxed``. :func:`worker_status` is what ``grade`` asks every worker before it
starts; :func:`close_run` removes a run's scratch course.
"""
from __future__ import annotations

import atexit
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STALE_RUN = 900.0   # an idle run this old on a worker: its client is gone

class NoSandbox(RuntimeError):
    """This worker machine has no working sandbox (the task is refused)."""


@dataclass
class _Local:
    """One run's scratch course on this worker and its grading processes, one per thread."""
    folder: Path
    course: Path
    shard_spec: object
    procs: dict = field(default_factory=dict)     # thread id -> WorkerProcess
    logs: list = field(default_factory=list)
    busy: int = 0                                 # tasks running now
    used: float = field(default_factory=time.monotonic)


_RUNS: dict = {}
_LOCK = threading.RLock()


def _scratch_root() -> Path:
    try:
        from distributed import get_worker
        return Path(get_worker().local_directory)
    except (ImportError, ValueError):
        import tempfile
        return Path(tempfile.gettempdir())


def _local(spec) -> _Local:
    from .pool import ShardSpec

    with _LOCK:
        if spec.token in _RUNS:
            return _RUNS[spec.token]
        for token, run in list(_RUNS.items()):   # runs whose client went without tidying up
            if not run.busy and time.monotonic() - run.used > STALE_RUN:
                _close(token)
        folder = _scratch_root() / f"nn-grade-{os.getpid()}-{spec.token}"
        course = folder / "course"
        course.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        (course / "nbgrader_config.py").write_text(spec.config, encoding="utf-8")
        sources = {}
        for name, files in spec.files.items():
            src = (course / spec.rel[name]).resolve()
            if course.resolve() not in src.parents:
                raise ValueError(f"source folder of {name} lies outside the course")
            src.mkdir(parents=True, exist_ok=True)
            for relative, data in files.items():
                dst = (src / relative).resolve()
                if src not in dst.parents:
                    raise ValueError(f"{relative}: outside the source folder of {name}")
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(data)
            sources[name] = (src, spec.rel[name])
        shard_spec = ShardSpec(spec.template, sources, spec.worker, spec.memory_mb)
        _RUNS[spec.token] = _Local(folder, course, shard_spec)
        return _RUNS[spec.token]


def _close(token: str) -> None:
    local = _RUNS.pop(token, None)
    if local is None:
        return
    for proc in list(local.procs.values()):
        proc.kill()     # idle at the end of a run; grading a cancelled task after Ctrl-C
    for log in local.logs:
        log.close()
    shutil.rmtree(local.folder, ignore_errors=True)


def close_run(token: str) -> bool:
    """Stop this run's grading processes on this worker and remove its scratch folder."""
    with _LOCK:
        _close(token)
    return True


@atexit.register
def _close_all() -> None:
    for token in list(_RUNS):
        _close(token)


def worker_status() -> dict:
    """What the client checks on every worker before it submits anything."""
    from . import sandbox as jail
    return {"sandbox": dict(jail.status()), "pid": os.getpid(), "cwd": os.getcwd()}


def grade_on_worker(spec, payload: dict, task_timeout: float) -> dict:
    """The Dask task: grade one submission here and return the worker's answer (as local)."""
    from . import sandbox as jail
    from .pool import WorkerProcess

    if spec.sandbox:
        status = jail.status()
        if not status["ok"]:
            raise NoSandbox(f"this worker has no sandbox ({status['reason']}); "
                            f"{jail.HOW_TO_GET_ONE}")
    with _LOCK:
        local = _local(spec)
        local.busy += 1
        thread = threading.get_ident()
        proc = local.procs.get(thread)
        if proc is None:
            log = open(local.folder / f"worker-{len(local.logs)}.log", "w")
            local.logs.append(log)
            proc = WorkerProcess(local.folder / f"shard-{len(local.logs)}", local.shard_spec,
                                 local.course, log)
            local.procs[thread] = proc
    try:
        return proc.run(payload, task_timeout)
    except Exception:
        proc.kill()     # could not start: retried once (elsewhere, if Dask can)
        raise
    finally:
        local.busy -= 1
        local.used = time.monotonic()


# --------------------------------------------------------------------------- the client
