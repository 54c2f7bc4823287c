"""Helpers for the *neural networks from scratch* notebooks.

Students import from here: friendly checks for the visible tests
(:mod:`course.checks`), gradient checking (:mod:`course.gradcheck`), the
spiral data set (:mod:`course.datasets`), rules that forbid shortcuts
(:mod:`course.rules`), and the figures and widgets of each notebook
(:mod:`course.plots`, :mod:`course.widgets`).

Nothing in this package solves an exercise: where a figure or widget needs an
exercise's function, it takes the student's own implementation as an argument.
"""
from .checks import (
    CheckFailed,
    check_close,
    check_dtype,
    check_equal,
    check_raises,
    check_same_object,
    check_scalar,
    check_shape,
    check_true,
    quiet,
)
from .datasets import load_spiral
from .gradcheck import check_gradient, relative_error

__all__ = [
    "CheckFailed",
    "check_close",
    "check_dtype",
    "check_equal",
    "check_gradient",
    "check_raises",
    "check_same_object",
    "check_scalar",
    "check_shape",
    "check_true",
    "load_spiral",
    "quiet",
    "relative_error",
]
