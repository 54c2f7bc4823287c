"""Gradient checking: compare an analytic gradient with a numerical one.

A backward pass is right when its gradient agrees with central differences
of the forward pass. :func:`check_gradient` prints the relative error next
to what to expect, as CS231n's assignments do, and fails when it is too large.

The step is the one 04 teaches, h = 1e-4: its truncation error is of order
h² = 1e-8 and its rounding error about 1e-16 / h = 1e-12, so a correct
backward pass shows a relative error near 1e-8 or below, far under the
default tolerance of 1e-6, while a wrong formula shows 1e-2 or more. (A
smaller step buys nothing here, and below 1e-5 rounding starts to dominate,
as 04 shows.)
"""
from __future__ import annotations

import numpy as np

from .checks import CheckFailed, check_shape

STEP = 1e-4  # the step of 04_gradients (numerical_diff, numerical_gradient)


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


def relative_error(a, b) -> float:
    """max |a - b| / max(|a| + |b|), with a floor so zeros compare as equal."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b))))


def check_gradient(what: str, analytic, f, x: np.ndarray, tol: float = 1e-6,
                   verbose: bool = True) -> float:
    """Check an analytic gradient against central differences.

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

    Returns the relative error; raises :class:`CheckFailed` above ``tol``.
    """
    check_shape(what, analytic, x.shape)
    numeric = _central_differences(f, x)
    error = relative_error(analytic, numeric)
    verdict = "ok" if error < tol else "TOO LARGE"
    if verbose:
        print(f"{what}: relative error {error:.2e} (expect < {tol:.0e}) {verdict}")
    if error >= tol:
        raise CheckFailed(
            f"{what} does not match the numerical gradient: relative error {error:.2e}, "
            f"expected < {tol:.0e}. Compare your formula's shape and sign with the derivation.")
    return error
