"""A grading worker's kernels: each started in its sandbox, ready sooner, stopped at once.

:class:`SandboxedKernelManager` starts every Python kernel through
``jailed/kernel.py`` in a fresh :class:`~autograder.grading.sandbox.Sandbox`, forked
from the worker's warm template (:func:`zygote`) where it runs; :class:`ReadyClient`
is ready as soon as the kernel answers. Sandboxed, the next notebook's kernel is
forked into a jail of its own while the current one runs (:func:`make_spare`,
:func:`take_spare`), and a finished kernel is killed with everything in its jail
rather than asked to exit (:func:`close_jail`, :func:`reap_jails`).

The module-level lists are this worker process's state: what the current task's
kernels reported (:data:`EVENTS`, :data:`STATS`) and what it holds
open (jails, the template, the spare).
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

from . import sandbox, shard_gradebook, templates

EVENTS: list = []   # what RobustExecute noticed while grading the current task
STATS: dict = {}    # seconds spent starting kernels and running cells
DEFAULT_LIMITS = {"sandbox": False, "memory_mb": 0, "pids": 64, "disk_mb": 64}
LIMITS: dict = dict(DEFAULT_LIMITS)
JAILS: list = []    # open sandboxes, closed at the latest when the task ends (but a spare's)
DYING: list = []    # closed sandboxes whose killed processes had not gone yet (reap_jails)
ZYGOTE: list = []   # this worker's kernel template (templates.Zygote), once started
SPARE: list = []    # (kernel manager, kernel name, arguments): a jailed kernel started ahead
STARTING: list = [] # the thread starting SPARE's kernel, until spare_started() has joined it




def zygote():
    """This worker's warm kernel template, (re)started on demand; None if it cannot be had
    (then each kernel starts from scratch, as stock nbgrader's do)."""
    if not LIMITS.get("fork_server", True):
        return None
    if ZYGOTE and ZYGOTE[0].alive() and ZYGOTE[0].jail == bool(LIMITS["sandbox"]):
        try:
            return ZYGOTE[0].wait_ready()
        except (OSError, RuntimeError):
            pass
    if ZYGOTE:
        ZYGOTE.pop().close()
    try:
        ZYGOTE.append(templates.Zygote(bool(LIMITS["sandbox"]), LIMITS["disk_mb"]))
    except (OSError, RuntimeError) as exc:
        print(f"kernel template unavailable, starting kernels from scratch: {exc}",
              file=sys.stderr)
        LIMITS["fork_server"] = False
        return None
    return ZYGOTE[0]


class ReadyClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as the kernel has answered ``kernel_info`` and
    IOPub is seen connected. The stock wait then listens for another 0.2 s, until IOPub has
    been quiet that long: a fixed fifth of a second per notebook, to drop messages that
    nbclient ignores anyway (it keeps only those whose parent is the cell it runs)."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        from queue import Empty

        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)   # IOPub is connected
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:   # what has already arrived, without waiting for more
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break


class SandboxedKernelManager(AsyncKernelManager):
    """Starts each Python kernel through ``jailed/kernel.py`` in a fresh sandbox:
    forked from the worker's :class:`templates.Zygote` where it runs, else from scratch."""

    jail = None
    template = None
    forked = None   # (argv, env) for the template, when it starts this kernel
    spare = False   # started ahead, for a notebook not yet known (see take_spare)

    @default("client_class")
    def _default_client_class(self):
        return "autograder.grading.kernels.ReadyClient"

    @default("client_factory")
    def _default_client_factory(self):
        return ReadyClient

    async def _async_pre_start_kernel(self, **kw):
        self.forked = None
        self.template = zygote()
        if LIMITS["sandbox"]:
            self.jail = sandbox.Sandbox(LIMITS["memory_mb"], LIMITS["pids"], LIMITS["disk_mb"],
                                        parent=self.template.root if self.template else None)
            JAILS.append(self.jail)
            # ZMQ over unix sockets in the jail's own folder: the kernel has no network.
            self.transport = "ipc"
            self.ip = os.path.join(self.jail.dir, "kernel")
            self.connection_file = os.path.join(self.jail.dir, "connection.json")
            # A signal to bwrap's process group would not reach the kernel (it has its own
            # session): interrupt through the control channel, ipykernel signals itself.
            self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        extra = cmd[cmd.index("-f") + 2:] if "-f" in cmd else []
        if self.jail is None:
            if self.template is not None:
                self.forked = (["-f", self.connection_file] + extra, dict(os.environ))
            return ["autograder.grading.jailed.kernel" if part == "ipykernel_launcher" else part for part in cmd]
        env = dict(os.environ)
        self.jail.give(self.connection_file)
        if self.template is not None:
            self.forked = (["-f", self.connection_file] + [str(a) for a in extra],
                           sandbox.jail_env(env))
        return self.jail.wrap(sandbox.kernel_argv(self.connection_file, extra), env)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.forked is not None:
            argv, env = self.forked
            # Unjailed, a kernel starts in the notebook's folder, as stock nbgrader's do.
            cwd = None if self.jail is not None else (kw.get("cwd") or os.getcwd())
            process = self.template.spawn(argv, env, self.jail, cwd)
            provisioner = self.provisioner
            # Unjailed, the kernel leads its own process group (as launch_kernel's do).
            provisioner.process, provisioner.pid = process, process.pid
            provisioner.pgid = None if self.jail is not None else process.pid
            self._reconcile_connection_info(provisioner.connection_info)
            return None
        if self.jail is not None:
            kw["preexec_fn"] = self.jail.cgroups.enter
            kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client polls a stopping kernel every 0.1 s; it is gone within a few ms.
        await super()._async_wait(min(pollinterval, 0.01))

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        if self.jail is None or restart or not self.owns_kernel:
            return await super()._async_shutdown_kernel(now=now, restart=restart)
        # Nothing a jailed kernel does after its last cell counts, and its jail is removed
        # anyway: everything in it is killed at once instead of the kernel being asked to
        # exit and waited for (about 50 ms a notebook). The jail goes once they have gone.
        self.shutting_down = True
        self.stop_restarter()
        _kill(self, wait=False)
        await self._async_cleanup_resources(restart=False)

    # AsyncKernelManager binds its public name to KernelManager's function, not to ours.
    shutdown_kernel = _async_shutdown_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart)
        finally:
            close_jail(self.jail)
            self.jail = None


