"""Figures of 01_arrays: vectors as arrows, element-wise grids, the matrix product."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]


def draw_vectors(vectors, labels=None, ax=None):
    """Draw 2-D vectors as arrows from the origin, labelled at their tips."""
    vectors = [np.asarray(v, dtype=float) for v in vectors]
    labels = labels or [str(tuple(v)) for v in vectors]
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    for k, (v, label) in enumerate(zip(vectors, labels)):
        color = COLORS[k % len(COLORS)]
        ax.annotate("", xy=v, xytext=(0, 0),
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=2))
        # labels grow away from the origin, so they stay inside the axes
        ax.text(v[0] * 1.05, v[1] * 1.05, label, color=color, fontsize=11,
                ha="right" if v[0] < 0 else "left" if v[0] > 0 else "center",
                va="bottom" if v[1] >= 0 else "top")
    reach = max(1.0, max(np.abs(v).max() for v in vectors)) * 1.4
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.axhline(0, color="0.7", lw=0.8)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    return ax.figure


def _draw_grid(ax, matrix, title, highlight=None, color="tab:orange"):
    """One matrix as a table of numbered boxes; ``highlight`` is a set of (i, j)."""
    matrix = np.atleast_2d(np.asarray(matrix))
    rows, cols = matrix.shape
    highlight = highlight or set()
    for i in range(rows):
        for j in range(cols):
            face = color if (i, j) in highlight else "white"
            ax.add_patch(plt.Rectangle((j, rows - 1 - i), 1, 1, facecolor=face,
                                       edgecolor="black", alpha=0.6 if face != "white" else 1))
            value = matrix[i, j]
            text = f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)
            ax.text(j + 0.5, rows - 0.5 - i, text, ha="center", va="center", fontsize=12)
    ax.set_xlim(-0.1, cols + 0.1)
    ax.set_ylim(-0.1, rows + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"{title}\nshape {matrix.shape}", fontsize=10)


def draw_elementwise(a, b, result, symbol="+"):
    """Show ``a SYMBOL b = result`` with boxes, one entry per box.

    Matching positions line up, which is the point: each output entry uses only
    the entries at the same place in the inputs.
    """
    fig, axes = plt.subplots(1, 3, figsize=(9, 2.8))
    for ax, matrix, title in zip(axes, (a, b, result), ("A", "B", f"A {symbol} B")):
        _draw_grid(ax, matrix, title, highlight={(0, 0)})
    for left, right, text in ((axes[0], axes[1], symbol), (axes[1], axes[2], "=")):
        # halfway between the two grids, in figure coordinates
        x = (left.get_position().x1 + right.get_position().x0) / 2
        fig.text(x, 0.45, text, fontsize=22, ha="center", va="center")
    fig.suptitle("element-wise: the highlighted output uses only the highlighted inputs",
                 fontsize=10, y=0.02)
    return fig


def draw_matmul(a, b, product, row=0, col=0):
    """Highlight row ``row`` of A, column ``col`` of B and the entry they make.

    ``product`` is A·B, computed by the caller; the caption spells out the sum
    of products for the highlighted entry.
    """
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3),
                             gridspec_kw={"width_ratios": [a.shape[1], b.shape[1], b.shape[1]]})
    _draw_grid(axes[0], a, "A", {(row, j) for j in range(a.shape[1])}, "tab:blue")
    _draw_grid(axes[1], b, "B", {(i, col) for i in range(b.shape[0])}, "tab:green")
    _draw_grid(axes[2], product, "A · B", {(row, col)}, "tab:orange")
    terms = " + ".join(f"{a[row, k]:g}·{b[k, col]:g}" for k in range(a.shape[1]))
    fig.suptitle(f"(A·B)[{row}, {col}] = {terms} = {np.asarray(product)[row, col]:g}",
                 fontsize=11, y=0.03)
    return fig
