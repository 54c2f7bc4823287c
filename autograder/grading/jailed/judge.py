"""The judge: runs a notebook's test cells where the student's code cannot reach them.

One judge process per notebook, in a jail of its own, started by the grading worker
(:mod:`autograder.grading.judging`). It never runs student code. It holds the test
cells -- hidden parts, expected values and verdicts -- and reaches the student's work
only through the agent in the student's kernel (:mod:`agent`), over a socket, as
data (:mod:`wire`). Whatever the student's code does in its kernel, the only way to
pass a test here is to give back the right values.

Conversation with the worker (frames of :mod:`wire` on the socket given as argv[1]):

* ``{"setup": ...}``: the notebook's exercises, its given cells (instructor's code,
  before each test cell their imports, definitions and print options run here as they
  do in the kernel) and the student's own cells (read as text, for the rules:
  :mod:`source_rules`);
* per test cell: a file descriptor (the connection the agent made for this cell, or
  none) then ``{"cell": index, "source": ...}``; the judge runs the cell and answers
  ``{"outputs": [...]}``, nbformat outputs exactly as the cell would have had in one
  kernel: streams, an error with a traceback of the cell's own frames, a result.

A test cell's names resolve, in order, to what the judge defined (given cells' imports
and definitions, earlier test cells), then to the notebook's names in the student's
kernel (exercises, as proxies). ``np.random.seed`` seeds both the judge's and the
kernel's global generator. ``quiet()`` and ``course.rules`` blocks apply to the calls
made inside them.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import linecache
import os
import socket
import sys
import traceback

import numpy as np

try:
    from . import wire               # as autograder.grading.jailed.judge
    from .proxies import JudgePeer, Remote
    from .source_rules import _definitions, _imports, judged_rules
except ImportError:                  # in the jail, beside the modules it uses
    import wire
    from proxies import JudgePeer, Remote
    from source_rules import _definitions, _imports, judged_rules

SEPARATOR = "-" * 75
CONTEXT = 2                           # quoted lines around a failing line, as IPython shows
OUTPUT_CAP = 4 << 20                  # characters a test cell may print here


class _Stream:
    """sys.stdout / sys.stderr while a cell runs: its text becomes the cell's outputs."""

    def __init__(self, outputs: list, name: str):
        self.outputs, self.name = outputs, name
        self.encoding = "utf-8"

    def write(self, text) -> int:
        text = str(text)
        if not text:
            return 0
        used = sum(len(o.get("text", "")) for o in self.outputs if o["output_type"] == "stream")
        if used >= OUTPUT_CAP:
            return len(text)
        text = text[:OUTPUT_CAP - used]
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == self.name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": text})
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _given_statements(source: str) -> list:
    """What of a given cell the judge runs: imports, definitions and print options."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    keep = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.ClassDef)):
            keep.append(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr in ("set_printoptions", "seterr"):
            keep.append(node)
    return keep


def _free_names(tree) -> set:
    """Names the cell reads but never binds itself."""
    loads, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loads - bound


class Judge:
    def __init__(self, setup: dict):
        self.peer = JudgePeer()
        self.peer.exercises = set(setup.get("exercises", []))
        self.peer.student_sources = _definitions(setup.get("student", []))
        self.peer.student_imports = _imports(setup.get("student", []))
        self.given = sorted((int(i), str(s)) for i, s in setup.get("given", []))
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.from_kernel: set = set()   # names last resolved in the student's kernel
        self._install()

    def _install(self) -> None:
        import course.rules

        peer = self.peer
        course.rules.judge_hook = lambda paths, methods, matmul, reason: judged_rules(
            peer, paths, methods, matmul, reason)
        original = np.random.seed

        def seed(*args, **kwargs):
            original(*args, **kwargs)
            if peer.sock is not None:       # the student's code draws from its own generator
                peer.request({"op": "seed", "args": list(args)})
        np.random.seed = seed

    def _run_given(self, before: int) -> None:
        while self.given and self.given[0][0] < before:
            _, source = self.given.pop(0)
            for node in _given_statements(source):
                try:
                    exec(compile(ast.Module([node], []), "<given>", "exec"), self.namespace)
                except Exception:  # noqa: BLE001 - the kernel shows the given cell's error
                    pass
        for value in self.namespace.values():
            if isinstance(value, type):
                self.peer.given_classes.setdefault(value.__name__, value)

    def run(self, index: int, source: str, number: int) -> list:
        """The outputs of test cell ``index`` (shown as ``Cell In[number]``)."""
        self._run_given(index)
        outputs: list = []
        filename = f"<cell {number}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream(outputs, "stdout"), _Stream(outputs, "stderr")
        try:
            tree = ast.parse(source, filename)
            self._resolve(tree)
            *body, last = tree.body or [ast.Pass()]
            show = isinstance(last, ast.Expr)
            exec(compile(ast.Module(body + ([] if show else [last]), []), filename, "exec"),
                 self.namespace)
            if show:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), self.namespace)
                if value is not None:
                    outputs.append({"output_type": "execute_result", "execution_count": None,
                                    "metadata": {}, "data": {"text/plain": repr(value)}})
        except BaseException as exc:  # noqa: BLE001 - the test's verdict, shown as in a kernel
            if isinstance(exc, wire.PeerGone) and "kernel" not in str(exc):
                exc = wire.PeerGone("the student's kernel stopped answering (it died or was "
                                    "stopped) while the test ran")
            outputs.append(_error(exc, filename, number))
        finally:
            sys.stdout, sys.stderr = saved
        return outputs

    def _resolve(self, tree) -> None:
        """Bind the cell's free names that the judge has not defined to the kernel's."""
        wanted = (_free_names(tree) | self.peer.exercises) - set(vars(builtins))
        wanted = sorted(n for n in wanted if n not in self.namespace or n in self.from_kernel)
        if not wanted or self.peer.sock is None:
            return
        found = self.peer.request({"op": "get_many", "names": wanted})   # one turn for all
        if not isinstance(found, dict):
            return
        for name in wanted:
            if name not in found:
                if name in self.from_kernel:
                    self.namespace.pop(name, None)
                continue
            value = found[name]
            if isinstance(value, Remote) and not value._info.get("name"):
                value._info["name"] = name
            self.namespace[name] = value
            self.from_kernel.add(name)


def _error(exc: BaseException, filename: str, number: int) -> dict:
    """An nbformat error output whose traceback shows only the test cell's own frames."""
    frames = []
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename != filename:
            continue
        lines = linecache.getlines(filename)
        lo, hi = max(1, lineno - CONTEXT), min(len(lines), lineno + CONTEXT)
        quoted = [f"{'---->' if n == lineno else '     '} {n} {lines[n - 1].rstrip()}"
                  for n in range(lo, hi + 1)]
        frames.append("\n".join([f"Cell In[{number}], line {lineno}"] + quoted) + "\n")
    name = type(exc).__name__
    message = str(exc)
    return {"output_type": "error", "ename": name, "evalue": message,
            "traceback": [SEPARATOR, *frames, f"{name}: {message}"]}


