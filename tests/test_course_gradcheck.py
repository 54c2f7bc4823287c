import numpy as np
import pytest

from course.checks import CheckFailed
from course import gradcheck
from course.gradcheck import check_gradient, relative_error


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0], [3.0]) == pytest.approx(0.5)
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0


def test_check_gradient_accepts_right_gradient_and_restores_x(capsys):
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 2))
    x = rng.normal(size=(4, 3))
    dout = rng.normal(size=(4, 2))
    before = W.copy()
    error = check_gradient("MatMul dW", x.T @ dout, lambda: np.sum((x @ W) * dout), W)
    assert error < 1e-8
    np.testing.assert_array_equal(W, before)
    out = capsys.readouterr().out
    assert out.startswith("MatMul dW: relative error") and "(expect < 1e-06) ok" in out


def test_check_gradient_rejects_wrong_gradient():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(3, 2))
    x = rng.normal(size=(4, 3))
    dout = rng.normal(size=(4, 2))
    with pytest.raises(CheckFailed, match="does not match the numerical gradient"):
        check_gradient("MatMul dW", -(x.T @ dout), lambda: np.sum((x @ W) * dout), W,
                       verbose=False)
    with pytest.raises(CheckFailed, match=r"returned shape \(2, 3\), expected \(3, 2\)"):
        check_gradient("MatMul dW", (x.T @ dout).T, lambda: np.sum((x @ W) * dout), W)


def test_step_is_the_one_04_teaches():
    # 04_gradients teaches central differences with h = 1e-4; the checks use the same step
    assert gradcheck.STEP == 1e-4


def test_correct_nonlinear_gradient_is_far_below_the_tolerance():
    # the truncation error of h = 1e-4 (order h**2) stays well under the default 1e-6
    rng = np.random.default_rng(2)
    x = 3 * rng.normal(size=(4, 5))
    dout = rng.normal(size=(4, 5))
    s = 1 / (1 + np.exp(-x))
    error = check_gradient("sigmoid", dout * s * (1 - s),
                           lambda: np.sum(dout / (1 + np.exp(-x))), x, verbose=False)
    assert error < 1e-7
