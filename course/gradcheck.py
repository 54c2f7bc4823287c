"""Gradient checking: compare an analytic gradient with a numerical one.

A backward pass is right when its gradient agrees with central differences
of the forward pass, **entry by entry**. As in CS231n's assignments, the
error of each entry is relative to the size of that entry,

    error = max over entries of |a - n| / max(|a| + |n|, FLOOR),

so a wrong sign in a small entry is not hidden by a large one: the analytic
``[1000, 1e-4]`` against the numerical ``[1000, -1e-4]`` has error 0.02, not
the 1e-7 that one relative error for the whole array would give.

The step is the one 04 teaches, h = 1e-4: its truncation error is of order
h² = 1e-8 and its rounding error about 1e-16 / h = 1e-12 (for a loss of order
one), so a correct backward pass shows an error near 1e-8 or below, under the
default tolerance of 1e-6, while a wrong formula shows 1e-2 or more. Entries
smaller than ``FLOOR`` = 1e-2 are compared in absolute terms, to within
``tol * FLOOR`` = 1e-8: that is how accurate the central difference itself is
(its absolute error reaches a few 1e-9 on a two-layer network's loss), so a
gradient entry below about 1e-8 cannot be checked numerically at all.

:func:`check_gradient` checks one array and prints one line;
:func:`check_gradients` checks several (W1, b1, W2, b2) and prints a table
with each one's worst entry, its analytic and numerical values, its error and
a verdict.
"""
from __future__ import annotations

import numpy as np

from .checks import CheckFailed, check_shape

STEP = 1e-4   # the step of 04_gradients (numerical_diff, numerical_gradient)
FLOOR = 1e-2  # entries smaller than this are compared in absolute terms (tol * FLOOR)


def _central_differences(f, x: np.ndarray, step: float = STEP) -> np.ndarray:
    """Estimate d f() / d x for a scalar-valued f of no arguments that reads x.

    x is changed in place one entry at a time and restored exactly.
    """
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        above = float(f())
        x[index] = original - step
        below = float(f())
        x[index] = original
        grad[index] = (above - below) / (2 * step)
    return grad


def _errors(a: np.ndarray, b: np.ndarray, floor: float) -> np.ndarray:
    """|a - b| / max(|a| + |b|, floor), entry by entry (NaN and inf count as infinitely wrong)."""
    with np.errstate(invalid="ignore", over="ignore"):
        errors = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)
    return np.where(np.isfinite(errors), errors, np.inf)


def relative_error(a, b, floor: float = FLOOR) -> float:
    """The largest element-wise relative error: max |a - b| / max(|a| + |b|, floor).

    Entries whose sizes add up to less than ``floor`` are compared in absolute
    terms (divided by ``floor``), so zeros compare as equal.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.size == 0:
        return 0.0
    return float(np.max(_errors(a, b, floor)))


def _worst(analytic: np.ndarray, numeric: np.ndarray):
    """(error, index, analytic value, numerical value) of the worst entry."""
    errors = _errors(analytic, numeric, FLOOR)
    if errors.size == 0:
        return 0.0, (), 0.0, 0.0
    index = np.unravel_index(int(np.argmax(errors)), errors.shape)
    index = tuple(int(i) for i in index)
    return float(errors[index]), index, float(analytic[index]), float(numeric[index])


def _numeric_for(what: str, analytic, f, x: np.ndarray):
    check_shape(what, analytic, x.shape)
    return np.asarray(analytic, dtype=float), _central_differences(f, x)


def check_gradient(what: str, analytic, f, x: np.ndarray, tol: float = 1e-6,
                   verbose: bool = True) -> float:
    """Check an analytic gradient against central differences, entry by entry.

    Parameters
    ----------
    what : str
        Names the gradient in the message, e.g. ``"Affine.backward dW"``.
    analytic : ndarray
        The gradient computed by the backward pass, shape of ``x``.
    f : callable
        ``f()`` re-runs the forward pass and returns the scalar loss; it must
        read the array ``x`` (which is nudged in place and restored).
    x : ndarray, float
        The input or parameter the gradient is taken with respect to.

    Returns the largest element-wise relative error; raises
    :class:`CheckFailed` when it is ``tol`` or more, naming the worst entry.
    """
    analytic, numeric = _numeric_for(what, analytic, f, x)
    error, index, a, n = _worst(analytic, numeric)
    verdict = "ok" if error < tol else "TOO LARGE"
    if verbose:
        print(f"{what}: relative error {error:.2e} (expect < {tol:.0e}) {verdict}")
    if error >= tol:
        raise CheckFailed(
            f"{what} does not match the numerical gradient: at index {index} the analytic "
            f"value is {a:.6g}, the numerical {n:.6g} (relative error {error:.2e}, expected "
            f"< {tol:.0e}). Compare your formula's indices, sums and sign with the derivation.")
    return error


def check_gradients(f, gradients: dict, tol: float = 1e-6, verbose: bool = True) -> dict:
    """Check several gradients of one loss, and print a table of their worst entries.

    Parameters
    ----------
    f : callable
        ``f()`` re-runs the forward pass and returns the scalar loss; it must
        read every array being checked (each is nudged in place and restored).
    gradients : dict
        ``name -> (analytic, x)``, e.g. ``{"W1": (grads[0], params[0]), ...}``:
        the gradient the backward pass computed for the array ``x``.

    Prints one row per name: its shape, the worst entry, the analytic and the
    numerical value there, the relative error and ``ok`` or ``WRONG``. Returns
    ``{name: error}``; raises :class:`CheckFailed` after the table if any is
    ``tol`` or more.
    """
    rows, errors, wrong = [], {}, []
    for name, (analytic, x) in gradients.items():
        analytic, numeric = _numeric_for(f"the gradient of {name}", analytic, f, x)
        error, index, a, n = _worst(analytic, numeric)
        errors[name] = error
        verdict = "ok" if error < tol else "WRONG"
        if error >= tol:
            wrong.append(name)
        rows.append((name, str(x.shape), str(index), f"{a:+.8f}", f"{n:+.8f}", f"{error:.1e}",
                     verdict))
    if verbose:
        header = ("name", "shape", "worst entry", "analytic", "numerical", "rel. error", "verdict")
        widths = [max(len(r[k]) for r in rows + [header]) for k in range(len(header))]
        for row in [header] + rows:
            print("  ".join(cell.ljust(w) if k < 3 or k == 6 else cell.rjust(w)
                            for k, (cell, w) in enumerate(zip(row, widths))).rstrip())
        print(f"(rel. error: max over entries of |a - n| / max(|a| + |n|, {FLOOR:g}); "
              f"expect < {tol:.0e})")
    if wrong:
        raise CheckFailed(
            f"{', '.join(wrong)}: the backward pass does not match the numerical gradient "
            f"(see the table: relative error {max(errors[w] for w in wrong):.1e}, expected "
            f"< {tol:.0e})")
    return errors
