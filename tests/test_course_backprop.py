"""Unit tests of course.plots.backprop and course.widgets.backprop (05_backprop)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots import backprop as plots  # noqa: E402
from course.widgets import backprop as widget  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_draw_graph_labels_every_edge():
    nodes = {"a": (0, 0, "a", "var"), "op": (2, 0, "+", "op"), "b": (4, 0, "b", "var")}
    edges = [dict(src="a", dst="op", forward="1", backward="g1"),
             dict(src="op", dst="b", forward="2", backward=None)]
    fig = plots.draw_graph(nodes, edges, title="t", highlight=("op",))
    texts = _texts(fig)
    for expected in ("a", "+", "b", "1", "g1", "2"):
        assert expected in texts
    assert fig.axes[0].get_title() == "t"


def test_draw_node_fans_out_inputs_and_outputs():
    fig = plots.draw_node("", ["x"], ["y1", "y2", "y3"], ["x"] * 4, ["s", "g1", "g2", "g3"])
    texts = _texts(fig)
    assert {"y1", "y2", "y3", "s", "g1", "g2", "g3"} <= set(texts)


def test_draw_scalar_graph_formats_values_and_leaves_blanks():
    fig = plots.draw_scalar_graph(values=dict(x=2.0, y=-3.0), grads=dict(L=1.0))
    texts = _texts(fig)
    assert "x = 2" in texts and "y = -3" in texts and "∂L/∂L = 1" in texts
    assert not any(t.startswith("u =") for t in texts)


def test_other_figures_return_figures():
    assert isinstance(plots.draw_affine_graph(), plt.Figure)
    fig = plots.draw_shape_product([("A", (2, 3)), ("B", (3, 4))], ("C", (2, 4)), title="x")
    assert any("(2, 4)" in t for t in _texts(fig))
    x = np.linspace(-1, 1, 5)
    fig = plots.draw_curves(x, {"a": x, "b": x ** 2}, title="c")
    assert len(fig.axes[0].lines) >= 2
    fig = plots.draw_bars({"y": [0.2, 0.8], "t": [0, 1]})
    assert len(fig.axes[0].patches) == 4


def test_scalar_graph_steps_forward_then_backward():
    steps = widget.scalar_graph_steps(2.0, -3.0, 4.0)
    assert len(steps) == 6
    assert steps[0]["grads"] == {} and "u" not in steps[0]["values"]
    assert steps[1]["values"]["u"] == -6.0
    assert steps[2]["values"]["L"] == -2.0
    last = steps[-1]["grads"]
    assert last == dict(L=1.0, u=1.0, z=1.0, x=-3.0, y=2.0)
    # gradients appear right to left: L first, then u and z, then x and y
    assert [set(s["grads"]) for s in steps[3:]] == [{"L"}, {"L", "u", "z"}, {"L", "u", "z", "x", "y"}]


def test_scalar_graph_steps_match_finite_differences():
    x, y, z, h = 0.7, 1.9, -0.4, 1e-6
    grads = widget.scalar_graph_steps(x, y, z)[-1]["grads"]
    f = lambda x, y, z: x * y + z  # noqa: E731
    assert np.isclose(grads["x"], (f(x + h, y, z) - f(x - h, y, z)) / (2 * h))
    assert np.isclose(grads["y"], (f(x, y + h, z) - f(x, y - h, z)) / (2 * h))


def test_draw_step_shows_caption():
    step = widget.scalar_graph_steps(1.0, 2.0, 3.0)[5]
    fig = widget.draw_step(step)
    assert step["caption"] in _texts(fig)


def test_graph_stepper_buttons_move_and_redraw(monkeypatch):
    import ipywidgets as widgets

    import IPython.display
    from matplotlib.figure import Figure

    shown = []  # the figures the widget displays, one per redraw
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **k: shown.extend(
        o for o in objs if isinstance(o, Figure)))
    panel = widget.graph_stepper(1.0, 2.0, 3.0)
    boxes, controls = panel.children[0].children, panel.children[1].children
    back, forward, slider = controls
    assert isinstance(slider, widgets.IntSlider) and slider.value == 0
    before = len(shown)
    forward.click()
    forward.click()
    assert slider.value == 2 and len(shown) == before + 2
    back.click()
    assert slider.value == 1
    for _ in range(3):
        back.click()
    assert slider.value == 0
    boxes[0].value = 5.0
    assert len(shown) == before + 5  # next, next, back, back (to 0), new x
    slider.value = 5
    assert slider.value == 5


def test_affine_graph_gives_b_and_its_gradient_the_exercise_shape():
    # the Affine exercise requires db of shape (H,): the picture must say so too
    texts = _texts(plots.draw_affine_graph())
    assert "(H,)" in texts and r"$\partial L/\partial b$ (H,)" in texts
    assert not any("(1, H)" in t for t in texts)


def test_network_graph_draws_every_layer_and_the_loss_once():
    fig = plots.draw_network_graph()
    texts = _texts(fig)
    for caption in plots.NETWORK_LAYERS:
        assert caption in texts
    assert texts.count("Affine") == 2
    for name in ("x", "W₁", "b₁", "W₂", "b₂", "t", "L", r"$(y - t)/N$"):
        assert name in texts


def test_leftward_edges_keep_their_labels_upright():
    nodes = {"a": (2, 2, "a", "var"), "op": (0, 0, "+", "op")}
    fig = plots.draw_graph(nodes, [dict(src="a", dst="op", forward="f", backward="g")])
    angles = [t.get_rotation() for t in fig.axes[0].texts if t.get_text() in ("f", "g")]
    assert angles and all(a <= 90 or a >= 270 for a in angles)
