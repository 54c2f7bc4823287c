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
