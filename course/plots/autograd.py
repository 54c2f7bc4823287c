"""Figures of 07_autograd: graphs of scalar nodes with their data and grad, local
derivatives, and a neuron being trained.

Every figure only draws what it is given: the notebook (or the widget, from the
student's own ``Value``) passes the numbers in; nothing here computes a gradient.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyBboxPatch

DATA_COLOR = "tab:blue"
GRAD_COLOR = "tab:red"
BOX_W, BOX_H = 1.5, 0.86


def _number(value) -> str:
    return "?" if value is None else f"{value:.4g}"


def draw_value_graph(graph: dict, data: dict | None = None, grads: dict | None = None,
                     order: dict | None = None, current: str | None = None, ax=None,
                     title: str | None = None, caption: str | None = None):
    """Draw a graph of scalar nodes, one box per node.

    Parameters
    ----------
    graph : dict
        ``name -> (label, inputs, (x, y))``: the text of the node (``"u = a·b"``),
        the names of its inputs (an arrow from each), and where to draw it.
    data, grads : dict, optional
        ``name -> number`` shown in the box ("data" in blue, "grad" in red); a
        name missing from ``grads`` shows ``grad ?`` (not known yet).
    order : dict, optional
        ``name -> number``: a badge on each box, e.g. the order backward visits it.
    current : the name of a node to draw in orange (the one being visited).
    caption : text written under the graph.

    Returns the figure.
    """
    data, grads, order = data or {}, grads or {}, order or {}
    if ax is None:
        xs = [pos[0] for _, _, pos in graph.values()]
        ys = [pos[1] for _, _, pos in graph.values()]
        width, height = max(xs) - min(xs) + BOX_W + 1.0, max(ys) - min(ys) + BOX_H + 1.0
        _, ax = plt.subplots(figsize=(min(1.1 * width + 0.4, 12), 1.1 * height + 0.4
                                      + (0.4 if caption else 0)))
    for name, (label, inputs, (x, y)) in graph.items():
        for source in inputs:
            _, _, (x0, y0) = graph[source]
            start = np.array([x0 + BOX_W / 2, y0])
            end = np.array([x - BOX_W / 2, y])
            ax.annotate("", xy=end, xytext=start, zorder=1,
                        arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.3,
                                        shrinkA=2, shrinkB=2, connectionstyle="arc3,rad=0.0"))
    for name, (label, inputs, (x, y)) in graph.items():
        face = "#ffd9a8" if name == current else ("#f4f4f4" if not inputs else "white")
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                    boxstyle="round,pad=0.02,rounding_size=0.12",
                                    facecolor=face, edgecolor="black", lw=1.3, zorder=2))
        ax.text(x, y + 0.24, label, ha="center", va="center", fontsize=11, zorder=3)
        if name in data:
            ax.text(x, y - 0.02, f"data {_number(data[name])}", ha="center", va="center",
                    fontsize=10, color=DATA_COLOR, zorder=3)
        if data or grads:
            known = name in grads
            ax.text(x, y - 0.26, f"grad {_number(grads.get(name))}", ha="center",
                    va="center", fontsize=10, color=GRAD_COLOR if known else "0.6", zorder=3)
        if name in order:
            bx, by = x - BOX_W / 2, y + BOX_H / 2
            ax.add_patch(Circle((bx, by), 0.17, facecolor="black", zorder=4))
            ax.text(bx, by, str(order[name]), ha="center", va="center", color="white",
                    fontsize=9, fontweight="bold", zorder=5)
    xs = [pos[0] for _, _, pos in graph.values()]
    ys = [pos[1] for _, _, pos in graph.values()]
    ax.set_xlim(min(xs) - BOX_W / 2 - 0.3, max(xs) + BOX_W / 2 + 0.3)
    ax.set_ylim(min(ys) - BOX_H / 2 - (0.55 if caption else 0.3), max(ys) + BOX_H / 2 + 0.35)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    if caption:
        ax.text(0.5, 0.0, caption, transform=ax.transAxes, ha="center", va="top", fontsize=10,
                wrap=True)
    return ax.figure


def draw_local_derivatives(panels: list, title: str | None = None):
    """One panel per operation: a function and its derivative.

    ``panels`` holds ``(name, x, f, df)``: a title such as ``"exp"``, the x
    values, the function's values and its derivative's values (arrays).
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2))
    for ax, (name, x, f, df) in zip(np.atleast_1d(axes), panels):
        ax.plot(x, f, color=DATA_COLOR, lw=2, label=f"{name}(x)")
        ax.plot(x, df, color=GRAD_COLOR, lw=2, ls="--", label="local derivative")
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.legend(fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def draw_neuron_training(X, T, w, b, losses, title: str | None = None):
    """The loss curve of a trained neuron, and its decision boundary.

    ``X`` (N, 2) points, ``T`` (N,) labels 0/1, ``w`` the two weights and
    ``b`` the bias the training ended with, ``losses`` one loss per step.
    The right panel shades the neuron's probability sigmoid(w·x + b) and draws
    the line where it is 1/2.
    """
    X, T = np.asarray(X, dtype=float), np.asarray(T)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(np.arange(1, len(losses) + 1), losses, color="tab:purple", lw=2)
    left.set_xlabel("step")
    left.set_ylabel("mean loss")
    left.set_title("loss curve")
    pad = 0.5
    x1 = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, 200)
    x2 = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, 200)
    g1, g2 = np.meshgrid(x1, x2)
    with np.errstate(over="ignore"):
        p = 1 / (1 + np.exp(-(w[0] * g1 + w[1] * g2 + b)))
    right.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    right.contour(g1, g2, p, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker, color in ((0, "o", "tab:blue"), (1, "^", "tab:red")):
        mask = T == label
        right.scatter(X[mask, 0], X[mask, 1], marker=marker, color=color, edgecolor="black",
                      label=f"class {label}", zorder=3)
    right.set_xlabel("$x_1$")
    right.set_ylabel("$x_2$")
    right.set_title("probability of class 1, and the line where it is 1/2")
    right.legend(fontsize=9, loc="upper left")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
