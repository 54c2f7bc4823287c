"""Unit tests of course/plots/loss.py and course/widgets/loss.py (03_loss)."""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.plots import loss as plots  # noqa: E402
from course.widgets import loss as widgets  # noqa: E402


# Reference implementations for the tests only (course/ never holds them).
def ref_softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def ref_cross_entropy_error(y, t):
    y = y.reshape(-1, y.shape[-1])
    labels = np.reshape(t, -1) if np.size(t) != y.size else np.argmax(t.reshape(y.shape), axis=1)
    return float(-np.mean(np.log(y[np.arange(y.shape[0]), labels] + 1e-7)))


def unfinished(*args):
    raise NotImplementedError()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_draw_neg_log_returns_figure_with_curve():
    fig = plots.draw_neg_log(points=(0.1, 0.5))
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    assert np.allclose(y, -np.log(x))
    assert ax.get_ylim()[1] > -math.log(1e-7)


def test_draw_probability_bars_heights_and_highlight():
    probs = np.array([0.7, 0.2, 0.1])
    fig = plots.draw_probability_bars(probs, target=1, labels=["a", "b", "c"])
    patches = fig.axes[0].patches
    assert [p.get_height() for p in patches] == pytest.approx(probs.tolist())
    assert patches[1].get_facecolor() != patches[0].get_facecolor()
    assert "1.000000" in fig.axes[0].get_title()


def test_draw_probability_bars_into_given_axes():
    fig, ax = plt.subplots()
    assert plots.draw_probability_bars([0.5, 0.5], ax=ax, title="t") is fig
    assert ax.get_title() == "t"


def test_draw_scores_and_probs_two_panels():
    scores = np.array([2.0, -1.0, 0.5])
    fig = plots.draw_scores_and_probs(scores, ref_softmax(scores), target=0)
    assert len(fig.axes) == 2
    assert [p.get_height() for p in fig.axes[0].patches] == pytest.approx(scores.tolist())


def test_draw_untrained_losses_plots_measured_points():
    fig = plots.draw_untrained_losses([2, 3, 10], [0.69, 1.1, 2.3])
    ax = fig.axes[0]
    grid, curve = ax.lines[0].get_data()
    assert np.allclose(curve, np.log(grid))
    assert list(ax.lines[1].get_data()[1]) == [0.69, 1.1, 2.3]


def test_temperature_state_sharpens_and_flattens():
    low = widgets.temperature_state(ref_softmax, ref_cross_entropy_error, temperature=0.1)
    one = widgets.temperature_state(ref_softmax, ref_cross_entropy_error, temperature=1.0)
    high = widgets.temperature_state(ref_softmax, ref_cross_entropy_error, temperature=1000.0)
    assert low["probs"][0] > one["probs"][0] > high["probs"][0]
    assert low["loss"] < one["loss"] < high["loss"]
    assert high["loss"] == pytest.approx(math.log(4), rel=1e-2)
    assert "ln 4" in one["message"]


def test_temperature_state_wrong_class_loss_grows_when_sharp():
    sharp = widgets.temperature_state(ref_softmax, ref_cross_entropy_error, temperature=0.1,
                                      target=3)
    soft = widgets.temperature_state(ref_softmax, ref_cross_entropy_error, temperature=1.0,
                                     target=3)
    assert sharp["loss"] > soft["loss"]


def test_temperature_state_degrades_while_unfinished():
    state = widgets.temperature_state(unfinished, unfinished)
    assert state["probs"] is None and state["loss"] is None
    assert "softmax" in state["message"]
    state = widgets.temperature_state(ref_softmax, unfinished)
    assert state["probs"] is not None and state["loss"] is None
    assert "cross_entropy_error" in state["message"]


def test_temperature_state_reports_other_errors():
    def broken(y, t):
        raise IndexError("too many indices")

    state = widgets.temperature_state(ref_softmax, broken)
    assert state["loss"] is None and "IndexError" in state["message"]


