"""The kernel fork server: one warm Python per worker, one fresh jail per kernel.

Starting a grading kernel from nothing costs about two CPU-seconds on a small
machine, nearly all of it imports (NumPy, matplotlib, IPython, ipykernel, the
``course`` package) that every notebook repeats in its first cell. This file
runs as a long-lived *template* process (``python /opt/nn-grader/zygote_main.py
MODE``) that has imported all of that once; each kernel is a ``fork()`` of it,
so it starts with those modules already in memory (copy-on-write) and the
notebook's ``import`` lines cost nothing. It imports nothing of ``autograder``.

In ``jail`` mode the template itself runs inside :mod:`autograder.grading.sandbox`'s
bubblewrap (read-only view of ``/usr``, the venv and ``course``; no network)
and keeps the capabilities it needs to build each kernel its own jail:

* the grader moves the forked child into that kernel's fresh memory and pids
  cgroups *before* it runs anything (the child waits for a "go");
* the child unshares mount, PID, network, IPC, UTS and cgroup namespaces; its
  child is PID 1 of the new PID namespace (when it exits every process the
  student started dies), mounts a fresh ``/proc``, a fresh size-limited tmpfs
  ``/tmp`` and home, and drops every privilege: uid ``nobody`` when the grader
  is root, an empty capability and bounding set, ``no_new_privs``;
* the kernel itself runs in a new session with only the environment it is
  given and no inherited file descriptors.

So each student still gets a fresh process tree, file system view and limits;
what the kernels share is read-only pages of the template. In ``plain`` mode
(``grade --unsandboxed``) a kernel is just a fork with the kernel's
per-process limits.

Protocol (one JSON object per line): the template answers ``{"ready": pid}``
once warm; ``{"spawn": {...}}`` -> ``{"pid": N}`` (host pid of the child);
``{"go": N}`` -> ``{"ok": true}`` once the child may start.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import sys

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_REC, MS_PRIVATE, MNT_DETACH = 1 << 14, 1 << 18, 2
STASH = "/run/nn-stash"   # an empty folder of the template's jail, for _fresh_tmpfs
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
NOBODY = 65534
# What a notebook imports, and what a kernel imports as it starts (a forked kernel found
# none of these missing from sys.modules; ipykernel.debugger brings debugpy, 0.16 s alone).
PRELOAD = ("numpy", "numpy.random", "matplotlib", "matplotlib.pyplot",
           "matplotlib_inline.backend_inline", "IPython", "IPython.core.completerlib",
           "IPython.core.debugger", "IPython.core.logger", "IPython.core.oinspect",
           "IPython.extensions.storemagic", "ipykernel.kernelapp", "ipykernel.ipkernel",
           "ipykernel.comm", "ipykernel.debugger", "ipywidgets", "comm", "course", "kernel", "judge",
           "faulthandler", "http.server", "pdb", "pydoc", "resource", "secrets", "sqlite3",
           "tornado.gen", "tornado.locks", "tornado.platform.asyncio")

libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _check(libc.mount(source.encode() if source else None, target.encode(),
                      fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                      data.encode() if data else None), f"mount {target}")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_privileges(to_nobody: bool) -> None:
    """No capabilities now or ever again; uid ``nobody`` if we are root."""
    try:
        last = int(open("/proc/sys/kernel/cap_last_cap").read())
    except (OSError, ValueError):
        last = 40
    for cap in range(last + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)   # fails harmlessly for unknown caps
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    if to_nobody:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)   # clears the permitted set too
    header = _CapHeader(0x20080522, 0)          # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _die_with_parent() -> None:
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _close_fds(keep: tuple = ()) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    close_inherited_fds(keep)


def close_inherited_fds(keep: tuple = ()) -> None:
    """Close every file descriptor above 2 but ``keep`` (also used by a worker forked from
    grade, :mod:`autograder.grading.worker_fork`)."""
    fds = [int(n) for n in os.listdir("/proc/self/fd") if int(n) > 2 and int(n) not in keep]
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def _run_kernel(spec: dict) -> None:
    """The kernel process itself (never returns)."""
    code = 1
    try:
        os.setsid()
        home = spec.get("home") or os.environ.get("HOME", "/tmp")
        os.environ.clear()
        os.environ.update(spec.get("env") or {})
        if spec.get("jail"):
            os.makedirs(os.path.join(home, ".mpl"), exist_ok=True)
        where = spec.get("cwd") if not spec.get("jail") else ""
        os.chdir(where or (home if os.path.isdir(home) else "/"))
        import numpy
        numpy.random.seed()        # a fork inherits the template's random state
        # Beside this file, in the jail as in a plain template.
        if spec.get("main") == "judge":
            import judge
            judge.main(spec["argv"])
        else:
            import kernel
            kernel.main(spec["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the kernel's own failure
        code = 1
    os._exit(code)


def _fresh_tmpfs(folder: str, size: int, mode: int, keep: list) -> None:
    """An empty tmpfs over ``folder``, with the template's mounts inside it kept (a venv or
    a clone under /tmp is bound there read-only: it must stay visible, and stay read-only)."""
    inside = [(path, writable) for path, writable in keep
              if path.startswith(folder.rstrip("/") + "/")]
    if inside:
        _mount(folder, STASH, None, MS_BIND | MS_REC)
    _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode={mode:o}")
    for path, writable in inside:
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(os.path.join(STASH, os.path.relpath(path, folder)), path, None, MS_BIND | MS_REC)
        if not writable:
            _mount("", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    if inside:
        _check(libc.umount2(STASH.encode(), MNT_DETACH), f"umount {STASH}")


def _jailed_init(spec: dict) -> None:
    """PID 1 of the kernel's namespaces: build its file system view, drop privileges,
    start the kernel, reap orphans, exit with the kernel (taking everything with it)."""
    code = 1
    try:
        _die_with_parent()
        _mount("", "/", None, MS_REC | MS_PRIVATE)
        size = int(spec.get("disk_mb") or 64) << 20
        _fresh_tmpfs("/tmp", size, 0o1777, spec.get("keep") or [])
        _fresh_tmpfs(spec["home"], size, 0o777, spec.get("keep") or [])
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        name = b"grading"
        libc.sethostname(name, len(name))
        drop_privileges(os.geteuid() == 0)
        # Changing uid cleared the parent-death signal: without it again, this jail would
        # outlive a template killed outright (and grade with it).
        _die_with_parent()
        kernel = os.fork()
        if kernel == 0:
            _die_with_parent()
            _run_kernel(spec)
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == kernel:
                code = os.waitstatus_to_exitcode(status)
                break
    except BaseException:  # noqa: BLE001
        pass
    os._exit(code if code >= 0 else 128 - code)


def _child(spec: dict, go: int) -> None:
    """The forked child: wait until the grader has put us in our cgroups, then start."""
    code = 1
    try:
        _die_with_parent()
        _close_fds(keep=(go,))
        if os.read(go, 1) != b"g":
            os._exit(1)
        os.close(go)
        if not spec.get("jail"):
            _run_kernel(spec)
        ctypes.set_errno(0)
        _check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
                            | CLONE_NEWUTS | CLONE_NEWCGROUP), "unshare")
        init = os.fork()
        if init == 0:
            _jailed_init(spec)
        _, status = os.waitpid(init, 0)
        code = os.waitstatus_to_exitcode(status)
    except BaseException:  # noqa: BLE001
        pass
    os._exit(code if code >= 0 else 128 - code)


def preload() -> None:
    """Import what every notebook imports, so no kernel pays for it again."""
    import importlib
    import pkgutil

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a kernel without it imports it (and fails) itself
            pass
    course = sys.modules.get("course")
    if course is not None and hasattr(course, "__path__"):
        for info in pkgutil.walk_packages(course.__path__, "course."):
            try:
                importlib.import_module(info.name)
            except Exception:  # noqa: BLE001
                pass
    try:
        import matplotlib.font_manager
        matplotlib.font_manager.fontManager   # the font list, loaded once here
    except Exception:  # noqa: BLE001
        pass


def serve(jail: bool) -> None:
    _die_with_parent()   # with the worker (or grade) that started it, however that ends
    # Children are reaped by the kernel (the grader watches them through pidfds).
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    preload()
    waiting: dict = {}
    out.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        if "spawn" in request:
            spec = dict(request["spawn"], jail=jail)
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(w)
                for fd in waiting.values():
                    os.close(fd)
                _child(spec, r)
            os.close(r)
            waiting[pid] = w
            out.write(json.dumps({"pid": pid}) + "\n")
        elif "go" in request:
            w = waiting.pop(request["go"], None)
            if w is not None:
                try:
                    os.write(w, b"g")
                except OSError:
                    pass
                os.close(w)
            out.write(json.dumps({"ok": w is not None}) + "\n")
    # Our input closed: the worker is done. Nothing is left to save, and tearing down what
    # preload() imported would keep the worker's grade waiting another 0.15 s.
    os._exit(0)


if __name__ == "__main__":
    # Our own folder stays on sys.path: that is where kernel.py and judge.py are.
    serve(len(sys.argv) > 1 and sys.argv[1] == "jail")
