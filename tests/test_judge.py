"""The judge and the kernel's agent, talking as they do under ``grade``, without nbgrader.

A plain Python process plays the student's kernel (its ``__main__`` holds the student's
code, and its agent answers the judge); :class:`autograder.grading.judging.Judge` runs the
test cells in a judge process of its own, exactly as a grading worker does. What crosses is
data: the tests see plain values, shared arrays, proxies of the student's objects; the
student's code sees the judge's callbacks and test doubles and nothing else of the judge.
"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from autograder.grading.jailed import wire
from autograder.grading.jailed.values import Values
from autograder.grading.judging import Conversation, Judge

STUDENT = '''
import numpy as np

def dot(x, y):
    return float(np.sum(x * y))

def double_in_place(x):
    x *= 2

def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h; above = f(x)
        x[i] = keep - h; below = f(x)
        x[i] = keep
        grad[i] = (above - below) / (2 * h)
    return grad

class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
    def forward(self, x):
        self.x = x
        return x @ self.params[0] + self.params[1]
    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ self.params[0].T

class Value:
    def __init__(self, data):
        self.data, self.grad = float(data), 0.0
    def __add__(self, other):
        return Value(self.data + (other.data if isinstance(other, Value) else other))
    __radd__ = __add__
    def __mul__(self, other):
        return Value(self.data * (other.data if isinstance(other, Value) else other))
    __rmul__ = __mul__
    def __neg__(self):
        return Value(-self.data)

def train(model, optimizer, steps):
    losses = []
    for _ in range(steps):
        losses.append(model.loss())
        optimizer.update(model.params, model.grads())
    return losses

class SGD:
    def __init__(self, lr):
        self.lr = lr
    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g

class Picky(ValueError):
    pass

def picky(x):
    raise Picky(f"no {x}")

def warns(x):
    return np.exp(x)

def shouts(x):
    print("student says", x)
    return x

def draws():
    return np.random.randn(3)

def cheat_dot(x, y):
    import inspect
    class Answer(float):
        def __float__(self):
            for info in inspect.stack():
                if "expected" in info.frame.f_locals:
                    return float(info.frame.f_locals["expected"])
            return -1.0
    return Answer(-1.0)

def cheat_matmul(A, B):
    class Answer(np.ndarray):
        @property
        def shape(self):
            return (99, 99)
    return np.zeros((A.shape[0], B.shape[1])).view(Answer)

def uses_dot(x, y):
    return np.dot(x, y)

def pry(f):
    found = []
    for name in ("__globals__", "_secret", "__code__"):
        try:
            found.append(getattr(f, name))
        except Exception as exc:
            found.append(type(exc).__name__)
    return found

def dies():
    import os
    os._exit(3)

def loops():
    while True:
        pass
'''

KERNEL = textwrap.dedent('''
    import sys
    sys.path.insert(0, {root!r})
    import __main__
    exec(compile({student!r}, "<student>", "exec"), vars(__main__))
    from autograder.grading.jailed import agent
    for line in sys.stdin:
        agent.serve(line.strip())
''')


class Notebook:
    """A student's kernel and a judge, driven cell by cell as a grading worker drives them."""

    def __init__(self, folder, student: str = STUDENT, exercises=()):
        from autograder.config import REPO

        self.folder = str(folder)
        self.kernel = subprocess.Popen(
            [sys.executable, "-c", KERNEL.format(root=str(REPO), student=student)],
            stdin=subprocess.PIPE, text=True)
        setup = {"exercises": list(exercises), "student": [student],
                 "given": [[0, "import numpy as np\nfrom course.checks import (check_close, "
                                "check_equal, check_raises, check_same_object, quiet)\n"
                                "from course.rules import ForbiddenCall, no_products"]]}
        self.setup = setup
        self.judge = Judge(setup)
        self.index = 1

    def run(self, source: str, timeout: float = 30) -> list:
        self.index += 1
        if self.judge.ended():     # as RobustExecute: a fresh judge after one was ended
            self.judge = Judge(self.setup)
        talk = Conversation(self.judge, self.folder, lambda path: None, self.index,
                            textwrap.dedent(source), time.monotonic() + timeout)
        self.kernel.stdin.write(talk.path + "\n")
        self.kernel.stdin.flush()
        deadline = time.monotonic() + timeout
        while talk.kernel is None and self.kernel.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.005)
        while talk._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        outputs = talk.finish(grace=2)
        return outputs if outputs is not None else [{"output_type": "error",
                                                     "ename": "JudgeError", "evalue": talk.error}]

    def close(self):
        self.judge.close()
        self.kernel.kill()
        self.kernel.wait()