def make_spare(executor) -> None:
    """Start the next notebook's kernel now, in a fresh jail of its own, while this notebook
    runs: it initialises (about 0.15 s after the fork) on time that would otherwise be spent
    waiting for it. It runs nothing until a notebook takes it. Only jailed kernels forked from the template have spares."""
    if SPARE or not LIMITS["sandbox"] or zygote() is None:
        return
    name, arguments = executor._kernel_name_for(executor.nb), executor._start_arguments()
    km = executor.kernel_manager_class(kernel_name=name or "python3", config=executor.config)
    km.spare = True
    SPARE.append((km, name, arguments))
    # Starting it (the template's fork, two cgroup moves, jupyter_client's own 10 ms pause:
    # about 35 ms, nearly all of it waiting) happens in a thread of its own, beside this
    # notebook's first cell rather than before it. Joined when this notebook's cells are done.
    thread = threading.Thread(target=_start_spare, args=(km, arguments), name="spare kernel",
                              daemon=True)
    STARTING.append(thread)
    thread.start()


def _start_spare(km, arguments: list) -> None:
    try:
        asyncio.run(km.start_kernel(extra_arguments=arguments))   # this thread's own loop
    except Exception as exc:  # noqa: BLE001 - no spare: the next kernel starts as usual
        km.start_error = exc


def spare_started() -> None:
    """Wait until the spare :func:`make_spare` began has started; drop it if it could not."""
    while STARTING:
        STARTING.pop().join()
    for entry in list(SPARE):
        error = getattr(entry[0], "start_error", None)
        if error is not None:
            print(f"no spare kernel: {error}", file=sys.stderr)
            SPARE.remove(entry)
            _kill(entry[0])


def take_spare(kernel_name: str, arguments: list):
    """The spare kernel's manager if it was started as this notebook's would be, else None
    (and the spare is dropped)."""
    spare_started()
    if not SPARE:
        return None
    km, name, started_with = SPARE.pop()
    if name == kernel_name and started_with == arguments and km.provisioner is not None \
            and km.provisioner.process is not None and km.provisioner.process.poll() is None:
        km.spare = False
        return km
    _kill(km)
    return None


def drop_spare() -> None:
    spare_started()
    while SPARE:
        _kill(SPARE.pop()[0])


def _kill(km, wait: bool = True) -> None:
    """Kill ``km``'s kernel and whatever runs in its jail, and close the jail (see
    :func:`close_jail` for ``wait``)."""
    try:
        if km.provisioner is not None and km.provisioner.process is not None:
            km.provisioner.process.kill()
    finally:
        close_jail(km.jail, wait)
        km.jail = None


def close_jail(jail, wait: bool = True) -> None:
    """Kill what runs in ``jail`` and remove it; ``wait=False`` leaves the removal to
    :func:`reap_jails` once the killed have gone (a dying kernel takes tens of ms to exit,
    and nothing waits on it)."""
    if jail is None:
        return
    if jail in JAILS:
        JAILS.remove(jail)
    if not jail.close(wait) and jail not in DYING:
        DYING.append(jail)


def reap_jails(wait: bool = False) -> None:
    """Remove the jails :func:`close_jail` left behind whose processes have gone (all of
    them with ``wait=True``)."""
    for jail in list(DYING):
        if jail.close(wait):
            DYING.remove(jail)


def forget_inherited_state() -> None:
    """A worker forked from grade (:mod:`autograder.grading.worker_fork`) starts as a new one would:
    whatever jails, kernels or limits that process held (only tests make any there) are not
    this worker's to use or close."""
    for state in (EVENTS, JAILS, DYING, ZYGOTE, SPARE, STARTING):
        state.clear()
    STATS.clear()
    LIMITS.clear()
    LIMITS.update(DEFAULT_LIMITS)
    shard_gradebook.forget_engines()
