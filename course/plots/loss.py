"""Figures of 03_loss: the curve -log(y), softmax outputs as bars, the ln C check.

None of these functions computes a softmax or a loss of an exercise: the
probabilities and losses they show are computed by the caller (with the
student's own functions) and passed in.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

TARGET_COLOR = "tab:orange"
OTHER_COLOR = "tab:blue"


def draw_neg_log(points=(0.05, 0.2, 0.5, 0.9), eps=1e-7, ax=None):
    """The loss of one sample, ``-log(y)``, against the probability ``y`` of its correct class.

    ``points`` are marked and labelled with their loss. The dashed line is
    ``-log(eps)``: the largest loss ``-log(y + eps)`` can give, reached at y = 0.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    y = np.linspace(1e-3, 1.0, 500)
    ax.plot(y, -np.log(y), color=OTHER_COLOR, lw=2, label=r"$-\log y$")
    for p in points:
        loss = -np.log(p)
        ax.plot([p], [loss], "o", color=TARGET_COLOR)
        ax.annotate(f"y = {p:g}\nloss = {loss:.2f}", xy=(p, loss), xytext=(8, 8),
                    textcoords="offset points", fontsize=9)
    cap = -np.log(eps)
    ax.axhline(cap, color="0.5", ls="--", lw=1)
    ax.text(0.05, cap - 1.0, f"-log(0 + {eps:g}) = {cap:.1f}: the cap at y = 0",
            fontsize=9, color="0.3", ha="left")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, cap + 1.5)
    ax.set_xlabel("y = predicted probability of the correct class")
    ax.set_ylabel("loss")
    ax.set_title("cross-entropy of one sample: small when y is near 1, huge near 0", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="center right")
    return ax.figure


def _class_names(count, labels):
    return list(labels) if labels is not None else [str(k) for k in range(count)]


def draw_probability_bars(probs, target=None, labels=None, ax=None, title=None):
    """Softmax outputs of one sample as bars (0 to 1), the correct class highlighted.

    ``probs`` has shape (C,); ``target`` is the index of the correct class (or None).
    Each bar carries its value; the title gives the sum of the bars.
    """
    probs = np.asarray(probs, dtype=float).reshape(-1)
    names = _class_names(probs.size, labels)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 * probs.size + 2.5, 3.2))
    colors = [TARGET_COLOR if k == target else OTHER_COLOR for k in range(probs.size)]
    ax.bar(range(probs.size), probs, color=colors)
    for k, p in enumerate(probs):
        ax.text(k, min(p, 1.0) + 0.02, f"{p:.3f}", ha="center", fontsize=9)
    ax.set_xticks(range(probs.size), names)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("probability")
    ax.set_title(title or f"softmax outputs (sum = {np.sum(probs):.6f})", fontsize=10)
    if target is not None:
        ax.text(0.99, 0.97, "orange: correct class", transform=ax.transAxes, ha="right",
                va="top", fontsize=8, color=TARGET_COLOR)
    ax.grid(axis="y", alpha=0.3)
    return ax.figure


def draw_scores_and_probs(scores, probs, target=None, labels=None):
    """Scores (any real numbers) next to their softmax outputs (probabilities).

    Shows that softmax keeps the order of the scores but turns them into
    positive numbers that add up to 1.
    """
    scores = np.asarray(scores, dtype=float).reshape(-1)
    names = _class_names(scores.size, labels)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
    colors = [TARGET_COLOR if k == target else OTHER_COLOR for k in range(scores.size)]
    left.bar(range(scores.size), scores, color=colors)
    for k, s in enumerate(scores):
        left.text(k, s + (0.05 if s >= 0 else -0.05), f"{s:g}", ha="center",
                  va="bottom" if s >= 0 else "top", fontsize=9)
    left.axhline(0, color="0.5", lw=0.8)
    left.margins(y=0.15)
    left.set_xticks(range(scores.size), names)
    left.set_title("scores s (any real numbers)", fontsize=10)
    left.grid(axis="y", alpha=0.3)
    draw_probability_bars(probs, target=target, labels=names, ax=right,
                          title=f"softmax(s): positive, sum = {np.sum(probs):.6f}")
    return fig


def draw_untrained_losses(class_counts, losses):
    """Measured losses of untrained classifiers against the curve ln C.

    ``losses[i]`` is the loss measured with ``class_counts[i]`` classes (computed
    by the caller); a classifier that knows nothing should land on the curve.
    """
    class_counts = np.asarray(class_counts, dtype=float)
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    grid = np.linspace(max(1.0, class_counts.min()), class_counts.max(), 200)
    ax.plot(grid, np.log(grid), color="0.5", lw=2, label="ln C")
    ax.plot(class_counts, losses, "o", color=TARGET_COLOR, label="measured loss")
    ax.set_xlabel("number of classes C")
    ax.set_ylabel("loss of an untrained classifier")
    ax.set_title("sanity check: tiny random scores give a loss of about ln C", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig
