"""The tangent-line explorer of 04_gradients.

Choose a function and slide the point x; the figure shows the function and
its tangent at x, whose slope comes from the student's ``numerical_diff``.
Next to it the exact derivative (known in closed form for these functions) is
printed, so the student sees how close the central difference is. Before
``numerical_diff`` is written the explorer shows the function and the point
only, with a note saying what to implement.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from ..plots.gradients import draw_tangent

# name -> (f, exact derivative, x range); the derivatives are textbook calculus.
FUNCTIONS = {
    "0.01x² + 0.1x (the book's function_1)": (
        lambda x: 0.01 * x ** 2 + 0.1 * x, lambda x: 0.02 * x + 0.1, (0.0, 20.0)),
    "sin(x)": (np.sin, np.cos, (-2 * math.pi, 2 * math.pi)),
    "x³ - 3x": (lambda x: x ** 3 - 3 * x, lambda x: 3 * x ** 2 - 3, (-2.5, 2.5)),
    "exp(x)": (np.exp, np.exp, (-3.0, 2.0)),
}


def tangent_report(numerical_diff, f, x0, exact=None):
    """Ask the student's ``numerical_diff`` for the slope of ``f`` at ``x0``.

    Returns ``(slope, message)``: ``slope`` is a float, or ``None`` when
    ``numerical_diff`` is missing, unfinished or fails; ``message`` is one line
    for the student.
    """
    if numerical_diff is None:
        return None, "Pass your numerical_diff to see the tangent: tangent_explorer(numerical_diff)"
    try:
        with np.errstate(all="ignore"):
            slope = float(numerical_diff(f, float(x0)))
    except NotImplementedError:
        return None, "Implement numerical_diff above to see the tangent line."
    except Exception as error:  # show the student's error instead of a traceback
        return None, f"your numerical_diff raised {type(error).__name__}: {error}"
    message = f"x = {x0:.3f}: your numerical_diff gives slope {slope:.10g}"
    if exact is not None:
        true = float(exact(float(x0)))
        message += f", the exact derivative is {true:.10g} (difference {abs(slope - true):.1e})"
    return slope, message


def tangent_explorer(numerical_diff=None, functions=None):
    """Show the explorer and return its box.

    Parameters
    ----------
    numerical_diff : callable or None
        The student's ``numerical_diff(f, x) -> float``.
    functions : dict or None
        ``name -> (f, exact derivative or None, (x_min, x_max))``; defaults
        to :data:`FUNCTIONS`.
    """
    import ipywidgets as widgets
    from IPython.display import display

    functions = functions or FUNCTIONS
    choice = widgets.Dropdown(options=list(functions), description="function",
                              layout=widgets.Layout(width="420px"))
    slider = widgets.FloatSlider(description="x", continuous_update=False,
                                 layout=widgets.Layout(width="420px"))
    status = widgets.HTML()
    out = widgets.Output()

    def set_range(name):
        low, high = functions[name][2]
        slider.min, slider.max = -1e9, 1e9  # widen first so min <= max always holds
        slider.min, slider.max = low, high
        slider.step = (high - low) / 200
        slider.value = low + 0.25 * (high - low)

    def redraw(*_):
        f, exact, xlim = functions[choice.value]
        slope, status.value = tangent_report(numerical_diff, f, slider.value, exact)
        out.clear_output(wait=True)
        fig = draw_tangent(f, slider.value, slope, xlim=xlim, label=choice.value)
        with out:
            display(fig)
        plt.close(fig)

    def choose(change):
        slider.unobserve(redraw, names="value")
        set_range(change["new"])
        slider.observe(redraw, names="value")
        redraw()

    set_range(choice.value)
    choice.observe(choose, names="value")
    slider.observe(redraw, names="value")
    box = widgets.VBox([choice, slider, status, out])
    display(box)
    redraw()
    return box
