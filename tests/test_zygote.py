"""Kernels forked from the warm template (autograder/grading/jailed/zygote.py) are jailed as fresh ones are.

Two kernels in a row through the worker's kernel manager, each running one
cell that reports what it can see. The second must find nothing the first
left behind, and neither may have privileges, network, the host's processes
or the other kernels' folders; the template's imports are there already.
A kernel started ahead (the worker's spare) must be a fresh one too, and guard
the locked cells of the notebook that takes it, not of the one that was running.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.grading import execute, kernels, sandbox

PROBE = r'''
import json, os, socket, sys
import numpy as np
status = open("/proc/self/status").read()
try:
    socket.create_connection(("1.1.1.1", 53), timeout=1)
    net = True
except OSError:
    net = False
try:
    from ipykernel import get_connection_file   # in the kernel's own jail folder
    siblings = os.listdir(os.path.dirname(os.path.dirname(get_connection_file())))
except OSError:
    siblings = None
try:
    open(os.path.join(sys.prefix, "planted"), "w").close()
    venv_writable = True
except OSError:
    venv_writable = False
left = sorted(os.listdir("/tmp")) + sorted(n for n in os.listdir(os.environ["HOME"])
                                          if n not in (".ipython", ".mpl"))
open("/tmp/left-behind", "w").write("x")
open(os.path.join(os.environ["HOME"], "left-behind"), "w").write("x")
print(json.dumps({
    "preloaded": all(m in sys.modules for m in ("matplotlib.pyplot", "course.plots", "ipywidgets")),
    "uid": os.getuid(), "pid": os.getpid(), "ppid": os.getppid(),
    "caps": status.split("CapEff:")[1].split()[0], "bounding": status.split("CapBnd:")[1].split()[0],
    "no_new_privs": status.split("NoNewPrivs:")[1].split()[0],
    "processes": sorted(p for p in os.listdir("/proc") if p.isdigit()),
    "net": net, "siblings": siblings, "venv_writable": venv_writable, "left": left, "random": float(np.random.random()),
    "hostname": socket.gethostname(),
}))
'''


@pytest.fixture
def jailed():
    if not sandbox.status()["ok"]:
        pytest.skip(f"no sandbox here: {sandbox.status()['reason']}")
    saved = dict(kernels.LIMITS)
    kernels.LIMITS.update(sandbox=True, memory_mb=1024, pids=64, disk_mb=16, fork_server=True)
    yield
    kernels.drop_spare()
    for template in kernels.ZYGOTE:
        template.close()
    kernels.ZYGOTE.clear()
    kernels.LIMITS.clear()
    kernels.LIMITS.update(saved)


def probe() -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(PROBE)]
    NotebookClient(nb, kernel_manager_class=kernels.SandboxedKernelManager, timeout=60,
                   kernel_name="python3").execute()
    return json.loads(nb.cells[0].outputs[0]["text"])


def test_forked_kernels_are_jailed_and_fresh(jailed):
    first, second = probe(), probe()
    assert kernels.ZYGOTE and kernels.ZYGOTE[0].alive(), "the kernels did not come from the template"
    for seen in (first, second):
        assert seen["preloaded"], "the template's imports are missing"
        assert seen["uid"] == 65534 or seen["uid"] != 0
        assert seen["caps"] == "0000000000000000" and seen["bounding"] == "0000000000000000"
        assert seen["no_new_privs"] == "1"
        assert (seen["pid"], seen["ppid"]) == (2, 1), "not in a PID namespace of its own"
        assert seen["processes"] == ["1", "2"], seen["processes"]
        assert not seen["net"] and seen["hostname"] == "grading"
        assert seen["siblings"] is None, "a kernel can list the template's kernel folders"
        assert not seen["venv_writable"], "a kernel can write into the venv"
    # (A clone under /tmp, as CI's may be, leaves the empty folders its venv is mounted in.)
    left = [n for n in second["left"] if not sys.prefix.startswith(f"/tmp/{n}")]
    assert left == [], f"the second kernel found the first's files: {second['left']}"
    assert first["random"] != second["random"], "forked kernels share NumPy's random state"


def _notebook(*sources):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3",
                                                            "display_name": "Python 3"}})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def test_spare_kernel_is_fresh(jailed, tmp_path):
    """The kernel started ahead while one notebook runs takes the next notebook, and finds
    nothing of the first (a file it left in /tmp)."""
    first = _notebook("import os; open('/tmp/left-behind', 'w').write('x'); print(os.getpid())")
    execute.RobustExecute(timeout=60).preprocess(first, {})
    assert kernels.SPARE, "no kernel was started ahead while the first notebook ran"
    spare = kernels.SPARE[0][0]
    second = _notebook("import os\nprint(sorted(os.listdir('/tmp')))")
    execute.RobustExecute(timeout=60).preprocess(second, {})
    assert spare.jail is None and not any(s[0] is spare for s in kernels.SPARE), \
        "the second notebook did not run in the spare kernel"
    listing = second.cells[0].outputs[0]["text"]
    assert "left-behind" not in listing, f"the spare kernel saw the first's files: {listing}"


def test_a_jail_closed_without_waiting_goes_once_its_processes_have(tmp_path):
    """close_jail(wait=False), as a finished notebook's kernel is stopped: everything in the
    jail is killed at once, and reap_jails removes the jail (cgroups and folder) once the
    killed have gone, without anyone waiting in between."""
    import subprocess
    import time

    box = sandbox.Sandbox(memory_mb=64, pids=8, parent=str(tmp_path))
    if not box.cgroups.dirs:
        box.close()
        pytest.skip("no cgroups here: a jail's processes are its kernel's tree alone")
    cgroups = list(box.cgroups.dirs)
    child = subprocess.Popen(["sleep", "60"], preexec_fn=box.cgroups.enter)
    kernels.JAILS.append(box)
    try:
        kernels.close_jail(box, wait=False)
        assert box not in kernels.JAILS
        assert child.wait(timeout=5) == -9, "the jail's process was not killed"
        deadline = time.monotonic() + 10
        while box in kernels.DYING and time.monotonic() < deadline:
            kernels.reap_jails()
            time.sleep(0.01)
        assert box not in kernels.DYING, "the jail was never removed"
        assert not any(c.exists() for c in cgroups), "its cgroups were left behind"
        assert not Path(box.dir).exists(), "its folder was left behind"
    finally:
        child.kill()
        if box in kernels.DYING:
            kernels.DYING.remove(box)
        box.close()
