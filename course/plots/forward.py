"""Figures of 02_forward: a drawn network, shapes through a minibatch, the sigmoid.

Nothing here computes an exercise's answer: the sigmoid curve and the
decision regions are drawn from the function the caller passes in (the
student's ``sigmoid`` or ``net.predict``), and say politely when it is not
written yet.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

LAYER_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]


def _node_positions(sizes, spacing=1.0):
    """Centre the nodes of each layer vertically; layer k sits at x = 3 k."""
    positions = []
    for k, size in enumerate(sizes):
        top = (size - 1) * spacing / 2
        positions.append([(3.0 * k, top - i * spacing) for i in range(size)])
    return positions


def draw_network(sizes=(2, 4, 3), label_weights=True, show_bias=True, ax=None):
    """Draw a fully-connected network with ``sizes`` nodes per layer.

    Each connection of the first layer is labelled with its weight
    :math:`w_{ij}` (from input ``i`` to hidden node ``j``, which is entry
    ``W1[i-1, j-1]``), and each hidden node gets its bias :math:`b_j` from a
    node that always outputs 1. Connections of later layers are drawn lighter
    and labelled by their matrix, ``W2``, to keep the figure readable.
    """
    sizes = tuple(int(s) for s in sizes)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2 * len(sizes), 1.0 + 1.1 * max(sizes)))
    positions = _node_positions(sizes)
    names = ["x"] + ["h"] * (len(sizes) - 2) + ["s"]

    for k in range(len(sizes) - 1):
        first = k == 0
        for i, (x0, y0) in enumerate(positions[k]):
            for j, (x1, y1) in enumerate(positions[k + 1]):
                ax.plot([x0, x1], [y0, y1], color="0.35" if first else "0.75",
                        lw=1.0, zorder=1)
                if first and label_weights:
                    t = 0.28 if i % 2 == 0 else 0.5
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0),
                            f"$w_{{{i + 1}{j + 1}}}$", fontsize=8, ha="center",
                            va="center", color=LAYER_COLORS[j % len(LAYER_COLORS)],
                            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"),
                            zorder=3)
        if not first:
            xm = (positions[k][0][0] + positions[k + 1][0][0]) / 2
            top = max(y for _, y in positions[k]) + 0.45
            ax.text(xm, top, f"$\\mathbf{{W}}_{k + 1}$, $\\mathbf{{b}}_{k + 1}$",
                    ha="center", fontsize=11, color="0.4")

    if show_bias:
        bx, by = positions[0][0][0], min(y for _, y in positions[0]) - 1.3
        ax.add_patch(plt.Circle((bx, by), 0.28, facecolor="0.9", edgecolor="0.3",
                                ls="--", zorder=2))
        ax.text(bx, by, "1", ha="center", va="center", fontsize=11, zorder=4)
        for j, (x1, y1) in enumerate(positions[1]):
            ax.plot([bx, x1], [by, y1], color="0.55", lw=0.9, ls="--", zorder=1)
            t = 0.86
            ax.text(bx + t * (x1 - bx), by + t * (y1 - by), f"$b_{{{j + 1}}}$",
                    fontsize=8, ha="center", va="center", color="0.25",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"), zorder=3)

    for k, layer in enumerate(positions):
        color = LAYER_COLORS[k % len(LAYER_COLORS)]
        for i, (x, y) in enumerate(layer):
            ax.add_patch(plt.Circle((x, y), 0.28, facecolor="white", edgecolor=color,
                                    lw=2, zorder=2))
            ax.text(x, y, f"${names[k]}_{{{i + 1}}}$", ha="center", va="center",
                    fontsize=11, zorder=4)
        title = ["input layer", "hidden layer", "output layer"]
        label = title[0] if k == 0 else title[2] if k == len(sizes) - 1 else title[1]
        ax.text(layer[0][0], max(y for _, y in layer) + 0.9, f"{label}\n{len(layer)} nodes",
                ha="center", va="bottom", fontsize=9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.autoscale_view()
    ax.margins(0.08)
    return ax.figure


def _box(ax, x, y, rows, cols, label, color, scale=0.35):
    """An array drawn as a rows x cols box of cells with its shape underneath."""
    width, height = cols * scale, rows * scale
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(plt.Rectangle((x + j * scale, y - (i + 1) * scale), scale, scale,
                                       facecolor=color, edgecolor="white", alpha=0.55))
    ax.add_patch(plt.Rectangle((x, y - height), width, height, fill=False,
                               edgecolor="black", lw=1.2))
    ax.text(x + width / 2, y + 0.15, label, ha="center", va="bottom", fontsize=11)
    return width, height


def _shape_text(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def draw_shape_flow(batch=10, sizes=(2, 4, 3), scale=0.3):
    """A minibatch flowing through ``Affine → sigmoid → Affine``.

    Every array is drawn as a grid with one cell per entry (one row per
    sample), with its shape written underneath, so one can see which sizes
    must agree (the columns of the input and the rows of the weight) and which
    survive (the batch size ``N`` and the layer's width).
    """
    n_in, n_hidden, n_out = sizes
    fig, ax = plt.subplots(figsize=(13, 0.75 * (batch * scale + 2.8) + 0.5))
    top = 0.0
    x = 0.0
    steps = [
        ("x", (batch, n_in), LAYER_COLORS[0]),
        ("@ W1 + b1", None, None),
        ("h", (batch, n_hidden), LAYER_COLORS[1]),
        ("sigmoid", None, None),
        ("a", (batch, n_hidden), LAYER_COLORS[1]),
        ("@ W2 + b2", None, None),
        ("s", (batch, n_out), LAYER_COLORS[2]),
    ]
    weights = {"@ W1 + b1": ((n_in, n_hidden), (n_hidden,)),
               "@ W2 + b2": ((n_hidden, n_out), (n_out,))}
    for label, shape, color in steps:
        if shape is not None:
            width, height = _box(ax, x, top, shape[0], shape[1], label, color, scale)
            ax.text(x + width / 2, top - height - 0.2, _shape_text(shape), ha="center",
                    va="top", fontsize=11, family="monospace")
            x += width + 0.4
            continue
        arrow_len = 2.6
        ax.annotate("", xy=(x + arrow_len, top - 0.8), xytext=(x, top - 0.8),
                    arrowprops=dict(arrowstyle="-|>", lw=1.5, color="0.3"))
        if label in weights:
            w_shape, b_shape = weights[label]
            name = label.split()[1]
            bias = label.split()[3]
            wx = x + 0.3
            w_width, w_height = _box(ax, wx, top - 1.2, w_shape[0], w_shape[1], name, "0.7",
                                     scale * 0.8)
            ax.text(wx + w_width / 2, top - 1.2 - w_height - 0.1, _shape_text(w_shape),
                    ha="center", va="top", fontsize=9, family="monospace")
            bx = wx + w_width + 0.35
            _box(ax, bx, top - 1.2, 1, b_shape[0], bias, "0.85", scale * 0.8)
            ax.text(bx + b_shape[0] * scale * 0.4, top - 1.2 - scale * 0.8 - 0.1,
                    _shape_text(b_shape), ha="center", va="top", fontsize=9,
                    family="monospace")
            ax.text(x + arrow_len / 2, top - 0.55, "matrix product, + bias", ha="center",
                    fontsize=8, color="0.3")
        else:
            ax.text(x + arrow_len / 2, top - 0.55, "sigmoid\n(element-wise)", ha="center",
                    va="bottom", fontsize=9, color="0.3")
        x += arrow_len + 0.4
    ax.set_xlim(-0.3, x)
    ax.set_ylim(-batch * scale - 1.6, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    n = batch
    ax.set_title(f"({n}, {n_in}) · ({n_in}, {n_hidden}) → ({n}, {n_hidden});   "
                 f"({n}, {n_hidden}) · ({n_hidden}, {n_out}) → ({n}, {n_out}):   "
                 "inner sizes agree and vanish, the batch size N stays", fontsize=10)
    return fig


def plot_sigmoid(sigmoid, lo=-8.0, hi=8.0, ax=None):
    """Plot the caller's ``sigmoid`` on [lo, hi] next to the step function.

    Returns the figure, or ``None`` (after printing a hint) while ``sigmoid``
    raises ``NotImplementedError``.
    """
    x = np.linspace(lo, hi, 401)
    try:
        with np.errstate(all="ignore"):
            y = np.asarray(sigmoid(x), dtype=float)
    except NotImplementedError:
        print("Implement sigmoid above first, then run this cell again to see its curve.")
        return None
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(x, np.where(x > 0, 1.0, 0.0), color="0.6", ls="--", lw=1.2,
            label="step function")
    ax.plot(x, y, color="tab:blue", lw=2.2, label="your sigmoid")
    ax.axhline(0.5, color="0.85", lw=0.8)
    ax.axvline(0.0, color="0.85", lw=0.8)
    ax.set_ylim(-0.1, 1.1)
    ax.set_xlabel("x")
    ax.set_ylabel("sigmoid(x)")
    ax.set_title(r"$\sigma(x) = 1 / (1 + e^{-x})$: smooth, between 0 and 1, $\sigma(0) = 0.5$")
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(alpha=0.3)
    ax.figure.tight_layout()
    return ax.figure


def draw_decision_regions(predict, x, t, resolution=200, ax=None):
    """Colour the plane by the class ``predict`` gives the highest score.

    ``predict`` maps an (N, 2) array of points to (N, C) scores (for example
    the student's ``net.predict``); ``x`` (N, 2) and one-hot ``t`` (N, C) are
    drawn on top. Returns the figure, or ``None`` with a hint while
    ``predict`` raises ``NotImplementedError``.
    """
    x = np.asarray(x, dtype=float)
    labels = np.argmax(t, axis=1) if np.ndim(t) == 2 else np.asarray(t)
    pad = 0.1
    x_lo, y_lo = x.min(axis=0) - pad
    x_hi, y_hi = x.max(axis=0) + pad
    xx, yy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    try:
        with np.errstate(all="ignore"):
            scores = np.asarray(predict(grid), dtype=float)
            point_scores = np.asarray(predict(x), dtype=float)
    except NotImplementedError:
        print("Implement the exercises above first (TwoLayerNet needs Affine and Sigmoid), "
              "then run this cell again.")
        return None
    regions = np.argmax(scores, axis=1).reshape(xx.shape)
    accuracy = float(np.mean(np.argmax(point_scores, axis=1) == labels))
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    classes = int(max(labels.max(), scores.shape[1] - 1)) + 1
    colors = LAYER_COLORS[:classes]
    from matplotlib.colors import ListedColormap

    ax.contourf(xx, yy, regions, levels=np.arange(classes + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    markers = ["o", "x", "^", "s", "d"]
    for c in range(classes):
        mask = labels == c
        ax.scatter(x[mask, 0], x[mask, 1], s=18, color=colors[c], marker=markers[c % 5],
                   label=f"class {c}")
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"predicted class of every point: accuracy {accuracy:.0%}", fontsize=10)
    return ax.figure
