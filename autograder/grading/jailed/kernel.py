"""The IPython kernel ``grade`` runs submissions in: stock ipykernel plus limits.

``python -m autograder.grading.jailed.kernel -f CONNECTION_FILE`` (unsandboxed) or
``python /opt/nn-grader/kernel.py -f CONNECTION_FILE`` (this very file,
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
* **the agent**: :mod:`agent` is loaded, so that where a test cell stands the worker
  can ask the kernel to answer the judge (``__import__("nn_grader_agent").serve(PATH)``).
  No test cell, and nothing of the hidden tests, ever runs here.
"""
from __future__ import annotations

import os
import resource
import sys
from json.encoder import encode_basestring

try:
    from . import agent               # as autograder.grading.jailed.kernel
except ImportError:                   # in the jail, beside agent.py
    import agent

sys.modules.setdefault("nn_grader_agent", agent)
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


def _written_size(text: str) -> int:
    """Bytes ``text`` takes in a saved notebook: UTF-8, with JSON's escapes (a NUL is 6)."""
    return len(encode_basestring(text).encode("utf-8", "replace")) - 2


def cap_output(limit: int) -> None:
    """Drop what a cell writes to a stream beyond ``limit`` bytes (as they will be saved)."""
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
        size = _written_size(string)
        if count + size > limit:
            used[key] = limit + 1
            low, high = 0, len(string)     # the longest start that fits, in saved bytes
            while low < high:
                middle = (low + high + 1) // 2
                if _written_size(string[:middle]) <= limit - count:
                    low = middle
                else:
                    high = middle - 1
            return original(self, string[:low] + NOTICE.format(limit))
        used[key] = count + size
        return original(self, string)

    OutStream.write = write


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
    app.start()


if __name__ == "__main__":
    main()
