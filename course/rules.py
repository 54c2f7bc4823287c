"""Rules an exercise must follow, enforced while its tests run.

Some exercises ask students to build something NumPy already has (the dot
product, the matrix product, broadcasting). :func:`forbidden` lets a test run
the student's function while those shortcuts raise :class:`ForbiddenCall`, so
the test judges what the code *does*, not how its text looks.

A shortcut is caught however the student reaches it:

* by its dotted name (``np.dot``): the name is swapped for a blocker;
* by a reference taken earlier (``from numpy import dot`` in another cell, a
  default argument ``f=np.dot``, a closure): a Python-level function is
  recognised by its code when it is called from student code, and any
  forbidden object is recognised when student code loads it from a variable;
* as a method or special method of ``ndarray`` (``A.dot(B)``,
  ``A.__matmul__(B)``, ``np.ndarray.__matmul__(A, B)``): by the attribute
  student code looks up, and by the bound method it calls;
* as the ``@`` operator: by the opcode student code executes.

A student who catches the :class:`ForbiddenCall` and carries on does not get
away with it either: the block raises again when it ends. Code of NumPy, the
standard library and this package is not the student's, and may use anything.
"""
from __future__ import annotations

import builtins
import contextlib
import dis
import importlib
import inspect
import os
import sys

import numpy as np


class ForbiddenCall(RuntimeError):
    """Raised when an exercise uses a function or operator it must not use."""


# Code in these folders (NumPy, the standard library, this package) is not the
# student's: it may use `@` internally without breaking a rule.
_LIBRARY_DIRS = tuple(sorted({
    os.path.dirname(os.path.dirname(np.__file__)),
    os.path.dirname(os.__file__),
    os.path.dirname(__file__),
}))

