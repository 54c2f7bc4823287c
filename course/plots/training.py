"""Figures of 06_training: gradient-descent paths, the spiral, loss curves, decision regions,
snapshots of learning, accuracy curves and the statistics of the initial weight scale.

Nothing here trains a network: what a figure shows (a path of weights, a list
of losses, a ``predict`` function) is computed by the notebook and passed in.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.gridspec import GridSpec

CLASS_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
CLASS_MARKERS = ["o", "x", "^", "s", "d"]
REGION_COLORS = ["#c6dbef", "#fdd0a2", "#c7e9c0", "#fcbba1", "#dadaeb"]


def _labels(t) -> np.ndarray:
    """Class labels from one-hot rows (N, C) or labels (N,)."""
    t = np.asarray(t)
    return t.argmax(axis=1) if t.ndim == 2 else t.astype(int)


def plot_descent_paths(f, paths: dict, ax=None, span=None):
    """Draw a 1-D function ``f`` and, for each label, the path of points visited.

    ``paths`` maps a label (e.g. ``"η = 0.1"``) to the sequence w_0, w_1, …
    produced by repeated updates; each step is drawn as an arrow along the curve.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    visited = np.concatenate([np.asarray(p, dtype=float) for p in paths.values()])
    reach = span if span is not None else max(1.0, float(np.abs(visited).max())) * 1.15
    grid = np.linspace(-reach, reach, 300)
    ax.plot(grid, [f(w) for w in grid], color="0.5", lw=1.5, label="f(w)")
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        color = CLASS_COLORS[k % len(CLASS_COLORS)]
        values = np.array([f(w) for w in path])
        ax.plot(path, values, "o-", color=color, ms=4, lw=1, alpha=0.85, label=label)
        ax.plot(path[:1], values[:1], "s", color=color, ms=8)
    ax.set_xlabel("w")
    ax.set_ylabel("f(w)")
    ax.set_xlim(-reach, reach)
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    return ax.figure


def plot_spiral(x, t, ax=None, title="the spiral data set"):
    """Scatter the 2-D points ``x`` (N, 2), one colour and marker per class of ``t``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    labels = _labels(t)
    for c in np.unique(labels):
        mask = labels == c
        ax.scatter(x[mask, 0], x[mask, 1], s=22, marker=CLASS_MARKERS[c % len(CLASS_MARKERS)],
                   color=CLASS_COLORS[c % len(CLASS_COLORS)], label=f"class {c}")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(title, fontsize=10)
    return ax.figure


def plot_loss_curve(losses, ax=None, label=None, title="training loss"):
    """The mean loss of each epoch against the epoch number (1, 2, …)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    losses = np.asarray(losses, dtype=float)
    ax.plot(np.arange(1, len(losses) + 1), losses, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss of the epoch")
    ax.set_title(title, fontsize=10)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    if label is not None:
        ax.legend(fontsize=9)
    return ax.figure


def decision_grid(predict, x, resolution: int = 200, margin: float = 0.1):
    """Evaluate ``predict`` on a grid covering ``x``; returns (xx, yy, classes).

    ``predict`` maps an (M, 2) array to scores (M, C); ``classes`` holds the
    argmax of the scores at each grid point, shaped like ``xx``.
    """
    x_min, x_max = x[:, 0].min() - margin, x[:, 0].max() + margin
    y_min, y_max = x[:, 1].min() - margin, x[:, 1].max() + margin
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution),
                         np.linspace(y_min, y_max, resolution))
    points = np.c_[xx.ravel(), yy.ravel()]
    scores = np.asarray(predict(points))
    classes = scores.argmax(axis=1).reshape(xx.shape)
    return xx, yy, classes


