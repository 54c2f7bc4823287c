"""The jail every grading kernel runs in: bubblewrap plus cgroups.

One :class:`Sandbox` per kernel. :meth:`Sandbox.wrap` turns the kernel's
command into a ``bwrap`` command line in which the kernel

* sees, read-only, only what Python needs: ``/usr``, the interpreter, the venv,
  the ``course`` package and the kernel's own launcher file; read-write only a
  size-limited ``tmpfs`` home and ``/tmp`` and its own socket folder
  (``dir``, on ``/dev/shm`` where it exists, whose pages count against the
  memory limit). No course directory, ``source/``, gradebook or worker file;
* has its own PID, IPC, UTS, network (none) and cgroup namespaces, a new
  session (no TIOCSTI into the grader's terminal), an empty environment but
  for a whitelist, no inherited file descriptors, and dies with its parent;
  when bwrap's PID 1 exits, every process the kernel started dies too;
* runs as ``nobody`` (uid 65534) with no capabilities when the grader is
  root (bwrap without a user namespace, then ``setpriv``); otherwise as the
  grader's own uid inside an unprivileged user namespace with every
  capability dropped;
* is limited as a whole tree by a memory cgroup (RAM + swap) and a pids
  cgroup, where this machine lets the grader create cgroups (cgroup v1 or v2
  under the grader's own cgroup). :func:`status` says which limits hold.

:func:`status` probes once whether a sandbox can be had at all; ``grade``
refuses to run without one unless told ``--unsandboxed``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .cgroups import Cgroups

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
SETPRIV = shutil.which("setpriv") or "/usr/bin/setpriv"
NOBODY = 65534
HOME = "/home/student"
JAILED = Path(__file__).resolve().parent / "jailed"   # the files that run inside a jail
INSIDE = "/opt/nn-grader"                  # where that folder appears, read-only, inside
LAUNCHER = f"{INSIDE}/kernel.py"
HOW_TO_GET_ONE = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: "
                  "dnf install bubblewrap) and allow user namespaces, or pass --unsandboxed "
                  "to grade without isolation (only for submissions you trust)")
ENV_KEEP = ("LANG", "LC_ALL", "MPLBACKEND", "PYDEVD_DISABLE_FILE_VALIDATION",
            "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "MALLOC_ARENA_MAX")


def _scratch_root() -> str:
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else tempfile.gettempdir()


def _read_only_paths() -> list[tuple[str, str]]:
    """(host path, sandbox path) of everything the kernel may read."""
    paths = {"/usr", sys.prefix, sys.base_prefix, os.path.realpath(sys.executable),
             _course_package()}
    for name in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
        if os.path.exists(name):
            paths.add(name)
    kept: list[str] = []
    for path in sorted(paths):   # a path inside another one comes with it
        if not any(path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return [(p, p) for p in kept] + [(str(JAILED), INSIDE)]


def _parents(paths: list[str]) -> list[str]:
    """Every folder above ``paths``, outermost first (bwrap would make them 0700)."""
    found: list[str] = []
    for path in paths:
        parent = Path(path).parent
        chain = []
        while str(parent) != "/":
            chain.append(str(parent))
            parent = parent.parent
        for folder in reversed(chain):
            if folder not in found and not any(
                    folder == p or folder.startswith(p.rstrip("/") + "/") for p in paths):
                found.append(folder)
    return found


def _course_package() -> str:
    """The installed ``course`` package's folder (not a namespace ``course/`` in the way)."""
    for finder in sys.meta_path:
        try:
            spec = finder.find_spec("course", None)
        except (AttributeError, ImportError, ValueError):
            continue
        if spec is not None and spec.origin and spec.origin.endswith("__init__.py"):
            return str(Path(spec.origin).resolve().parent)
    raise RuntimeError("the course package is not installed in this environment")


def _font_cache() -> str | None:
    """matplotlib's font list, so each kernel need not rebuild it (a second or more). Found
    where ``matplotlib.get_cachedir()`` looks, without importing matplotlib (0.2 s)."""
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    lists = sorted(Path(folder).resolve().glob("fontlist-*.json"))
    return str(lists[-1]) if lists else None


