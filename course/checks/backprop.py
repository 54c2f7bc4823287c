"""Checks of 05_backprop: a node's forward and backward passes, used as training uses them.

The visible tests of 05 read as the checks they make::

    check_node("Mul", Mul(), (x, y), dout, forward=lambda x, y: x * y)

runs ``forward(x, y)`` then ``backward(dout)`` on the node and checks that
forward returned ``x * y``, that backward returned one gradient per input,
each equal, entry by entry, to the numerical gradient of the scalar

    L = sum(forward(x, y) * dout)        (so that dL/d(output) = dout)

and that neither call changed an array it was given. The numerical gradient
is taken of the *given* function ``forward`` (central differences with the
step of 04, :data:`course.gradcheck.STEP`), never of the node, so a check
says nothing of the backward formula it expects. :func:`check_layer` does
the same for a layer with parameters and also checks its ``grads``;
:func:`check_loss_layer` for the Softmax-with-Loss layer.
"""
from __future__ import annotations

import numpy as np

from . import CheckFailed, check_close, check_same_object, check_scalar, check_shape, quiet
from . import check_true, check_type
from ..gradcheck import _central_differences, _errors, FLOOR

__all__ = ["arrays", "unpack", "check_node", "check_layer", "check_loss_layer", "check_loss",
           "check_side_by_side",
           "check_unchanged", "mean_cross_entropy"]


def arrays(seed: int, *shapes, scale: float = 1.0) -> list:
    """Arrays of these shapes with standard normal entries (times ``scale``), from ``seed``."""
    rng = np.random.default_rng(seed)
    return [scale * rng.normal(size=shape) for shape in shapes]


def unpack(what: str, value, count: int) -> tuple:
    """``value`` is a tuple or list of ``count`` items; returns it as a tuple."""
    check_type(what, value, (tuple, list), f"a tuple of {count} arrays")
    check_true(len(value) == count,
               f"{what} returned {len(value)} items, expected {count}")
    return tuple(value)


def check_unchanged(what: str, given, originals) -> None:
    """Every array in ``given`` still equals its copy in ``originals``."""
    for k, (now, before) in enumerate(zip(given, originals)):
        if isinstance(before, (list, tuple)):
            check_unchanged(what, now, before)
        elif not np.array_equal(np.asarray(now), before):
            raise CheckFailed(f"{what} changed an array it was given (argument {k + 1}): compute "
                              "into new arrays (z = x + y), never x += … or x -= … on an input")


def _copies(values):
    """Copies of arrays, and of lists or tuples of arrays (keeping list or tuple)."""
    return [type(value)(v.copy() for v in value) if isinstance(value, (list, tuple))
            else np.array(value) for value in values]


def _dot_all(out, dout) -> float:
    """sum(out * dout), also for lists of arrays (Branch)."""
    if isinstance(out, (list, tuple)):
        return float(sum(np.sum(np.asarray(o) * d) for o, d in zip(out, dout)))
    return float(np.sum(np.asarray(out) * dout))


def _check_numeric(what: str, analytic, loss, wrt: np.ndarray, tol: float, verbose: bool):
    """``analytic`` equals central differences of ``loss()`` with respect to ``wrt``, entry by entry."""
    check_shape(what, analytic, wrt.shape)
    numeric = _central_differences(loss, wrt)
    errors = _errors(np.asarray(analytic, dtype=float), numeric, FLOOR)
    worst = float(np.max(errors)) if errors.size else 0.0
    if verbose:
        print(f"{what}: relative error {worst:.1e} against the numerical gradient "
              f"({'ok' if worst < tol else 'WRONG'})")
    if worst >= tol:
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(errors)), errors.shape))
        raise CheckFailed(
            f"{what} does not match the numerical gradient: at index {index} it is "
            f"{float(np.asarray(analytic)[index]):.6g}, numerically {numeric[index]:.6g} "
            f"(relative error {worst:.1e}, expected < {tol:.0e})")


