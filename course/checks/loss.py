"""Checks of 03_loss that take more than a line, so its test cells read as the checks they make.

Every function here takes the student's functions and objects as arguments
(``softmax``, ``cross_entropy_error``, a ``SoftmaxWithLoss`` layer) and only
calls them, reads what they return and compares it with values the test cell
passes in: none of them computes a softmax or a loss itself, so nothing here
solves an exercise. They work the same whether the student's code runs in this
process or behind a proxy in another one (they never look at tracebacks,
classes or the text of the code).
"""
from __future__ import annotations

import numpy as np

from . import CheckFailed, check_scalar, check_true, quiet

#: Losses are compared to within this (relative, absolute) tolerance: the book's
#: ``+ 1e-7`` inside the log and an exact log-softmax differ by about 1e-7 / y_c per
#: sample, far inside it wherever the correct classes keep a few percent.
LOSS_RTOL, LOSS_ATOL = 1e-5, 1e-6


def _fail(message: str):
    raise CheckFailed(message) from None


def _shape(value) -> str:
    return f"{tuple(np.shape(value))}"


def check_loss(what: str, value, expected: float, why: str = "") -> float:
    """``value`` is one number within the loss tolerance of ``expected``; returns it as a float.

    ``why`` (optional) is appended to the failure message: what the likely mistake is.
    """
    got = check_scalar(what, value)
    check_true(bool(np.isclose(got, expected, rtol=LOSS_RTOL, atol=LOSS_ATOL)),
               f"{what} returned {got:.6g}, expected {expected:.6g}" + (f": {why}" if why else ""))
    return got


def check_unchanged(what: str, array, before) -> None:
    """The caller's ``array`` still equals ``before``, a copy taken before the call.

    Shape, dtype and every value must be as they were; ``what`` names the
    array, e.g. ``"t after cross_entropy_error(y, t)"``.
    """
    if array.shape != before.shape:
        _fail(f"{what} has shape {array.shape}, not {before.shape} as before the call: the "
              f"function reshaped the caller's array (y.shape = ...); give the reshaped array "
              f"a new name instead (y2 = y.reshape(1, -1))")
    if array.dtype != before.dtype or not np.array_equal(array, before, equal_nan=True):
        _fail(f"{what} holds {np.array2string(array, precision=4)}, not "
              f"{np.array2string(before, precision=4)} as before the call: the function wrote "
              f"into the caller's array (x -= ..., y += ...); compute into a new one "
              f"(x = x - ...)")


def check_leaves_inputs(call: str, function, **arrays) -> bool:
    """Call ``function`` with the caller's own arrays and check that it leaves them as they were.

    ``arrays`` are passed positionally, in order, and named in messages
    (``check_leaves_inputs("cross_entropy_error", cross_entropy_error, y=y, t=t)``).
    An error other than NotImplementedError is not judged here (other checks say
    why the function fails on these arrays); returns whether the call returned.
    """
    before = {name: array.copy() for name, array in arrays.items()}
    shapes = " and ".join(f"{name} of shape {_shape(array)}" for name, array in before.items())
    try:
        with quiet():
            function(*arrays.values())
        returned = True
    except NotImplementedError:
        raise
    except Exception:
        returned = False
    for name, array in arrays.items():
        check_unchanged(f"{name} after {call}({', '.join(arrays)}) with {shapes}", array,
                        before[name])
    return returned


# ---------------------------------------------------------------------------------------------
# SoftmaxWithLoss: a layer is judged on its own, whatever the student's two functions do.

_FAILED = object()


def _own_loss(softmax, cross_entropy_error, x, t):
    """(loss, changes_inputs): the student's own cross_entropy_error(softmax(x), t) on copies.

    ``loss`` is the exception raised if they fail; ``changes_inputs`` says
    whether they wrote into the copies of x and t they were given.
    """
    x_copy, t_copy = x.copy(), t.copy()
    try:
        with quiet():
            probs = softmax(x_copy)
            loss = cross_entropy_error(np.array(probs, dtype=float), t_copy)
    except NotImplementedError:
        raise
    except Exception as error:
        loss = error
    changes = not (np.array_equal(x_copy, x) and np.array_equal(t_copy, t)
                   and x_copy.shape == x.shape and t_copy.shape == t.shape)
    return loss, changes


def _same_numbers(a, b) -> bool:
    try:
        return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=1e-7, atol=1e-9,
                                                               equal_nan=True))
    except (TypeError, ValueError):
        return False


def _describe_t(t) -> str:
    kind = "one-hot" if np.ndim(t) == 2 else "label indices"
    values = t.argmax(axis=1) if np.ndim(t) == 2 else t
    return f"{kind} t (classes {np.asarray(values).tolist()})"


def forward_problems(calls, softmax, cross_entropy_error):
    """Run ``layer.forward(x, t)`` for each ``(layer, x, t, expected)`` of ``calls``, in order.

    Each call gets the caller's own x and t (as training passes them) and must
    return ``expected`` (or what the student's own ``cross_entropy_error(softmax(x), t)``
    returns, so that mistakes of those two functions count only in their own
    tests) and leave x and t unchanged (unless those functions change them).
    A call that raises the same error as the student's own two functions is
    not judged here. Returns ``(problems, judged)``: sentences saying what went
    wrong, and how many calls could be judged.
    """
    problems, judged = [], 0
    for k, (layer, x, t, expected) in enumerate(calls, start=1):
        what = (f"call {k}: forward(x, t) with x of shape {x.shape} (scores "
                f"{np.min(x):.4g} .. {np.max(x):.4g}) and {_describe_t(t)}")
        own, own_changes = _own_loss(softmax, cross_entropy_error, x, t)
        x_before, t_before = x.copy(), t.copy()
        try:
            with quiet():
                loss = layer.forward(x, t)
        except NotImplementedError:
            raise
        except Exception as error:
            if (isinstance(own, Exception) and type(own) is type(error)
                    and str(own) == str(error)):
                continue        # the student's own softmax or cross_entropy_error fails here
            problems.append(f"{what} raised {type(error).__name__}: {error}")
            continue
        judged += 1
        if not _same_numbers(loss, own):
            try:
                check_loss(what, loss, expected)
            except CheckFailed as failure:
                problems.append(str(failure))
        moved = not (x.shape == x_before.shape and t.shape == t_before.shape
                     and np.array_equal(x, x_before) and np.array_equal(t, t_before))
        if moved and not own_changes:
            problems.append(f"{what} changed the x or t it was given")
    return problems, judged


def check_forward(calls, softmax, cross_entropy_error, what: str = "SoftmaxWithLoss") -> None:
    """Every ``(layer, x, t, expected)`` of ``calls``, run in order, gives its expected loss.

    See :func:`forward_problems`. Fails with every problem found, or if no call
    could be judged because the student's own softmax or cross_entropy_error
    fail on every input (their own checks say why).
    """
    problems, judged = forward_problems(calls, softmax, cross_entropy_error)
    if problems:
        _fail(f"{what}: " + "\n  ".join(problems)
              + "\nEvery forward computes its loss from its own x and t only (nothing kept from an "
              "earlier call or another layer), as cross_entropy_error(softmax(x), t)")
    if not judged:
        _fail(f"{what}: no call could be judged: cross_entropy_error(softmax(x), t) with your own "
              f"functions fails for every batch here. Fix softmax and cross_entropy_error first "
              f"(their checks say why)")
