"""Friendly checks for visible tests.

Every check raises :class:`CheckFailed` with a sentence a student can act on,
naming what was checked, what came back and what was expected, for example::

    CheckFailed: Affine.forward(x) returned shape (10, 4), expected (10, 3)

``what`` is always the first argument: a short description of the call under
test, such as ``"dot(x, y)"`` or ``"Affine.forward(x)"``.
"""
from __future__ import annotations

import contextlib
import warnings

import numpy as np


class CheckFailed(AssertionError):
    """A visible check failed; the message says what to fix."""


def _fail(message: str):
    # `from None` keeps the student's traceback short: only the check's message.
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
    pointers innermost first.
    """
    try:
        yield
    except CheckFailed as error:
        raise CheckFailed(f"{error}\n→ see {where}") from None


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


def check_same_object(what: str, value, expected) -> None:
    """``value is expected``: the very same object, not a copy."""
    if value is not expected:
        _fail(f"{what} is not the same object as expected (a copy or a new array?); "
              f"keep a reference to the array you were given")
