"""The worker processes of ``grade``: started, fed one submission at a time, replaced when they die.

Each worker (:mod:`autograder.grading.worker`) gets a scratch course directory (a
*shard*) made afresh from :class:`ShardSpec` whenever it (re)starts: the
template gradebook, the non-notebook files of ``source/`` (data files nbgrader
copies next to each notebook; never the instructor's notebooks) and the limits.
Where cgroups can be created, each worker
runs in its own memory and pids cgroup (which also holds its kernels' ones).
Tasks and answers travel as :mod:`.frames`: each names its task and its size, so an
answer is never read as another task's, and a worker that breaks the framing, answers
too much or too late is replaced. Every answer is then validated before anyone trusts
it (:func:`merge.validate`).
"""
from __future__ import annotations

import functools
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.stock_nbgrader import nbgrader_env
from . import frames
from .cgroups import Cgroups
from .worker_fork import ForkedWorker, can_fork

WORKER_SLACK = 120.0        # beyond the notebook limit before a worker is presumed stuck
WORKER_MEMORY_MB = 1536     # the worker's own share, on top of its kernel's limit
FORK_WORKERS = os.environ.get("AUTOGRADER_FORK_WORKERS", "1") != "0"


@dataclass
class ShardSpec:
    template: bytes         # SQLite gradebook with the assignment definitions (held in memory)
    sources: dict           # assignment -> folder of its source files (notebooks skipped)
    worker: dict            # worker.json: limits and kernel environment
    memory_mb: int          # the kernel's limit (the worker's cgroup allows more)
    # template and sources come from the definitions, and may be filled in after the
    # workers have started on worker.json alone (Pool)

    def prepare(self, shard: Path) -> None:
        """A fresh shard holding only worker.json: enough for a worker to start on."""
        if shard.exists():
            shutil.rmtree(shard)
        shard.mkdir(parents=True)
        os.chmod(shard, 0o700)
        (shard / "worker.json").write_text(json.dumps(self.worker))

    def build(self, shard: Path) -> None:
        """The rest of a prepared shard: what the definitions make (before the first task)."""
        for name, (src, rel) in self.sources.items():
            dst = shard / rel
            if src.is_dir():
                shutil.copytree(src, dst, symlinks=False, ignore=shutil.ignore_patterns(
                    "*.ipynb", ".ipynb_checkpoints", "__pycache__"))
            else:
                dst.mkdir(parents=True)
        (shard / "gradebook.db").write_bytes(self.template)


class WorkerProcess:
    def __init__(self, shard: Path, spec: ShardSpec, course_dir: Path, log):
        self.shard, self.spec, self.course_dir, self.log = shard, spec, course_dir, log
        self.proc = None
        self.cgroups = None
        self.built = False
        self.template = None   # a kernel template grade started for this worker's first launch
        self.task_id = 0

    def launch(self) -> None:
        """Start the process on a prepared shard; :meth:`build` it before the first task."""
        self.spec.prepare(self.shard)
        memory = self.spec.memory_mb + WORKER_MEMORY_MB if self.spec.memory_mb else 0
        self.cgroups = Cgroups(memory, 512, kind="worker")
        argv = [str(self.shard), str(self.course_dir)]
        template, self.template = self.template, None
        self.proc = None
        if FORK_WORKERS and can_fork():   # grade's own imports are the worker's
            from . import worker as run
            pipes = (template.proc.stdin.fileno(), template.proc.stdout.fileno()) \
                if template else ()
            try:
                self.proc = ForkedWorker(functools.partial(run.main_forked, template=template),
                                         argv, nbgrader_env(), str(self.shard), self.log,
                                         self.cgroups.enter, keep=pipes)
            except OSError:   # no fork (out of processes, say): a new Python, as below
                pass
            else:
                if template:
                    template.hand_over()
        if self.proc is None:
            if template:
                template.close()   # a new Python starts its own
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "autograder.grading.worker", *argv],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                start_new_session=True, env=nbgrader_env(), cwd=self.shard,
                preexec_fn=self.cgroups.enter)
        self.built = False

    def build(self) -> None:
        """Complete the shard, then wait until the worker says it is ready."""
        self.spec.build(self.shard)
        self.built = True
        try:
            _, answer = frames.read(self.proc.stdout.fileno(), frames.MAX_ANSWER_BYTES,
                                    time.monotonic() + 120.0)
        except frames.FrameError as exc:
            raise RuntimeError(f"the grading worker did not start (see its log): {exc}") from None
        if answer != {"ready": True}:
            raise RuntimeError("the grading worker did not start (see its log)")

    def start(self) -> None:
        self.launch()
        self.build()

    def run(self, payload: dict, timeout: float) -> dict:
        """One task's answer; on any breach of the framing, a late or oversized answer, or
        the worker's death, the worker is replaced and the task fails with the reason."""
        if self.proc is None or self.proc.poll() is not None:
            self.kill()
            self.start()
        elif not self.built:
            self.build()
        self.task_id += 1
        deadline = time.monotonic() + timeout
        try:
            frames.write(self.proc.stdin.fileno(), frames.encode(self.task_id, payload), deadline)
            answered, answer = frames.read(self.proc.stdout.fileno(), frames.MAX_ANSWER_BYTES,
                                           deadline)
            if answered != self.task_id:
                raise frames.FrameError(f"an answer for task {answered} while task "
                                        f"{self.task_id} was being graded")
            return answer
        except frames.FrameTimeout:
            self.kill()
            return {"fatal": f"grading did not finish within {timeout:.0f} s; the worker was "
                             "stopped"}
        except frames.PeerClosed:
            return self._died()
        except frames.FrameError as exc:
            self.kill()
            return {"fatal": f"the grading worker's answer broke the protocol ({exc}); the "
                             "worker was replaced"}

    def _died(self) -> dict:
        code = self.proc.poll() if self.proc else None
        self.kill()
        tail = ""
        try:
            lines = Path(self.log.name).read_text(errors="replace").strip().splitlines()
            tail = f": {lines[-1][:300]}" if lines else ""
        except OSError:
            pass
        return {"fatal": f"the grading worker died (exit code {code}){tail}"}

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
        if self.cgroups is not None:
            self.cgroups.close()    # its kernels too, wherever they went
            self.cgroups = None
        shutil.rmtree(self.shard, ignore_errors=True)

    def stop(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                proc.stdin.close()
                proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, OSError, ValueError):
                pass
        self.kill()


