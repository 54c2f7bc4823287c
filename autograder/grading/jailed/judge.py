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
  :func:`static_rules`);
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
import warnings

import numpy as np

try:
    from . import wire               # as autograder.grading.jailed.judge
except ImportError:                  # in the jail, beside wire.py
    import wire

SEPARATOR = "-" * 75
CONTEXT = 2                           # quoted lines around a failing line, as IPython shows
OUTPUT_CAP = 4 << 20                  # characters a test cell may print here


# --------------------------------------------------------------------------- proxies

class Remote:
    """The judge's stand-in for an object of the student's kernel: each use is a request
    to the agent, and what comes back is data (or another proxy)."""

    __slots__ = ("_peer", "_hid", "_info", "__weakref__")

    def __init__(self, peer, hid: str, info: dict):
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_hid", hid)
        object.__setattr__(self, "_info", info)

    def _ask(self, op: str, **fields):
        return self._peer.request({"op": op, "h": self._hid, **fields})

    def __call__(self, *args, **kwargs):
        return self._peer.call(self, list(args), kwargs)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name, value):
        self._ask("setattr", name=name, args=[value])

    def __delattr__(self, name):
        self._ask("delattr", name=name)

    def __getitem__(self, key):
        return self._ask("getitem", args=[key])

    def __setitem__(self, key, value):
        self._ask("setitem", args=[key, value])

    def __delitem__(self, key):
        self._ask("delitem", args=[key])

    def __len__(self):
        return self._ask("len")

    def __iter__(self):
        return iter(self._ask("iter"))

    def __contains__(self, item):
        return self._ask("contains", args=[item])

    def __repr__(self):
        return self._ask("repr")

    def __str__(self):
        return self._ask("str")

    def __hash__(self):
        return self._ask("hash")

    def __bool__(self):
        return self._ask("unop", name="bool")

    def __instancecheck__(self, obj):
        return self._ask("isinstance", args=[obj])

    @property
    def __class__(self):
        # An instance of a class the judge defined too (a given cell's Affine, say) is one
        # here, as it would be in one kernel; anything else is of its proxy type, which is
        # named as its class in the kernel.
        for name in self._info.get("classes", []):
            cls = self._peer.given_classes.get(name)
            if cls is not None:
                return cls
        return type(self)


def _binary(name: str, reflected: bool):
    def method(self, other):
        return self._ask("binop", name=name, args=[other], reflected=reflected)
    method.__name__ = f"__{'r' if reflected else ''}{name}__"
    return method


def _unary(name: str):
    def method(self):
        return self._ask("unop", name=name)
    method.__name__ = f"__{name}__"
    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or",
              "xor", "lshift", "rshift"):
    setattr(Remote, f"__{_name}__", _binary(_name, False))
    setattr(Remote, f"__r{_name}__", _binary(_name, True))
for _name in ("eq", "ne", "lt", "le", "gt", "ge"):
    setattr(Remote, f"__{_name}__", _binary(_name, False))
for _name in ("neg", "pos", "abs", "invert", "float", "int", "index", "complex"):
    setattr(Remote, f"__{_name}__", _unary(_name))


class JudgePeer(wire.Peer):
    """The judge's end of the wire: its own objects are served to the kernel only as far
    as callbacks and test doubles need (calls, public attributes); it never looks a name
    up for the kernel."""

    def __init__(self):
        super().__init__("judge")
        self.given_classes: dict = {}
        self.rules: list = []          # rules of the course.rules blocks we are inside
        self.called: list = []         # exercise names called inside those blocks
        self.exercises: set = set()
        self.student_sources: dict = {}
        self.student_imports: dict = {}
        self._proxy_types: dict = {}

    def call(self, target, args: list, kwargs: dict, header: dict = None, extra: dict = None):
        if header is not None:         # the kernel calls one of our callbacks
            return target(*args, **kwargs)
        request = {"op": "call", "h": target._hid, "args": args,
                   "kwargs": [[k, v] for k, v in kwargs.items()]}
        if _quiet():
            request["quiet"] = True
        if self.rules:
            request["rules"] = [rule for rule, _ in self.rules]
            name = target._info.get("name")
            if name:
                self.called.append(name)
        return self.request(request)

    def allowed(self, op: str, target, header: dict) -> None:
        if isinstance(target, type(sys)):
            raise PermissionError("the grader's modules are not the student's to use")
        name = str(header.get("name", ""))
        if op in ("getattr", "setattr", "delattr") and name.startswith("_"):
            raise AttributeError(f"{name}: not available to the student's code")
        if op == "call" and not callable(target):
            raise TypeError("this object of the grader cannot be called")
        if op in ("isinstance", "hash", "binop", "unop"):
            raise TypeError(f"the grader's objects do not support {op}")

    def lookup(self, name: str):
        raise NameError(f"the student's code asked the grader for {name!r}")

    def received(self, header: dict) -> None:
        if header.get("stdout"):
            sys.stdout.write(str(header["stdout"]))
        if header.get("stderr"):
            sys.stderr.write(str(header["stderr"]))

    def proxy(self, hid: str, data: dict):
        info = {"kind": str(data.get("kind", "object")),
                "name": str(data.get("name", ""))[:200],
                "classes": [str(c)[:200] for c in data.get("classes", [])][:16]}
        return self._proxy_type(info["classes"][0] if info["classes"] else "Remote")(
            self, hid, info)

    def _proxy_type(self, name: str) -> type:
        """A subclass of :class:`Remote` per class name of the kernel's objects, so that
        ``type(layer).__name__`` reads as it would in one kernel."""
        if not name.isidentifier():
            name = "Remote"
        if name not in self._proxy_types:
            self._proxy_types[name] = Remote if name == "Remote" else \
                type(name, (Remote,), {"__slots__": (), "__module__": "__main__"})
        return self._proxy_types[name]

    def proxy_id(self, value):
        return object.__getattribute__(value, "_hid") if isinstance(value, Remote) else None

    def exception(self, names: list, message: str) -> BaseException:
        course_errors = _course_errors()
        if names[0] in course_errors:
            return course_errors[names[0]](message)
        return wire._exception(names, message)


