"""nbgrader's ``Execute`` preprocessor, with the tests judged outside the kernel: :class:`RobustExecute`.

Every test cell (a grade cell that is not a solution) runs in the notebook's judge
(:mod:`.judging`), never in the student's kernel: the kernel is only asked to answer
the judge's requests where the cell stands, and the cell's outputs are the judge's.
Every other cell runs in the kernel as stock ``Execute`` runs it. On a notebook that
stays within its limits the scores are stock nbgrader's; otherwise it stops a notebook
at its wall-clock limit instead of cells × cell timeout; survives a dying kernel (the
running cell and every later cell get an error output, so each test cell scores what
it earned); and caps every cell's outputs, rich ones included, as they arrive -- in
bytes as they will be written, not characters -- and the notebook's total. Its
kernels come from :mod:`.kernels`. :func:`configure_worker` puts it in the course's
autograde pipeline.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Float, Integer

from .judging import Conversation, Judge, is_test_cell, notebook_setup, serve_line
from .kernels import (EVENTS, LIMITS, STATS, SandboxedKernelManager, make_spare, spare_started,
                      take_spare, zygote)

OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error", "update_display_data",
                "clear_output"}
# Widget messages: their state is saved in the notebook's metadata, and counts to its size.
COMM_TYPES = {"comm_open", "comm_msg"}




def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


def _size(value) -> int:
    """How many bytes ``value`` (a message's content) takes once written as JSON: a NUL
    character is 6 of them, a Hangul syllable 3."""
    try:
        return len(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8",
                                                                             "replace"))
    except (TypeError, ValueError, RecursionError):
        return 1 << 30


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
        self._spare_made = False
        self._judge = None
        self._setup = notebook_setup(nb)
        self._scratch_dir = None
        if km is None:
            km = take_spare(self._kernel_name_for(nb), self._start_arguments())
        adopted = km
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            if self._judge is not None:
                self._judge.close()
                self._judged_stats(self._judge)
            if self._scratch_dir is not None:
                shutil.rmtree(self._scratch_dir, ignore_errors=True)
            spare_started()
            if adopted is not None and self.km is not None:
                self._cleanup_kernel()   # nbclient stops only the kernels it started
            STATS["execute"] = STATS.get("execute", 0.0) + time.monotonic() - start
            STATS["cells"] = STATS.get("cells", 0.0) + self._cell_seconds
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
        if msg.get("msg_type") in OUTPUT_TYPES | COMM_TYPES and self.cell_output_bytes > 0:
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
        if self._judge is None:    # the notebook's judge starts beside the first cells
            self._judge = Judge(self._setup, zygote(), bool(LIMITS["sandbox"]))
        if is_test_cell(cell):
            return self._judged(cell, resources, index)
        return self._run(cell, resources, index)

    def _judged(self, cell, resources, index):
        """A test cell: the judge runs it; the kernel only answers the judge meanwhile."""
        if self._judge.ended():    # the last test did not finish: a fresh judge goes on
            self._judged_stats(self._judge)
            self._judge = Judge(self._setup, zygote(), bool(LIMITS["sandbox"]))
        started = time.monotonic()
        source = cell.source
        jail = getattr(self.km, "jail", None)
        folder = jail.dir if jail is not None else self._scratch()
        give = jail.give if jail is not None else (lambda path: None)
        timeout = self._get_timeout(cell)
        deadline = time.monotonic() + (timeout if timeout else 3600) + 30
        talk = Conversation(self._judge, folder, give, index, source, deadline)
        cell.source = serve_line(talk.path)
        try:
            cell, resources = self._run(cell, resources, index)
        finally:
            cell.source = source
            outputs = talk.finish()
        notices = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"
                   and o.get("ename") in ("KernelDied", "CellTimeoutError", "NotRun")]
        if outputs is None:
            outputs = [_error_output("JudgeError", talk.error or "the test could not be judged")]
        cell.outputs = [_judged_output(o, cell.get("execution_count")) for o in outputs] \
            + notices
        STATS["tests"] = STATS.get("tests", 0.0) + time.monotonic() - started
        return cell, resources

    @staticmethod
    def _judged_stats(judge) -> None:
        STATS["judge_wait"] = STATS.get("judge_wait", 0.0) + judge.waited
        STATS["messages"] = STATS.get("messages", 0) + judge.messages

    def _scratch(self) -> str:
        """Where an unjailed kernel finds the judge's socket (it shares our file system)."""
        if self._scratch_dir is None:
            self._scratch_dir = tempfile.mkdtemp(prefix=f"nn-agent-{os.getpid()}-")
        return self._scratch_dir

    def _run(self, cell, resources, index):
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


def _judged_output(output: dict, execution_count) -> NotebookNode:
    """One of the judge's outputs for the notebook, its traceback pointing at this cell."""
    node = NotebookNode(output)
    if node.get("output_type") == "error" and execution_count is not None:
        node["traceback"] = [line.replace("Cell In[0]", f"Cell In[{execution_count}]", 1)
                             for line in node.get("traceback", [])]
    if node.get("output_type") == "execute_result":
        node["execution_count"] = execution_count
    return node


def configure_worker(c, notebook_timeout: float, cell_timeout: float | None,
                     output_bytes: int = 0) -> None:
    """Swap Execute for RobustExecute in the course's autograde preprocessors (and install
    the course's fixes to nbgrader and nbclient in this process)."""
    from nbgrader.converters import Autograde

    from autograder.config import install_fixes

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
