"""A grading worker started as a ``fork()`` of ``grade`` itself, not as a new Python.

A new ``python -m autograder.grading.worker`` spends about 1.2 CPU-seconds importing
nbgrader, nbconvert, nbclient and jupyter_client before it can grade anything,
and ``grade`` has imported all of them already (it reads the definitions through
the same modules). Forked, a worker starts with them in memory and is ready in
a few milliseconds; on a 2-core machine that is a second of the start of every
run, while both cores are also busy reading definitions and checking
submissions.

The worker runs trusted code only (nbgrader and :mod:`autograder.grading.worker`); student
code runs in kernels, which are forked from the worker's own template in jails
of their own and inherit nothing of this. The child still starts clean: a new
session and cgroups, the worker's environment and folder, fresh stdin/stdout/
stderr on its pipes and log, every other file descriptor of ``grade`` closed
(another worker's pipes among them, so each sees its end of input), signal
handlers, logging and event loops reset, and none of :mod:`autograder.grading.worker`'s state.

Only a process with a single thread may fork safely (a lock another thread held
stays locked in the child), so :func:`can_fork` says no once the pool's threads
run -- a worker replaced mid-run starts the ordinary way.
"""
from __future__ import annotations

import gc
import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import traceback

from autograder.grading.jailed.zygote import close_inherited_fds


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1 and \
        threading.current_thread() is threading.main_thread()


class ForkedWorker:
    """``subprocess.Popen``'s interface (``pid``, ``stdin``, ``stdout``, ``poll``, ``wait``)
    for ``target(argv)`` (the worker: :func:`autograder.grading.worker.main_forked`) in a forked child,
    its exit code that of the child; ``log`` (a file) is its stderr, ``enter_cgroups()`` runs
    in the child before anything else, and of grade's file descriptors it keeps only ``keep``
    (the pipes of the kernel template grade started for it)."""

    def __init__(self, target, argv: list[str], env: dict, cwd: str, log, enter_cgroups,
                 keep: tuple = ()):
        child_stdin, parent_writes = os.pipe()
        parent_reads, child_stdout = os.pipe()
        gc.freeze()   # the child never collects grade's objects (nor closes their files)
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            for fd in (child_stdin, parent_writes, parent_reads, child_stdout):
                os.close(fd)
            raise
        if pid == 0:
            _child(target, argv, env, cwd, log.fileno(), child_stdin, child_stdout,
                   enter_cgroups, keep)
        gc.unfreeze()
        os.close(child_stdin)
        os.close(child_stdout)
        self.pid, self.args, self.returncode = pid, argv, None
        self._lock = threading.Lock()
        self.stdin = io.TextIOWrapper(io.open(parent_writes, "wb"), encoding="utf-8",
                                      write_through=True)
        self.stdout = io.TextIOWrapper(io.open(parent_reads, "rb"), encoding="utf-8")

    def poll(self):
        with self._lock:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:   # reaped elsewhere: gone, status unknown
                    pid, status = self.pid, 255 << 8
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def wait(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(0.005)
        return self.returncode


def _forget_event_loops() -> None:
    """grade's asyncio loops (nbclient's, when grade ran a notebook itself, as tests do) are
    bound to descriptors closed here: the worker makes its own."""
    import asyncio

    asyncio.set_event_loop(None)
    try:
        from jupyter_core import utils
        utils._loop.set(None)        # jupyter_core's run_sync keeps one loop per context
        utils._runner_map.clear()
    except (ImportError, AttributeError):
        pass


def _child(target, argv, env, cwd, log_fd, stdin_fd, stdout_fd, enter_cgroups, keep) -> None:
    """The forked worker (never returns)."""
    code = 1
    try:
        os.setsid()
        enter_cgroups()
        for fd, std in ((stdin_fd, 0), (stdout_fd, 1), (log_fd, 2)):
            os.dup2(fd, std)
        close_inherited_fds(keep)
        sys.stdin = io.TextIOWrapper(io.open(0, "rb", closefd=False), encoding="utf-8")
        sys.stdout = sys.stderr = io.TextIOWrapper(io.open(2, "wb", closefd=False),
                                                   encoding="utf-8", line_buffering=True)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGALRM,
                    signal.SIGUSR1, signal.SIGUSR2):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        logging.root.handlers.clear()
        _forget_event_loops()
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.argv = [sys.argv[0], *argv]
        code = target(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the worker's own failure, in its log
        try:
            traceback.print_exc()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001
            pass
    os._exit(code)
