"""The agent in the student's kernel: it answers the judge, and decides nothing.

Under ``grade`` no test cell runs in the student's kernel. Where a test cell stands,
the grading worker sends the kernel one line, ``serve(PATH)``: the agent connects to
the socket at PATH and answers the judge's requests -- look up a name the notebook
defines, call a function, read an attribute, apply an operator -- on the student's
objects, until the judge says it is done. Values go back as data (:mod:`wire`).

Everything here runs inside the student's kernel, so the student's code can read or
replace any of it; that is allowed for: what it sends is only ever data that the
judge checks against expected values the kernel never sees.

For a call the judge makes inside ``quiet()``, warnings are silenced here too; inside a
``course.rules`` block, the same rules are applied here around the call (the judge
also checks the student's source itself). What the call prints goes back with the
answer, so the test cell shows it as a notebook run in one kernel would.
"""
from __future__ import annotations

import contextlib
import io
import socket
import sys
import warnings

try:
    from . import wire               # as autograder.grading.jailed.agent
    from .peer import LazyMethod, Peer
    from .values import methods_of
except ImportError:                  # in the jail, beside peer.py and wire.py
    import wire
    from peer import LazyMethod, Peer
    from values import methods_of

OUTPUT_CAP = 1 << 20                 # characters of printed text sent back per call


class _Capped(io.StringIO):
    def write(self, text):
        room = OUTPUT_CAP - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


class JudgeObject:
    """The kernel's stand-in for one of the judge's objects (a callback such as the ``f``
    of ``numerical_gradient``, or a test double passed to ``train``): every use is a
    request to the judge, which serves only calls and public attributes."""

    __slots__ = ("_peer", "_hid", "_kind", "_methods", "__weakref__")

    def __init__(self, peer, hid: str, kind: str, methods: frozenset = frozenset()):
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_hid", hid)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_methods", methods)   # what the judge said are methods

    def _ask(self, op: str, **fields):
        return self._peer.request({"op": op, "h": self._hid, **fields})

    def __call__(self, *args, **kwargs):
        return self._ask("call", args=list(args), kwargs=[[k, v] for k, v in kwargs.items()])

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name in self._methods:
            return JudgeMethod(self, name)        # looked up when called: one turn, not two
        return self._ask("getattr", name=name)

    def __setattr__(self, name, value):
        self._ask("setattr", name=name, args=[value])

    def __getitem__(self, key):
        return self._ask("getitem", args=[key])

    def __setitem__(self, key, value):
        self._ask("setitem", args=[key, value])

    def __len__(self):
        return self._ask("len")

    def __iter__(self):
        return iter(self._ask("iter"))

    def __repr__(self):
        return f"<test object {self._hid} of the grader>"


class JudgeMethod(LazyMethod):
    """A method of one of the judge's objects (:class:`~peer.LazyMethod`)."""

    __slots__ = ()

    def __call__(self, *args, **kwargs):
        return self._owner._ask("callmethod", name=self._name, args=list(args),
                                kwargs=[[k, v] for k, v in kwargs.items()])

    def __repr__(self):
        return f"<method {self._name} of a test object of the grader>"


class KernelPeer(Peer):
    lazy_types = (JudgeMethod,)

    def __init__(self):
        super().__init__("kernel")

    def lookup(self, name: str):
        namespace = _user_namespace()
        if name not in namespace:
            raise NameError(f"name {name!r} is not defined")
        return namespace[name]

    def perform(self, header: dict, blobs: list, extra: dict):
        if header.get("op") == "seed":
            import numpy as np
            np.random.seed(*[self.decode(a, blobs) for a in header.get("args", [])])
            return None
        return super().perform(header, blobs, extra)

    def call(self, target, args: list, kwargs: dict, header: dict, extra: dict):
        out, err = _Capped(), _Capped()
        try:
            with contextlib.ExitStack() as stack:
                if header.get("quiet"):
                    import numpy as np
                    stack.enter_context(warnings.catch_warnings())
                    warnings.simplefilter("ignore")
                    stack.enter_context(np.errstate(all="ignore"))
                for rule in header.get("rules") or []:
                    stack.enter_context(_rules(rule))
                stack.enter_context(contextlib.redirect_stdout(out))
                stack.enter_context(contextlib.redirect_stderr(err))
                return target(*args, **kwargs)
        finally:
            if out.tell():
                extra["stdout"] = out.getvalue()
            if err.tell():
                extra["stderr"] = err.getvalue()

    def describe(self, value) -> dict:
        if isinstance(value, type):
            return {"kind": "class", "name": str(value.__name__)[:200]}
        kind = "callable" if callable(value) else "object"
        try:
            classes = [str(c.__name__)[:200] for c in type(value).__mro__[:-1]][:16]
            name = getattr(value, "__name__", "") if kind == "callable" else ""
        except Exception:  # noqa: BLE001 - a class that hides its names
            classes, name = [], ""
        return {"kind": kind, "classes": classes, "name": str(name)[:200],
                "methods": methods_of(value)}

    def proxy(self, hid: str, data: dict):
        methods = data.get("methods")
        methods = frozenset(str(m) for m in methods[:200]) if isinstance(methods, list) \
            else frozenset()
        return JudgeObject(self, hid, str(data.get("kind", "object")), methods)

    def proxy_id(self, value):
        if type(value) is JudgeObject:
            return object.__getattribute__(value, "_hid")
        return None


def _rules(rule: dict):
    from course.rules import forbidden

    return forbidden(*[str(p) for p in rule.get("paths", [])],
                     methods=tuple(str(m) for m in rule.get("methods", [])),
                     matmul_operator=bool(rule.get("matmul")), reason=str(rule.get("reason", "")))


def _user_namespace() -> dict:
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


PEER = KernelPeer()      # one per kernel: its handles and shared arrays outlive each serve()


def serve(path: str) -> None:
    """Answer the judge on the socket at ``path`` until it is done with this test cell."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    PEER.sock = sock
    try:
        PEER.serve()
    except wire.PeerGone:
        pass
    finally:
        PEER.sock = None
        sock.close()
