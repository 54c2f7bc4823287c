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
