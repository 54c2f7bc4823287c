"""Unit tests of course.plots.forward and course.widgets.forward (02_forward)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course.plots.forward as plots  # noqa: E402
import course.widgets.forward as widgets  # noqa: E402
from course.datasets import load_spiral  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _unfinished(*_args):
    raise NotImplementedError()


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_draw_network_draws_every_node_and_labels_every_first_layer_weight():
    fig = plots.draw_network((2, 4, 3))
    texts = _texts(fig)
    for name in ["$x_{1}$", "$x_{2}$", "$h_{4}$", "$s_{3}$"]:
        assert name in texts
    weights = [t for t in texts if t.startswith("$w_")]
    assert sorted(weights) == sorted(f"$w_{{{i}{j}}}$" for i in (1, 2) for j in (1, 2, 3, 4))
    assert sum(t.startswith("$b_") for t in texts) == 4
    # 2*4 + 4*3 connections plus 4 bias connections
    assert len(fig.axes[0].lines) == 8 + 12 + 4


def test_draw_network_other_sizes_and_no_labels():
    fig = plots.draw_network((3, 2, 2, 1), label_weights=False, show_bias=False)
    texts = _texts(fig)
    assert not any(t.startswith("$w_") or t.startswith("$b_") for t in texts)
    assert len(fig.axes[0].lines) == 3 * 2 + 2 * 2 + 2 * 1


def test_draw_shape_flow_writes_every_shape():
    fig = plots.draw_shape_flow(batch=10, sizes=(2, 4, 3))
    texts = _texts(fig)
    for shape in ["(10, 2)", "(2, 4)", "(4,)", "(10, 4)", "(4, 3)", "(3,)", "(10, 3)"]:
        assert shape in texts, shape
    assert "(10, 3)" in fig.axes[0].get_title()


def test_draw_shape_flow_batch_of_one():
    texts = _texts(plots.draw_shape_flow(batch=1, sizes=(5, 2, 7)))
    assert "(1, 5)" in texts and "(1, 7)" in texts and "(2, 7)" in texts


def test_plot_sigmoid_draws_the_given_function():
    seen = []

    def recording(x):
        seen.append(x.copy())
        return _sigmoid(x)

    fig = plots.plot_sigmoid(recording, lo=-4.0, hi=4.0)
    assert seen and seen[0].min() == -4.0 and seen[0].max() == 4.0
    curve = [line for line in fig.axes[0].lines if line.get_label() == "your sigmoid"][0]
    assert np.allclose(curve.get_ydata(), _sigmoid(curve.get_xdata()))


def test_plot_sigmoid_unfinished_prints_a_hint(capsys):
    assert plots.plot_sigmoid(_unfinished) is None
    assert "Implement sigmoid" in capsys.readouterr().out
    assert not plt.get_fignums()


def test_draw_decision_regions_reports_accuracy_of_the_given_predict():
    x = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    t = np.eye(3, dtype=np.int64)[[0, 1, 2, 2]]

    def by_quadrant(points):
        # class 0 left, class 1 right, class 2 near the vertical axis
        scores = np.stack([-points[:, 0], points[:, 0], 1.5 - 2 * np.abs(points[:, 0])], axis=1)
        return scores

    fig = plots.draw_decision_regions(by_quadrant, x, t, resolution=20)
    assert "accuracy 100%" in fig.axes[0].get_title()
    fig = plots.draw_decision_regions(lambda p: np.tile([1.0, 0.0, 0.0], (len(p), 1)), x, t,
                                      resolution=20)
    assert "accuracy 25%" in fig.axes[0].get_title()


def test_draw_decision_regions_on_the_spiral():
    x, t = load_spiral()
    fig = plots.draw_decision_regions(lambda p: p @ np.ones((2, 3)), x, t, resolution=30)
    assert len(fig.axes[0].collections) >= 3


def test_draw_decision_regions_unfinished_prints_a_hint(capsys):
    x, t = load_spiral()
    assert plots.draw_decision_regions(_unfinished, x, t) is None
    assert "Implement" in capsys.readouterr().out


def test_neuron_output_uses_the_given_sigmoid_on_the_weighted_sum():
    calls = []

    def recording(z):
        calls.append(z.copy())
        return _sigmoid(z)

    x1, x2, y = widgets.neuron_output(recording, 2.0, -1.0, 0.5, lim=2.0, resolution=5)
    assert x1.shape == x2.shape == y.shape == (5, 5)
    assert np.allclose(calls[0], 2.0 * x1 - 1.0 * x2 + 0.5)
    assert np.allclose(y, _sigmoid(calls[0]))


def test_draw_neuron_marks_the_half_line_and_title():
    fig = widgets.draw_neuron(_sigmoid, 1.0, 1.0, 0.0)
    ax = fig.axes[0]
    assert "w1 = 1.0" in ax.get_title() and "b = 0.0" in ax.get_title()
    assert ax.images
    # zero weights: a constant output, no 0.5-line and no arrow, but still a figure
    fig = widgets.draw_neuron(_sigmoid, 0.0, 0.0, 2.0)
    assert fig.axes[0].images


@pytest.mark.parametrize("w1, w2, b", [(1.0, -1.0, 0.0), (-4.9, 3.3, -2.5)])
def test_draw_neuron_title_and_colorbar_label_do_not_overlap(w1, w2, b):
    # the colorbar's label must not run into the title
    fig = widgets.draw_neuron(_sigmoid, w1, w2, b)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax, colorbar = fig.axes
    title = ax.title.get_window_extent(renderer)
    label = colorbar.yaxis.label.get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in colorbar.get_yticklabels() if t.get_text()]
    assert colorbar.get_ylabel().startswith("output")
    for box in [label, colorbar.get_window_extent(renderer), *ticks]:
        assert not title.overlaps(box), "the title overlaps the colorbar or its label"
    figure = fig.bbox
    for box in [title, label]:
        assert figure.x0 <= box.x0 and box.x1 <= figure.x1 and box.y1 <= figure.y1, \
            "a label runs off the figure"


def test_draw_neuron_propagates_not_implemented():
    with pytest.raises(NotImplementedError):
        widgets.draw_neuron(_unfinished)


def test_neuron_explorer_redraws_on_slider_change():
    pytest.importorskip("ipywidgets")
    calls = []

    def recording(z):
        calls.append(z)
        return _sigmoid(z)

    box = widgets.neuron_explorer(recording)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["w1", "w2", "b"]
    before = len(calls)
    sliders[2].value = 1.5
    assert len(calls) == before + 1
    assert np.allclose(calls[-1][0, 0], -3.0 * 1.0 + -3.0 * -1.0 + 1.5)


def test_neuron_explorer_with_unfinished_sigmoid_says_so(capsys):
    pytest.importorskip("ipywidgets")
    box = widgets.neuron_explorer(_unfinished)  # outside a kernel, Output prints to stdout
    assert "Implement sigmoid first" in capsys.readouterr().out
    box.children[0].children[0].value = 2.0  # the callback does not raise either
    assert "Implement sigmoid first" in capsys.readouterr().out


# course.checks.forward: the helpers of 02_forward's tests

class _Layer:
    def __init__(self, *params):
        self.params = list(params)

    def forward(self, x):
        return x + 1.0


class _Other(_Layer):
    pass


def _failure(fn, *args, **kwargs) -> str:
    from course.checks import CheckFailed
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_check_layers_checks_count_classes_and_distinct_objects():
    from course.checks.forward import check_layers

    a, b = _Layer(), _Other()
    check_layers("net.layers", [a, b, _Layer()], [_Layer, _Other, _Layer])
    assert "holds 2" in _failure(check_layers, "net.layers", [a, b], [_Layer, _Other, _Layer])
    assert "net.layers[1] should be an object of your class _Other" in _failure(
        check_layers, "net.layers", [a, _Layer(), a], [_Layer, _Other, _Layer])
    assert "net.layers[0] and net.layers[2] are the same object" in _failure(
        check_layers, "net.layers", [a, b, a], [_Layer, _Other, _Layer])
    assert "expected list" in _failure(check_layers, "net.layers", (a, b), [_Layer, _Other])


def test_check_params_are_wants_the_very_arrays_in_one_flat_list():
    from course.checks.forward import check_params_are, layer_params

    W, b = np.ones((2, 3)), np.zeros(3)
    check_params_are("layer.params", [W, b], [W, b], ["W", "b"])
    assert "not the same object" in _failure(check_params_are, "layer.params", [W.copy(), b],
                                             [W, b], ["W", "b"])
    assert "flat list [W, b] of 2 arrays; it has 1 items" in _failure(
        check_params_are, "layer.params", [[W, b]], [W, b], ["W", "b"])
    layers = [_Layer(W, b), _Layer(), _Layer(b)]
    assert layer_params(layers) == [W, b, b] and layer_params(layers)[0] is W
    assert layer_params([object()]) == []


def test_run_layers_chains_forward_and_blames_a_failing_layer():
    from course.checks.forward import run_layers

    assert np.array_equal(run_layers([_Layer(), _Layer()], np.zeros(2)), [2.0, 2.0])

    class Broken(_Layer):
        def forward(self, x):
            raise IndexError("bad index")

    assert "layer 1 raised IndexError: bad index; fix that layer first" in _failure(
        run_layers, [_Layer(), Broken()], np.zeros(2))

    class Unfinished(_Layer):
        def forward(self, x):
            raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        run_layers([Unfinished()], np.zeros(2))
