"""The worker's side of judging: one judge process per notebook, one conversation per test cell.

Under ``grade`` no test cell runs in the student's kernel. :class:`Judge` starts the
notebook's judge (:mod:`.jailed.judge`) in a jail of its own -- forked from the
worker's warm template where there is one -- and gives it the notebook's exercises,
its given cells and the student's cells as text. For each test cell,
:class:`Conversation` listens on a socket in the kernel's jail, the kernel is sent the
one line that makes its agent (:mod:`.jailed.agent`) connect, and the connection is
handed to the judge, which runs the cell against the student's objects and sends back
the cell's outputs. The worker puts those outputs into the notebook: nothing the
kernel prints or returns can be a test cell's output.

The worker never reads what the kernel sends the judge; it only passes the connection
on, watches the time, and ends a judge that does not finish (a fresh one takes the
next test cell).
"""
from __future__ import annotations

import os
import secrets
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .jailed import wire
from .sandbox import JAILED, Sandbox, jail_env

JUDGE_MEMORY_MB = 1024      # the judge's own limit: expected values and the tests' work
JUDGE_PIDS = 16
JUDGE_DISK_MB = 16
START_TIMEOUT = 60.0        # seconds for a judge to connect
AGENT_MODULE = "nn_grader_agent"   # how the kernel's agent is known in its sys.modules


def notebook_setup(nb) -> dict:
    """What the judge is told of a notebook: exercise names, given cells (the
    instructor's: locked, not tests) and the student's code cells (as text only)."""
    exercises, given, student = [], [], []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            exercises.append(str(meta.get("grade_id", "")))
        if is_test_cell(cell):
            continue
        if meta.get("locked") and not meta.get("solution"):
            given.append([index, cell.source])
        else:
            student.append(cell.source)
    return {"exercises": exercises, "given": given, "student": student}


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) \
        and not meta.get("solution")


def serve_line(path: str) -> str:
    """The code a test cell's place in the kernel runs: the agent answers the judge."""
    return f"__import__({AGENT_MODULE!r}).serve({path!r})"


class JudgeError(RuntimeError):
    """The judge could not be started, or broke off."""


