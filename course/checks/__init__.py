"""Friendly checks for visible tests.

Every check raises :class:`CheckFailed` with a sentence a student can act on,
naming what was checked, what came back and what was expected, for example::

    CheckFailed: Affine.forward(x) returned shape (10, 4), expected (10, 3)

``what`` is always the first argument: a short description of the call under
test, such as ``"dot(x, y)"`` or ``"Affine.forward(x)"``.

In a Jupyter kernel a failed check shows the student's own lines and the
message, not the frames of this package or of :mod:`contextlib` that it went
through (:meth:`CheckFailed._render_traceback_`, the hook IPython asks an
exception for its traceback); the cell still ends in an ``error`` output, so
nbgrader scores it as failed.

Modules of this package (``course.checks.arrays``, ``course.checks.forward``,
…) hold the helpers of each assignment's tests.
"""
from __future__ import annotations

import contextlib
import linecache
import os
import warnings

import numpy as np

from ..rules import ForbiddenCall

# Frames a student never needs to read: this package's own, contextlib's (every
# `with see(...)` and `with quiet()` goes through it), and IPython's cell runner.
_COURSE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_CONTEXTLIB = os.path.abspath(contextlib.__file__)


def _own_frame(filename: str) -> bool:
    return (os.path.abspath(filename).startswith(_COURSE_DIR)
            or os.path.abspath(filename) == _CONTEXTLIB
            or f"{os.sep}IPython{os.sep}core{os.sep}" in filename)


def student_traceback(tb) -> list:
    """The entries of traceback ``tb`` a student needs: not this package's, contextlib's or IPython's.

    A frame met twice (the cell's ``with see(...)`` line on the way out of the
    block, the failing check's line inside it) is kept once, at its latest line.
    """
    kept = []
    while tb is not None:
        if not _own_frame(tb.tb_frame.f_code.co_filename):
            kept = [t for t in kept if t.tb_frame is not tb.tb_frame] + [tb]
        tb = tb.tb_next
    return kept


def _frame_text(entry, shell, context: int = 2) -> str:
    """One frame as IPython shows it: ``Cell In[7], line 4`` and the numbered lines around it.

    IPython itself shows a notebook cell's frame at the line where the frame
    stopped (the ``with`` line for a check inside a ``with`` block); this
    shows the line the exception passed, the failing check's.
    """
    code, line = entry.tb_frame.f_code, entry.tb_lineno
    label = shell.compile.format_code_name(code.co_filename) if shell is not None else None
    where = f"{label[0]} {label[1]}" if label else f"File {code.co_filename}"
    head = f"{where}, line {line}" + ("" if code.co_name == "<module>" else f", in {code.co_name}")
    source = linecache.getlines(code.co_filename, entry.tb_frame.f_globals)
    first, last = max(1, line - context), min(len(source), line + context)
    width = len(str(last))
    body = [f"{'---->' if n == line else '':5} {n:>{width}} {source[n - 1].rstrip()}"
            for n in range(first, last + 1)]
    return "\n".join([head] + body) + "\n"


class CheckFailed(AssertionError):
    """A visible check failed; the message says what to fix."""

    def _render_traceback_(self):
        """The traceback IPython shows: the student's lines and the message, nothing of ours."""
        name = type(self).__name__
        try:
            from IPython import get_ipython

            frames = [_frame_text(entry, get_ipython())
                      for entry in student_traceback(self.__traceback__)]
        except Exception:   # never fail while showing a failure: the message will do
            frames = []
        head = "-" * 75 + "\n" + name + "Traceback (most recent call last)".rjust(75 - len(name))
        return [head] + frames + [f"{name}: {self}"]


def _fail(message: str):
    # `from None`: the message alone says what went wrong, no chained exception.
    raise CheckFailed(message) from None