# Opcodes that put the value of a variable on the stack, and how to look it up.
_VARIABLE_LOADS = {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF",
                   "LOAD_CLOSURE", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR"}
_ATTRIBUTE_LOADS = {"LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR"}
_MATMUL_SYMBOLS = {"@", "@="}
_MISSING = object()

#: Set only in the grader's judge process, which runs the tests outside the student's
#: kernel: there a ``forbidden`` block has the kernel apply its rules to each call of the
#: student's code, and reads the student's source itself (autograder's jailed/judge.py).
judge_hook = None


def _resolve(path: str):
    """'numpy.lib.stride_tricks.broadcast_to' -> (module object, 'broadcast_to')."""
    module_name, _, attribute = path.rpartition(".")
    return importlib.import_module(module_name), attribute


def _is_library(code) -> bool:
    return code.co_filename.startswith(_LIBRARY_DIRS)


_INSTRUCTIONS: dict = {}


def _instruction(code, offset):
    """The (opname, argval, argrepr) of the instruction at `offset` of `code`."""
    table = _INSTRUCTIONS.get(code)
    if table is None:
        table = {ins.offset: (ins.opname, ins.argval, ins.argrepr)
                 for ins in dis.get_instructions(code)}
        _INSTRUCTIONS[code] = table
    return table.get(offset, ("", None, ""))


_DISPATCHER_CODES: dict = {}


def _codes_of(function) -> set:
    """The code objects that run when `function` is called (empty for a C function).

    A NumPy function with a C implementation (``np.dot``) first calls a small
    Python function that names its array arguments; we find it by calling the
    function once with placeholder arguments and watching which code starts.
    """
    if inspect.isfunction(function):
        return {function.__code__}
    implementation = getattr(function, "_implementation", None)
    if inspect.isfunction(implementation):
        return {implementation.__code__}
    if implementation is None or not callable(function):
        return set()
    if function not in _DISPATCHER_CODES:
        _DISPATCHER_CODES[function] = _probe_dispatcher(function)
    return _DISPATCHER_CODES[function]


def _probe_dispatcher(function) -> set:
    try:
        required = [p for p in inspect.signature(function).parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                           p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return set()
    seen = []
    caller = sys._getframe()

    def watch(frame, event, arg):
        if event == "call" and frame.f_back is caller and not seen:
            seen.append(frame.f_code)
        return None

    old = sys.gettrace()
    sys.settrace(watch)
    try:
        function(*[None] * len(required))
    except Exception:
        pass
    finally:
        sys.settrace(old)
    # Only a dispatcher of its own (named like the function), never a shared one.
    return {code for code in seen if code.co_name == function.__name__}


class _Rules:
    """What one `forbidden` block forbids, and the violations it has seen."""

    def __init__(self, reason: str):
        self.suffix = f" ({reason})" if reason else ""
        self.objects: list[tuple[object, str]] = []   # forbidden objects and their names
        self.codes: dict = {}                          # code object -> name
        self.methods: set[str] = set()                 # forbidden ndarray method names
        self.violations: list[str] = []

    def add_object(self, obj, name: str):
        self.objects.append((obj, name))
        for code in _codes_of(obj):
            self.codes[code] = name

    def violation(self, what: str):
        message = f"this exercise must not use {what}{self.suffix}"
        self.violations.append(message)
        raise ForbiddenCall(message)

    def name_of(self, value):
        """The forbidden name of `value`, or None if it is allowed."""
        for obj, name in self.objects:
            if value is obj:
                return name
        method = getattr(value, "__name__", None)
        if method in self.methods and isinstance(getattr(value, "__self__", None), np.ndarray):
            return f"ndarray.{method}"
        return None

    def blocker(self, name: str):
        def blocked(*args, **kwargs):
            self.violation(name)
        blocked.__name__ = name.rpartition(".")[2]
        return blocked


def _variable(frame, opname, name):
    if opname in ("LOAD_GLOBAL", "LOAD_NAME"):
        for namespace in ((frame.f_locals,) if opname == "LOAD_NAME" else ()) + (
                frame.f_globals, vars(builtins)):
            if name in namespace:
                return namespace[name]
        return _MISSING
    return frame.f_locals.get(name, _MISSING)


@contextlib.contextmanager
def forbidden(*paths: str, methods=(), matmul_operator: bool = False, reason: str = ""):
    """Run a block in which some shortcuts raise :class:`ForbiddenCall`.

    Parameters
    ----------
    paths : str
        Dotted names of functions to forbid, e.g. ``"numpy.dot"``; the function
        is forbidden under any other name too.
    methods : iterable of str
        Names of ``numpy.ndarray`` methods to forbid, e.g. ``"dot"`` or
        ``"__matmul__"``: as ``A.dot(B)``, ``np.ndarray.dot(A, B)`` or a bound
        method kept in a variable.
    matmul_operator : bool
        Forbid executing ``@`` (and ``@=``) in the student's own code.
    reason : str
        Appended to the error message, e.g. "write the loop yourself".

    Raises
    ------
    ForbiddenCall
        when a shortcut is used, and again when the block ends if the student's
        code caught that error.
    """
    if judge_hook is not None:
        with judge_hook(paths, tuple(methods), matmul_operator, reason):
            yield
        return
    rules = _Rules(reason)
    rules.methods = set(methods)
    for method in rules.methods:
        if hasattr(np.ndarray, method):
            rules.add_object(getattr(np.ndarray, method), f"ndarray.{method}")
    saved = []
    for path in paths:
        module, attribute = _resolve(path)
        if hasattr(module, attribute):
            original = getattr(module, attribute)
            name = path.replace("numpy.", "np.")
            rules.add_object(original, name)
            saved.append((module, attribute, original, name))
    trace_opcodes = matmul_operator or bool(rules.methods)

    def profiler(frame, event, arg):
        # C functions show up as 'c_call' events (bound ndarray methods, operator.matmul).
        if event == "c_call" and not _is_library(frame.f_code):
            name = rules.name_of(arg)
            if name is not None:
                rules.violation(name)

    def tracer(frame, event, arg):
        if event == "call":
            name = rules.codes.get(frame.f_code)
            if name is not None and frame.f_back is not None and not _is_library(frame.f_back.f_code):
                rules.violation(name)
            if not trace_opcodes or _is_library(frame.f_code):
                return None
            frame.f_trace_opcodes = True
            return tracer
        if event == "opcode":
            opname, argval, argrepr = _instruction(frame.f_code, frame.f_lasti)
            if opname in _VARIABLE_LOADS:
                value = _variable(frame, opname, argval)
                name = None if value is _MISSING else rules.name_of(value)
                if name is not None:
                    rules.violation(name)
            elif opname in _ATTRIBUTE_LOADS and argval in rules.methods:
                rules.violation(f"ndarray.{argval}" if argval.startswith("__")
                                else f"np.{argval} or ndarray.{argval}")
            elif opname == "LOAD_CONST" and isinstance(argval, str) and argval in rules.methods \
                    and argval.startswith("__"):
                rules.violation(f"ndarray.{argval}")      # getattr(A, "__matmul__")
            elif matmul_operator and argrepr in _MATMUL_SYMBOLS and opname.startswith(
                    ("BINARY", "INPLACE")):
                rules.violation("the @ operator")
        return tracer

    for module, attribute, _original, name in saved:
        setattr(module, attribute, rules.blocker(name))
    old_profile, old_trace = sys.getprofile(), sys.gettrace()
    if trace_opcodes:
        sys.setprofile(profiler)
    sys.settrace(tracer)
    try:
        yield
    except (ForbiddenCall, GeneratorExit):
        raise
    except BaseException as error:
        if rules.violations:        # the student caught the ForbiddenCall, then failed
            raise ForbiddenCall(rules.violations[0]) from error
        raise
    finally:
        sys.settrace(old_trace)
        sys.setprofile(old_profile)
        for module, attribute, original, _name in reversed(saved):
            setattr(module, attribute, original)
    if rules.violations:            # the student caught the ForbiddenCall and carried on
        raise ForbiddenCall(rules.violations[0])


PRODUCT_SHORTCUTS = ("numpy.dot", "numpy.inner", "numpy.matmul", "numpy.einsum",
                     "numpy.tensordot", "numpy.vdot", "numpy.linalg.multi_dot",
                     "numpy.linalg.matmul", "numpy.linalg.vecdot", "numpy.vecdot",
                     "numpy.matvec", "numpy.vecmat", "operator.matmul", "_operator.matmul")
PRODUCT_METHODS = ("dot", "__matmul__", "__rmatmul__", "__imatmul__")


@contextlib.contextmanager
def no_products():
    """Forbid NumPy's products, ``ndarray.dot``, ``@`` and ``__matmul__``: write the sums yourself."""
    with forbidden(*PRODUCT_SHORTCUTS, methods=PRODUCT_METHODS, matmul_operator=True,
                   reason="compute the sums of products yourself"):
        yield


BROADCAST_SHORTCUTS = ("numpy.broadcast_shapes", "numpy.broadcast", "numpy.broadcast_to",
                       "numpy.broadcast_arrays", "numpy.lib.stride_tricks.broadcast_shapes",
                       "numpy.lib.stride_tricks.broadcast_to",
                       "numpy.lib.stride_tricks.broadcast_arrays")


@contextlib.contextmanager
def no_broadcast_helpers():
    """Forbid NumPy's broadcasting helpers: apply the rule to the shapes yourself."""
    with forbidden(*BROADCAST_SHORTCUTS, reason="apply the broadcasting rule to the shapes yourself"):
        yield
