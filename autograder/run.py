"""One ``grade`` worker: stock nbgrader autograde, each kernel in its sandbox.

``python -m autograder.run SHARD_DIR REAL_COURSE_DIR`` reads one JSON task per
line on stdin and answers one JSON result per line on stdout. A task carries
the submission itself (``{"notebooks": {file name: notebook text},
"timestamp": text or null}``), never a path into the course, and the answer
carries the autograded notebooks back as text: grading one submission is a
function of (submission, assignment definition, limits) -> result, and only
the instructor's process writes the real gradebook and ``autograded/``.

Each worker owns a scratch course directory (``SHARD_DIR``) whose SQLite
gradebook holds the assignment definitions copied from the real gradebook.
Every submission is graded there under the alias student id ``student`` (a
student id such as ``*`` is never seen by nbgrader's globbing), and the
shard's submitted/autograded folders are emptied before each one. nbgrader's
``Autograde`` converter runs with the course's configuration; the only
changes are that ``Execute`` is :class:`RobustExecute` and that the
:mod:`autograder.verify` decoys run beside the tests. :class:`RobustExecute`
behaves identically on a notebook that stays within its limits, and otherwise:

* stops a notebook at its wall-clock limit instead of cells × cell timeout;
* survives a dying kernel: the running cell and every later cell get an error
  output, so each test cell scores what it earned;
* caps every cell's outputs, rich ones included (``display(HTML(...))``), as
  they arrive in this process, and the notebook's total;
* starts each kernel in its :mod:`autograder.sandbox` (or, opted out, as a
  plain process with per-process limits); sandboxed, the next notebook's
  kernel is forked into a jail of its own while this one runs (:func:`make_spare`),
  and is given that notebook's locked cells once it is known.

The shard's gradebook is :mod:`autograder.shard_gradebook`: one engine for every
``Gradebook`` nbgrader opens, and the pristine template put back before each task.

The worker dies with the ``grade`` process (``PR_SET_PDEATHSIG``), and on
its way out removes its shard and its kernels' jails.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Float, Integer, default

from . import sandbox, shard_gradebook, verify

ALIAS = "student"   # the student id every submission is graded under in a shard
EVENTS: list = []   # what RobustExecute noticed while grading the current task
STATS: dict = {}    # seconds spent starting kernels and running cells
RESTORED: list = [] # what the kernel guard put back (reported by the kernel: advisory)
DEFAULT_LIMITS = {"sandbox": False, "memory_mb": 0, "pids": 64, "disk_mb": 64}
LIMITS: dict = dict(DEFAULT_LIMITS)
JAILS: list = []    # open sandboxes, closed at the latest when the task ends (but a spare's)
DYING: list = []    # closed sandboxes whose killed processes had not gone yet (reap_jails)
ZYGOTE: list = []   # this worker's kernel template (sandbox.Zygote), once started
SPARE: list = []    # (kernel manager, kernel name, arguments): a jailed kernel started ahead
STARTING: list = [] # the thread starting SPARE's kernel, until spare_started() has joined it
OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error", "update_display_data",
                "clear_output"}


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
        ZYGOTE.append(sandbox.Zygote(bool(LIMITS["sandbox"]), LIMITS["disk_mb"]))
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
    """Starts each Python kernel through ``autograder/kernel.py`` in a fresh sandbox:
    forked from the worker's :class:`sandbox.Zygote` where it runs, else from scratch."""

    jail = None
    template = None
    forked = None   # (argv, env) for the template, when it starts this kernel
    spare = False   # started ahead, for a notebook not yet known (see take_spare)

    @default("client_class")
    def _default_client_class(self):
        return "autograder.run.ReadyClient"

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
            return ["autograder.kernel" if part == "ipykernel_launcher" else part for part in cmd]
        env = dict(os.environ)
        env.pop("AUTOGRADER_LOCKED_BASE", None)
        # The kernel reads the locked cells' digests before its first cell (a spare's are
        # given to it once its notebook is known).
        env["AUTOGRADER_LOCKED"] = os.path.join(self.jail.dir, "locked.json")
        if not self.spare:
            self.give_locked()
        env["AUTOGRADER_EVENTS"] = os.path.join(self.jail.dir, "events.jsonl")
        self.jail.give(self.connection_file)
        if self.template is not None:
            self.forked = (["-f", self.connection_file] + [str(a) for a in extra],
                           sandbox.jail_env(env))
        return self.jail.wrap(sandbox.kernel_argv(self.connection_file, extra), env)

    def give_locked(self) -> None:
        """Copy this task's locked-cell digests into the jail, where the kernel looks."""
        locked = os.environ.get("AUTOGRADER_LOCKED")
        if locked and self.jail is not None:
            inside = os.path.join(self.jail.dir, "locked.json")
            shutil.copyfile(locked, inside)
            self.jail.give(inside)

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
    waiting for it. It runs nothing until a notebook takes it, and is given that notebook's
    locked cells first. Only jailed kernels forked from the template have spares."""
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
        km.give_locked()
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
    _read_events(os.path.join(jail.dir, "events.jsonl"))
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


def _read_events(path: str) -> None:
    """The kernel guard's restorations (at most 64 kB of them: the kernel wrote the file)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read(1 << 16)
    except OSError:
        return
    for line in text.splitlines():
        try:
            what = json.loads(line).get("restored")
        except (ValueError, AttributeError):
            continue
        if isinstance(what, str) and what not in RESTORED and len(RESTORED) < 50:
            RESTORED.append(what[:200])


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


