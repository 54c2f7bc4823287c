"""The worker processes of ``grade``: started, fed one submission at a time, replaced when they die.

Each worker (:mod:`autograder.run`) gets a scratch course directory (a
*shard*) made afresh from :class:`ShardSpec` whenever it (re)starts: the
template gradebook, the non-notebook files of ``source/`` (data files nbgrader
copies next to each notebook; never the instructor's notebooks), the digests
of the locked cells and the limits. Where cgroups can be created, each worker
runs in its own memory and pids cgroup (which also holds its kernels' ones).
Every answer is validated before anyone trusts it (:func:`merge.validate`).
"""
from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .pipeline import nbgrader_env
from .sandbox import Cgroups

WORKER_SLACK = 120.0        # beyond the notebook limit before a worker is presumed stuck
WORKER_MEMORY_MB = 1536     # the worker's own share, on top of its kernel's limit
MAX_ANSWER_BYTES = 64 << 20


@dataclass
class ShardSpec:
    template: bytes         # SQLite gradebook with the assignment definitions (held in memory)
    sources: dict           # assignment -> folder of its source files (notebooks skipped)
    locked: dict            # assignment -> [sha256 of every locked cell]
    worker: dict            # worker.json: limits and kernel environment
    memory_mb: int          # the kernel's limit (the worker's cgroup allows more)

    def build(self, shard: Path) -> None:
        if shard.exists():
            shutil.rmtree(shard)
        shard.mkdir(parents=True)
        os.chmod(shard, 0o700)
        for name, (src, rel) in self.sources.items():
            dst = shard / rel
            if src.is_dir():
                shutil.copytree(src, dst, symlinks=False, ignore=shutil.ignore_patterns(
                    "*.ipynb", ".ipynb_checkpoints", "__pycache__"))
            else:
                dst.mkdir(parents=True)
            (shard / f"locked-{name}.json").write_text(json.dumps(self.locked[name]))
        (shard / "gradebook.db").write_bytes(self.template)
        (shard / "worker.json").write_text(json.dumps(self.worker))


class WorkerProcess:
    def __init__(self, shard: Path, spec: ShardSpec, course_dir: Path, log):
        self.shard, self.spec, self.course_dir, self.log = shard, spec, course_dir, log
        self.proc = None
        self.cgroups = None

    def start(self) -> None:
        self.spec.build(self.shard)
        memory = self.spec.memory_mb + WORKER_MEMORY_MB if self.spec.memory_mb else 0
        self.cgroups = Cgroups(memory, 512, kind="worker")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.run", str(self.shard), str(self.course_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
            start_new_session=True, env=nbgrader_env(), cwd=self.shard,
            preexec_fn=self.cgroups.enter)
        if self._read(120.0) != {"ready": True}:
            raise RuntimeError("the grading worker did not start (see its log)")

    def _read(self, timeout: float):
        """One answer: a dict, {} when the worker is gone, None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                line = self.proc.stdout.readline(MAX_ANSWER_BYTES)
                if not line:
                    return {}
                try:
                    answer = json.loads(line)
                except ValueError:
                    return {"fatal": "the grading worker sent an unreadable answer"}
                if not isinstance(answer, dict):
                    return {"fatal": "the grading worker sent an answer that is not an object"}
                return answer

    def run(self, payload: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.kill()
            self.start()
        try:
            self.proc.stdin.write(json.dumps(payload) + "\n")
            self.proc.stdin.flush()
            answer = self._read(timeout)
        except (BrokenPipeError, OSError, ValueError):
            answer = {}
        if answer is None:
            self.kill()
            return {"fatal": f"grading did not finish within {timeout:.0f} s; the worker was "
                             "stopped"}
        if not answer:
            code = self.proc.poll() if self.proc else None
            self.kill()
            tail = ""
            try:
                lines = Path(self.log.name).read_text(errors="replace").strip().splitlines()
                tail = f": {lines[-1][:300]}" if lines else ""
            except OSError:
                pass
            return {"fatal": f"the grading worker died (exit code {code}){tail}"}
        return answer

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


def run_all(tmp: Path, spec: ShardSpec, course_dir: Path, jobs: list, workers: int,
            task_timeout: float, collect) -> None:
    """Grade ``jobs`` ((key, payload), longest first) on ``workers`` processes;
    ``collect(key, answer)`` is called in this thread for each, as they finish."""
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    done: queue.Queue = queue.Queue()
    procs: list[WorkerProcess] = []

    def work(k: int) -> None:
        with open(tmp / f"worker-{k}.log", "w") as log:
            proc = WorkerProcess(tmp / f"shard-{k}", spec, course_dir, log)
            procs.append(proc)
            try:
                while True:
                    try:
                        key, payload = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        done.put((key, proc.run(payload, task_timeout)))
                    except Exception as exc:  # noqa: BLE001
                        proc.kill()
                        done.put((key, {"fatal": f"grading worker error: {exc}"}))
            finally:
                proc.stop()

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(workers)]
    for t in threads:
        t.start()
    finished = False
    try:
        for _ in range(len(jobs)):
            collect(*done.get())
        finished = True
    finally:
        if not finished:   # Ctrl-C or a bug: no worker (nor its kernels) outlives grade()
            while not todo.empty():
                todo.get_nowait()
            for proc in list(procs):
                proc.kill()
    for t in threads:
        t.join()