class Judge:
    """One notebook's judge process."""

    def __init__(self, setup: dict, template=None, jailed: bool = False,
                 memory_mb: int = JUDGE_MEMORY_MB):
        self.setup, self.template, self.jailed = setup, template, jailed
        self.memory_mb = memory_mb
        self.box = self.proc = self.sock = None
        self.error: str | None = None
        self.waited = 0.0           # seconds a test cell waited for this judge to be ready
        self.messages = 0           # messages the judge sent the kernel
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._start, name="judge start", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ start and stop
    def _start(self) -> None:
        try:
            self._launch()
        except Exception as exc:  # noqa: BLE001 - reported when the first test cell needs it
            self.error = f"the tests' judge could not start: {exc}"
            self.close()
        finally:
            self._ready.set()

    def _launch(self) -> None:
        if self.jailed:
            parent = self.template.root if self.template is not None else None
            self.box = Sandbox(self.memory_mb, JUDGE_PIDS, JUDGE_DISK_MB, parent=parent)
            folder = self.box.dir
        else:
            folder = tempfile.mkdtemp(prefix=f"nn-judge-{os.getpid()}-")
        path = os.path.join(folder, "judge.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(path)
            listener.listen(1)
            if self.box is not None:
                self.box.give(path)
            env = {"AUTOGRADER_MEMORY_MB": str(self.memory_mb), "MPLBACKEND": "Agg",
                   "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
            if self.template is not None:
                self.proc = self.template.spawn([path], env if not self.jailed else
                                                jail_env(env), self.box, folder, main="judge")
            else:
                command = [sys.executable, str(JAILED / "judge.py"), path]
                if self.box is not None:
                    command = self.box.wrap([sys.executable, "/opt/nn-grader/judge.py", path], env)
                self.proc = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True,
                    env=None if self.box is not None else dict(os.environ, **env),
                    preexec_fn=self.box.cgroups.enter if self.box is not None else None)
            listener.settimeout(START_TIMEOUT)
            self.sock, _ = listener.accept()
        finally:
            listener.close()
            if self.box is None:
                try:
                    os.unlink(path)
                    os.rmdir(folder)
                except OSError:
                    pass
        wire.send_frame(self.sock, {"setup": self.setup}, [])

    def ended(self) -> bool:
        """True once a judge that did start was ended (:meth:`close`)."""
        return self._ready.is_set() and self.error is None and self.proc is None

    def ready(self) -> bool:
        self._ready.wait()
        return self.error is None and self.sock is not None

    def close(self) -> None:
        """End the judge, and everything in its jail."""
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None
        if self.proc is not None:
            try:
                self.proc.kill()
            except (OSError, ProcessLookupError):
                pass
            if isinstance(self.proc, subprocess.Popen):
                self.proc.wait()
            self.proc = None
        if self.box is not None:
            self.box.close(wait=False)
            self.box = None

    # ------------------------------------------------------------------ one test cell
    def run_cell(self, index: int, source: str, kernel: socket.socket | None,
                 deadline: float) -> list:
        """The judge's outputs for test cell ``index``, run against ``kernel`` (the agent's
        connection, or None when it never came). Raises :class:`JudgeError` when the
        judge does not answer by ``deadline`` (time.monotonic())."""
        start = time.monotonic()
        ready = self.ready()
        self.waited += time.monotonic() - start
        if not ready:
            raise JudgeError(self.error or "the tests' judge is not running")
        try:
            return self._run_cell(index, source, kernel, deadline)
        except JudgeError:
            self.close()     # it is busy or broken: the next test cell gets a fresh one
            raise

    def _run_cell(self, index: int, source: str, kernel, deadline: float) -> list:
        try:
            socket.send_fds(self.sock, [b"k"], [kernel.fileno()] if kernel is not None else [])
            wire.send_frame(self.sock, {"cell": index, "source": source, "number": 0}, [])
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise JudgeError("the test did not finish in time")
                ready, _, _ = select.select([self.sock], [], [], left)
                if ready:
                    break
            header, _ = wire.recv_frame(self.sock, in_turn=False)
        except (OSError, wire.WireError) as exc:
            raise JudgeError(f"the tests' judge broke off ({exc})") from None
        outputs = header.get("outputs")
        if not isinstance(outputs, list):
            raise JudgeError("the tests' judge sent no outputs")
        if isinstance(header.get("messages"), int):
            self.messages += header["messages"]
        return outputs


class Conversation:
    """One test cell: a socket in the kernel's reach for its agent, and a thread that hands
    the agent's connection to the judge and waits for the cell's outputs."""

    def __init__(self, judge: Judge, folder: str, give, index: int, source: str,
                 deadline: float):
        self.judge, self.index, self.source, self.deadline = judge, index, source, deadline
        # A fresh name: the kernel can write in its own folder, but cannot guess this one.
        self.path = os.path.join(folder, f"agent-{index}-{secrets.token_hex(8)}.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(1)
        give(self.path)
        self.kernel: socket.socket | None = None
        self.outputs: list | None = None
        self.error: str | None = None
        self._no_agent = threading.Event()
        self._thread = threading.Thread(target=self._run, name="judged cell", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._no_agent.is_set():
                ready, _, _ = select.select([self.listener], [], [], 0.05)
                if ready:
                    self.kernel, _ = self.listener.accept()
                    break
            self.outputs = self.judge.run_cell(self.index, self.source, self.kernel,
                                               self.deadline)
        except JudgeError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - this cell fails, the notebook goes on
            self.error = f"the test could not be judged ({type(exc).__name__}: {exc})"

    def finish(self, grace: float = 5.0) -> list | None:
        """The judge's outputs once the kernel has finished its part (None: see
        :attr:`error`). A judge still busy after ``grace`` seconds is ended."""
        self._no_agent.set()          # the kernel is done: an agent that never came won't
        self._thread.join(min(0.5, grace))
        if self._thread.is_alive() and self.kernel is not None:
            try:                      # the judge may be waiting on a kernel that stopped
                self.kernel.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(grace)
        if self._thread.is_alive():
            self.error = "the test did not finish in time"
            self.judge.close()
            self._thread.join()
        self.close()
        return self.outputs

    def close(self) -> None:
        for sock in (self.listener, self.kernel):
            if sock is not None:
                try:
                    sock.close()
                except OSError:
                    pass
        try:
            Path(self.path).unlink()
        except OSError:
            pass