def _size(value) -> int:
    """Roughly how many bytes ``value`` (a message's content) holds."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(k)) + _size(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_size(v) for v in value)
    return 8


class RobustExecute(Execute):
    """nbgrader's Execute with a per-notebook time limit, output caps and dead-kernel recovery."""

    notebook_timeout = Float(0, help="Wall-clock seconds per notebook (0: no limit)").tag(
        config=True)
    cell_output_bytes = Integer(4_000_000, help="Outputs kept per cell (0: no limit)").tag(
        config=True)
    notebook_output_bytes = Integer(16_000_000, help="Outputs kept per notebook").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxedKernelManager
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        start = time.monotonic()
        self._deadline = None     # the clock starts with the first cell, not the kernel
        self._stopped = None
        self._cell_seconds = 0.0
        self._used: dict = {}
        self._capped: set = set()
        nb, decoys = verify.insert_decoys(nb)
        self._spare_made = False
        if km is None:
            km = take_spare(self._kernel_name_for(nb), self._start_arguments())
        adopted = km
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            spare_started()
            if adopted is not None and self.km is not None:
                self._cleanup_kernel()   # nbclient stops only the kernels it started
            STATS["execute"] = STATS.get("execute", 0.0) + time.monotonic() - start
            STATS["cells"] = STATS.get("cells", 0.0) + self._cell_seconds
        STATS.setdefault("decoys", []).append(verify.take_decoys(nb, decoys))
        return nb, resources

    def _kernel_name_for(self, nb) -> str:
        """The kernel nbclient would start for ``nb`` (as create_kernel_manager picks it)."""
        return self.kernel_name or nb.metadata.get("kernelspec", {}).get("name") or ""

    def _start_arguments(self) -> list:
        """The kernel arguments nbclient would start a new kernel with."""
        arguments = list(self.extra_arguments)
        if self.ipython_hist_file and not any(
                a.startswith("--HistoryManager.hist_file") for a in arguments):
            arguments.append(f"--HistoryManager.hist_file={self.ipython_hist_file}")
        return arguments

    def process_message(self, msg, cell, cell_index):
        if msg.get("msg_type") in OUTPUT_TYPES and self.cell_output_bytes > 0:
            size = _size(msg.get("content"))
            used = self._used.get(cell_index, 0) + size
            total = self._used.get("notebook", 0) + size
            if used > self.cell_output_bytes or total > self.notebook_output_bytes:
                if cell_index not in self._capped:
                    self._capped.add(cell_index)
                    cell.outputs.append(NotebookNode(
                        output_type="stream", name="stderr",
                        text=f"[output dropped by the autograder: more than "
                             f"{self.cell_output_bytes} bytes in this cell or "
                             f"{self.notebook_output_bytes} in the notebook]\n"))
                    EVENTS.append("output limit: outputs beyond the cap were dropped")
                return None
            self._used[cell_index], self._used["notebook"] = used, total
        return super().process_message(msg, cell, cell_index)

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if self._deadline is not None:
            left = max(1, math.ceil(self._deadline - time.monotonic()))
            timeout = left if timeout is None else min(timeout, left)
        return timeout

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if self._deadline is None and self.notebook_timeout > 0:
            self._deadline = time.monotonic() + self.notebook_timeout
        if self._stopped is None and self._deadline is not None \
                and time.monotonic() >= self._deadline:
            self._stop(f"time limit: the notebook ran longer than {self.notebook_timeout:g} s")
        if self._stopped is not None:
            cell.outputs = [_error_output("NotRun", f"{self._stopped}; this cell did not run")]
            return cell, resources
        if not self._spare_made:   # this kernel is ready: start the next one
            self._spare_made = True
            make_spare(self)
        start = time.monotonic()
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            if self._deadline is not None and time.monotonic() >= self._deadline - 1:
                self._stop(f"time limit: the notebook ran longer than {self.notebook_timeout:g} s")
            else:
                self._stop("kernel died (the code exited the process, crashed, or exceeded a "
                           "memory or CPU limit)")
            cell.outputs = list(cell.get("outputs", [])) + [
                _error_output("KernelDied", self._stopped)]
            return cell, resources
        except CellTimeoutError:
            # Interrupted at its timeout, the cell still did not stop (it catches
            # KeyboardInterrupt, or is stuck in C code): stock nbgrader fails the
            # whole submission here. The kernel is useless from now on.
            self._stop(f"time limit: a cell ran past its {self.timeout} s timeout "
                       "and ignored the interrupt")
            cell.outputs = list(cell.get("outputs", [])) + [
                _error_output("CellTimeoutError", self._stopped)]
            return cell, resources
        finally:
            self._cell_seconds += time.monotonic() - start
            if self._deadline is not None and time.monotonic() >= self._deadline \
                    and self._stopped is None:
                self._stop(f"time limit: the notebook ran longer than {self.notebook_timeout:g} s")

    def _stop(self, reason: str) -> None:
        self._stopped = reason
        EVENTS.append(reason)


