"""Checks and test doubles of 06_training.

``train`` is tested on its own, whatever the state of the student's
``TwoLayerNet`` and ``SGD``, with two *test doubles* (테스트 대역): a
:class:`RecordingModel` and a :class:`RecordingOptimizer` that only record
what ``train`` does with them. The ``check_*`` functions read those records
and fail with a sentence a student can act on (:class:`CheckFailed`).

The doubles keep their records in private attributes (``_log``,
``_losses``): the code under test sees only what a network offers
(``params``, ``grads``, ``forward``, ``backward``, ``predict``). The
functions here read the records; the notebook's test cells call them.

``check_gradients_match`` compares a two-layer network's analytic gradients
with central differences of its loss, computed here from the weights alone,
so it never calls the code under test.
"""
from __future__ import annotations

import numpy as np

from . import _fail, check_close, check_equal, check_same_object, check_shape, check_true

STEP = 1e-4   # the central-difference step of 04_gradients


# ---- test doubles for train --------------------------------------------------------------------

def make_indexed_data(n: int, n_classes: int = 3, seed: int = 0):
    """x (n, 2) whose column 0 holds each row's index 0..n-1; t (n, n_classes) one-hot.

    The index in column 0 tells which samples a minibatch holds, in which order.
    """
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.arange(n, dtype=float), rng.normal(size=n)])
    t = np.eye(n_classes, dtype=np.int64)[rng.integers(0, n_classes, size=n)]
    return x, t


class RecordingModel:
    """Looks like a network to ``train``; records every call it gets.

    It offers what ``train`` may use: ``params``, ``grads``, ``forward``,
    ``backward`` and ``predict``. Its k-th ``forward`` call (k = 0, 1, 2, ...)
    returns the made-up loss ``1 + k / 8``, so the epoch means ``train``
    reports can be checked; ``predict`` (which ``train`` may call, to report
    accuracy) returns zero scores and is not recorded.
    """

    def __init__(self, n_classes: int = 3):
        self.params = [np.ones((2, 3)), np.ones(3)]
        self.grads = [np.zeros((2, 3)), np.zeros(3)]
        self.n_classes = n_classes
        self._log = []       # ("forward", x, t) / ("backward", dout) / ("update", params, grads)
        self._losses = []
        self._rows = 0

    def predict(self, x):
        return np.zeros((len(x), self.n_classes))

    def forward(self, x, t):
        self._log.append(("forward", np.array(x, copy=True), np.array(t, copy=True)))
        self._rows = len(x)
        loss = 1.0 + len(self._losses) / 8
        self._losses.append(loss)
        return loss

    def backward(self, dout=1):
        self._log.append(("backward", dout))
        return np.zeros((self._rows, 2))


class RecordingOptimizer:
    """Looks like an optimizer to ``train``; records each ``update(params, grads)`` in the model's log."""

    def __init__(self, model: RecordingModel):
        self._model = model

    def update(self, params, grads):
        self._model._log.append(("update", list(params), list(grads)))


def batches_of(model: RecordingModel) -> list:
    """The ``(x_batch, t_batch)`` of every ``forward`` call, in order."""
    return [(entry[1], entry[2]) for entry in model._log if entry[0] == "forward"]


def calls_of(model: RecordingModel) -> list:
    """The kinds of the calls ``train`` made, in order: ``'forward'``, ``'backward'``, ``'update'``."""
    return [entry[0] for entry in model._log]


def epoch_orders(model: RecordingModel, max_epoch: int, iterations: int) -> list:
    """For each epoch, the indices of the samples its minibatches held, in order."""
    batches = batches_of(model)
    return [np.concatenate([bx[:, 0] for bx, _ in batches[e * iterations:(e + 1) * iterations]])
            .astype(int) for e in range(max_epoch)]


# ---- checks of train ---------------------------------------------------------------------------

def check_minibatches(model, x, t, max_epoch, batch_size, what) -> None:
    """N // B full minibatches per epoch, of rows of x with their own labels, no sample twice."""
    iterations = len(x) // batch_size
    batches = batches_of(model)
    check_equal(f"the number of model.forward calls in {what}", len(batches), max_epoch * iterations)
    for k, (bx, bt) in enumerate(batches):
        check_shape(f"x_batch of forward call {k} in {what}", bx, (batch_size,) + x.shape[1:])
        check_shape(f"t_batch of forward call {k} in {what}", bt, (batch_size,) + t.shape[1:])
        rows = bx[:, 0].astype(int)
        check_true(np.all((rows >= 0) & (rows < len(x))) and np.array_equal(bx, x[rows]),
                   f"forward call {k} in {what} got rows that are not rows of x")
        check_true(np.array_equal(bt, t[rows]),
                   f"forward call {k} in {what}: the labels t_batch do not belong to the inputs "
                   f"x_batch; shuffle x and t with the same permutation")
    for e, order in enumerate(epoch_orders(model, max_epoch, iterations) if iterations else []):
        check_true(len(np.unique(order)) == len(order),
                   f"epoch {e} of {what} used a sample twice: an epoch's minibatches are "
                   f"consecutive slices of one shuffled order")


def check_inputs_kept(x_given, t_given, x, t, what) -> None:
    """``train`` left the arrays it was given as they were."""
    check_true(np.array_equal(x_given, x) and np.array_equal(t_given, t),
               f"{what} modified the x or t it was given: shuffle into new arrays (x[idx] makes "
               f"a copy), never into x and t themselves")