def text(outputs, name="stdout") -> str:
    return "".join(o.get("text", "") for o in outputs
                   if o["output_type"] == "stream" and o["name"] == name)


def errors(outputs) -> list:
    return [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    nb = Notebook(tmp_path_factory.mktemp("judge"), exercises=["dot", "Affine", "Value"])
    yield nb
    nb.close()


def test_values_cross_as_plain_data(notebook):
    out = notebook.run('''
        r = dot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        print(type(r).__name__, r)
        fake = cheat_dot(np.ones(2), np.ones(2))
        expected = 32.0
        print(type(fake).__name__, float(fake))
        m = cheat_matmul(np.ones((2, 3)), np.ones((3, 4)))
        print(type(m).__name__, m.shape)
    ''')
    assert errors(out) == [] and text(out).split("\n")[:3] == [
        "float 11.0", "float -1.0", "ndarray (2, 4)"], out


def test_arrays_are_shared_both_ways_and_keep_their_identity(notebook):
    out = notebook.run('''
        x = np.arange(3.0)
        double_in_place(x)
        print(x.tolist())
        W, b = np.ones((2, 3)), np.zeros(3)
        layer = Affine(W, b)
        check_same_object("layer.params[0]", layer.params[0], W)
        g = layer.grads[0]
        layer.forward(np.ones((4, 2)))
        layer.backward(np.ones((4, 3)))
        check_same_object("layer.grads[0]", layer.grads[0], g)
        print(g.sum())
        W -= 1                                  # in place, between calls, as SGD does
        print(layer.forward(np.ones((1, 2))).tolist())
    ''')
    assert errors(out) == [] and text(out).split("\n")[:3] == [
        "[0.0, 2.0, 4.0]", "24.0", "[[0.0, 0.0, 0.0]]"], out


def test_methods_are_called_in_one_turn_and_results_go_back_in(notebook):
    """``layer.forward(x)`` is one request, not a lookup and a call; a result the kernel
    has already let go of (its arrays die as the call returns) can be passed back in,
    changed in place or not, as training passes one layer's output to the next."""
    out = notebook.run('''
        layers = [Affine(np.eye(2), np.zeros(2)), Affine(2 * np.eye(2), np.ones(2))]
        before = layers[0]._peer.messages
        y = layers[0].forward(np.array([[1.0, 2.0]]))
        print(layers[0]._peer.messages - before)
        y[0, 0] = 5.0                           # the copy changed after the kernel let go
        z = layers[1].forward(y)
        print(z.tolist(), layers[1].forward(layers[0].forward(z)).tolist())
        forward = layers[1].forward             # a method kept, then used as a value
        print(forward(np.zeros((1, 2))).tolist(), callable(forward), forward.__name__)
    ''')
    assert errors(out) == [] and text(out).split("\n")[:3] == [
        "1", "[[11.0, 5.0]] [[23.0, 11.0]]", "[[1.0, 1.0]] True forward"], out


def test_callbacks_see_the_nudged_array_and_doubles_serve_student_code(notebook):
    out = notebook.run('''
        W = np.array([[1.0, 2.0], [3.0, -1.0]])
        f = lambda w: float(np.sum(W ** 2))         # reads W through a closure, as in the book
        grad = numerical_gradient(f, W)
        check_close("numerical_gradient", grad, 2 * W, rtol=1e-6)
        class Model:
            def __init__(self):
                self.params = [np.array([4.0])]
            def loss(self):
                return float(self.params[0][0] ** 2)
            def grads(self):
                return [2 * self.params[0]]
        model = Model()
        losses = train(model, SGD(0.25), 3)
        print([round(v, 4) for v in losses], model.params[0].tolist())
    ''')
    assert errors(out) == [] and text(out).strip() == "[16.0, 4.0, 1.0] [0.5]", out


def test_objects_keep_their_operators_names_and_classes(notebook):
    out = notebook.run('''
        a, b = Value(2.0), Value(-3.0)
        c = 1 + a * b + 4
        print(c.data, (-c).data, isinstance(c, Value), type(c).__name__)
    ''')
    assert errors(out) == [] and text(out).strip() == "-1.0 1.0 True Value", out


def test_exceptions_arrive_as_their_own_types(notebook):
    out = notebook.run('''
        error = check_raises("picky(1)", ValueError, picky, 1)
        print(type(error).__name__, isinstance(error, ValueError), error)
        picky(2)
    ''')
    assert text(out).strip() == "Picky True no 1", out
    assert errors(out) == ["Picky: no 2"], out
    error = [o for o in out if o["output_type"] == "error"][0]
    assert error["traceback"][1].startswith("Cell In[0], line 4"), error["traceback"]
    assert all("wire.py" not in frame and "judge.py" not in frame for frame in error["traceback"])


def test_quiet_and_prints_reach_the_student_code(notebook):
    out = notebook.run('''
        with quiet():
            warns(1000.0)
        shouts(7)
        warns(1000.0)
    ''')
    assert "student says 7" in text(out)
    assert "overflow" in text(out, "stderr"), out       # outside quiet(), as in one kernel


def test_seeding_reaches_the_student_generator(notebook):
    out = notebook.run('''
        np.random.seed(5)
        got = draws()
        np.random.seed(5)
        check_close("draws()", got, np.random.randn(3))
        print("same draws")
    ''')
    assert errors(out) == [] and "same draws" in text(out), out


def test_rules_are_decided_in_the_kernel_and_in_the_source(notebook):
    out = notebook.run('''
        for f in (uses_dot, dot):
            try:
                with no_products():
                    f(np.ones(2), np.ones(2))
                print(f.__name__ if hasattr(f, "x") else "allowed")
            except ForbiddenCall as error:
                print("forbidden:", error)
    ''')
    lines = text(out).strip().splitlines()
    assert lines[0].startswith("forbidden: this exercise must not use np.dot"), out
    assert lines[1] == "allowed", out


def test_the_student_code_reaches_nothing_of_the_judge(notebook):
    out = notebook.run('''
        class Secretive:
            _secret = 42
            def __call__(self):
                return 1
        print(pry(Secretive()))
    ''')
    assert errors(out) == [] and text(out).strip() == \
        "['AttributeError', 'AttributeError', 'AttributeError']", out


def test_a_kernel_that_dies_or_loops_costs_its_cell_only(tmp_path):
    nb = Notebook(tmp_path, exercises=["dot"])
    try:
        out = nb.run("loops()", timeout=3)
        assert errors(out), out
        nb.kernel.kill()
        nb.kernel.wait()
        nb.kernel = subprocess.Popen(
            [sys.executable, "-c", KERNEL.format(root=str(__import__("autograder").config.REPO),
                                                 student=STUDENT)], stdin=subprocess.PIPE,
            text=True)
        out = nb.run("dies()")
        assert errors(out) and "kernel" in errors(out)[0], out
    finally:
        nb.close()


def test_a_judge_that_never_finishes_is_ended(tmp_path):
    nb = Notebook(tmp_path, exercises=["dot"])
    try:
        out = nb.run("while True:\n    pass", timeout=2)
        assert errors(out) and "did not finish" in errors(out)[0], out
        assert nb.judge.ended()
    finally:
        nb.close()


def test_arrays_cross_as_npy_bytes_and_nothing_else():
    for array in (np.array(2.0), np.arange(6.0).reshape(2, 3).T, np.zeros((0, 4)),
                  np.array(["ab", "c"]), np.array([True, False])):
        blob = wire.array_bytes(array)
        reference = io.BytesIO()
        np.save(reference, array.copy(order="C"), allow_pickle=False)   # C order, as sent
        assert blob == reference.getvalue()
        back = wire.array_from(blob)
        assert back.dtype == array.dtype and back.shape == array.shape
        assert np.array_equal(back, array)
    pickled = io.BytesIO()
    np.save(pickled, np.array([object()], dtype=object), allow_pickle=True)
    for bad in (pickled.getvalue(), b"\x93NUMPY\x01\x00" + b"\x10\x00" + b"x" * 16,
                wire.array_bytes(np.zeros(3))[:-8]):
        with pytest.raises(wire.WireError):
            wire.array_from(bad)


def test_only_changed_arrays_travel_and_a_reshape_is_a_change():
    """A message carries exactly the shared arrays whose bytes or shape changed since the
    last one: nothing when nothing changed (a NaN that stays NaN included), the new shape
    when only the shape changed."""
    judge, kernel = Values("judge"), Values("kernel")
    x, y = np.arange(6.0), np.zeros(3)
    blobs: list = []
    sent = [judge.encode(x, blobs), judge.encode(y, blobs)]
    x_copy, y_copy = (kernel.decode(data, blobs) for data in sent)
    assert judge._changes([]) == {} and kernel._changes([]) == {}

    x[1] = np.nan
    blobs = []
    changes = judge._changes(blobs)
    assert list(changes) == [sent[0]["id"]] and len(blobs) == 1
    kernel._apply_changes({"sync": changes}, blobs)
    assert np.isnan(x_copy[1]) and judge._changes([]) == {} and kernel._changes([]) == {}

    y_copy.shape = (3, 1)                     # same bytes, another shape
    blobs = []
    changes = kernel._changes(blobs)
    assert list(changes) == [sent[1]["id"]]
    judge._apply_changes({"sync": changes}, blobs)
    assert y.shape == (3, 1) and kernel._changes([]) == {}


def test_a_dead_original_is_released_unless_its_copy_comes_back():
    """When the judge's original of a shared array dies, its next message releases it and
    the kernel lets its copy go. If the kernel sends the array back before it has heard
    (changed, or only named), the judge takes the copy's content as a new original and
    calls the release off; arrays still alive are untouched."""
    judge, kernel = Values("judge"), Values("kernel")
    kept, blobs = np.ones(2), []
    sent = [judge.encode(np.arange(3.0), blobs), judge.encode(kept, blobs),
            judge.encode(np.full(4, 7.0), blobs), judge.encode(np.zeros(2), blobs)]
    dropped, kept_id, changed, named = (data["id"] for data in sent)
    copies = [kernel.decode(data, blobs) for data in sent]
    assert sorted(judge.gone) == sorted([dropped, changed, named])   # only weakly held

    copies[2][0] = 1.0                      # the kernel changes one dead original's copy
    blobs = []
    changes = kernel._changes(blobs)
    assert list(changes) == [changed]
    judge._apply_changes({"sync": changes}, blobs)
    revived = judge.decode({"$": "nd", "id": changed}, [])
    assert np.array_equal(revived, [1.0, 7.0, 7.0, 7.0])
    named_again = judge.decode({"$": "nd", "id": named}, [])      # only named: as it was
    assert np.array_equal(named_again, [0.0, 0.0])
    assert judge.decode({"$": "nd", "id": named}, []) is named_again

    released = judge._releases()
    assert released == {"ra": [dropped]} and dropped not in judge.arrays
    kernel._apply_releases(released)
    assert dropped not in kernel.arrays and id(copies[0]) not in kernel.array_ids
    assert set(kernel.arrays) == {kept_id, changed, named}

    kept[0] = 5.0
    revived[1] = -1.0
    blobs = []
    changes = judge._changes(blobs)
    assert sorted(changes) == sorted([kept_id, changed])
    kernel._apply_changes({"sync": changes}, blobs)
    assert copies[1][0] == 5.0 and copies[2][1] == -1.0
    assert judge._changes([]) == {} and kernel._changes([]) == {}
