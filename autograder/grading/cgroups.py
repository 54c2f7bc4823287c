"""Cgroups that hold a kernel's (or a worker's) whole process tree to its limits.

One :class:`Cgroups` per kernel or worker: a fresh cgroup per controller (memory,
pids) under the grader's own, cgroup v1 or v2, where this machine lets the grader
create them. Closing one kills whatever is left in it, then removes it.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path


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