# --------------------------------------------------------------------------- process

def main(argv: list[str]) -> None:
    sys.setrecursionlimit(2000)
    path = argv[0]
    worker = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    worker.connect(path)
    header, _ = wire.recv_frame(worker, in_turn=False)
    judge = Judge(header.get("setup", {}))
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(worker, 1, 1)
        except OSError:
            return
        if not message:
            return
        kernel = socket.socket(fileno=fds[0]) if fds else None
        try:
            header, _ = wire.recv_frame(worker, in_turn=False)
        except wire.WireError:
            return
        judge.peer.sock = kernel
        judge.peer.messages = 0
        try:
            outputs = judge.run(int(header["cell"]), str(header["source"]),
                                int(header.get("number") or 0))
            if kernel is not None:
                with contextlib.suppress(OSError, wire.WireError):
                    judge.peer.done()
        finally:
            judge.peer.sock = None
            if kernel is not None:
                kernel.close()
        wire.send_frame(worker, {"outputs": outputs, "messages": judge.peer.messages}, [])


if __name__ == "__main__":
    # In the jail this file runs as a script: its folder (wire.py) stays on sys.path.
    if os.environ.get("AUTOGRADER_JUDGE_SOCKET"):
        main([os.environ["AUTOGRADER_JUDGE_SOCKET"]])
    else:
        main(sys.argv[1:])