def test_draw_temperature_title_has_loss():
    state = widgets.temperature_state(ref_softmax, ref_cross_entropy_error, temperature=2.0)
    fig = widgets.draw_temperature(widgets.SCORES, state, 2.0)
    assert "loss" in fig.axes[0].get_title()


def test_class_names():
    assert widgets.class_names(np.zeros(2)) == ["cat", "dog"]
    assert widgets.class_names(np.zeros(6)) == [str(k) for k in range(6)]
    assert widgets.class_names(np.zeros(2), ["x", "y"]) == ["x", "y"]


# Outside a kernel an ipywidgets Output captures nothing: what the callbacks
# print reaches stdout, which capsys reads.
def test_temperature_explorer_builds_and_redraws(capsys):
    box = widgets.temperature_explorer(ref_softmax, ref_cross_entropy_error)
    slider, target = box.children[0].children
    assert "T = 1:" in capsys.readouterr().out
    slider.value = 0.2
    assert "T = 0.2" in capsys.readouterr().out
    target.value = 2
    assert "p(correct)" in capsys.readouterr().out


def test_temperature_explorer_with_unfinished_functions(capsys):
    box = widgets.temperature_explorer(unfinished, unfinished)
    assert "implement softmax first" in capsys.readouterr().out
    box.children[0].children[0].value = 3.0
    assert "implement softmax first" in capsys.readouterr().out


# course.checks.loss: the helpers of 03_loss's test cells -----------------------------------

from course.checks import CheckFailed  # noqa: E402
from course.checks import loss as checks  # noqa: E402


class RefLayer:
    def __init__(self):
        self.params = []

    def forward(self, x, t):
        return ref_cross_entropy_error(ref_softmax(x), t)


class FirstLabelsLayer(RefLayer):
    t = None          # on the class: shared by every layer

    def forward(self, x, t):
        if FirstLabelsLayer.t is None:
            FirstLabelsLayer.t = t
        return ref_cross_entropy_error(ref_softmax(x), FirstLabelsLayer.t)


class ShiftsInPlaceLayer(RefLayer):
    def forward(self, x, t):
        x -= np.max(x, axis=1, keepdims=True)
        return super().forward(x, t)


def _loss(x, t):
    return ref_cross_entropy_error(ref_softmax(x), t)


def test_check_loss_tolerance_and_message():
    assert checks.check_loss("f", np.float64(0.5108256), 0.5108256237659907) == pytest.approx(0.5108256)
    checks.check_loss("f", 1.0 + 5e-6, 1.0)           # within rtol 1e-5
    with pytest.raises(CheckFailed, match=r"f returned 1\.1, expected 1: the sum"):
        checks.check_loss("f", 1.1, 1.0, why="the sum")
    with pytest.raises(CheckFailed, match="expected a single number"):
        checks.check_loss("f", np.zeros(2), 1.0)


def test_check_unchanged_names_shape_dtype_and_values():
    a = np.array([1.0, 2.0])
    checks.check_unchanged("y", a, a.copy())
    with pytest.raises(CheckFailed, match=r"has shape \(1, 2\), not \(2,\)"):
        checks.check_unchanged("y", a.reshape(1, 2), a)
    with pytest.raises(CheckFailed, match="holds"):
        checks.check_unchanged("y", a + 1e-7, a)
    with pytest.raises(CheckFailed, match="holds"):
        checks.check_unchanged("t", np.array([1, 2]), np.array([1.0, 2.0]))


def test_check_leaves_inputs():
    y, t = np.array([[0.2, 0.8]]), np.array([1])
    assert checks.check_leaves_inputs("cross_entropy_error", ref_cross_entropy_error, y=y, t=t)

    def adds_in_place(y, t):
        y += 1e-7
        return 0.0

    with pytest.raises(CheckFailed, match=r"y after cross_entropy_error\(y, t\) with y of shape"):
        checks.check_leaves_inputs("cross_entropy_error", adds_in_place, y=y.copy(), t=t)

    def fails(y, t):
        raise IndexError("no")

    assert checks.check_leaves_inputs("f", fails, y=y, t=t) is False
    with pytest.raises(NotImplementedError):
        checks.check_leaves_inputs("f", unfinished, y=y, t=t)


