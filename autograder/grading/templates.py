"""Kernel templates: one warm Python per worker, from which each kernel is forked.

:class:`Zygote` starts and talks to :mod:`.jailed.zygote` (in a bubblewrap jail of its
own, or as a plain process with ``--unsandboxed``); :class:`ForkedKernel` is a kernel
it forked, watched through a pidfd.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .sandbox import (HOME, JAILED, ZYGOTE_LAUNCHER, Sandbox, _read_only_paths, _scratch_root,
                      bwrap_command)


class ForkedKernel:
    """A kernel forked by the :class:`Zygote`, as much of ``subprocess.Popen`` as
    jupyter_client's provisioner uses. It is not our child: it is watched through a
    pidfd (which cannot be fooled by a reused pid) and killed with its cgroup."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None
        self._fd = os.pidfd_open(pid)

    def poll(self):
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], 0)
            if ready:
                self.returncode = -signal.SIGKILL   # its exit status went to the template
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            select.select([self._fd], [], [], 0.1 if deadline is None
                          else max(0.0, min(0.1, deadline - time.monotonic())))
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                signal.pidfd_send_signal(self._fd, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """One worker's kernel template (:mod:`autograder.grading.jailed.zygote`), warm and waiting.

    ``jail=True``: it runs in a bubblewrap jail of its own and gives each kernel
    fresh namespaces, mounts and no privileges; ``jail=False`` (``--unsandboxed``):
    a plain process whose children are plain kernels.
    """

    def __init__(self, jail: bool, disk_mb: int = 64, env: dict | None = None,
                 wait: bool = True):
        self.jail = jail
        self._lock = threading.Lock()
        self.owner = os.getpid()   # the process that started it, and alone can wait for it
        self.pid = None
        self.keep: list = []
        self.root = tempfile.mkdtemp(prefix=f"nn-zygote-{os.getpid()}-", dir=_scratch_root())
        os.chmod(self.root, 0o711)   # a kernel reaches its own folder, lists none
        here = JAILED
        env = dict(env if env is not None else os.environ)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")   # no BLAS threads in the template: it forks
        env["MPLBACKEND"] = "Agg"
        if jail:
            argv = [sys.executable, ZYGOTE_LAUNCHER, "jail"]
            cmd = bwrap_command(argv, env, [self.root], disk_mb, template=True)
            # What the template sees mounted: each kernel's fresh /tmp and home keep it.
            self.keep = [(dst, False) for _, dst in _read_only_paths()] + \
                [(self.root, True)]
            env = None
        else:
            cmd = [sys.executable, str(here / "zygote.py"), "plain"]
        log = os.environ.get("AUTOGRADER_ZYGOTE_LOG")
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                stderr=open(log, "a") if log else subprocess.DEVNULL, env=env,
                start_new_session=True, cwd=self.root)
        except OSError:   # no bwrap, say
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        if wait:
            self.wait_ready()

    def wait_ready(self) -> "Zygote":
        """This template, once it has imported everything. ``grade`` starts the templates
        first (``wait=False``) and hands each to the worker it forks, which waits here."""
        if self.pid is None:
            ready = self._ask(None, 120)
            if "ready" not in ready:
                self.close()
                raise RuntimeError("the kernel template did not start")
            self.pid = ready["ready"]
        return self

    def hand_over(self) -> None:
        """Close the starter's ends of the pipes, now a forked worker holds its own: the
        template's input ends with that worker. The starter only reaps it (:meth:`close`)."""
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()

    def _ask(self, request: dict | None, timeout: float = 30) -> dict:
        if request is not None:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise RuntimeError("the kernel template stopped answering")
        return answer

    def alive(self) -> bool:
        if self.owner == os.getpid():
            return self.proc.poll() is None
        # Handed over by grade: not this worker's child to wait for; a zombie is dead.
        try:
            state = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")

    def spawn(self, argv: list[str], env: dict, box: "Sandbox | None",
              cwd: str | None = None, main: str = "kernel") -> ForkedKernel:
        """Fork a kernel (``main="kernel"``: ``jailed/kernel.py``) or a judge (``"judge"``:
        ``jailed/judge.py``) with ``argv`` and exactly ``env`` (in ``cwd``, unjailed); it
        starts only once it is inside ``box``'s cgroups."""
        spec = {"argv": [str(a) for a in argv], "env": env, "cwd": str(cwd) if cwd else "",
                "main": main,
                "keep": self.keep,
                "home": HOME if self.jail else env.get("HOME", ""),
                "disk_mb": box.disk_mb if box is not None else 64}
        with self._lock:   # a spare kernel and a judge may be started from other threads
            pid = self._ask({"spawn": spec})["pid"]
            kernel = ForkedKernel(pid)
            try:
                if box is not None:
                    box.cgroups.enter(pid)
            except OSError:
                kernel.kill()            # dies before it reads its "go"
                raise
            finally:
                self._ask({"go": pid})
        return kernel

    def close(self) -> None:
        proc = self.proc
        if self.owner != os.getpid():   # handed over: end its input; grade reaps it
            try:
                proc.stdin.close()
            except OSError:
                pass
        elif proc.poll() is None:
            try:
                proc.stdin.close()
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)