ZYGOTE_LAUNCHER = f"{INSIDE}/zygote.py"


def bwrap_command(argv: list[str], env: dict, writable: list, disk_mb: int,
                  template: bool = False) -> list[str]:
    """The bwrap command line running ``argv`` (a Python command) in a jail.

    The files that run inside a jail (:mod:`autograder.grading.jailed`) are bound
    read-only at :data:`INSIDE`; ``writable``: folders bound read-write at their own
    path. A ``template`` (:mod:`autograder.grading.jailed.zygote`)
    shares the host's PID namespace, so the grader can put each child it
    forks into that kernel's cgroups, and keeps the capabilities it needs to
    give every child its own namespaces; the child drops them all before any
    student code runs.
    """
    root = os.geteuid() == 0
    cmd = [BWRAP]
    if template and root:
        cmd += ["--unshare-ipc", "--unshare-net", "--unshare-uts"]
    elif template:
        cmd += ["--unshare-user", "--unshare-ipc", "--unshare-net", "--unshare-uts",
                "--uid", str(os.getuid()), "--cap-add", "ALL"]
    elif root:   # no user namespace: the kernel drops to nobody with setpriv
        cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"]
    else:
        cmd += ["--unshare-all", "--cap-drop", "ALL", "--uid", str(os.getuid())]
    cmd += ["--die-with-parent", "--new-session", "--hostname", "grading",
            "--clearenv", "--proc", "/proc", "--dev", "/dev"]
    # The writable tmpfs folders first: a venv or course/ that lives under
    # /tmp (a clone in /tmp, say) is then bound read-only on top of the
    # empty /tmp instead of being hidden by it.
    size = str(disk_mb << 20)
    cmd += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp",
            "--perms", "0777", "--size", size, "--tmpfs", HOME]
    binds = _read_only_paths()
    for folder in _parents([dst for _, dst in binds] + list(writable)):
        if folder not in ("/tmp", HOME):   # already there, writable for the kernel
            cmd += ["--perms", "0755", "--dir", folder]
    for src, dst in binds:
        cmd += ["--ro-bind", src, dst]
    for link, target in (("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"),
                         ("/sbin", "usr/sbin")):
        if os.path.islink(link):
            cmd += ["--symlink", target, link]
    fonts = _font_cache()
    if fonts:
        cmd += ["--perms", "0777", "--dir", f"{HOME}/.mpl",
                "--ro-bind", fonts, f"{HOME}/.mpl/{Path(fonts).name}"]
    for folder in writable:
        cmd += ["--bind", str(folder), str(folder)]
    if template:   # where a kernel's fresh /tmp finds the template's mounts under /tmp
        cmd += ["--dir", "/run/nn-stash"]
    cmd += ["--chdir", HOME]
    for key, value in sorted(jail_env(env).items()):
        cmd += ["--setenv", key, value]
    if root and not template:
        cmd += [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    return cmd + ["--"] * (not root and not template) + argv


def jail_env(env: dict) -> dict:
    """A jailed kernel's whole environment: a whitelist of ``env``, and our own settings."""
    keep = {k: v for k, v in env.items() if k in ENV_KEEP or k.startswith("AUTOGRADER_")}
    keep.update(HOME=HOME, TMPDIR="/tmp", MPLCONFIGDIR=f"{HOME}/.mpl", PYTHONNOUSERSITE="1",
                PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin", MPLBACKEND="Agg")
    return keep


class Sandbox:
    """One kernel's jail: its socket folder, its cgroups, and the bwrap command."""

    def __init__(self, memory_mb: int = 2048, pids: int = 64, disk_mb: int = 64,
                 parent: str | None = None):
        self.root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix=f"nn-kernel-{os.getpid()}-",
                                    dir=parent or _scratch_root())
        if self.root:
            os.chown(self.dir, NOBODY, NOBODY)
        self.memory_mb, self.disk_mb = memory_mb, disk_mb
        self.cgroups = Cgroups(memory_mb, pids)

    def give(self, path: str) -> None:
        """Let the kernel read a file the grader wrote into :attr:`dir`."""
        if self.root:
            os.chown(path, NOBODY, NOBODY)

    def wrap(self, argv: list[str], env: dict) -> list[str]:
        """The bwrap command line running ``argv`` (a Python command) in the jail."""
        return bwrap_command(argv, env, [self.dir], self.disk_mb)

    def close(self, wait: bool = True) -> bool:
        """Kill what runs in the jail and remove it. ``wait=False``: kill, but leave the jail
        until what was killed has gone (call again later); True once it is removed."""
        if not self.cgroups.close(wait):
            return False
        shutil.rmtree(self.dir, ignore_errors=True)
        return True


def kernel_argv(connection_file: str, extra: list | None = None) -> list[str]:
    """The command that starts the kernel inside the jail (``extra``: kernel options, such
    as nbgrader's ``--HistoryManager.hist_file=:memory:``)."""
    return [sys.executable, LAUNCHER, "-f", connection_file] + [str(a) for a in extra or []]


_STATUS: dict = {}


def status(probe: "Probe | None" = None) -> dict:
    """Whether a sandbox works here: {"ok": bool, "reason": str, "memory": bool, "pids": bool}.

    Runs the interpreter once inside a real jail and checks it is confined (``probe``: that
    run, started earlier).
    """
    if not _STATUS:
        (probe or Probe()).result()
    return _STATUS


class Probe:
    """The run :func:`status` judges, started at once and read by :meth:`result`: a tenth of a
    second, most of it waiting for bwrap and Python to start, that ``grade`` spends importing
    nbgrader instead."""

    def __init__(self):
        self.box = self.proc = None
        self.error = ""
        if _STATUS:
            return
        if not os.path.exists(BWRAP):
            self.error = "bubblewrap (bwrap) is not installed"
            return
        if os.geteuid() == 0 and not os.path.exists(SETPRIV):
            self.error = "setpriv (util-linux) is missing"
            return
        self.box = Sandbox(memory_mb=256, pids=16)
        probe = ("import os, socket; s = socket.socket(); "
                 "print(os.getuid(), os.getpid(), os.path.exists(%r), end=' ');"
                 "\ntry: s.connect(('1.1.1.1', 53)); print('net')\n"
                 "except OSError: print('nonet')" % str(Path(__file__).resolve()))
        try:
            self.proc = subprocess.Popen(
                self.box.wrap([sys.executable, "-c", probe], dict(os.environ)),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                text=True, preexec_fn=self.box.cgroups.enter)
        except (OSError, subprocess.SubprocessError) as exc:
            self.box.close()
            self.box, self.error = None, f"bubblewrap does not work here ({exc})"

    def result(self) -> dict:
        """:func:`status`'s answer (the first probe read decides it for this process)."""
        if _STATUS:
            self.close()
            return _STATUS
        if self.proc is None:
            _STATUS.update(ok=False, reason=self.error, memory=False, pids=False)
            return _STATUS
        try:
            out, err = self.proc.communicate(timeout=60)
            words = out.split()
        except subprocess.TimeoutExpired as exc:
            self.proc.kill()
            self.proc.communicate()
            words, err = [str(exc)], ""
        try:
            expected_uid = str(NOBODY if os.geteuid() == 0 else os.getuid())
            if words == [expected_uid, "2", "False", "nonet"]:
                _STATUS.update(ok=True, reason="", memory=self.box.cgroups.memory,
                               pids=self.box.cgroups.pids)
            else:
                detail = (err.strip().splitlines() or [""])[-1]
                _STATUS.update(ok=False, memory=False, pids=False,
                               reason=f"bubblewrap does not work here ({detail or words})")
        finally:
            self.close()
        return _STATUS

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.box is not None:
            self.box.close()
            self.box = None
