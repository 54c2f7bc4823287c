import sys

import numpy as np
import pytest

from course.rules import ForbiddenCall, forbidden, no_broadcast_helpers, no_products

A, B = np.ones((2, 3)), np.ones((3, 2))


def uses_at(a, b):
    return a @ b


def uses_method(a, b):
    return a.dot(b)


def uses_np_dot(a, b):
    return np.dot(a, b)


def uses_imported_einsum(a, b):
    from numpy import einsum
    return einsum("ij,jk->ik", a, b)


def uses_inplace_at(a, b):
    c = a.copy()[:, :2]
    c @= b[:2]
    return c


def loops(a, b):
    return np.array([[sum(a[i, k] * b[k, j] for k in range(a.shape[1]))
                      for j in range(b.shape[1])] for i in range(a.shape[0])])


@pytest.mark.parametrize("fn", [uses_at, uses_method, uses_np_dot, uses_imported_einsum,
                                uses_inplace_at])
def test_no_products_forbids_every_shortcut(fn):
    with pytest.raises(ForbiddenCall):
        with no_products():
            fn(A, B)


def test_no_products_allows_loops_and_broadcasting():
    with no_products():
        assert loops(A, B).shape == (2, 2)
        assert (A[:, :, None] * B[None]).sum(axis=1).shape == (2, 2)


def test_everything_is_restored_afterwards():
    before = (np.dot, np.einsum, sys.gettrace(), sys.getprofile())
    with pytest.raises(ForbiddenCall):
        with no_products():
            np.dot(A, B)
    assert (np.dot, np.einsum, sys.gettrace(), sys.getprofile()) == before
    assert uses_at(A, B).shape == (2, 2)


def test_no_broadcast_helpers():
    with pytest.raises(ForbiddenCall, match="broadcast_shapes"):
        with no_broadcast_helpers():
            np.broadcast_shapes((2, 1), (3,))
    assert np.broadcast_shapes((2, 1), (3,)) == (2, 3)


def test_forbidden_any_function_with_reason():
    with pytest.raises(ForbiddenCall, match=r"np.gradient \(do it by hand\)"):
        with forbidden("numpy.gradient", reason="do it by hand"):
            np.gradient(np.arange(3.0))


# Shortcuts reached another way than by their name at call time: each must be caught.
from numpy import dot as captured_dot          # noqa: E402  (taken at definition time)
from numpy import matmul as captured_matmul    # noqa: E402
from operator import matmul as captured_operator_matmul  # noqa: E402
import functools  # noqa: E402
import operator  # noqa: E402

SHORTCUTS = {"dot": np.dot}


def uses_captured_dot(a, b):
    return captured_dot(a, b)


def uses_default_argument(a, b, product=np.dot):
    return product(a, b)


def uses_captured_matmul(a, b):
    return captured_matmul(a, b)


def uses_dunder_matmul(a, b):
    return a.__matmul__(b)


def uses_dunder_rmatmul(a, b):
    return b.__rmatmul__(a)


def uses_ndarray_matmul(a, b):
    return np.ndarray.__matmul__(a, b)


def uses_operator_matmul(a, b):
    return operator.matmul(a, b)


def uses_captured_operator_matmul(a, b):
    return captured_operator_matmul(a, b)


def uses_getattr_matmul(a, b):
    return getattr(a, "__matmul__")(b)


def uses_reduce_ndarray_dot(a, b):
    return functools.reduce(np.ndarray.dot, [a, b])


def uses_dict_of_shortcuts(a, b):
    return SHORTCUTS["dot"](a, b)


def uses_bound_method_kept(a, b):
    method = a.__matmul__
    return method(b)


def make_closure():
    product = np.matmul

    def uses_closure(a, b):
        return product(a, b)
    return uses_closure


@pytest.mark.parametrize("fn", [uses_captured_dot, uses_default_argument, uses_captured_matmul,
                                uses_dunder_matmul, uses_dunder_rmatmul, uses_ndarray_matmul,
                                uses_operator_matmul, uses_captured_operator_matmul,
                                uses_getattr_matmul, uses_reduce_ndarray_dot,
                                uses_dict_of_shortcuts, uses_bound_method_kept, make_closure()])
def test_no_products_catches_shortcuts_reached_another_way(fn):
    with pytest.raises(ForbiddenCall):
        with no_products():
            fn(A, B)


def swallows_the_error(a, b):
    try:
        return captured_dot(a, b)
    except Exception:
        return a @ b


def test_catching_the_error_does_not_hide_it():
    with pytest.raises(ForbiddenCall, match="np.dot"):
        with no_products():
            swallows_the_error(A, B)


def test_a_forbidden_function_is_caught_under_another_name():
    original = np.gradient
    with pytest.raises(ForbiddenCall, match="np.gradient"):
        with forbidden("numpy.gradient"):
            original(np.arange(3.0))


def test_library_code_may_use_products_internally():
    # np.linalg.norm, np.cov and friends may call np.dot themselves: not the student's doing
    with no_products():
        assert np.isclose(np.linalg.norm(np.ones(4)), 2.0)
        assert np.cov(np.arange(6.0).reshape(2, 3)).shape == (2, 2)
        assert np.isclose(sum(x * y for x, y in zip([1.0, 2.0], [3.0, 4.0])), 11.0)


def test_everything_is_restored_after_a_caught_violation():
    before = (np.dot, np.matmul, operator.matmul, sys.gettrace(), sys.getprofile())
    with pytest.raises(ForbiddenCall):
        with no_products():
            uses_dunder_matmul(A, B)
    assert (np.dot, np.matmul, operator.matmul, sys.gettrace(), sys.getprofile()) == before
    assert uses_dunder_matmul(A, B).shape == (2, 2)
    assert uses_captured_dot(A, B).shape == (2, 2)
