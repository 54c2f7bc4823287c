"""Rules an exercise must follow, enforced while its tests run.

Some exercises ask students to build something NumPy already has (the dot
product, the matrix product, broadcasting). :func:`forbidden` lets a test run
the student's function while those shortcuts raise :class:`ForbiddenCall`, so
the test judges what the code *does*, not how its text looks.
"""
from __future__ import annotations

import contextlib
import dis
import importlib
import os
import sys

import numpy as np


class ForbiddenCall(RuntimeError):
    """Raised when an exercise uses a function or operator it must not use."""


# Binary-operator codes of `@` and `@=` (BINARY_OP's argument, Python >= 3.11).
_MATMUL_OPARGS = {
    arg for arg, (name, _) in enumerate(getattr(dis, "_nb_ops", []))
    if name in ("NB_MATRIX_MULTIPLY", "NB_INPLACE_MATRIX_MULTIPLY")
}
_BINARY_OP = dis.opmap.get("BINARY_OP")
_OLD_MATMUL_OPS = {dis.opmap[n] for n in ("BINARY_MATRIX_MULTIPLY", "INPLACE_MATRIX_MULTIPLY")
                   if n in dis.opmap}

# Code in these folders (NumPy, the standard library, this package) is not the
# student's: it may use `@` internally without breaking a rule.
_LIBRARY_DIRS = tuple(sorted({
    os.path.dirname(os.path.dirname(np.__file__)),
    os.path.dirname(os.__file__),
    os.path.dirname(__file__),
}))


def _resolve(path: str):
    """'numpy.lib.stride_tricks.broadcast_to' -> (module object, 'broadcast_to')."""
    module_name, _, attribute = path.rpartition(".")
    return importlib.import_module(module_name), attribute


def _is_matmul(frame) -> bool:
    code = frame.f_code.co_code
    offset = frame.f_lasti
    if offset < 0 or offset + 1 >= len(code):
        return False
    op = code[offset]
    if _BINARY_OP is not None and op == _BINARY_OP:
        return code[offset + 1] in _MATMUL_OPARGS
    return op in _OLD_MATMUL_OPS


@contextlib.contextmanager
def forbidden(*paths: str, methods=(), matmul_operator: bool = False, reason: str = ""):
    """Run a block in which some shortcuts raise :class:`ForbiddenCall`.

    Parameters
    ----------
    paths : str
        Dotted names of functions to forbid, e.g. ``"numpy.dot"``.
    methods : iterable of str
        Names of ``numpy.ndarray`` methods to forbid, e.g. ``"dot"``.
    matmul_operator : bool
        Forbid executing ``@`` (and ``@=``) in the student's own code.
    reason : str
        Appended to the error message, e.g. "write the loop yourself".
    """
    saved = []
    suffix = f" ({reason})" if reason else ""

    def blocker(name):
        def blocked(*args, **kwargs):
            raise ForbiddenCall(f"this exercise must not call {name}{suffix}")
        return blocked

    for path in paths:
        module, attribute = _resolve(path)
        if hasattr(module, attribute):
            saved.append((module, attribute, getattr(module, attribute)))
            setattr(module, attribute, blocker(path.replace("numpy.", "np.")))

    methods = set(methods)

    def profiler(frame, event, arg):
        # ndarray methods are C functions: they show up as 'c_call' events.
        if event == "c_call" and getattr(arg, "__name__", None) in methods and \
                isinstance(getattr(arg, "__self__", None), np.ndarray):
            raise ForbiddenCall(f"this exercise must not call ndarray.{arg.__name__}{suffix}")

    def tracer(frame, event, arg):
        if event == "call":
            if frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
                return None
            frame.f_trace_opcodes = True
            return tracer
        if event == "opcode" and _is_matmul(frame):
            raise ForbiddenCall(f"this exercise must not use the @ operator{suffix}")
        return tracer

    old_profile, old_trace = sys.getprofile(), sys.gettrace()
    if methods:
        sys.setprofile(profiler)
    if matmul_operator:
        sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(old_trace)
        sys.setprofile(old_profile)
        for module, attribute, original in reversed(saved):
            setattr(module, attribute, original)


PRODUCT_SHORTCUTS = ("numpy.dot", "numpy.inner", "numpy.matmul", "numpy.einsum",
                     "numpy.tensordot", "numpy.vdot", "numpy.linalg.multi_dot",
                     "numpy.linalg.matmul", "numpy.linalg.vecdot", "numpy.vecdot",
                     "numpy.matvec", "numpy.vecmat", "operator.matmul")


@contextlib.contextmanager
def no_products():
    """Forbid NumPy's products, ``ndarray.dot`` and ``@``: write the sums yourself."""
    with forbidden(*PRODUCT_SHORTCUTS, methods=("dot",), matmul_operator=True,
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