def configure_worker(c, notebook_timeout: float, cell_timeout: float | None,
                     output_bytes: int = 0) -> None:
    """Swap Execute for RobustExecute in the course's autograde preprocessors (and install
    the course's fixes to nbgrader and nbclient in this process)."""
    from nbgrader.converters import Autograde

    from .config import install_fixes

    install_fixes()

    # nbconvert validates the whole notebook after each of autograde's dozen preprocessors
    # (about 30 ms a notebook); once, after the last, finds the same invalid notebooks.
    c.Exporter.optimistic_validation = True

    current = c.Autograde.get("autograde_preprocessors") or \
        Autograde.class_traits()["autograde_preprocessors"].default()
    c.Autograde.autograde_preprocessors = [RobustExecute if p in (Execute, "Execute") else p
                                           for p in current]
    c.RobustExecute.notebook_timeout = float(notebook_timeout or 0)
    if cell_timeout:
        c.RobustExecute.timeout = int(math.ceil(cell_timeout))
    if output_bytes:
        c.RobustExecute.cell_output_bytes = 4 * int(output_bytes)
        c.RobustExecute.notebook_output_bytes = 16 * int(output_bytes)


def load_course_config(course_dir: Path):
    """The traitlets config of ``course_dir/nbgrader_config.py`` (empty if absent)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (Path(course_dir) / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    return config


def read_submission(db_url: str, course_id: str, assignment: str, student: str) -> dict:
    """Everything autograde wrote about one submission, as plain data."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        sub = gb.find_submission(assignment, student)
        notebooks = {}
        for nb in sub.notebooks:
            notebooks[nb.name] = {
                "late_submission_penalty": nb.late_submission_penalty,
                "grades": {g.name: {"auto_score": g.auto_score, "max_score": g.max_score,
                                    "needs_manual_grade": g.needs_manual_grade}
                           for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }
        return {"timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
                "notebooks": notebooks}


class Worker:
    def __init__(self, shard: Path, course_dir: Path):
        from nbgrader.coursedir import CourseDirectory

        self.shard = Path(shard)
        spec = json.loads((self.shard / "worker.json").read_text())
        self.config = load_course_config(course_dir)
        self.config.CourseDirectory.root = str(self.shard)
        self.config.CourseDirectory.db_url = f"sqlite:///{self.shard / 'gradebook.db'}"
        configure_worker(self.config, spec["timeout"], spec.get("cell_timeout"),
                         spec.get("output_bytes", 0))
        LIMITS.update(spec.get("sandbox") or {})
        self.coursedir = CourseDirectory(config=self.config)
        self.env = spec["env"]
        self.pristine_gradebook = None   # read at the first task: the shard is complete then
        shard_gradebook.install(self.config.CourseDirectory.db_url)

    def grade(self, task: dict) -> dict:
        from nbgrader.converters import Autograde

        EVENTS.clear()
        STATS.clear()
        RESTORED.clear()
        start = time.monotonic()
        reap_jails()   # the previous submission's kernel, killed as it finished
        assignment = task["assignment"]
        cd = self.coursedir
        submitted = Path(cd.format_path(cd.submitted_directory, ALIAS, assignment))
        autograded = Path(cd.format_path(cd.autograded_directory, ALIAS, assignment))
        for folder in (submitted.parent, autograded.parent):
            if folder.exists():
                shutil.rmtree(folder)
        submitted.mkdir(parents=True)
        for name, text in task["notebooks"].items():
            (submitted / Path(name).name).write_text(text, encoding="utf-8")
        if task.get("timestamp"):
            (submitted / "timestamp.txt").write_text(task["timestamp"], encoding="utf-8")
        # Each submission starts from a clean slate: a test cell the student deleted must not
        # keep the previous student's score.
        if self.pristine_gradebook is None:
            self.pristine_gradebook = (self.shard / "gradebook.db").read_bytes()
        shard_gradebook.reset(cd.db_url, self.shard / "gradebook.db", self.pristine_gradebook)
        os.environ.update(self.env)
        os.environ["AUTOGRADER_LOCKED"] = str(self.shard / f"locked-{assignment}.json")
        os.environ.pop("AUTOGRADER_LOCKED_BASE", None)   # verify adds the decoys per notebook
        os.environ["AUTOGRADER_EVENTS"] = str(self.shard / "events.jsonl")
        (self.shard / "events.jsonl").unlink(missing_ok=True)

        buffer = _ListHandler()
        cd.assignment_id, cd.student_id = assignment, ALIAS
        app = Autograde(coursedir=cd, config=self.config)
        app.log.addHandler(buffer)
        app.force, app.create_student = True, True
        error = None
        try:
            app.start()
        except Exception:  # noqa: BLE001 - reported as this submission's failure
            error = traceback.format_exc()
        finally:
            app.log.removeHandler(buffer)
            cd.assignment_id, cd.student_id = "", "*"
            spare = {id(km.jail) for km, _name, _arguments in SPARE}
            for jail in list(JAILS):   # all but the spare's, which waits for the next task
                if id(jail) not in spare:
                    close_jail(jail)
        _read_events(str(self.shard / "events.jsonl"))   # unsandboxed kernels write here
        result = {"student": task["student"], "assignment": assignment, "events": list(EVENTS),
                  "restored": list(RESTORED), "errors": buffer.errors, "error": error,
                  "decoys": STATS.get("decoys", []), "autograded": None}
        if autograded.is_dir():
            result["autograded"] = {p.name: p.read_text(encoding="utf-8", errors="replace")
                                    for p in sorted(autograded.iterdir())
                                    if p.is_file() and p.suffix == ".ipynb"}
        try:
            result["gradebook"] = read_submission(cd.db_url, cd.course_id, assignment, ALIAS)
        except Exception as exc:  # noqa: BLE001
            result["gradebook"] = None
            result["error"] = result["error"] or f"no gradebook entry: {exc}"
        result["seconds"] = time.monotonic() - start
        result["execute_seconds"] = STATS.get("execute", 0.0)
        result["cell_seconds"] = STATS.get("cells", 0.0)
        return result


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors: list = []

    def emit(self, record):
        try:
            self.errors.append(record.getMessage()[-2000:])
        except Exception:  # noqa: BLE001
            pass


def _profiled(grade, task: dict, folder: str) -> dict:
    """``grade(task)`` under cProfile, its statistics saved as folder/<pid>-<n>.prof
    (``python -m autograder.bench --profile`` sums them up)."""
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(grade, task)
    finally:
        count = len(list(Path(folder).glob(f"{os.getpid()}-*.prof")))
        profile.dump_stats(str(Path(folder) / f"{os.getpid()}-{count}.prof"))


def forget_inherited_state() -> None:
    """A worker forked from grade (:mod:`autograder.worker_fork`) starts as a new one would:
    whatever jails, kernels or limits that process held (only tests make any there) are not
    this worker's to use or close."""
    for state in (EVENTS, RESTORED, JAILS, DYING, ZYGOTE, SPARE, STARTING):
        state.clear()
    STATS.clear()
    LIMITS.clear()
    LIMITS.update(DEFAULT_LIMITS)
    shard_gradebook.forget_engines()


def _die_with_parent() -> None:
    """SIGTERM when ``grade`` dies, however it dies (Linux)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main_forked(argv: list[str], template=None) -> int:
    """:func:`main` in a worker forked from grade (:mod:`autograder.worker_fork`), with the
    kernel template grade started for it (a :class:`sandbox.Zygote`), if any."""
    forget_inherited_state()
    if template is not None:
        ZYGOTE.append(template)
    return main(argv)


def main(argv: list[str]) -> int:
    shard, course_dir = Path(argv[0]), Path(argv[1])
    _die_with_parent()
    if os.getppid() == 1:
        return 1   # grade died before we could ask to die with it

    def stop(*_):
        drop_spare()
        for jail in list(JAILS):
            close_jail(jail)
        reap_jails(wait=True)
        for template in ZYGOTE:
            template.proc.kill()
            shutil.rmtree(template.root, ignore_errors=True)
        shutil.rmtree(shard, ignore_errors=True)
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    # The protocol owns the original stdout; anything else printed goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.chdir(shard)
    shard_gradebook.scratch_sqlite()
    worker = Worker(shard, course_dir)
    zygote()   # warm before the first submission arrives
    profile = os.environ.get("AUTOGRADER_PROFILE", "")   # a folder: cProfile every task there
    protocol.write(json.dumps({"ready": True}) + "\n")
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            task = json.loads(line)
            try:
                result = _profiled(worker.grade, task, profile) if profile else \
                    worker.grade(task)
            except Exception:  # noqa: BLE001
                result = {"student": task.get("student"), "assignment": task.get("assignment"),
                          "error": traceback.format_exc(), "gradebook": None,
                          "autograded": None, "events": list(EVENTS), "restored": [],
                          "errors": [], "decoys": []}
            protocol.write(json.dumps(result) + "\n")
    finally:
        drop_spare()
        for jail in list(JAILS):
            close_jail(jail)
        reap_jails(wait=True)
        for template in ZYGOTE:
            template.close()
        shutil.rmtree(shard, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
