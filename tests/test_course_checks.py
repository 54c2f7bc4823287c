import warnings

import numpy as np
import pytest

from course.checks import (CheckFailed, check_close, check_dtype, check_equal, check_raises,
                           check_same_object, check_scalar, check_shape, check_true, check_type,
                           quiet)


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_check_failed_is_an_assertion_error():
    assert issubclass(CheckFailed, AssertionError)


def test_check_shape_names_both_shapes():
    check_shape("f(x)", np.zeros((10, 3)), (10, 3))
    assert message(check_shape, "Affine.forward(x)", np.zeros((10, 4)), (10, 3)) == (
        "Affine.forward(x) returned shape (10, 4), expected (10, 3)")
    assert "expected a NumPy array of shape (2,)" in message(check_shape, "f(x)", [1, 2], (2,))


def test_check_close_reports_worst_entry_and_errors():
    check_close("f(x)", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12])
    text = message(check_close, "softmax(x)", np.array([[0.1, 0.9], [0.5, 0.2]]),
                   [[0.1, 0.9], [0.5, 0.5]])
    assert "softmax(x)" in text and "index (1, 1)" in text
    assert "got 0.2" in text and "expected 0.5" in text
    assert "max abs error 3.00e-01" in text and "max rel error 6.00e-01" in text


def test_check_close_shape_nan_and_scalars():
    assert "returned shape (3,), expected (2,)" in message(check_close, "f", np.ones(3), np.ones(2))
    assert "NaN at index (1,)" in message(check_close, "f", np.array([1.0, np.nan]), [1.0, 2.0])
    check_close("dot", np.float64(32.0), 32.0)
    check_close("dot", 32, 32.0)
    assert "expected a single number" in message(check_close, "dot", np.ones(3), 3.0)


def test_check_scalar_accepts_numbers_only():
    assert check_scalar("f", np.float64(1.5)) == 1.5
    assert check_scalar("f", np.array(2.0)) == 2.0
    assert check_scalar("f", 3) == 3.0
    assert "expected a single number" in message(check_scalar, "f", "3")
    assert "expected a single number" in message(check_scalar, "f", None)


def test_check_equal_compares_type_and_value():
    check_equal("broadcast_shape", (2, 3), (2, 3))
    assert "returned list [2, 3], expected tuple (2, 3)" in message(check_equal, "g", [2, 3], (2, 3))
    assert "returned (2, 4), expected (2, 3)" in message(check_equal, "g", (2, 4), (2, 3))


def test_check_dtype_and_type():
    check_dtype("f", np.zeros(2), "f")
    assert "dtype int64" in message(check_dtype, "f", np.zeros(2, dtype=np.int64), "f")
    check_type("f", 1.0, float)
    assert "expected list" in message(check_type, "f", (1,), list)


def test_check_raises_cases():
    def raises_value(x):
        raise ValueError("bad")

    assert isinstance(check_raises("f", ValueError, raises_value, 1), ValueError)
    assert "should raise ValueError, but returned int 3" in message(
        check_raises, "f(1)", ValueError, lambda x: 3, 1)
    assert "raised KeyError" in message(check_raises, "f", ValueError, lambda: {}["k"])
    with pytest.raises(NotImplementedError):
        check_raises("f", ValueError, lambda: (_ for _ in ()).throw(NotImplementedError()))


def test_check_true_and_same_object():
    check_true(True, "never shown")
    assert message(check_true, False, "do this") == "do this"
    a = np.zeros(2)
    check_same_object("params[0]", a, a)
    assert "not the same object" in message(check_same_object, "params[0]", a.copy(), a)


def test_quiet_silences_numpy_and_python_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet():
            np.exp(np.array([1000.0]))
            warnings.warn("ignored")


def test_see_points_a_failed_check_to_its_explanation():
    from course.checks import see
    with pytest.raises(CheckFailed) as info:
        with see("Hint 2 of Affine (힌트 2)"):
            check_shape("Affine.forward(x)", np.zeros((10, 4)), (10, 3))
    assert str(info.value) == ("Affine.forward(x) returned shape (10, 4), expected (10, 3)\n"
                               "→ see Hint 2 of Affine (힌트 2)")
    with see("never shown"):  # a passing check says nothing
        check_true(True, "unused")
    with pytest.raises(ValueError):  # only failed checks are annotated
        with see("Hint 1"):
            raise ValueError("a student's own error")
