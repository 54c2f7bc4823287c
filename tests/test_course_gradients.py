"""Unit tests of course.plots.gradients and course.widgets.gradients (04_gradients)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course.plots.gradients as plots  # noqa: E402
import course.widgets.gradients as widgets  # noqa: E402
from course.checks import CheckFailed  # noqa: E402
from course.checks import gradients as checks  # noqa: E402
from course.rules import ForbiddenCall  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _square(x):
    return x ** 2


def test_draw_tangent_draws_the_line_through_the_point():
    fig = plots.draw_tangent(_square, 1.5, slope=3.0, xlim=(-2.0, 2.0))
    ax = fig.axes[0]
    curve, tangent, point = ax.lines
    xs = tangent.get_xdata()
    assert np.allclose(tangent.get_ydata(), 2.25 + 3.0 * (xs - 1.5))
    assert np.allclose(curve.get_ydata(), xs ** 2)
    assert point.get_xdata()[0] == 1.5 and point.get_ydata()[0] == 2.25


def test_draw_tangent_without_slope_shows_only_curve_and_point():
    fig = plots.draw_tangent(np.sin, 0.0, slope=None, xlim=(-3.0, 3.0))
    assert len(fig.axes[0].lines) == 2


def test_draw_tangent_constant_function_has_sensible_limits():
    fig = plots.draw_tangent(lambda x: 0 * x + 1.0, 0.0, slope=0.0, xlim=(-1.0, 1.0))
    low, high = fig.axes[0].get_ylim()
    assert low < 1.0 < high


def test_draw_step_errors_one_curve_per_method_and_zero_errors():
    hs = 10.0 ** -np.arange(1, 6)
    errors = {"a": hs, "b": np.zeros(5)}
    fig = plots.draw_step_errors(hs, errors, best=1e-4)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    curves = [line for line in ax.lines if line.get_label() in errors]
    assert len(curves) == 2
    assert np.all(curves[1].get_ydata() > 0)  # zeros are floored, not dropped


def test_draw_gradient_field_draws_the_given_gradient():
    seen = []

    def gradient(point):
        seen.append(point.copy())
        return 2 * point

    fig = plots.draw_gradient_field(lambda p: np.sum(p ** 2), gradient, n=5)
    assert len(seen) == 25 and all(p.shape == (2,) and p.dtype == float for p in seen)
    quiver = [c for c in fig.axes[0].collections if type(c).__name__ == "Quiver"][0]
    grid = np.linspace(-2, 2, 5)
    A, B = np.meshgrid(grid, grid)
    assert np.allclose(quiver.U, -2 * A.ravel()) and np.allclose(quiver.V, -2 * B.ravel())


def test_draw_gradient_field_positive_direction():
    fig = plots.draw_gradient_field(lambda p: np.sum(p ** 2), lambda p: 2 * p, n=3, negative=False)
    quiver = [c for c in fig.axes[0].collections if type(c).__name__ == "Quiver"][0]
    assert np.allclose(quiver.U, 2 * np.tile(np.linspace(-2, 2, 3), 3))


def test_draw_gradient_field_propagates_not_implemented_and_checks_size():
    def unfinished(point):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        plots.draw_gradient_field(lambda p: 0.0, unfinished, n=3)
    with pytest.raises(ValueError):
        plots.draw_gradient_field(lambda p: 0.0, lambda p: np.zeros(3), n=3)


def test_draw_function_and_derivative():
    x = np.linspace(-1, 1, 5)
    fig = plots.draw_function_and_derivative(x, x ** 2, 2 * x, names=("f", "df"))
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert "f" in labels and "df" in labels


def test_tangent_report_messages():
    slope, message = widgets.tangent_report(None, np.sin, 0.0)
    assert slope is None and "numerical_diff" in message

    def unfinished(f, x):
        raise NotImplementedError()

    slope, message = widgets.tangent_report(unfinished, np.sin, 0.0)
    assert slope is None and "Implement numerical_diff" in message

    def broken(f, x):
        raise ValueError("oops")

    slope, message = widgets.tangent_report(broken, np.sin, 0.0)
    assert slope is None and "ValueError" in message and "oops" in message

    slope, message = widgets.tangent_report(lambda f, x: 0.75, np.sin, 0.0, exact=np.cos)
    assert slope == 0.75 and "0.75" in message and "exact derivative is 1" in message


def test_functions_table_is_consistent():
    for name, (f, exact, (low, high)) in widgets.FUNCTIONS.items():
        assert low < high, name
        x = np.linspace(low, high, 7)[1:-1]
        step = 1e-6
        approx = (f(x + step) - f(x - step)) / (2 * step)
        assert np.allclose(approx, exact(x), rtol=1e-5, atol=1e-6), name


def test_course_holds_no_solution():
    for module in (plots, widgets, checks):
        for name in ("numerical_diff", "numerical_gradient", "sigmoid_grad", "softmax_jacobian",
                     "softmax"):
            assert not hasattr(module, name)


def _children(box):
    choice, slider, status, out = box.children
    return choice, slider, status, out


def test_tangent_explorer_redraws_on_slider_and_function_change():
    calls = []

    def fake_diff(f, x):
        calls.append(x)
        return 1.25

    box = widgets.tangent_explorer(fake_diff)
    choice, slider, status, out = _children(box)
    assert "1.25" in status.value and calls
    slider.value = 10.0
    assert calls[-1] == pytest.approx(10.0)
    assert "x = 10.000" in status.value
    choice.value = "sin(x)"
    low, high = widgets.FUNCTIONS["sin(x)"][2]
    assert slider.min == pytest.approx(low) and slider.max == pytest.approx(high)
    assert low <= calls[-1] <= high
    assert "exact derivative" in status.value


def test_tangent_explorer_degrades_gracefully():
    def unfinished(f, x):
        raise NotImplementedError()

    box = widgets.tangent_explorer(unfinished)
    choice, slider, status, out = _children(box)
    assert "Implement numerical_diff" in status.value
    slider.value = slider.max
    assert "Implement numerical_diff" in status.value

    box = widgets.tangent_explorer()
    assert "numerical_diff" in _children(box)[2].value


def test_tangent_explorer_custom_functions():
    table = {"line": (lambda x: 2 * x + 1, lambda x: 2.0 + 0 * x, (5.0, 6.0))}
    box = widgets.tangent_explorer(lambda f, x: 2.0, functions=table)
    choice, slider, status, out = _children(box)
    assert slider.min == 5.0 and slider.max == 6.0
    assert "difference 0.0e+00" in status.value


def test_draw_softmax_gradient_heat_map_and_bars():
    y = np.array([0.2, 0.3, 0.5])
    J = np.diag(y) - np.outer(y, y)
    t = np.array([0.0, 0.0, 1.0])
    through = J.T @ (-t / y)
    fig = plots.draw_softmax_gradient(J, through, y - t, labels=["a", "b", "c"])
    left, right = fig.axes[:2]
    assert np.allclose(left.images[0].get_array(), J)
    assert len(left.texts) == 9
    heights = [p.get_height() for p in right.patches]
    assert np.allclose(heights[:3], through) and np.allclose(heights[3:], y - t)


def test_draw_softmax_gradient_all_zero_jacobian():
    fig = plots.draw_softmax_gradient(np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    assert fig.axes[0].images[0].get_clim() == (-1.0, 1.0)


# course.checks.gradients: the helpers of 04_gradients' test cells --------------------------

def test_loss_reading_reads_its_array_and_records_what_it_got():
    W = np.array([[1.0, 2.0]])
    loss, given = checks.loss_reading(W, np.array([1.0]), np.array([0.0, 0.0]))
    assert loss(None) == pytest.approx(2.5)
    W[0, 1] = 0.0                                   # it reads W, not its argument
    assert loss(W.copy()) == pytest.approx(0.5)
    assert loss(W) == pytest.approx(0.5)
    assert given == [False, False, True]


def test_check_given_itself():
    checks.check_given_itself("g", [True, True])
    with pytest.raises(CheckFailed, match="1 time\\(s\\) with another array"):
        checks.check_given_itself("g", [True, False])
    with pytest.raises(CheckFailed, match="never called"):
        checks.check_given_itself("g", [])


def test_check_kept_rule():
    checks.check_kept_rule("f(x)", 1.0)
    with pytest.raises(CheckFailed, match="f\\(x\\): np.dot is forbidden"):
        checks.check_kept_rule("f(x)", ForbiddenCall("np.dot is forbidden"))


def test_check_restored_bit_for_bit():
    a = np.array([[0.1, 0.2], [0.3, 0.4]])
    checks.check_restored("x", a.copy(), a)
    b = a.copy()
    b[1, 0] = np.nextafter(0.3, 1.0)             # one bit off
    with pytest.raises(CheckFailed, match="differs from before at \\[\\(1, 0\\)\\]"):
        checks.check_restored("x", b, a)
    with pytest.raises(CheckFailed, match="shape"):
        checks.check_restored("x", a.ravel(), a)
    checks.check_restored("x", np.array(1.5), np.array(1.5))
