"""Figures of 04_gradients: tangent lines, step-size errors, gradient fields.

Every function draws what it is given: slopes, errors and gradients are
computed by the notebook (with the student's own functions where an exercise
is involved), never here.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]


def draw_tangent(f, x0, slope=None, xlim=(0.0, 20.0), ax=None, label="f(x)"):
    """Draw ``f`` on ``xlim`` and, if ``slope`` is given, its tangent at ``x0``.

    Parameters
    ----------
    f : callable
        Scalar function; it is called on a 1-D array of 200 points.
    x0 : float
        The point of tangency, marked with a dot.
    slope : float or None
        The derivative at ``x0`` (the caller computes it); ``None`` draws no
        tangent, only the point.

    The tangent is the line ``y = f(x0) + slope * (x - x0)``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.8))
    xs = np.linspace(xlim[0], xlim[1], 200)
    ys = np.asarray(f(xs), dtype=float)
    y0 = float(f(x0))
    ax.plot(xs, ys, color=COLORS[0], lw=2, label=label)
    if slope is not None:
        ax.plot(xs, y0 + slope * (xs - x0), color=COLORS[1], lw=1.5, ls="--",
                label=f"tangent at x = {x0:.2f}, slope {slope:.4g}")
    ax.plot([x0], [y0], "o", color=COLORS[3], zorder=3)
    span = ys.max() - ys.min()
    margin = 0.15 * span if span > 0 else 1.0
    ax.set_ylim(ys.min() - margin, ys.max() + margin)
    ax.set_xlim(*xlim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    return ax.figure


def draw_step_errors(hs, errors, best=1e-4, ax=None):
    """Log-log plot of the error of a numerical derivative against the step h.

    Parameters
    ----------
    hs : array of shape (K,)
        The step sizes, positive.
    errors : dict
        ``label -> array of shape (K,)`` of absolute errors, one curve per
        method (e.g. forward and central differences). Zero errors are drawn
        at the bottom of the axes instead of disappearing.
    best : float
        A step to mark with a vertical line (the course's h = 1e-4).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    hs = np.asarray(hs, dtype=float)
    floor = 1e-17
    for k, (label, err) in enumerate(errors.items()):
        err = np.maximum(np.abs(np.asarray(err, dtype=float)), floor)
        ax.loglog(hs, err, "o-", color=COLORS[k % len(COLORS)], ms=4, label=label)
    if best is not None:
        ax.axvline(best, color="0.4", ls=":", lw=1.2)
        ax.text(best, ax.get_ylim()[1], f" h = {best:g}", va="top", fontsize=9, color="0.3")
    ax.invert_xaxis()
    ax.set_xlabel("step h (smaller to the right)")
    ax.set_ylabel("|numerical - exact|")
    ax.set_title("truncation error falls with h, rounding error grows as h -> 0", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    return ax.figure


def draw_gradient_field(f, gradient, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), n=9,
                        negative=True, ax=None):
    """Contours of ``f(x0, x1)`` with the gradient drawn as arrows on an n×n grid.

    Parameters
    ----------
    f : callable
        ``f(point) -> float`` for a point of shape (2,).
    gradient : callable
        ``gradient(point) -> array of shape (2,)``, e.g. a lambda around the
        student's ``numerical_gradient``. Any exception it raises (such as
        ``NotImplementedError``) propagates to the caller.
    negative : bool
        Draw ``-gradient`` (the direction of steepest descent, as the book
        does) instead of the gradient.
    """
    g0 = np.linspace(xlim[0], xlim[1], n)
    g1 = np.linspace(ylim[0], ylim[1], n)
    U = np.zeros((n, n))
    V = np.zeros((n, n))
    for i, b in enumerate(g1):
        for j, a in enumerate(g0):
            g = np.asarray(gradient(np.array([a, b], dtype=float)), dtype=float).reshape(-1)
            if g.shape != (2,):
                raise ValueError(f"gradient(point) returned {g.size} numbers, expected 2")
            U[i, j], V[i, j] = (-g if negative else g)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    c0 = np.linspace(xlim[0], xlim[1], 80)
    c1 = np.linspace(ylim[0], ylim[1], 80)
    Z = np.array([[f(np.array([a, b])) for a in c0] for b in c1])
    contours = ax.contour(c0, c1, Z, levels=10, colors="0.6", linewidths=0.8)
    ax.clabel(contours, fontsize=7, fmt="%.2g")
    A, B = np.meshgrid(g0, g1)
    ax.quiver(A, B, U, V, color=COLORS[0], angles="xy")
    ax.plot([0], [0], "+", color=COLORS[3], ms=10)
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_aspect("equal")
    ax.set_title("arrows: " + ("-gradient (steepest descent)" if negative else "gradient"),
                 fontsize=10)
    return ax.figure


def draw_function_and_derivative(x, y, dy, names=("f(x)", "f'(x)"), ax=None):
    """Plot a function and its derivative on the same axes.

    ``x``, ``y`` and ``dy`` are arrays of shape (K,) computed by the caller
    (for 04: the sigmoid and the student's ``sigmoid_grad``).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.plot(x, y, color=COLORS[0], lw=2, label=names[0])
    ax.plot(x, dy, color=COLORS[1], lw=2, label=names[1])
    ax.axhline(0, color="0.7", lw=0.8)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("x")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return ax.figure


def draw_softmax_gradient(J, through_J, shortcut, labels=None):
    """The Jacobian of softmax as a heat map, next to the gradient carried back through it.

    Parameters
    ----------
    J : array of shape (C, C)
        ``J[k, j] = dy_k / dx_j`` (for 04: the student's ``softmax_jacobian``).
    through_J : array of shape (C,)
        ``J.T @ dL_dy``, the gradient of the loss with respect to the scores
        computed through ``J`` by the caller.
    shortcut : array of shape (C,)
        ``y - t``, the same gradient from the closed form, for comparison.
    labels : list of str, optional
        Class names (default ``0 .. C-1``).
    """
    J = np.asarray(J, dtype=float)
    through_J = np.asarray(through_J, dtype=float).reshape(-1)
    shortcut = np.asarray(shortcut, dtype=float).reshape(-1)
    count = J.shape[0]
    names = list(labels) if labels is not None else [str(k) for k in range(count)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    limit = float(np.max(np.abs(J))) if np.size(J) and np.any(J) else 1.0
    image = left.imshow(J, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (k, j), value in np.ndenumerate(J):
        left.text(j, k, f"{value:.3f}", ha="center", va="center", fontsize=9)
    left.set_xticks(range(count), [f"x{n}" for n in names])
    left.set_yticks(range(count), [f"y{n}" for n in names])
    left.set_title("your Jacobian: J[k, j] = dy_k / dx_j", fontsize=10)
    fig.colorbar(image, ax=left, shrink=0.8)
    positions = np.arange(count)
    right.bar(positions - 0.2, through_J, width=0.4, color=COLORS[0], label="J^T dL/dy (your J)")
    right.bar(positions + 0.2, shortcut, width=0.4, color=COLORS[1], label="y - t")
    right.axhline(0, color="0.5", lw=0.8)
    right.set_xticks(positions, [f"class {n}" for n in names])
    right.set_ylabel("dL / dx")
    right.set_title("the gradient of the loss with respect to the scores", fontsize=10)
    right.grid(axis="y", alpha=0.3)
    right.legend(fontsize=9)
    return fig