def check_node(what: str, node, inputs, dout, forward, tol: float = 1e-6,
               verbose: bool = True) -> None:
    """Run ``node.forward(*inputs)``, then ``node.backward(dout)``, and check both.

    ``forward`` is the function the node computes (``lambda x, y: x * y``); for
    a Branch it returns a list and ``dout`` is a list of upstream gradients.
    Checks that forward returns ``forward(*inputs)``; that backward returns
    one gradient per input (a tuple when there are two or more inputs), each
    equal to the numerical gradient of ``sum(forward(*inputs) * dout)`` with
    respect to that input; and that neither call changed ``inputs`` or ``dout``.
    """
    inputs = [np.asarray(v, dtype=float) for v in inputs]
    given, given_dout = _copies(inputs), _copies([dout])[0]
    with quiet():
        out = node.forward(*given)
        back = node.backward(given_dout)
    expected = forward(*inputs)
    if isinstance(expected, list):
        check_type(f"{what}.forward", out, list, f"a list of {len(expected)} arrays")
        check_true(len(out) == len(expected),
                   f"{what}.forward returned {len(out)} arrays, expected {len(expected)}")
        for k, (o, e) in enumerate(zip(out, expected)):
            check_close(f"item {k} of {what}.forward", o, e)
    else:
        check_close(f"{what}.forward", out, expected)
    grads = unpack(f"{what}.backward(dout)", back, len(inputs)) if len(inputs) > 1 else (back,)
    names = "xy" if len(inputs) == 2 else "x"
    for k, (name, grad) in enumerate(zip(names, grads)):
        loss = lambda: _dot_all(forward(*inputs), dout)  # noqa: E731
        _check_numeric(f"{what}.backward d{name}", grad, loss, inputs[k], tol, verbose)
    check_unchanged(f"{what}.forward or backward", given + [given_dout], inputs + [dout])


def check_layer(what: str, layer, x, dout, forward, tol: float = 1e-6,
                verbose: bool = True) -> None:
    """Run ``layer.forward(x)``, then ``layer.backward(dout)``, and check both and ``grads``.

    ``forward(x, *params)`` is the function the layer computes
    (``lambda x, W, b: x @ W + b``), with the layer's current ``params``.
    Checks the output; dx and every ``grads[k]`` against the numerical
    gradient of ``sum(forward(x, *params) * dout)`` with respect to x and to
    ``params[k]``; that ``grads`` holds the same arrays as before (written in
    place, never replaced) and ``params`` the same arrays; and that neither
    call changed x, dout or the parameters.
    """
    x, dout = np.asarray(x, dtype=float), np.asarray(dout, dtype=float)
    params, grads_before = list(layer.params), list(layer.grads)
    kept = [p.copy() for p in params]
    given_x, given_dout = x.copy(), dout.copy()
    with quiet():
        out = layer.forward(given_x)
        dx = layer.backward(given_dout)
    check_close(f"{what}.forward", out, forward(x, *params))
    loss = lambda: float(np.sum(forward(x, *params) * dout))  # noqa: E731
    _check_numeric(f"{what}.backward dx", dx, loss, x, tol, verbose)
    grads = list(layer.grads)
    check_true(len(grads) == len(params),
               f"{what}.grads holds {len(grads)} arrays, expected {len(params)} (one per parameter)")
    for k, (param, grad, before) in enumerate(zip(params, grads, grads_before)):
        check_same_object(f"{what}.grads[{k}] after backward (write into it: grads[{k}][...] = …)",
                          grad, before)
        check_same_object(f"{what}.params[{k}]", layer.params[k], param)
        _check_numeric(f"{what}.backward grads[{k}]", grad, loss, param, tol, verbose)
    check_unchanged(f"{what}.forward or backward", [given_x, given_dout] + params,
                    [x, dout] + kept)


