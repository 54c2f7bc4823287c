"""Checks and test doubles of 04_gradients, so its test cells read as the checks they make.

Nothing here differentiates anything: the doubles are functions a test hands
to the student's ``numerical_gradient`` (a loss that reads its weights the way
a network's loss does), and the checks compare what the student's functions
return with values the test cell computes.
"""
from __future__ import annotations

import numpy as np

from ..rules import ForbiddenCall
from . import CheckFailed, check_true


def loss_reading(W, x_in, t):
    """A loss that ignores its argument and reads ``W`` itself, as ``net.loss`` reads its weights.

    Returns ``(loss, given)``: ``loss(w)`` is ``0.5 * sum((x_in @ W - t)**2)`` for the
    current entries of ``W``, whatever ``w`` is, and ``given`` lists, call by
    call, whether ``loss`` received ``W`` itself (the very array, not a copy).
    """
    given = []

    def loss(w):
        given.append(w is W)
        return 0.5 * float(np.sum((x_in @ W - t) ** 2))

    return loss, given


def check_given_itself(what: str, given) -> None:
    """Every call recorded by :func:`loss_reading` received the array itself."""
    check_true(len(given) > 0, f"{what} never called the loss function")
    wrong = given.count(False)
    check_true(wrong == 0,
               f"{what} called the loss {wrong} time(s) with another array than the one it "
               f"was given (a copy?) and {given.count(True)} time(s) with that array itself: "
               f"the loss reads the original array, so it never sees a copy's nudge. Nudge "
               f"the entries of x in place and call f(x) with that same array")


def check_kept_rule(what: str, outcome) -> None:
    """``outcome`` is what the student's call returned inside a ``forbidden(...)`` block,
    or the ``ForbiddenCall`` it raised: fail with that error's message if it raised."""
    if isinstance(outcome, ForbiddenCall):
        raise CheckFailed(f"{what}: {outcome}") from None


def check_restored(what: str, array, before) -> None:
    """``array`` holds exactly (bit for bit) the values of ``before``, a copy taken earlier."""
    check_true(array.shape == before.shape,
               f"{what} has shape {array.shape}, not {before.shape} as before")
    changed = [idx for idx in np.ndindex(array.shape) if array[idx] != before[idx]]
    check_true(not changed,
               f"{what} differs from before at {changed[:4]}: "
               f"{[float(array[idx]) for idx in changed[:4]]} instead of "
               f"{[float(before[idx]) for idx in changed[:4]]}. Save each entry before nudging "
               f"it and assign the saved value back (adding h back is not exact in floating "
               f"point)")
