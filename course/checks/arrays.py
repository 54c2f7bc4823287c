"""Helpers of the tests of 01_arrays (dot, matmul, broadcast_shape).

None of them computes an exercise's answer: they make inputs, and turn what a
wrong attempt does into a message a student can act on.
"""
from __future__ import annotations

import contextlib

import numpy as np

from . import CheckFailed


def broadcast_pairs(rng: np.random.Generator, count: int, max_ndim: int = 4) -> list:
    """``count`` random pairs of shapes that broadcast, with NumPy's result for each.

    Each pair comes from one full shape: either side drops some leading axes
    and turns some sizes into 1, so every rule of broadcasting is met
    (padding on the left, stretching in either direction).
    """
    cases = []
    for _ in range(count):
        ndim = int(rng.integers(0, max_ndim + 1))
        full = tuple(int(s) for s in rng.integers(1, 5, size=ndim))
        a = tuple(1 if rng.random() < 0.4 else s for s in full)[int(rng.integers(0, ndim + 1)):]
        b = tuple(1 if rng.random() < 0.4 else s for s in full)[int(rng.integers(0, ndim + 1)):]
        cases.append((a, b, tuple(int(s) for s in np.broadcast_shapes(a, b))))
    return cases


@contextlib.contextmanager
def shapes_only(what: str):
    """Fail with a hint, not a bare ``MemoryError``, when the code under test builds arrays.

    The tests of ``broadcast_shape`` use sizes such as 2**40 that no machine
    can allocate: only code that works on the shape tuples gets through.
    """
    try:
        yield
    except MemoryError as error:
        raise CheckFailed(f"{what} ran out of memory ({error}): work with the shape tuples "
                          "alone, do not build arrays") from None