def check_steps(model, iterations, what) -> None:
    """Each iteration calls forward, backward(), update(model.params, model.grads), in this order."""
    calls = calls_of(model)
    expected = ["forward", "backward", "update"] * iterations
    if calls != expected:
        first = next((k for k, (a, b) in enumerate(zip(calls, expected)) if a != b),
                     min(len(calls), len(expected)))
        got = repr(calls[first]) if first < len(calls) else "missing"
        want = repr(expected[first]) if first < len(expected) else "no more calls"
        _fail(f"{what}: call {first} was {got}, expected {want}; each iteration must call "
              f"model.forward, model.backward, optimizer.update in this order "
              f"({len(calls)} calls made, {len(expected)} expected)")
    for entry in model._log:
        if entry[0] == "backward":
            check_true(np.all(np.asarray(entry[1]) == 1), f"{what}: model.backward was called "
                       f"with dout={entry[1]!r}; call model.backward() (dout=1)")
        elif entry[0] == "update":
            _, params, grads = entry
            check_equal(f"{what}: len(params) given to optimizer.update", len(params),
                        len(model.params))
            check_equal(f"{what}: len(grads) given to optimizer.update", len(grads),
                        len(model.grads))
            for i in range(len(model.params)):
                check_same_object(f"{what}: params[{i}] given to optimizer.update "
                                  f"(model.params[{i}])", params[i], model.params[i])
                check_same_object(f"{what}: grads[{i}] given to optimizer.update "
                                  f"(model.grads[{i}])", grads[i], model.grads[i])


def check_epoch_losses(result, model, max_epoch, iterations, what) -> None:
    """One float per epoch: the mean of that epoch's minibatch losses."""
    check_true(isinstance(result, list), f"{what} returned {type(result).__name__}, "
               f"expected a list of floats, one per epoch")
    check_equal(f"len({what})", len(result), max_epoch)
    losses = model._losses
    for e in range(max_epoch):
        expected = float(np.mean(losses[e * iterations:(e + 1) * iterations]))
        check_close(f"{what}[{e}] (the mean loss of epoch {e})", result[e], expected,
                    rtol=1e-6, atol=1e-6)


def check_reshuffled(model, n, max_epoch, batch_size, what) -> None:
    """Every epoch uses a new order of the samples, and the first is not the original order."""
    iterations = n // batch_size
    orders = epoch_orders(model, max_epoch, iterations)
    check_true(not np.array_equal(orders[0], np.arange(n)[:iterations * batch_size]),
               f"{what}: the first epoch used the samples in their original order; shuffle "
               f"at the start of every epoch")
    for e in range(1, max_epoch):
        check_true(not np.array_equal(orders[e], orders[e - 1]),
                   f"{what}: epoch {e} used the same order as epoch {e - 1}; draw a new "
                   f"permutation at the start of every epoch")


def permutation_orders(perms, batch_size) -> tuple:
    """The epoch orders the permutations give, both ways a correct train may use them.

    ``fresh``: each epoch indexes the original arrays with its permutation;
    ``running``: each epoch shuffles the already shuffled arrays (the book).
    Only the first ``N // B * B`` entries of each order reach a minibatch.
    """
    n = len(perms[0])
    used = n // batch_size * batch_size
    fresh = [p[:used] for p in perms]
    running, order = [], np.arange(n)
    for p in perms:
        order = order[p]
        running.append(order[:used])
    return fresh, running


def check_permutation_orders(model, perms, batch_size, what) -> None:
    """Epoch e's minibatches are consecutive slices of the order permutation e gives."""
    fresh, running = permutation_orders(perms, batch_size)
    got = epoch_orders(model, len(perms), len(perms[0]) // batch_size)
    same = [len(got) == len(want) and all(np.array_equal(g, w) for g, w in zip(got, want))
            for want in (fresh, running)]
    check_true(any(same), f"{what}: the epochs did not use the orders that "
               f"np.random.permutation({len(perms[0])}) gives, one call at the start of each "
               f"epoch and no other random draw")


# ---- checks of TwoLayerNet ---------------------------------------------------------------------

def _loss(params, x, labels) -> float:
    """The mean cross-entropy of Affine -> Sigmoid -> Affine with these weights (no 1e-7)."""
    W1, b1, W2, b2 = params
    with np.errstate(over="ignore"):
        scores = 1 / (1 + np.exp(-(x @ W1 + b1))) @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(scores).sum(axis=1))
                         - scores[np.arange(len(x)), labels]))


def _central_differences(f, x: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + STEP
        above = f()
        x[index] = original - STEP
        below = f()
        x[index] = original
        grad[index] = (above - below) / (2 * STEP)
    return grad


def check_gradients_match(what, dx, grads, params, x, labels, dout=1.0) -> None:
    """dx and grads = [dW1, db1, dW2, db2] are the gradients of dout * loss.

    The loss is the mean cross-entropy of the two-layer network with weights
    ``params = [W1, b1, W2, b2]`` on inputs ``x`` (N, I) and class labels
    ``labels`` (N,); the reference is its central differences (h = 1e-4),
    taken on copies, so nothing given here is changed.
    """
    x = np.array(x, dtype=float)
    weights = [np.array(p, dtype=float) for p in params]
    labels = np.asarray(labels).astype(int)

    def loss():
        return dout * _loss(weights, x, labels)

    check_shape(f"{what} dx", dx, x.shape)
    check_close(f"{what} dx (against the numerical gradient)", dx,
                _central_differences(loss, x), rtol=1e-4, atol=1e-7)
    check_equal(f"len of {what}'s grads", len(grads), 4)
    for name, g, w in zip(["dW1", "db1", "dW2", "db2"], grads, weights):
        check_shape(f"{what} {name}", g, w.shape)
        check_close(f"{what} {name} (against the numerical gradient)", g,
                    _central_differences(loss, w), rtol=1e-4, atol=1e-7)