def mean_cross_entropy(x, labels) -> float:
    """The exact mean cross-entropy of softmax(x) against integer labels (log-softmax, stable)."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_y = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.mean(log_y[np.arange(len(x)), labels]))


def _book_cross_entropy(x, labels) -> float:
    """The book's version: softmax, then -log(y + 1e-7)."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    y = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    return float(-np.mean(np.log(y[np.arange(len(x)), labels] + 1e-7)))


def check_loss(what: str, loss, x, labels) -> None:
    """``loss`` is the mean cross-entropy of softmax(x), exact or the book's (1e-7), to 1e-6."""
    loss = check_scalar(what, loss)
    exact, book = mean_cross_entropy(x, labels), _book_cross_entropy(x, labels)
    check_close(what, loss, exact if abs(loss - exact) <= abs(loss - book) else book,
                rtol=0, atol=1e-6)


def check_loss_layer(what: str, layer, x, t, dout=None, tol: float = 1e-6,
                     verbose: bool = True) -> None:
    """Run ``layer.forward(x, t)``, then ``layer.backward()`` (or ``backward(dout)``), and check both.

    ``t`` is one-hot (N, C) or integer labels (N,). Checks the loss (exact or
    the book's, to within 1e-6), and dx against the numerical gradient of
    ``dout`` times the exact mean cross-entropy; that neither call changed x or t.
    """
    x, t = np.asarray(x, dtype=float), np.asarray(t)
    labels = t.argmax(axis=1) if t.ndim == 2 else t
    given_x, given_t = x.copy(), t.copy()
    with quiet():
        loss = layer.forward(given_x, given_t)
        dx = layer.backward() if dout is None else layer.backward(dout)
    check_loss(f"{what}.forward", loss, x, labels)
    scale = 1.0 if dout is None else float(dout)
    shown = "backward()" if dout is None else f"backward({dout})"
    _check_numeric(f"{what}.{shown}", dx, lambda: scale * mean_cross_entropy(x, labels), x,
                   tol, verbose)
    check_unchanged(f"{what}.forward or backward", [given_x, given_t], [x, t])


def check_side_by_side(what: str, nodes, cases, forward, tol: float = 1e-6) -> None:
    """Several nodes of one class used together, their calls interleaved as in one network.

    Node k gets ``cases[k] = (inputs, dout)``: first ``forward`` on every node
    in turn, then ``backward`` on every node, first node first. Each must give
    what it gives alone (the output of ``forward(*inputs)`` and the numerical
    gradients, as :func:`check_node` checks), so what a node keeps from its
    forward pass must live on the node itself, not on its class. ``forward``
    is one function, or one per node.
    """
    forwards = forward if isinstance(forward, (list, tuple)) else [forward] * len(nodes)
    given = []
    with quiet():
        outs = []
        for node, (inputs, dout) in zip(nodes, cases):
            copies = _copies([np.asarray(v, dtype=float) for v in inputs])
            given.append(copies)
            outs.append(node.forward(*copies))
        backs = [node.backward(_copies([dout])[0]) for node, (_, dout) in zip(nodes, cases)]
    for k, ((inputs, dout), f, out, back) in enumerate(zip(cases, forwards, outs, backs)):
        inputs = [np.asarray(v, dtype=float) for v in inputs]
        name = f"{what}: node {k + 1} of {len(nodes)} (calls interleaved with the others)"
        expected = f(*inputs)
        if isinstance(expected, list):
            check_true(isinstance(out, list) and len(out) == len(expected),
                       f"{name}: forward must return a list of {len(expected)} arrays")
            for j, (o, e) in enumerate(zip(out, expected)):
                check_close(f"{name}: item {j} of forward", o, e)
        else:
            check_close(f"{name}: forward", out, expected)
        grads = unpack(f"{name}: backward", back, len(inputs)) if len(inputs) > 1 else (back,)
        for j, grad in enumerate(grads):
            loss = lambda: _dot_all(f(*inputs), dout)  # noqa: E731
            _check_numeric(f"{name}: backward, gradient {j + 1}", grad, loss, inputs[j], tol,
                           False)
        check_unchanged(f"{name}: forward", given[k], inputs)