def _course_errors() -> dict:
    from course.checks import CheckFailed
    from course.rules import ForbiddenCall
    return {"CheckFailed": CheckFailed, "ForbiddenCall": ForbiddenCall}


def _quiet() -> bool:
    """Whether the test is inside ``course.checks.quiet()``: warnings ignored, NumPy's
    floating-point errors too (what quiet() sets)."""
    first = warnings.filters[0] if warnings.filters else None
    return bool(first and first[0] == "ignore" and first[2] is Warning
                and set(np.geterr().values()) == {"ignore"})


# --------------------------------------------------------------------------- rules

@contextlib.contextmanager
def judged_rules(peer: JudgePeer, paths, methods, matmul_operator: bool, reason: str):
    """A ``course.rules.forbidden`` block in the judge: each call of the student's code in
    it is made under the same rules in the kernel, and the student's source of every
    exercise called is checked here too."""
    from course.rules import ForbiddenCall

    rule = {"paths": list(paths), "methods": list(methods), "matmul": bool(matmul_operator),
            "reason": reason}
    mark = len(peer.called)
    peer.rules.append((rule, mark))
    try:
        yield
    finally:
        peer.rules.pop()
        called = list(dict.fromkeys(peer.called[mark:]))
        if not peer.rules:
            del peer.called[mark:]
    found = static_rules(peer.student_sources, called, rule, peer.student_imports)
    if found:
        suffix = f" ({reason})" if reason else ""
        raise ForbiddenCall(f"this exercise must not use {found}{suffix}")


def static_rules(sources: dict, exercises: list, rule: dict,
                 aliases: dict | None = None) -> str | None:
    """The first forbidden shortcut the student's source of ``exercises`` names, or None.

    ``sources`` maps each name a student cell defines at its top level to that
    definition's source. The code of an exercise and of every student definition it
    names is read (never run): ``np.dot(...)``, ``A.dot(B)``, ``A @ B``,
    ``getattr(A, "__matmul__")``, ``from numpy import dot`` are found however they are
    spelled in the text; what is built at run time from strings is the kernel's check.
    ``aliases`` maps names the student's cells import (``from numpy import dot as d``) to
    what they import.
    """
    names = {p.rpartition(".")[2] for p in rule["paths"]}
    methods = set(rule["methods"])
    # The student's own functions a rule forbids (``__main__.numerical_diff``), called by name.
    own = {p.partition(".")[2] for p in rule["paths"] if p.startswith("__main__.")}
    shortcuts = {alias for alias, name in (aliases or {}).items() if name in names | methods}
    seen, todo = set(), list(exercises)
    while todo:
        name = todo.pop()
        if name in seen or name not in sources:
            continue
        seen.add(name)
        try:
            tree = ast.parse(sources[name])
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        imported = set(shortcuts)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in names | methods:
                        imported.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and (node.attr in names or node.attr in methods):
                return _spelled(node.attr, rule)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id in imported or node.id in own:
                    return _spelled(node.id, rule)
                if node.id in sources and node.id not in seen:
                    todo.append(node.id)
            if rule["matmul"] and (isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)
                                   or isinstance(node, ast.AugAssign)
                                   and isinstance(node.op, ast.MatMult)):
                return "the @ operator"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("getattr", "setattr") and len(node.args) >= 2 \
                    and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value in names | methods:
                return _spelled(str(node.args[1].value), rule)
    return None


def _spelled(name: str, rule: dict) -> str:
    for path in rule["paths"]:
        if path.rpartition(".")[2] == name:
            return path.replace("numpy.", "np.")
    return f"ndarray.{name}" if name.startswith("__") else f"np.{name} or ndarray.{name}"


# --------------------------------------------------------------------------- cells

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
        for name in sorted(wanted):
            if name in self.namespace and name not in self.from_kernel:
                continue
            if self.peer.sock is None:
                continue
            try:
                value = self.peer.request({"op": "get", "name": name})
            except NameError:
                self.namespace.pop(name, None) if name in self.from_kernel else None
                continue
            if isinstance(value, Remote) and not value._info.get("name"):
                value._info["name"] = name
            self.namespace[name] = value
            self.from_kernel.add(name)


def _definitions(cells: list) -> dict:
    """name -> source of each top-level def/class/assignment in the student's cells."""
    found = {}
    for source in cells:
        try:
            tree = ast.parse(str(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        lines = str(source).splitlines()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                found[node.name] = "\n".join(lines[start - 1:node.end_lineno])
    return found


def _imports(cells: list) -> dict:
    """local name -> imported name, of every ``from … import …`` in the student's cells."""
    found = {}
    for source in cells:
        try:
            tree = ast.parse(str(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    found[alias.asname or alias.name] = alias.name
    return found


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
    header, _ = wire.recv_frame(worker)
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
            header, _ = wire.recv_frame(worker)
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