class Pool:
    """``workers`` local worker processes, started when the pool is made (forked from grade,
    :mod:`autograder.grading.worker_fork`): their kernel templates warm up while ``grade`` still reads
    the definitions and checks the submissions. :meth:`open` says the spec is complete (each
    worker then builds its shard); :meth:`put` hands over one job at a time, longest first;
    :meth:`results` yields every answer as it comes, in the caller's thread. Leave through
    :meth:`close`, which kills whatever still runs."""

    def __init__(self, tmp: Path, spec: ShardSpec, course_dir: Path, workers: int,
                 task_timeout: float, templates: list = ()):
        self.task_timeout = task_timeout
        self.todo: queue.Queue = queue.Queue()
        self.done: queue.Queue = queue.Queue()
        self.jobs = 0
        self.opened = threading.Event()
        self.logs = [open(tmp / f"worker-{k}.log", "w") for k in range(workers)]
        self.procs = [WorkerProcess(tmp / f"shard-{k}", spec, course_dir, log)
                      for k, log in enumerate(self.logs)]
        for proc, template in zip(self.procs, templates):
            proc.template = template
        for proc in self.procs:
            proc.launch()
        self.threads = [threading.Thread(target=self._work, args=(proc,), daemon=True)
                        for proc in self.procs]
        for thread in self.threads:
            thread.start()

    def _work(self, proc: WorkerProcess) -> None:
        self.opened.wait()
        try:
            while True:
                job = self.todo.get()
                if job is None:
                    return
                key, payload = job
                try:
                    self.done.put((key, proc.run(payload, self.task_timeout)))
                except Exception as exc:  # noqa: BLE001
                    proc.kill()
                    self.done.put((key, {"fatal": f"grading worker error: {exc}"}))
        finally:
            proc.stop()

    def open(self) -> None:
        self.opened.set()

    def put(self, key, payload: dict) -> None:
        self.jobs += 1
        self.todo.put((key, payload))

    def results(self):
        """(key, answer) of every job put, as each finishes; then the workers stop."""
        for _ in self.procs:
            self.todo.put(None)
        for _ in range(self.jobs):
            yield self.done.get()
        for thread in self.threads:
            thread.join()

    def close(self) -> None:
        """After results(): nothing left to do. Otherwise (Ctrl-C, a bug) no worker nor
        its kernels outlives grade()."""
        while True:
            try:
                self.todo.get_nowait()
            except queue.Empty:
                break
        for _ in self.procs:
            self.todo.put(None)
        self.opened.set()
        for proc in self.procs:
            if proc.proc is not None:
                proc.kill()
        for thread in self.threads:
            thread.join()
        for log in self.logs:
            log.close()
