"""The judge's side of the wire: the student's objects as proxies, and its own objects guarded.

A :class:`Remote` stands in the judge for an object of the student's kernel: calling it,
getting and setting attributes, indexing, ``len``, iteration, operators and
``isinstance(obj, ExerciseClass)`` are requests to the kernel's agent, answered with data
or further proxies. Its type is named as the object's class in the kernel, so
``type(layer).__name__`` reads as in one kernel, and an instance of a class the judge
defined too (a given cell's ``Affine``) is one of that class here.

:class:`JudgePeer` serves the kernel's requests on the judge's own objects -- callbacks and
test doubles passed to the student's code -- only as far as they need: calls and public
attributes; never a name lookup, a module, a private or dunder attribute.
"""
from __future__ import annotations

import sys
import warnings

import numpy as np

try:
    from . import wire                # as autograder.grading.jailed.proxies
    from .peer import LazyMethod, Peer
except ImportError:                   # in the jail, beside peer.py and wire.py
    import wire
    from peer import LazyMethod, Peer


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
        if name in ("__name__", "__qualname__") and self._info.get("name"):
            return self._info["name"]             # a class's or function's name
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name in self._info.get("methods", ()):
            return RemoteMethod(self, name)       # looked up when called: one turn, not two
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


class RemoteMethod(LazyMethod):
    """A method of one of the kernel's objects (:class:`~peer.LazyMethod`)."""

    __slots__ = ()

    def __call__(self, *args, **kwargs):
        owner = self._owner
        return owner._peer.call(owner, list(args), kwargs, method=self._name)

    def __repr__(self):
        return repr(self._resolve())


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


class JudgePeer(Peer):
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

    lazy_types = (RemoteMethod,)

    def call(self, target, args: list, kwargs: dict, header: dict = None, extra: dict = None,
             method: str | None = None):
        """Call the kernel's ``target`` (or its method ``method``); or, with the kernel's
        request ``header``, one of our callbacks for the kernel."""
        if header is not None:         # the kernel calls one of our callbacks
            return target(*args, **kwargs)
        request = {"op": "call", "h": target._hid, "args": args,
                   "kwargs": [[k, v] for k, v in kwargs.items()]}
        if method is not None:
            request.update(op="callmethod", name=method)
        if _quiet():
            request["quiet"] = True
        if self.rules:
            request["rules"] = [rule for rule, _ in self.rules]
            name = method or target._info.get("name")
            if name:
                self.called.append(name)
        return self.request(request)

    def allowed(self, op: str, target, header: dict) -> None:
        if isinstance(target, type(sys)):
            raise PermissionError("the grader's modules are not the student's to use")
        name = str(header.get("name", ""))
        if op in ("getattr", "setattr", "delattr", "callmethod") and name.startswith("_"):
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
                "classes": [str(c)[:200] for c in data.get("classes", [])][:16],
                "methods": frozenset(str(m)[:100] for m in data.get("methods", [])[:200])}
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
