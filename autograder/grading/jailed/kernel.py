"""The IPython kernel ``grade`` runs submissions in: stock ipykernel plus limits.

``python -m autograder.grading.jailed.kernel -f CONNECTION_FILE`` (unsandboxed) or
``python /opt/nn-grader/kernel_main.py -f CONNECTION_FILE`` (this very file,
bound read-only into the :mod:`autograder.grading.sandbox`; it imports nothing of
``autograder``) does what ``python -m ipykernel_launcher`` does, after:

* **memory**: ``RLIMIT_AS`` of ``AUTOGRADER_MEMORY_MB`` MiB, so an allocation
  that would exhaust the machine raises ``MemoryError`` inside the cell
  (nbgrader declared memory limits out of scope: jupyter/nbgrader#1429);
  ``AUTOGRADER_CPU_SECONDS`` caps CPU time as a backstop to the wall-clock
  limit the executor enforces;
* **output**: each cell may write at most ``AUTOGRADER_OUTPUT_BYTES`` to each of
  stdout and stderr; the rest is dropped with one notice, so printing hundreds
  of MB cannot exhaust the grader's memory or the disk. A cell that writes to
  stderr still does (nbgrader scores such a test cell zero either way);
* **tampering**: ``AUTOGRADER_LOCKED`` names a JSON list of SHA-256 digests of
  the instructor's locked cells (given code and tests, hidden tests included).
  Before such a cell runs, the attributes of numpy, course and builtins that
  existed when the kernel started, and the functions, classes and modules that
  earlier locked cells bound in the user namespace, are put back if student
  code replaced them (``np.allclose = lambda *a, **k: True``,
  ``course.checks._fail = print``, ``def check_close(*a): pass``). For an
  honest notebook this changes nothing. Each restoration is appended to the
  file ``AUTOGRADER_EVENTS`` so the grader can flag it.
"""
from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import types

PROTECTED_MODULES = ("builtins", "math", "numpy", "numpy.linalg", "numpy.random",
                     "numpy.testing", "course", "course.checks", "course.rules",
                     "course.gradcheck", "course.datasets")
# Builtins IPython swaps itself while a cell runs.
IPYTHON_BUILTINS = {"exit", "quit", "get_ipython", "display", "__IPYTHON__", "_", "__", "___",
                    "input", "raw_input", "getpass"}
NOTICE = "\n... [output truncated by the autograder: more than {} bytes in this cell]\n"


def _env_int(name: str) -> int:
    try:
        return int(os.environ.get(name, "0") or 0)
    except ValueError:
        return 0


def apply_limits() -> None:
    mb = _env_int("AUTOGRADER_MEMORY_MB")
    if mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
    cpu = _env_int("AUTOGRADER_CPU_SECONDS")
    if cpu > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def cap_output(limit: int) -> None:
    """Drop what a cell writes to a stream beyond ``limit`` bytes."""
    from ipykernel.iostream import OutStream

    original = OutStream.write
    used: dict = {}

    def write(self, string):
        if not isinstance(string, str):
            return original(self, string)
        parent = self.parent_header or {}
        key = (self.name, parent.get("msg_id"))
        count = used.get(key, 0)
        if count > limit:
            return len(string)
        if count + len(string) > limit:
            used[key] = limit + 1
            return original(self, string[:max(0, limit - count)] + NOTICE.format(limit))
        used[key] = count + len(string)
        return original(self, string)

    OutStream.write = write


class Guard:
    """Restores what locked cells rely on before each locked cell runs."""

    def __init__(self, shell, locked: set, events_path: str | None):
        self.shell, self.locked, self.events_path = shell, locked, events_path
        self.modules = {}
        for name in PROTECTED_MODULES:
            try:
                module = __import__(name, fromlist=["_"])
            except Exception:  # noqa: BLE001 - a course without that module
                continue
            snapshot = dict(vars(module))
            if name == "builtins":
                snapshot = {k: v for k, v in snapshot.items() if k not in IPYTHON_BUILTINS
                            and isinstance(v, (type, types.BuiltinFunctionType))}
            self.modules[name] = (module, snapshot)
        self.bound: dict = {}     # user-namespace names bound by locked cells
        self.before = None        # user namespace identities before a locked cell
        self.restored: list = []

    def pre_run_cell(self, info):
        source = getattr(info, "raw_cell", "") or ""
        if hashlib.sha256(source.encode()).hexdigest() not in self.locked:
            self.before = None
            return
        self.restore()
        self.before = {k: id(v) for k, v in self.shell.user_ns.items()}

    def post_run_cell(self, result):
        if self.before is None:
            return
        namespace = self.shell.user_ns
        for name in [n for n in self.bound if n not in namespace]:
            del self.bound[name]  # the locked cell itself deleted it
        for name, value in list(namespace.items()):
            if name.startswith("_") or self.before.get(name) == id(value):
                continue
            if isinstance(value, (types.ModuleType, types.FunctionType, type,
                                  types.BuiltinFunctionType)):
                self.bound[name] = value
            else:
                # A locked cell rebound the name to data (a loop variable, say):
                # from now on that is what the locked cells expect.
                self.bound.pop(name, None)
        self.before = None

    def restore(self) -> None:
        changed = []
        for name, (module, snapshot) in self.modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
            namespace = vars(module)
            for key, value in snapshot.items():
                if namespace.get(key, Guard) is not value:
                    namespace[key] = value
                    changed.append(f"{name}.{key}")
        namespace = self.shell.user_ns
        for key, value in self.bound.items():
            if namespace.get(key, Guard) is not value:
                namespace[key] = value
                changed.append(key)
        if changed and self.events_path:
            try:
                with open(self.events_path, "a", encoding="utf-8") as f:
                    for what in changed:
                        f.write(json.dumps({"restored": what}) + "\n")
            except OSError:
                pass


def main(argv: list | None = None) -> None:
    apply_limits()
    # One thread per kernel: the grader runs one kernel per core already.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    # As ipykernel_launcher: the working directory goes back on sys.path later
    # (InteractiveShellApp.init_path), not while the kernel itself imports.
    # In the sandbox this file runs as a script: its own folder leaves sys.path too.
    if sys.path and sys.path[0] in ("", os.getcwd(), os.path.dirname(os.path.abspath(__file__))):
        del sys.path[0]
    output_limit = _env_int("AUTOGRADER_OUTPUT_BYTES")
    if output_limit > 0:
        cap_output(output_limit)

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:] if argv is None else list(argv))
    guard_locked_cells(app.shell, os.environ.get("AUTOGRADER_LOCKED"),
                       os.environ.get("AUTOGRADER_EVENTS"))
    app.start()


def guard_locked_cells(shell, locked_path: str | None, events_path: str | None) -> None:
    """A :class:`Guard` made before the first cell that runs once the digests at
    ``locked_path`` are there: a kernel started ahead (autograder.grading.worker's spare) is given them
    only once its notebook is known, before the notebook's first cell is sent."""
    if not locked_path:
        return
    guards: list = []

    def pre_run_cell(info):
        if not guards and os.path.exists(locked_path):
            with open(locked_path, encoding="utf-8") as f:
                locked = set(json.load(f))
            guards.append(Guard(shell, locked, events_path) if locked else None)
        if guards and guards[0] is not None:
            guards[0].pre_run_cell(info)

    def post_run_cell(result):
        if guards and guards[0] is not None:
            guards[0].post_run_cell(result)

    shell.events.register("pre_run_cell", pre_run_cell)
    shell.events.register("post_run_cell", post_run_cell)


if __name__ == "__main__":
    main()
