"""The step-through widget of 05_backprop: L = x·y + z, one node at a time.

Forward propagation fills the edges left to right with values; backward
propagation then fills them right to left with gradients, each node
multiplying the gradient that arrives from the right by its local derivative.
The arithmetic of this tiny scalar graph is written out here (it is the
notebook's worked example, not an exercise): the student's ``Mul`` and ``Add``
classes are not needed.
"""
from __future__ import annotations

import matplotlib.pyplot as plt

from course.plots.backprop import draw_scalar_graph
from course.widgets.stepper import stepper


def scalar_graph_steps(x: float, y: float, z: float) -> list[dict]:
    """Every step of forward then backward propagation through ``L = x·y + z``.

    Each step is a dict with ``title``, ``caption`` (the arithmetic of the
    step), ``values`` and ``grads`` (edge variable -> number, only those known
    so far) and ``highlight`` (the nodes at work).
    """
    u = x * y
    loss = u + z
    d_loss = 1.0
    d_u, d_z = d_loss * 1.0, d_loss * 1.0
    d_x, d_y = d_u * y, d_u * x
    inputs = dict(x=x, y=y, z=z)
    forward = dict(inputs, u=u, L=loss)
    return [
        dict(title="start: the inputs", highlight=("x", "y", "z"), values=dict(inputs),
             grads={}, caption="The inputs x, y, z sit on the edges that leave them."),
        dict(title="forward 1/2: the × node", highlight=("mul",),
             values=dict(inputs, u=u), grads={},
             caption=f"× multiplies its inputs: u = x·y = {x:g}·{y:g} = {u:.4g}."),
        dict(title="forward 2/2: the + node", highlight=("add",), values=forward, grads={},
             caption=f"+ adds its inputs: L = u + z = {u:.4g} + {z:g} = {loss:.4g}."),
        dict(title="backward 1/3: start at L", highlight=("L",), values=forward,
             grads=dict(L=d_loss),
             caption="Backward starts at the output with ∂L/∂L = 1."),
        dict(title="backward 2/3: the + node", highlight=("add",), values=forward,
             grads=dict(L=d_loss, u=d_u, z=d_z),
             caption=("+ has local derivatives ∂L/∂u = 1 and ∂L/∂z = 1: it passes the "
                      f"upstream gradient {d_loss:g} on unchanged to both inputs.")),
        dict(title="backward 3/3: the × node", highlight=("mul",), values=forward,
             grads=dict(L=d_loss, u=d_u, z=d_z, x=d_x, y=d_y),
             caption=("× has local derivatives ∂u/∂x = y and ∂u/∂y = x (swapped!): "
                      f"∂L/∂x = {d_u:g}·y = {d_x:.4g}, ∂L/∂y = {d_u:g}·x = {d_y:.4g}.")),
    ]


def draw_step(step: dict):
    """The figure of one step of :func:`scalar_graph_steps`."""
    fig = draw_scalar_graph(step["values"], step["grads"], highlight=step["highlight"],
                            title=step["title"])
    fig.text(0.5, 0.02, step["caption"], ha="center", fontsize=10)
    return fig


def graph_stepper(x: float = 2.0, y: float = -3.0, z: float = 4.0):
    """Show the widget: choose x, y, z and step forward then backward."""
    import ipywidgets as widgets
    from IPython.display import display

    boxes = [widgets.FloatText(value=v, description=name, layout=widgets.Layout(width="160px"))
             for name, v in (("x", x), ("y", y), ("z", z))]
    step, back, forward = stepper(widgets, last=5)
    out = widgets.Output()

    def redraw(*_):
        out.clear_output(wait=True)
        with out:
            steps = scalar_graph_steps(*(b.value for b in boxes))
            fig = draw_step(steps[step.value])
            display(fig)
            plt.close(fig)

    step.observe(redraw, names="value")
    for box in boxes:
        box.observe(redraw, names="value")
    panel = widgets.VBox([widgets.HBox(boxes), widgets.HBox([back, forward, step]), out])
    display(panel)
    redraw()
    return panel
