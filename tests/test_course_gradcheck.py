import numpy as np
import pytest

from course.checks import CheckFailed
from course import gradcheck
from course.gradcheck import check_gradient, check_gradients, relative_error


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0], [3.0]) == pytest.approx(0.5)
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0


def test_relative_error_is_element_wise():
    # one error for the whole array would let a large entry hide a wrong sign in a small one
    analytic, numeric = np.array([1000.0, 1e-4]), np.array([1000.0, -1e-4])
    whole = np.max(np.abs(analytic - numeric)) / np.max(np.abs(analytic) + np.abs(numeric))
    assert whole == pytest.approx(1e-7)
    assert relative_error(analytic, numeric) == pytest.approx(2e-4 / gradcheck.FLOOR)
    assert relative_error(analytic, numeric) > 1e-3
    # a wrong sign in an entry of size 0.5 is an error of 1, whatever the other entries are
    assert relative_error([1e6, 0.5], [1e6, -0.5]) == pytest.approx(1.0)


def test_relative_error_floor_compares_tiny_entries_absolutely():
    # below the floor an entry's error is |a - n| / FLOOR: noise of 1e-10 on zero is 1e-8
    assert relative_error([0.0, 1.0], [1e-10, 1.0]) == pytest.approx(1e-10 / gradcheck.FLOOR)
    assert relative_error([0.0], [1e-10], floor=1e-8) == pytest.approx(1e-2)


def test_relative_error_nan_is_infinitely_wrong():
    assert relative_error([np.nan, 1.0], [0.0, 1.0]) == np.inf
    assert relative_error([np.inf], [1.0]) == np.inf


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


def test_check_gradient_rejects_wrong_gradient_and_names_the_worst_entry():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(3, 2))
    x = rng.normal(size=(4, 3))
    dout = rng.normal(size=(4, 2))
    with pytest.raises(CheckFailed, match="does not match the numerical gradient: at index"):
        check_gradient("MatMul dW", -(x.T @ dout), lambda: np.sum((x @ W) * dout), W,
                       verbose=False)
    with pytest.raises(CheckFailed, match=r"returned shape \(2, 3\), expected \(3, 2\)"):
        check_gradient("MatMul dW", (x.T @ dout).T, lambda: np.sum((x @ W) * dout), W)


def test_check_gradient_catches_a_wrong_sign_in_a_small_entry():
    # f(w) = 1000 w0 + 1e-4 w1: the gradient [1000, 1e-4]; the analytic one has the second sign wrong
    w = np.array([0.3, -0.2])
    f = lambda: 1000 * w[0] + 1e-4 * w[1]  # noqa: E731
    assert check_gradient("f", np.array([1000.0, 1e-4]), f, w, verbose=False) < 1e-6
    with pytest.raises(CheckFailed, match=r"at index \(1,\)"):
        check_gradient("f", np.array([1000.0, -1e-4]), f, w, verbose=False)


def test_square_matrix_transpose_is_caught():
    # with W square the transposed gradient has the right shape: only the values tell
    rng = np.random.default_rng(3)
    W, x, dout = rng.normal(size=(3, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    with pytest.raises(CheckFailed):
        check_gradient("dx", dout @ W, lambda: np.sum((x @ W) * dout), x, verbose=False)
    check_gradient("dx", dout @ W.T, lambda: np.sum((x @ W) * dout), x, verbose=False)


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


def _two_layer(seed, scale=1.0):
    """A two-layer network's exact loss and its analytic gradients (x, W1, b1, W2, b2)."""
    rng = np.random.default_rng(seed)
    N, D, H, C = 6, 3, 4, 3
    x = 3 * rng.normal(size=(N, D))
    W1, b1, W2, b2 = (scale * rng.normal(size=s) for s in [(D, H), (H,), (H, C), (C,)])
    labels = rng.integers(0, C, size=N)

    def loss():
        h = 1 / (1 + np.exp(-(x @ W1 + b1)))
        s = h @ W2 + b2
        s = s - s.max(axis=1, keepdims=True)
        return -np.mean((s - np.log(np.exp(s).sum(axis=1, keepdims=True)))[np.arange(N), labels])

    h = 1 / (1 + np.exp(-(x @ W1 + b1)))
    s = h @ W2 + b2
    y = np.exp(s - s.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    ds = y.copy()
    ds[np.arange(N), labels] -= 1
    ds /= N
    da = (ds @ W2.T) * h * (1 - h)
    grads = {"x": (da @ W1.T, x), "W1": (x.T @ da, W1), "b1": (da.sum(axis=0), b1),
             "W2": (h.T @ ds, W2), "b2": (ds.sum(axis=0), b2)}
    return loss, grads


@pytest.mark.parametrize("seed", range(12))
def test_correct_network_gradients_pass_entry_by_entry(seed):
    # element-wise errors are stricter than one error per array: correct gradients still pass,
    # for weights and inputs of several sizes (the floor covers the numerical noise of tiny entries)
    loss, grads = _two_layer(seed, scale=2.0 if seed % 2 else 1.0)
    errors = check_gradients(loss, grads, verbose=False)
    assert max(errors.values()) < 1e-6 / 2


def test_check_gradients_prints_a_table_and_names_the_wrong_arrays(capsys):
    loss, grads = _two_layer(0)
    errors = check_gradients(loss, grads)
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["name", "shape", "worst", "entry", "analytic", "numerical", "rel.",
                              "error", "verdict"]
    assert [line.split()[0] for line in out[1:6]] == ["x", "W1", "b1", "W2", "b2"]
    assert all(line.split()[-1] == "ok" for line in out[1:6])
    assert "max over entries" in out[6]
    assert set(errors) == {"x", "W1", "b1", "W2", "b2"}
    # the bug of 05's last section: dx of the second layer without its transpose (W2 square)
    rng = np.random.default_rng(5)
    W = rng.normal(size=(3, 3))
    x = rng.normal(size=(4, 3))
    dout = rng.normal(size=(4, 3))
    wrong = {"x": (dout @ W, x), "W": (x.T @ dout, W)}
    with pytest.raises(CheckFailed, match=r"^x: the backward pass does not match"):
        check_gradients(lambda: np.sum((x @ W) * dout), wrong)
    rows = capsys.readouterr().out.splitlines()
    assert rows[1].split()[0] == "x" and rows[1].split()[-1] == "WRONG"
    assert rows[2].split()[0] == "W" and rows[2].split()[-1] == "ok"
    # the worst entry's index, analytic and numerical values are in the row
    index = rows[1].split("(")[2].split(")")[0]
    i, j = (int(v) for v in index.split(","))
    assert f"{(dout @ W)[i, j]:+.8f}" in rows[1]
    assert f"{(dout @ W.T)[i, j]:+.8f}" in rows[1]


def test_check_gradients_checks_shapes_and_restores_arrays():
    rng = np.random.default_rng(6)
    W = rng.normal(size=(2, 3))
    before = W.copy()
    with pytest.raises(CheckFailed, match=r"shape \(3, 2\), expected \(2, 3\)"):
        check_gradients(lambda: np.sum(W), {"W": (np.ones((3, 2)), W)}, verbose=False)
    check_gradients(lambda: np.sum(W ** 2), {"W": (2 * W, W)}, verbose=False)
    np.testing.assert_array_equal(W, before)


def test_public_names_other_notebooks_use():
    # 04 and 06 import these; 04 forbids _central_differences by name while its exercises run
    import course
    assert course.check_gradient is check_gradient and course.relative_error is relative_error
    assert callable(gradcheck._central_differences)
