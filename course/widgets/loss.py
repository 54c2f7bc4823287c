"""The temperature explorer of 03_loss.

A fixed vector of scores is divided by a temperature T (온도) before softmax:
``softmax(scores / T)``. A small T sharpens the distribution (the largest
score takes almost all the probability); a large T flattens it towards the
uniform 1/C, whose loss is ln C. The explorer draws the probabilities as bars
and reports the cross-entropy loss of the chosen correct class.

It computes nothing itself: the student's ``softmax`` and
``cross_entropy_error`` are passed in, and while either is unfinished
(raises NotImplementedError) the explorer says so and shows what it can.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from course.plots.loss import draw_probability_bars

SCORES = np.array([2.0, 1.0, 0.1, -1.0])
LABELS = ["cat", "dog", "bird", "fish"]


def class_names(scores, labels=None):
    """``labels`` if given, else the default animal names (or 0, 1, ... for many classes)."""
    count = np.asarray(scores).size
    if labels is not None:
        return list(labels)
    return LABELS[:count] if count <= len(LABELS) else [str(k) for k in range(count)]


def temperature_state(softmax, cross_entropy_error, scores=SCORES, temperature=1.0, target=0):
    """What the explorer shows for one temperature, as a dict.

    Keys: ``probs`` (shape (C,), or None while softmax is unfinished), ``loss``
    (float, or None while either function is unfinished or fails) and
    ``message`` (a sentence for the student).
    """
    scores = np.asarray(scores, dtype=float)
    count = scores.size
    uniform = math.log(count)
    try:
        with np.errstate(all="ignore"):
            probs = np.asarray(softmax(scores / temperature), dtype=float)
    except NotImplementedError:
        return dict(probs=None, loss=None,
                    message="implement softmax first (exercise 1) to see the bars")
    try:
        with np.errstate(all="ignore"):
            loss = float(cross_entropy_error(probs, np.array(target)))
    except NotImplementedError:
        return dict(probs=probs, loss=None,
                    message="implement cross_entropy_error (exercise 2) to see the loss")
    except Exception as error:  # a student's unfinished function may fail in other ways
        return dict(probs=probs, loss=None,
                    message=f"your cross_entropy_error raised {type(error).__name__}: {error}")
    message = (f"T = {temperature:.3g}: p(correct) = {probs[target]:.3f}, "
               f"loss = {loss:.4f}   (uniform guess: ln {count} = {uniform:.4f})")
    return dict(probs=probs, loss=loss, message=message)


def draw_temperature(scores, state, temperature, target=0, labels=None):
    """Bars of ``state["probs"]`` with the temperature and loss in the title."""
    scores = np.asarray(scores, dtype=float)
    probs = state["probs"] if state["probs"] is not None else np.zeros(scores.size)
    loss = state["loss"]
    title = f"softmax(scores / T), T = {temperature:.3g}"
    if loss is not None:
        title += f":  loss = {loss:.4f}"
    return draw_probability_bars(probs, target=target, labels=class_names(scores, labels),
                                 title=title)


def temperature_explorer(softmax, cross_entropy_error, scores=SCORES, labels=None):
    """Show a temperature slider and a choice of correct class over ``scores``.

    ``softmax`` and ``cross_entropy_error`` are the student's functions.
    """
    import ipywidgets as widgets
    from IPython.display import display

    scores = np.asarray(scores, dtype=float)
    names = class_names(scores, labels)
    slider = widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1.3, step=0.05,
                                    description="temperature T", continuous_update=False,
                                    style={"description_width": "initial"})
    target = widgets.Dropdown(options=[(f"{name} (score {s:g})", k)
                                       for k, (name, s) in enumerate(zip(names, scores))],
                              value=0, description="correct class",
                              style={"description_width": "initial"})
    out = widgets.Output()

    def redraw(*_):
        out.clear_output(wait=True)
        with out:
            state = temperature_state(softmax, cross_entropy_error, scores,
                                      slider.value, target.value)
            if state["probs"] is not None:
                fig = draw_temperature(scores, state, slider.value, target.value, names)
                display(fig)
                plt.close(fig)   # shown once, by display, not again by the inline backend
            print(state["message"])

    slider.observe(redraw, names="value")
    target.observe(redraw, names="value")
    box = widgets.VBox([widgets.HBox([slider, target]), out])
    display(box)
    redraw()
    return box