def test_forward_problems_accepts_a_right_layer_and_labels_in_both_forms():
    x = np.array([[2.0, 0.0], [0.0, 1.0]])
    layer = RefLayer()
    calls = [(layer, x, np.array([0, 1]), _loss(x, np.array([0, 1]))),
             (layer, x, np.array([[0, 1], [1, 0]]), _loss(x, np.array([1, 0])))]
    assert checks.forward_problems(calls, ref_softmax, ref_cross_entropy_error) == ([], 2)
    checks.check_forward(calls, ref_softmax, ref_cross_entropy_error)


def test_forward_problems_catch_state_shared_by_two_layers():
    FirstLabelsLayer.t = None
    x = np.array([[2.0, 0.0], [0.0, 1.0]])
    a, b = FirstLabelsLayer(), FirstLabelsLayer()
    calls = [(a, x, np.array([0, 1]), _loss(x, np.array([0, 1]))),
             (b, x, np.array([1, 1]), _loss(x, np.array([1, 1])))]
    problems, judged = checks.forward_problems(calls, ref_softmax, ref_cross_entropy_error)
    assert judged == 2 and len(problems) == 1 and "call 2" in problems[0]
    with pytest.raises(CheckFailed, match="nothing kept from an earlier call or another layer"):
        checks.check_forward(calls, ref_softmax, ref_cross_entropy_error)


def test_forward_problems_judge_against_the_students_own_functions():
    def wrong_softmax(x):          # a mistake that counts in softmax's own tests
        return ref_softmax(2 * x)

    class ComposesTheirs(RefLayer):
        def forward(self, x, t):
            return ref_cross_entropy_error(wrong_softmax(x), t)

    x, t = np.array([[2.0, 0.0]]), np.array([0])
    calls = [(ComposesTheirs(), x, t, _loss(x, t))]
    assert checks.forward_problems(calls, wrong_softmax, ref_cross_entropy_error) == ([], 1)
    problems, _ = checks.forward_problems(calls, ref_softmax, ref_cross_entropy_error)
    assert problems and "expected" in problems[0]


def test_forward_problems_excuse_only_the_students_own_failures():
    def crashing(*args):
        raise NameError("name 'undefined_name' is not defined")

    class Crashes(RefLayer):
        def forward(self, x, t):
            return crashing(x)

    x, t = np.array([[2.0, 0.0]]), np.array([0])
    # the same error as the student's own functions: not judged here
    assert checks.forward_problems([(Crashes(), x, t, 0.1)], crashing, crashing) == ([], 0)
    with pytest.raises(CheckFailed, match="no call could be judged"):
        checks.check_forward([(Crashes(), x, t, 0.1)], crashing, crashing)
    # an error of the layer's own
    problems, judged = checks.forward_problems([(Crashes(), x, t, 0.1)], ref_softmax,
                                               ref_cross_entropy_error)
    assert judged == 0 and "raised NameError" in problems[0]


def test_forward_problems_flag_a_layer_that_changes_its_inputs():
    x, t = np.array([[2.0, 0.0], [1.0, 3.0]]), np.array([0, 1])
    problems, _ = checks.forward_problems([(ShiftsInPlaceLayer(), x.copy(), t, _loss(x, t))],
                                          ref_softmax, ref_cross_entropy_error)
    assert problems == [problems[0]] and "changed the x or t" in problems[0]

    def softmax_in_place(x):       # the student's own softmax changes x: counted in its tests
        x -= np.max(x, axis=1, keepdims=True)
        return ref_softmax(x)

    class ComposesInPlace(RefLayer):
        def forward(self, x, t):
            return ref_cross_entropy_error(softmax_in_place(x), t)

    problems, _ = checks.forward_problems([(ComposesInPlace(), x.copy(), t, _loss(x, t))],
                                          softmax_in_place, ref_cross_entropy_error)
    assert problems == []