@contextlib.contextmanager
def quiet():
    """Silence NumPy floating-point warnings and Python warnings.

    nbgrader marks a test cell as failed when it writes to stderr, so a
    correct solution's harmless ``RuntimeWarning: overflow in exp`` would cost
    points; tests call student code inside ``with quiet():``.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def see(where: str):
    """Point every failed check inside the block to the text that explains it.

    A test cell wraps the checks that detect one kind of mistake, so the
    student is sent to the right hint or section::

        with see("Hint 2 of Affine (힌트 2): the bias is added to every row"):
            check_close("Affine.forward(x)", out, expected)

    fails with ``CheckFailed: Affine.forward(x) differs ... → see Hint 2 of
    Affine (힌트 2): the bias is added to every row``. Nested blocks add their
    pointers innermost first. A shortcut that a rule block inside forbids
    (:class:`course.rules.ForbiddenCall`) fails the same way, its traceback
    still ending at the student's line that used it.
    """
    try:
        yield
    except CheckFailed as error:
        # The same exception, so its traceback still points at the failing check's line.
        error.args = (f"{error}\n→ see {where}",)
        raise
    except ForbiddenCall as error:
        raise CheckFailed(f"{error}\n→ see {where}").with_traceback(error.__traceback__) from None


def check_true(condition, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        _fail(message)


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {value!r}"


def check_type(what: str, value, types, expected: str | None = None) -> None:
    """``value`` is an instance of ``types``."""
    if not isinstance(value, types):
        names = expected or " or ".join(
            t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        _fail(f"{what} returned {_describe(value)}, expected {names}")


def check_shape(what: str, value, shape) -> None:
    """``value`` is a NumPy array of exactly ``shape``."""
    shape = tuple(shape)
    if not isinstance(value, np.ndarray):
        _fail(f"{what} returned {_describe(value)}, expected a NumPy array of shape {shape}")
    if value.shape != shape:
        _fail(f"{what} returned shape {value.shape}, expected {shape}")


def check_dtype(what: str, value, kind: str = "f") -> None:
    """``value`` is an array whose dtype kind is one of ``kind``.

    Kinds as in ``numpy.dtype.kind``: ``"f"`` float, ``"i"`` signed integer,
    ``"b"`` boolean, ``"iu"`` any integer.
    """
    names = {"f": "floating-point", "i": "integer", "u": "unsigned integer",
             "b": "boolean", "iu": "integer"}
    dtype = np.asarray(value).dtype
    if dtype.kind not in kind:
        _fail(f"{what} returned dtype {dtype}, expected a {names.get(kind, kind)} dtype")


def check_scalar(what: str, value) -> float:
    """``value`` is one real number (a Python or NumPy scalar, or a 0-d array).

    Returns it as a Python float so the caller can compare it.
    """
    if isinstance(value, np.ndarray) and value.ndim > 0:
        _fail(f"{what} returned an array of shape {value.shape}, expected a single number")
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating, np.ndarray)):
        _fail(f"{what} returned {_describe(value)}, expected a single number")
    return float(value)


def _errors(actual, expected):
    diff = np.abs(actual - expected)
    scale = np.maximum(np.abs(actual), np.abs(expected))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(scale > 0, diff / scale, 0.0)
    return diff, rel


def check_close(what: str, value, expected, rtol: float = 1e-7, atol: float = 1e-9) -> None:
    """``value`` has ``expected``'s shape and matches it within tolerance.

    Passes where ``|value - expected| <= atol + rtol * |expected|`` everywhere.
    On failure the message gives the worst entry, the maximum absolute error
    and the maximum relative error.
    """
    expected = np.asarray(expected, dtype=float)
    if expected.ndim == 0:
        actual = np.float64(check_scalar(what, value))
    else:
        check_shape(what, value, expected.shape)
        actual = np.asarray(value, dtype=float)
    if np.array_equal(np.isnan(actual), np.isnan(expected)) and np.all(
            np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)):
        return
    if np.any(np.isnan(actual)) and not np.any(np.isnan(expected)):
        where = tuple(int(i) for i in np.argwhere(np.isnan(actual))[0])
        _fail(f"{what} returned NaN at index {where}, expected {expected[where]:.6g}")
    if np.any(np.isinf(actual)) and not np.any(np.isinf(expected)):
        where = tuple(int(i) for i in np.argwhere(np.isinf(actual))[0])
        _fail(f"{what} returned {actual[where]} at index {where}, expected {expected[where]:.6g}")
    diff, rel = _errors(actual, expected)
    diff = np.nan_to_num(diff, nan=np.inf)
    where = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if where else ""
    _fail(f"{what} differs from the expected value{at}: got {actual[where]:.6g}, "
          f"expected {expected[where]:.6g} (max abs error {np.max(diff):.2e}, "
          f"max rel error {np.max(rel):.2e})")


def check_equal(what: str, value, expected) -> None:
    """``value == expected`` for plain Python values (tuples, ints, strings)."""
    if isinstance(value, np.ndarray) or isinstance(expected, np.ndarray):
        raise TypeError("check_equal compares plain values; use check_close for arrays")
    if type(value) is not type(expected) and not (
            isinstance(value, (int, float)) and isinstance(expected, (int, float))):
        _fail(f"{what} returned {_describe(value)}, expected {type(expected).__name__} {expected!r}")
    if value != expected:
        _fail(f"{what} returned {value!r}, expected {expected!r}")


def check_raises(what: str, exception, function, *args, **kwargs) -> BaseException:
    """Calling ``function(*args, **kwargs)`` raises ``exception``.

    Returns the exception so a test can inspect its message.
    """
    try:
        result = function(*args, **kwargs)
    except exception as error:  # the expected outcome
        return error
    except NotImplementedError:
        raise
    except Exception as error:
        _fail(f"{what} raised {type(error).__name__}({error}), expected {exception.__name__}")
    _fail(f"{what} should raise {exception.__name__}, but returned {_describe(result)}")


def check_unchanged(what: str, value, before) -> None:
    """``value`` still holds ``before`` (a copy taken before the call): the call left it alone."""
    before = np.asarray(before)
    if not (isinstance(value, np.ndarray) and value.shape == before.shape
            and np.array_equal(value, before, equal_nan=True)):
        _fail(f"{what} changed during the call: leave the arrays you are given as they are "
              f"and compute new ones (no `x *= ...`, no `out=x`)")


def check_same_object(what: str, value, expected) -> None:
    """``value is expected``: the very same object, not a copy."""
    if value is not expected:
        _fail(f"{what} is not the same object as expected (a copy or a new array?); "
              f"keep a reference to the array you were given")
