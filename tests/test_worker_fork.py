"""A grading worker forked from grade (autograder.grading.worker_fork) starts as clean as a new one."""
import asyncio
import json
import os
import select
import sys
from pathlib import Path

from jupyter_core.utils import run_sync

from autograder.grading import kernels as run
from autograder.grading.worker_fork import ForkedWorker


def _report(argv):
    """The child: what it inherited, once its input ends (then exit code 3)."""
    run.forget_inherited_state()
    lines = sys.stdin.read().splitlines()
    print("to the log", file=sys.stderr)
    fds = []
    for name in os.listdir("/proc/self/fd"):   # listdir's own descriptor is closed by now
        try:
            os.readlink(f"/proc/self/fd/{name}")
            fds.append(int(name))
        except OSError:
            pass
    run_sync(asyncio.sleep)(0)   # the event loop grade ran is not the child's to reuse
    os.write(1, json.dumps({
        "argv": argv, "lines": lines, "fds": fds, "env": dict(os.environ), "cwd": os.getcwd(),
        "session_leader": os.getsid(0) == os.getpid(), "zygote": len(run.ZYGOTE),
        "limits": run.LIMITS}).encode() + b"\n")
    return 3


def _answer(worker: ForkedWorker, timeout: float = 30.0) -> dict:
    ready, _, _ = select.select([worker.stdout], [], [], timeout)
    assert ready, "the forked worker did not answer (did it never see the end of its input?)"
    line = worker.stdout.readline()
    assert line, f"the forked worker died (exit code {worker.wait(timeout=30)}; see its log)"
    return json.loads(line)


def test_a_forked_worker_inherits_nothing_it_should_not(tmp_path: Path):
    secret = open(tmp_path / "instructor-file", "w")   # an open file of grade's
    run.ZYGOTE.append(object())                         # state only grade's tests make
    run.LIMITS["fork_server"] = False
    run_sync(asyncio.sleep)(0)                         # grade ran a notebook itself
    logs = [open(tmp_path / f"worker-{k}.log", "w") for k in range(2)]
    try:
        workers = [ForkedWorker(_report, [f"shard-{k}", "course"], {"ONLY": str(k)},
                                str(tmp_path), logs[k],
                                lambda: (tmp_path / f"entered-{os.getpid()}").touch())
                   for k in range(2)]
        # The second worker was forked while the first one's pipes were open in grade: if it
        # kept a copy, the first would never see the end of its input.
        workers[0].stdin.write("a task\n")
        workers[0].stdin.close()
        first = _answer(workers[0])
        workers[1].stdin.close()
        second = _answer(workers[1])
        assert workers[0].wait(timeout=30) == 3 and workers[1].wait(timeout=30) == 3
    finally:
        secret.close()
        run.forget_inherited_state()
        for log in logs:
            log.close()
    assert first["argv"] == ["shard-0", "course"] and first["lines"] == ["a task"]
    assert second["lines"] == []
    for k, seen in enumerate((first, second)):
        assert seen["fds"] == [0, 1, 2], f"worker {k} inherited file descriptors {seen['fds']}"
        assert seen["env"] == {"ONLY": str(k)}
        assert seen["cwd"] == str(tmp_path) and seen["session_leader"]
        assert seen["zygote"] == 0 and seen["limits"] == run.DEFAULT_LIMITS
        assert (tmp_path / f"worker-{k}.log").read_text() == "to the log\n"
    assert workers[0].poll() == 3, "the exit code is kept once reaped"
    assert sorted(p.name for p in tmp_path.glob("entered-*")) == \
        sorted(f"entered-{w.pid}" for w in workers), "the cgroups are entered in each child"
