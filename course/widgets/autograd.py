"""The graph explorer of 07_autograd: small expressions built from the student's
``Value``, drawn with every node's data and grad, backward one node at a time.

Each expression is written out here once (its nodes, where to draw them, and one
reverse topological order of its nodes, listed by hand). The widget builds it
from the student's ``Value``, calls ``backward()`` on the output and reads each
node's ``data`` and ``grad``: the numbers it shows are the student's. Stepping
through the order shows what backward does: when a node's turn comes, every
node that uses it has been visited already, so its grad is final. Until
``Value`` works, the widget computes the data with plain floats and says so.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt

from course.plots.autograd import draw_value_graph
from course.widgets.stepper import stepper


def _exp(v):
    return math.exp(v) if isinstance(v, (int, float)) else v.exp()


def _log(v):
    return math.log(v) if isinstance(v, (int, float)) else v.log()


def _sigmoid(v):
    return 1 / (1 + math.exp(-v)) if isinstance(v, (int, float)) else v.sigmoid()


def _product(a, b):
    u = a * b
    return dict(a=a, b=b, u=u, L=u + a)


def _neuron(w, x, b):
    m = w * x
    z = m + b
    return dict(w=w, x=x, b=b, m=m, z=z, L=_sigmoid(z))


def _twice(x):
    a = _exp(x)
    b = 3 * a
    return dict(x=x, a=a, b=b, L=a + b)


def _cross_entropy(s1, s2):
    e1, e2 = _exp(s1), _exp(s2)
    total = e1 + e2
    log = _log(total)
    return dict(s1=s1, s2=s2, e1=e1, e2=e2, S=total, l=log, L=log - s1)


# name -> inputs (name, start value), graph (as draw_value_graph takes it), the
# output's function of the inputs, and one reverse topological order.
EXPRESSIONS = {
    "L = a·b + a  (a used twice)": dict(
        inputs=[("a", 2.0), ("b", -3.0)], build=_product, order=["L", "u", "a", "b"],
        graph={"a": ("a", [], (0.0, 1.0)), "b": ("b", [], (0.0, -0.8)),
               "u": ("u = a·b", ["a", "b"], (2.4, 0.1)),
               "L": ("L = u + a", ["u", "a"], (4.8, 0.6))}),
    "L = a + 3a,  a = exp(x)  (order matters)": dict(
        inputs=[("x", 0.5)], build=_twice, order=["L", "b", "a", "x"],
        graph={"x": ("x", [], (0.0, 0.0)), "a": ("a = exp(x)", ["x"], (2.4, 0.0)),
               "b": ("b = 3·a", ["a"], (4.8, -1.2)),
               "L": ("L = a + b", ["a", "b"], (7.2, 0.0))}),
    "L = sigmoid(w·x + b)  (one neuron)": dict(
        inputs=[("w", 1.5), ("x", -0.5), ("b", 0.25)], build=_neuron,
        order=["L", "z", "m", "b", "w", "x"],
        graph={"w": ("w", [], (0.0, 1.2)), "x": ("x", [], (0.0, 0.0)),
               "b": ("b", [], (0.0, -1.2)), "m": ("m = w·x", ["w", "x"], (2.4, 0.6)),
               "z": ("z = m + b", ["m", "b"], (4.8, 0.0)),
               "L": ("L = sigmoid(z)", ["z"], (7.2, 0.0))}),
    "L = log(exp(s1) + exp(s2)) − s1  (cross-entropy)": dict(
        inputs=[("s1", 1.0), ("s2", 0.0)], build=_cross_entropy,
        order=["L", "l", "S", "e1", "e2", "s1", "s2"],
        graph={"s1": ("s1", [], (0.0, 0.9)), "s2": ("s2", [], (0.0, -0.9)),
               "e1": ("e1 = exp(s1)", ["s1"], (2.2, 0.9)),
               "e2": ("e2 = exp(s2)", ["s2"], (2.2, -0.9)),
               "S": ("S = e1 + e2", ["e1", "e2"], (4.4, 0.0)),
               "l": ("l = log(S)", ["S"], (6.6, 0.0)),
               "L": ("L = l − s1", ["l", "s1"], (8.8, 0.9))}),
}


def explore(Value, expression: str, values: list) -> dict:
    """Build one expression from ``Value`` at these input values, run backward.

    Returns ``data`` and ``grads`` (node name -> number) and ``problem`` (None,
    or why the student's ``Value`` could not be used: then ``data`` comes from
    plain floats and ``grads`` is empty).
    """
    spec = EXPRESSIONS[expression]
    floats = spec["build"](*[float(v) for v in values])
    if Value is None:
        return dict(data=floats, grads={}, problem="no Value given")
    try:
        nodes = spec["build"](*[Value(float(v)) for v in values])
        nodes["L"].backward()
        data = {name: float(node.data) for name, node in nodes.items()}
        grads = {name: float(node.grad) for name, node in nodes.items()}
    except NotImplementedError:
        return dict(data=floats, grads={}, problem="Value is not finished yet")
    except Exception as error:  # the student's code failed: say how, draw the floats
        return dict(data=floats, grads={}, problem=f"Value raised {type(error).__name__}: {error}")
    return dict(data=data, grads=grads, problem=None)


def step_caption(expression: str, step: int, found: dict) -> str:
    """What the figure of this step shows, in words."""
    spec = EXPRESSIONS[expression]
    if found["problem"]:
        return (f"{found['problem']}: the data below are plain floats. "
                "Run this cell again once your Value works.")
    if step == 0:
        return "Forward pass: every node holds its data. No grad is known yet."
    name = spec["order"][step - 1]
    inputs = spec["graph"][name][1]
    if not inputs:
        return (f"Backward, step {step}: {name} is a leaf. Every node that uses it has passed "
                f"its share, so its grad {found['grads'][name]:.4g} is final.")
    return (f"Backward, step {step}: {name} is visited. Every node that uses it came earlier, so "
            f"its grad {found['grads'][name]:.4g} is final; it now adds grad × local derivative "
            f"to {', '.join(inputs)}.")


def draw_step(expression: str, step: int, found: dict):
    """The figure of one step: step 0 forward, step k the first k nodes of backward."""
    spec = EXPRESSIONS[expression]
    visited = spec["order"][:step] if not found["problem"] else []
    grads = {name: found["grads"][name] for name in visited}
    order = {name: k + 1 for k, name in enumerate(spec["order"])}
    return draw_value_graph(spec["graph"], data=found["data"], grads=grads, order=order,
                            current=visited[-1] if visited else None, title=expression,
                            caption=step_caption(expression, step, found))


def value_graph_explorer(Value=None, expression: str | None = None):
    """Show the widget: pick an expression, set its inputs, step through backward.

    The badges give the order in which backward visits the nodes (a reverse
    topological order); step 0 is the forward pass.
    """
    import ipywidgets as widgets
    from IPython.display import display

    names = list(EXPRESSIONS)
    choice = widgets.Dropdown(options=names, value=expression or names[0],
                              description="expression", layout=widgets.Layout(width="480px"))
    sliders = [widgets.FloatSlider(min=-3.0, max=3.0, step=0.25, continuous_update=False,
                                   layout=widgets.Layout(width="300px")) for _ in range(3)]
    step, back, forward = stepper(widgets)
    out = widgets.Output()
    busy = {"setting": False}

    def used():
        return EXPRESSIONS[choice.value]["inputs"]

    def redraw(*_):
        if busy["setting"]:
            return
        count = len(used())
        found = explore(Value, choice.value, [s.value for s in sliders[:count]])
        out.clear_output(wait=True)
        with out:
            fig = draw_step(choice.value, step.value, found)
            display(fig)
            plt.close(fig)

    def choose(*_):
        busy["setting"] = True
        spec = EXPRESSIONS[choice.value]
        for slider, entry in zip(sliders, spec["inputs"] + [None] * 3):
            slider.layout.display = None if entry else "none"
            if entry:
                slider.description, slider.value = entry
        step.max = len(spec["order"])
        step.value = 0
        busy["setting"] = False
        redraw()

    choice.observe(choose, names="value")
    step.observe(redraw, names="value")
    for slider in sliders:
        slider.observe(redraw, names="value")
    panel = widgets.VBox([choice, widgets.HBox(sliders), widgets.HBox([back, forward, step]), out])
    display(panel)
    choose()
    return panel
