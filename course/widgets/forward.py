"""The neuron explorer of 02_forward.

One neuron with two inputs computes ``sigmoid(x1 * w1 + x2 * w2 + b)``. Three
sliders set ``w1``, ``w2`` and ``b``; the picture colours every point of the
input plane by the neuron's output, draws the line where the output is 0.5
(where ``x1 * w1 + x2 * w2 + b = 0``) and the weight vector ``(w1, w2)``, which
is perpendicular to that line and points towards the outputs near 1.

The sigmoid is the student's own, passed in as an argument: this module
contains no solution, and it says so politely while ``sigmoid`` is unfinished.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def neuron_output(sigmoid, w1, w2, b, lim=3.0, resolution=101):
    """The neuron's output on a grid over [-lim, lim]².

    Returns ``(x1, x2, y)``, three arrays of shape (resolution, resolution):
    the grid's coordinates and ``sigmoid(x1 * w1 + x2 * w2 + b)`` there.
    """
    axis = np.linspace(-lim, lim, resolution)
    x1, x2 = np.meshgrid(axis, axis)
    with np.errstate(all="ignore"):
        y = np.asarray(sigmoid(x1 * w1 + x2 * w2 + b), dtype=float)
    return x1, x2, y


def draw_neuron(sigmoid, w1=1.0, w2=-1.0, b=0.0, lim=3.0, ax=None):
    """One frame of the explorer; returns the figure.

    Raises ``NotImplementedError`` if ``sigmoid`` does (the widget catches it).
    """
    x1, x2, y = neuron_output(sigmoid, w1, w2, b, lim)
    if ax is None:
        # constrained layout keeps the title, the axes and the colorbar's label apart
        _, ax = plt.subplots(figsize=(5.4, 4.6), layout="constrained")
    image = ax.imshow(y, origin="lower", extent=(-lim, lim, -lim, lim), cmap="RdBu_r",
                      vmin=0.0, vmax=1.0, aspect="equal")
    colorbar = ax.figure.colorbar(image, ax=ax, shrink=0.9)
    colorbar.set_label("output y = σ(x1·w1 + x2·w2 + b)")
    if np.nanmin(y) < 0.5 < np.nanmax(y):
        ax.contour(x1, x2, y, levels=[0.5], colors="black", linewidths=1.5)
    norm = np.hypot(w1, w2)
    if norm > 0:
        # an arrow from the point of the 0.5-line closest to the origin, along (w1, w2)
        foot = np.array([w1, w2]) * (-b / norm**2)
        if np.all(np.abs(foot) < lim):
            ax.annotate("", xy=foot + np.array([w1, w2]) / norm, xytext=foot,
                        arrowprops=dict(arrowstyle="-|>", color="black", lw=1.8))
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(f"w1 = {w1:.1f}, w2 = {w2:.1f}, b = {b:.1f}\n(black line: output 0.5)",
                 fontsize=10)
    return ax.figure


def neuron_explorer(sigmoid, w1=1.0, w2=-1.0, b=0.0):
    """Sliders for one neuron's weights and bias; shows its output over the plane.

    ``sigmoid`` is the student's function. Returns the widget box.
    """
    import ipywidgets as widgets
    from IPython.display import display

    style = dict(continuous_update=False, min=-5.0, max=5.0, step=0.1, readout_format=".1f")
    slider_w1 = widgets.FloatSlider(value=w1, description="w1", **style)
    slider_w2 = widgets.FloatSlider(value=w2, description="w2", **style)
    slider_b = widgets.FloatSlider(value=b, description="b", **style)
    out = widgets.Output()

    def redraw(*_):
        out.clear_output(wait=True)
        with out:
            try:
                fig = draw_neuron(sigmoid, slider_w1.value, slider_w2.value, slider_b.value)
            except NotImplementedError:
                print("Implement sigmoid first (exercise 1), then run this cell again.")
                return
            display(fig)
            plt.close(fig)

    for slider in (slider_w1, slider_w2, slider_b):
        slider.observe(redraw, names="value")
    box = widgets.VBox([widgets.HBox([slider_w1, slider_w2, slider_b]), out])
    display(box)
    redraw()
    return box
