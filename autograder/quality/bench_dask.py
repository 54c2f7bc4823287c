"""``make bench`` (second part): the same class graded locally and on a two-worker Dask cluster.

Starts a real ``dask scheduler`` and two ``dask worker`` processes (one thread each) on
127.0.0.1, each in a scratch folder of its own, grades one simulated class (the bench's, at
least ``--notebooks`` over every assignment) with ``grade(workers=2)`` and with
``grade(scheduler=...)``, checks the scores of every test cell agree, and prints both wall
times and the cluster's overhead per notebook (shipping the submission and the answer, the
task's scheduling, a worker process per Dask worker). No timed assertion: the figures depend
on the machine. Every process started here is stopped at the end.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .bench import simulated_class
from autograder.config import assignments
from autograder.stock_nbgrader import make_course, nbgrader_env, read_scores

WORKERS = 2
# Dask's nanny starts every worker with these (distributed.nanny.pre-spawn-environ), so its
# kernels run NumPy on one thread; the local run gets the same, or it would measure BLAS
# threads fighting over the cores instead of the cluster's overhead.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    """A scheduler and ``n`` single-threaded workers as separate processes, as on real machines."""

    def __init__(self, root: Path, n: int = WORKERS):
        self.root, self.n = Path(root), n
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.procs: list[subprocess.Popen] = []

    def _start(self, name: str, *argv: str) -> None:
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        env = nbgrader_env()
        env.pop("NN_GRADER_SCHEDULER", None)
        dask = str(Path(sys.executable).parent / "dask")
        self.procs.append(subprocess.Popen(
            [dask, *argv], cwd=folder, env=env, stdin=subprocess.DEVNULL,
            stdout=open(self.root / f"{name}.log", "w"), stderr=subprocess.STDOUT,
            start_new_session=True))

    def __enter__(self) -> "LocalCluster":
        from distributed import Client

        port = self.address.rsplit(":", 1)[1]
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", port,
                    "--no-dashboard")
        for k in range(self.n):
            self._start(f"w{k + 1}", "worker", self.address, "--nthreads", "1", "--nworkers",
                        "1", "--no-dashboard", "--host", "127.0.0.1", "--local-directory",
                        str(self.root / f"w{k + 1}"))
        with Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(self.n, timeout=180)
        return self

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):    # workers first, then the scheduler
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def run(notebooks: int = 40, names: list[str] | None = None) -> int:
    from autograder.grading.grade import grade

    names = names or assignments()
    with tempfile.TemporaryDirectory(prefix="nn-bench-dask-") as tmp:
        local = make_course(Path(tmp) / "local", names)
        total = simulated_class(local, names, notebooks)
        remote = Path(tmp) / "remote"
        shutil.copytree(local, remote)
        print(f"bench (Dask): {total} notebooks ({len(names)} assignments), "
              f"{WORKERS} workers each way")

        os.environ.update(ONE_THREAD)
        # Untimed: the first grade of a process pays for imports and caches; neither path should.
        grade(local, None, 1, progress=False, students=["student01"])
        mine = grade(local, None, WORKERS, progress=False)
        print(f"autograder grade, {WORKERS} local workers:       {mine.seconds:7.1f} s  "
              f"{mine.seconds / total:5.2f} s/notebook  ({len(mine.failed)} failed)")
        with LocalCluster(Path(tmp) / "cluster") as cluster:
            start = time.monotonic()
            theirs = grade(remote, None, progress=False, scheduler=cluster.address)
            wall = time.monotonic() - start
        print(f"autograder grade --scheduler ({theirs.workers} Dask workers): {wall:7.1f} s  "
              f"{wall / total:5.2f} s/notebook  ({len(theirs.failed)} failed; "
              "includes connecting and checking the workers)")
        a = {(s.student, s.assignment): (s.score, s.cells) for s in read_scores(local)}
        b = {(s.student, s.assignment): (s.score, s.cells) for s in read_scores(remote)}
        same = a == b and len(a) == total
        differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        print(f"scores identical: {'yes' if same else 'NO'} ({len(b)} submissions)"
              + (f"; differ: {differ[:5]}" if differ else ""))
        inside = lambda r: sum(o.seconds for o in r.graded) / max(1, len(r.graded))  # noqa: E731
        overhead = (wall - mine.seconds) * WORKERS / total
        print(f"cluster overhead per notebook: {overhead:+.2f} worker-seconds "
              f"({100 * overhead / max(1e-9, mine.seconds * WORKERS / total):+.0f} %); "
              f"grading inside a worker {inside(theirs):.2f} s on the cluster vs "
              f"{inside(mine):.2f} s locally")
        return 0 if same else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.quality.bench_dask")
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--notebooks", type=int, default=40)
    args = parser.parse_args(argv)
    return run(args.notebooks, args.assignments or None)


if __name__ == "__main__":
    sys.exit(main())
