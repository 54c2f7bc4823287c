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


def test_new_figures_return_figures():
    fig = plots.draw_matmul_paths(N=4, D=2, H=3)
    texts = _texts(fig)
    assert "$W_{11}$" in texts and "$y_{41}$" in texts and "$x_{n2}$" in texts
    assert len(plots.draw_add_and_mul().axes) == 2
    assert len(plots.draw_copy_and_sum_nodes().axes) == 3


# course.checks.backprop: the helpers of 05's visible and hidden tests

from course.checks import CheckFailed  # noqa: E402
from course.checks import backprop as checks  # noqa: E402


class _Mul:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x


class _MulOnClass(_Mul):
    def forward(self, x, y):
        _MulOnClass.x, _MulOnClass.y = x, y
        return x * y

    def backward(self, dout):
        return dout * _MulOnClass.y, dout * _MulOnClass.x


class _MulNoSwap(_Mul):
    def backward(self, dout):
        return dout * self.x, dout * self.y


class _MulInPlace(_Mul):
    def backward(self, dout):
        dout *= self.y
        return dout, dout / self.y * self.x


class _Affine:
    def __init__(self, W, b, transpose=True, rebind=False):
        self.params, self.grads = [W, b], [np.zeros_like(W), np.zeros_like(b)]
        self.transpose, self.rebind = transpose, rebind

    def forward(self, x):
        self.x = x
        return x @ self.params[0] + self.params[1]

    def backward(self, dout):
        W, _ = self.params
        if self.rebind:
            self.grads[0] = self.x.T @ dout
        else:
            self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ (W.T if self.transpose else W)


class _Loss:
    def __init__(self, exact=False, forget_n=False):
        self.params, self.grads, self.exact, self.forget_n = [], [], exact, forget_n

    def forward(self, x, t):
        self.t = t.argmax(axis=1) if t.ndim == 2 else t
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        picked = self.y[np.arange(len(x)), self.t]
        return float(-np.mean(np.log(picked if self.exact else picked + 1e-7)))

    def backward(self, dout=1):
        dx = self.y.copy()
        dx[np.arange(len(dx)), self.t] -= 1
        return dout * dx / (1 if self.forget_n else len(dx))


def test_arrays_and_unpack():
    a, b = checks.arrays(1, (2, 3), (4,), scale=2.0)
    assert a.shape == (2, 3) and b.shape == (4,)
    np.testing.assert_array_equal(checks.arrays(1, (2, 3), (4,), scale=2.0)[0], a)
    assert checks.unpack("f()", [1, 2], 2) == (1, 2)
    with pytest.raises(CheckFailed, match="returned 3 items, expected 2"):
        checks.unpack("f()", (1, 2, 3), 2)
    with pytest.raises(CheckFailed, match="expected a tuple of 2 arrays"):
        checks.unpack("f()", np.zeros(2), 2)


def test_check_node_accepts_a_right_node_and_rejects_wrong_ones(capsys):
    x, y, dout = checks.arrays(2, (3, 4), (3, 4), (3, 4))
    checks.check_node("Mul", _Mul(), (x, y), dout, forward=lambda x, y: x * y)
    assert "Mul.backward dx: relative error" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="Mul.forward differs"):
        checks.check_node("Mul", _Mul(), (x, y), dout, forward=lambda x, y: x + y, verbose=False)
    with pytest.raises(CheckFailed, match="Mul.backward dx does not match the numerical gradient"):
        checks.check_node("Mul", _MulNoSwap(), (x, y), dout, forward=lambda x, y: x * y,
                          verbose=False)
    with pytest.raises(CheckFailed, match="changed an array it was given"):
        checks.check_node("Mul", _MulInPlace(), (x, y), dout, forward=lambda x, y: x * y,
                          verbose=False)
    # the caller's arrays are never the ones handed to the node
    before = [x.copy(), y.copy(), dout.copy()]
    try:
        checks.check_node("Mul", _MulInPlace(), (x, y), dout, forward=lambda x, y: x * y,
                          verbose=False)
    except CheckFailed:
        pass
    for now, then in zip((x, y, dout), before):
        np.testing.assert_array_equal(now, then)


def test_check_node_handles_branch_lists_and_tuples():
    class Branch:
        def __init__(self, n):
            self.n, self.params, self.grads = n, [], []

        def forward(self, x):
            return [x.copy() for _ in range(self.n)]

        def backward(self, douts):
            assert isinstance(douts, tuple)
            return sum(douts)

    x, d1, d2 = checks.arrays(3, (2, 2), (2, 2), (2, 2))
    checks.check_node("Branch(2)", Branch(2), (x,), (d1, d2), forward=lambda x: [x, x],
                      verbose=False)
    with pytest.raises(CheckFailed, match="returned 2 arrays, expected 3"):
        checks.check_node("Branch(2)", Branch(2), (x,), (d1, d2, d2), forward=lambda x: [x, x, x],
                          verbose=False)


def test_check_side_by_side_catches_state_on_the_class():
    cases = [(checks.arrays(4, (2, 2), (2, 2)), *checks.arrays(5, (2, 2))),
             (checks.arrays(6, (2, 2), (2, 2)), *checks.arrays(7, (2, 2)))]
    checks.check_side_by_side("two Mul", [_Mul(), _Mul()], cases, lambda x, y: x * y)
    with pytest.raises(CheckFailed, match="node 1 of 2"):
        checks.check_side_by_side("two Mul", [_MulOnClass(), _MulOnClass()], cases,
                                  lambda x, y: x * y)


def test_check_layer_checks_gradients_and_writing_in_place():
    W, b, x, dout = checks.arrays(8, (3, 3), (3,), (4, 3), (4, 3))
    forward = lambda x, W, b: x @ W + b  # noqa: E731
    checks.check_layer("Affine", _Affine(W, b), x, dout, forward, verbose=False)
    # a square W: the missing transpose has the right shape, only the values tell
    with pytest.raises(CheckFailed, match="Affine.backward dx does not match"):
        checks.check_layer("Affine", _Affine(W, b, transpose=False), x, dout, forward,
                           verbose=False)
    with pytest.raises(CheckFailed, match=r"grads\[0\] after backward"):
        checks.check_layer("Affine", _Affine(W, b, rebind=True), x, dout, forward, verbose=False)


def test_check_loss_accepts_the_book_and_the_exact_loss():
    x, = checks.arrays(9, (5, 3))
    x[0] = [-1000.0, 0.0, 1000.0]
    labels = np.array([0, 1, 2, 0, 1])
    book, exact = checks._book_cross_entropy(x, labels), checks.mean_cross_entropy(x, labels)
    assert exact - book > 300            # y = 0 at the true class of row 0: 2000 against 16.1
    checks.check_loss("loss", book, x, labels)
    checks.check_loss("loss", exact, x, labels)
    with pytest.raises(CheckFailed):
        checks.check_loss("loss", (book + exact) / 2, x, labels)


def test_check_loss_layer():
    x, = checks.arrays(10, (4, 3))
    labels = np.array([0, 2, 1, 2])
    for layer in (_Loss(), _Loss(exact=True)):
        checks.check_loss_layer("loss", layer, x, labels, verbose=False)
        checks.check_loss_layer("loss", layer, x, np.eye(3)[labels], dout=2.5, verbose=False)
    with pytest.raises(CheckFailed, match="does not match the numerical gradient"):
        checks.check_loss_layer("loss", _Loss(forget_n=True), x, labels, verbose=False)
