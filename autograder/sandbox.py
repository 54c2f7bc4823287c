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

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
SETPRIV = shutil.which("setpriv") or "/usr/bin/setpriv"
NOBODY = 65534
HOME = "/home/student"
LAUNCHER = "/opt/nn-grader/kernel_main.py"   # where autograder/kernel.py appears inside
HOW_TO_GET_ONE = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: "
                  "dnf install bubblewrap) and allow user namespaces, or pass --unsandboxed "
                  "to grade without isolation (only for submissions you trust)")
ENV_KEEP = ("LANG", "LC_ALL", "MPLBACKEND", "PYDEVD_DISABLE_FILE_VALIDATION",
            "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "MALLOC_ARENA_MAX")


def _scratch_root() -> str:
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else tempfile.gettempdir()


# --------------------------------------------------------------------------- cgroups

def _own_cgroups() -> dict:
    """controller -> this process's cgroup folder, for the memory and pids controllers."""
    found = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(","):
            if name in ("memory", "pids"):
                found[name] = Path("/sys/fs/cgroup", name) / path.lstrip("/")
        if controllers == "":   # cgroup v2 (pure, or hybrid under unified/)
            for mount in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
                base = mount / path.lstrip("/")
                try:
                    enabled = (base / "cgroup.subtree_control").read_text().split()
                except OSError:
                    continue
                for name in ("memory", "pids"):
                    if name in enabled and name not in found:
                        found[name] = base
    return found


class Cgroups:
    """A fresh cgroup per controller under the grader's own, limiting one kernel tree."""

    def __init__(self, memory_mb: int, pids: int, kind: str = "kernel"):
        self.dirs: list[Path] = []
        self.limits: list[str] = []
        tag = f"nn-{kind}-{os.getpid()}-{time.monotonic_ns()}"
        for controller, parent in _own_cgroups().items():
            folder = parent / tag
            if folder in self.dirs:
                continue   # one v2 folder serves both controllers
            try:
                folder.mkdir()
            except OSError:
                continue
            self.dirs.append(folder)
            if (folder / "cgroup.controllers").exists():   # v2: one folder, both limits
                settings = {"memory.max": memory_mb << 20, "memory.swap.max": 0,
                            "pids.max": pids}
            elif controller == "memory":          # v1: RAM, and RAM + swap
                settings = {"memory.limit_in_bytes": memory_mb << 20,
                            "memory.memsw.limit_in_bytes": memory_mb << 20}
            else:
                settings = {"pids.max": pids}
            for key, value in settings.items():
                if key.startswith("memory") and memory_mb <= 0:
                    continue
                try:
                    (folder / key).write_text(str(value))
                    self.limits.append(key)
                except OSError:
                    pass

    @property
    def memory(self) -> bool:
        return any(k.startswith("memory") for k in self.limits)

    @property
    def pids(self) -> bool:
        return "pids.max" in self.limits

    def enter(self, pid: int | None = None) -> None:
        """Put ``pid`` (default: this process, called in a child between fork and exec)
        into every cgroup."""
        for folder in self.dirs:
            with open(folder / "cgroup.procs", "w") as f:
                f.write(str(pid or os.getpid()))

    def close(self, wait: bool = True) -> bool:
        """Kill whatever is left in the cgroups (and cgroups below them), then remove them.
        ``wait=False``: kill, and remove only what is already empty, without waiting for the
        killed to go (call again later); True once every cgroup is gone."""
        self.dirs = [folder for folder in self.dirs if not _remove_cgroup(folder, wait)]
        return not self.dirs


def _remove_cgroup(folder: Path, wait: bool = True) -> bool:
    """True once ``folder`` (and every cgroup below it) is gone."""
    try:
        children = [p for p in folder.iterdir() if p.is_dir()]
    except FileNotFoundError:
        return True
    except OSError:
        return False
    gone = all([_remove_cgroup(child, wait) for child in children])
    # The killed go within a few milliseconds, so look again soon, then less often: a fixed
    # 50 ms wait cost every notebook that much (its kernel's init is still exiting).
    pause = _Backoff(10.0 if wait else 0.0)   # up to 10 s for the killed to go
    while True:
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            break
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not pause():
            return False
    pause = _Backoff(1.0 if wait else 0.0)   # a memory cgroup may stay busy a moment after
    while gone:                               # its last task has gone
        try:
            folder.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            pass
        if not pause():
            break
    return False


class _Backoff:
    """``pause()`` after each failed try: waits 2, 4, 8 ... (at most 50) ms and says True
    while ``seconds`` have not passed (False at once, never waiting, when they have)."""

    def __init__(self, seconds: float):
        self.deadline, self.delay = time.monotonic() + seconds, 0.002

    def __call__(self) -> bool:
        if time.monotonic() + self.delay >= self.deadline:
            return False
        time.sleep(self.delay)
        self.delay = min(0.05, self.delay * 2)
        return True


def remove_stale_cgroups(min_age: float = 60.0) -> None:
    """Empty cgroups a ``grade`` killed outright left behind (its pid gone, a minute old)."""
    for parent in set(_own_cgroups().values()):
        try:
            entries = [p for p in parent.iterdir() if p.name.startswith("nn-")]
        except OSError:
            continue
        for folder in entries:
            pid = folder.name.split("-")[2] if folder.name.count("-") >= 3 else ""
            try:
                old = time.time() - folder.stat().st_mtime > min_age
                empty = not (folder / "cgroup.procs").read_text().strip()
            except OSError:
                continue
            if pid.isdigit() and not Path(f"/proc/{pid}").exists() and old and empty:
                _rmdir_tree(folder)


def _rmdir_tree(folder: Path) -> None:
    """Remove ``folder`` and the cgroups below it, those that are empty (a dead worker's
    kernel cgroups): rmdir only, nothing is killed."""
    try:
        for child in [p for p in folder.iterdir() if p.is_dir()]:
            _rmdir_tree(child)
        folder.rmdir()
    except OSError:
        pass


# --------------------------------------------------------------------------- the jail

def _read_only_paths(files: list) -> list[tuple[str, str]]:
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
    launchers = {"kernel.py": LAUNCHER, "zygote.py": ZYGOTE_LAUNCHER}
    return [(p, p) for p in kept] + [(str(f), launchers[Path(f).name]) for f in files]


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


ZYGOTE_LAUNCHER = "/opt/nn-grader/zygote_main.py"   # where autograder/zygote.py appears


def bwrap_command(argv: list[str], env: dict, files: list, writable: list, disk_mb: int,
                  template: bool = False) -> list[str]:
    """The bwrap command line running ``argv`` (a Python command) in a jail.

    ``files``: our launchers (kernel.py, and zygote.py for a ``template``),
    bound read-only under /opt/nn-grader; ``writable``: folders bound
    read-write at their own path. A ``template`` (:mod:`autograder.zygote`)
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
    binds = _read_only_paths(files)
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
                 kernel_file: Path | None = None, parent: str | None = None):
        self.root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix=f"nn-kernel-{os.getpid()}-",
                                    dir=parent or _scratch_root())
        if self.root:
            os.chown(self.dir, NOBODY, NOBODY)
        self.memory_mb, self.disk_mb = memory_mb, disk_mb
        self.cgroups = Cgroups(memory_mb, pids)
        self.kernel_file = kernel_file or Path(__file__).with_name("kernel.py")

    def give(self, path: str) -> None:
        """Let the kernel read a file the grader wrote into :attr:`dir`."""
        if self.root:
            os.chown(path, NOBODY, NOBODY)

    def wrap(self, argv: list[str], env: dict) -> list[str]:
        """The bwrap command line running ``argv`` (a Python command) in the jail."""
        return bwrap_command(argv, env, [self.kernel_file], [self.dir], self.disk_mb)

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


# --------------------------------------------------------------------------- the fork server

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
    """One worker's kernel template (:mod:`autograder.zygote`), warm and waiting.

    ``jail=True``: it runs in a bubblewrap jail of its own and gives each kernel
    fresh namespaces, mounts and no privileges; ``jail=False`` (``--unsandboxed``):
    a plain process whose children are plain kernels.
    """

    def __init__(self, jail: bool, disk_mb: int = 64, env: dict | None = None,
                 wait: bool = True):
        self.jail = jail
        self.owner = os.getpid()   # the process that started it, and alone can wait for it
        self.pid = None
        self.keep: list = []
        self.root = tempfile.mkdtemp(prefix=f"nn-zygote-{os.getpid()}-", dir=_scratch_root())
        os.chmod(self.root, 0o711)   # a kernel reaches its own folder, lists none
        here = Path(__file__).resolve().parent
        env = dict(env if env is not None else os.environ)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")   # no BLAS threads in the template: it forks
        env["MPLBACKEND"] = "Agg"
        if jail:
            argv = [sys.executable, ZYGOTE_LAUNCHER, "jail"]
            files = [here / "kernel.py", here / "zygote.py"]
            cmd = bwrap_command(argv, env, files, [self.root], disk_mb, template=True)
            # What the template sees mounted: each kernel's fresh /tmp and home keep it.
            self.keep = [(dst, False) for _, dst in _read_only_paths(files)] + \
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
              cwd: str | None = None) -> ForkedKernel:
        """Fork a kernel running ``autograder/kernel.py`` with ``argv`` and exactly ``env``
        (in ``cwd``, unjailed); it starts only once it is inside ``box``'s cgroups."""
        spec = {"argv": [str(a) for a in argv], "env": env, "cwd": str(cwd) if cwd else "",
                "keep": self.keep,
                "home": HOME if self.jail else env.get("HOME", ""),
                "disk_mb": box.disk_mb if box is not None else 64}
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