def plot_decision_regions(predict, x, t, ax=None, resolution: int = 200,
                          title="decision regions"):
    """Colour the plane by the class ``predict`` gives it, with the data on top.

    The borders between colours are the network's decision boundary (결정 경계).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    plot_regions(decision_grid(predict, x, resolution), x, t, ax=ax, title=title)
    return ax.figure


def plot_regions(grid, x, t, ax=None, title="decision regions", legend=True):
    """Draw a grid from :func:`decision_grid` (xx, yy, classes) with the data on top."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    xx, yy, classes = grid
    n_classes = max(int(classes.max()) + 1, int(_labels(t).max()) + 1)
    cmap = ListedColormap(REGION_COLORS[:n_classes])
    ax.contourf(xx, yy, classes, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap)
    plot_spiral(x, t, ax=ax, title=title)
    if not legend:
        ax.get_legend().remove()
    return ax.figure


def plot_training_result(losses, predict, x, t, suptitle=None):
    """Loss curve on the left, decision regions on the right, in one figure."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    plot_loss_curve(losses, ax=left)
    plot_decision_regions(predict, x, t, ax=right)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    fig.tight_layout()
    return fig


def plot_learning_snapshots(losses, snapshots: dict, x, t, title=None):
    """The loss curve beside the decision regions at several epochs.

    ``snapshots`` maps an epoch (0 = before training) to the grid
    (xx, yy, classes) that :func:`decision_grid` gave after that epoch; each
    snapshot's epoch is marked on the loss curve.
    """
    epochs = sorted(snapshots)
    columns = -(-len(epochs) // 2)
    fig = plt.figure(figsize=(4.6 + 2.6 * columns, 5.2), layout="constrained")
    grid = GridSpec(2, 1 + columns, figure=fig, width_ratios=[1.8] + [1] * columns)
    curve = fig.add_subplot(grid[:, 0])
    plot_loss_curve(losses, ax=curve, title=title or "loss curve, snapshots marked")
    losses = np.asarray(losses, dtype=float)
    for epoch in epochs:
        if 1 <= epoch <= len(losses):
            curve.plot([epoch], [losses[epoch - 1]], "o", color="k", ms=5)
            curve.annotate(str(epoch), (epoch, losses[epoch - 1]), textcoords="offset points",
                           xytext=(4, 6), fontsize=8)
    for k, epoch in enumerate(epochs):
        ax = fig.add_subplot(grid[k // columns, 1 + k % columns])
        plot_regions(snapshots[epoch], x, t, ax=ax, legend=False,
                     title="before training" if epoch == 0 else f"after epoch {epoch}")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def plot_accuracies(epochs, curves: dict, ax=None, title="accuracy during training"):
    """One line per entry of ``curves`` (label -> accuracies at ``epochs``), in per cent."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    for label, values in curves.items():
        ax.plot(epochs, 100 * np.asarray(values, dtype=float), "o-", ms=3, label=label)
    ax.axhline(100 / 3, color="0.6", ls=":", lw=1, label="guessing (1/3)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 102)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
    return ax.figure


def plot_weight_scale(stats: dict, axes=None, title=None):
    """What the initial weight scale does, from :func:`course.widgets.training.weight_scale_statistics`.

    Left: the histogram of the hidden sigmoid outputs (near 0 or 1 means
    saturated, 포화). Right: the mean size of each weight's gradient, on a log axis.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.3), layout="constrained")
    left, right = axes
    left.hist(np.ravel(stats["hidden"]), bins=np.linspace(0, 1, 26), color="tab:blue", alpha=0.8)
    left.set_xlim(0, 1)
    left.set_xlabel("hidden output σ(xW₁ + b₁)")
    left.set_ylabel("count")
    left.set_title(title or f"weight scale {stats['scale']:.3g}", fontsize=10)
    left.text(0.5, 0.97, f"saturated: {stats['saturated']:.0%}   mean σ′: {stats['mean_slope']:.3f}",
              transform=left.transAxes, ha="center", va="top", fontsize=9)
    names = list(stats["grad_sizes"])
    right.bar(names, [stats["grad_sizes"][n] for n in names], color="tab:orange")
    right.set_yscale("log")
    right.set_ylim(1e-6, 1)
    right.set_ylabel("mean |gradient|")
    right.set_title(f"first loss {stats['loss']:.3f} (ln 3 = 1.099)", fontsize=10)
    right.grid(alpha=0.3, axis="y")
    return left.figure
