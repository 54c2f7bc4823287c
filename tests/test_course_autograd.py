"""Unit tests of 07_autograd's helpers: course/checks/autograd.py (the programs the
tests build and the checks against central differences), course/plots/autograd.py
and course/widgets/autograd.py."""
from __future__ import annotations

import math
import sys
from collections import Counter

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.checks import CheckFailed  # noqa: E402
from course.checks import autograd as checks  # noqa: E402
from course.plots import autograd as plots  # noqa: E402
from course.widgets import autograd as widget  # noqa: E402


class Value:
    """A reference engine for these tests only (the course ships none)."""

    def __init__(self, data, inputs=(), local=()):
        self.data, self.grad = float(data), 0.0
        self.inputs, self.local = tuple(inputs), tuple(local)

    def wrap(self, x):
        return x if isinstance(x, Value) else type(self)(x)

    def __add__(self, other):
        other = self.wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = self.wrap(other)
        return type(self)(self.data * other.data, (self, other), (other.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def exp(self):
        e = math.exp(self.data)
        return type(self)(e, (self,), (e,))

    def log(self):
        return type(self)(math.log(self.data), (self,), (1 / self.data,))

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        return type(self)(s, (self,), (s * (1 - s),))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node.inputs)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.inputs, node.local):
                child.grad += local * node.grad


class Overwrites(Value):
    """Wrong: = instead of +=, through a backward of its own."""

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for child in node.inputs:
                    visit(child)
                order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.inputs, node.local):
                child.grad = local * node.grad


def tape_value():
    """Wrong: every node on one tape kept on the class, emptied after backward."""
    class Taped(Value):
        tape = []

        def __init__(self, *args):
            super().__init__(*args)
            Taped.tape.append(self)

        def backward(self):
            self.grad = 1.0
            for node in reversed(Taped.tape):
                for child, local in zip(node.inputs, node.local):
                    child.grad += local * node.grad
            Taped.tape.clear()
    return Taped


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# -- programs ---------------------------------------------------------------------

def test_a_program_runs_on_floats_and_lists_itself():
    program = checks.Program((2.0, -3.0), (("mul", ("v", 0), ("v", 1)), ("sub", ("c", 5), ("v", 2)),
                                           ("exp", ("v", 0), None), ("add", ("v", 3), ("v", 4))))
    nodes = checks.run(program, program.inputs)
    assert nodes == [2.0, -3.0, -6.0, 11.0, math.exp(2.0), 11.0 + math.exp(2.0)]
    assert checks.output(program) == nodes[-1]
    assert len(program) == 6
    text = program.listing()
    for line in ("x0 = Value(2.0), x1 = Value(-3.0)", "v2 = x0 * x1", "v3 = 5 - v2", "v4 = x0.exp()",
                 "v5 = v3 + v4"):
        assert line in text


def test_central_differences_are_accurate():
    # out = 5 - x0 x1 + exp(x0): d/dx0 = -x1 + exp(x0), d/dx1 = -x0
    program = checks.Program((0.7, -1.3), (("mul", ("v", 0), ("v", 1)), ("sub", ("c", 5), ("v", 2)),
                                           ("exp", ("v", 0), None), ("add", ("v", 3), ("v", 4))))
    grads = checks.central_differences(program)
    assert grads == pytest.approx([1.3 + math.exp(0.7), -0.7], rel=1e-10)
    inner = checks.central_differences(program, [2, 4])       # d out / d v2 = -1, d out / d v4 = 1
    assert inner == pytest.approx([-1.0, 1.0], rel=1e-10)
    f = lambda x, y: checks.log_of(x * x + 1) * checks.sigmoid_of(y)  # noqa: E731
    s = 1 / (1 + math.exp(-0.4))
    assert checks.differences(f, [0.5, 0.4]) == pytest.approx(
        [2 * 0.5 / 1.25 * s, math.log(1.25) * s * (1 - s)], rel=1e-9)


def test_random_programs_are_reproducible_bounded_and_use_everything():
    assert checks.random_program(3) == checks.random_program(3)
    assert checks.random_program(3) != checks.random_program(4)
    ops, left_constants, right_constants, flat = Counter(), 0, 0, 0
    for seed in range(40):
        program = checks.random_program(seed, n_inputs=3, n_steps=30)
        values = checks.run(program, program.inputs)
        assert all(abs(v) <= checks.VALUE_LIMIT * 2 for v in values)
        # the output depends on every input (a path can cancel another now and then: x - x)
        flat += sum(abs(g) < 1e-9 for g in checks.central_differences(program))
        for op, left, right in program.steps:
            ops[op] += 1
            left_constants += left[0] == "c"
            right_constants += right is not None and right[0] == "c"
        used = Counter(o[1] for _, a, b in program.steps for o in (a, b) if o and o[0] == "v")
        assert max(used.values()) >= 2           # shared nodes
    assert flat <= 3
    assert set(ops) == set(checks.OPS)
    assert left_constants > 20 and right_constants > 20
    ints = [o[1] for s in range(40) for _, a, b in checks.random_program(s).steps
            for o in (a, b) if o and o[0] == "c"]
    assert any(isinstance(c, int) for c in ints) and any(isinstance(c, float) for c in ints)
    plain = checks.random_program(5, constants=False)
    assert not [o for _, a, b in plain.steps for o in (a, b) if o and o[0] == "c"]


def test_chains_are_deep_and_keep_a_moderate_derivative():
    for seed in range(4):
        program = checks.chain_program(seed, n_steps=300)
        assert len(program.steps) == 300 and len(program.inputs) == 1
        assert all(step[1] == ("v", j) or step[2] == ("v", j)
                   for j, step in enumerate(program.steps))   # each step uses the one before
        (slope,) = checks.central_differences(program)
        assert 0.1 <= abs(slope) <= 10
    assert checks.chain_program(1) == checks.chain_program(1)


# -- checks -----------------------------------------------------------------------

def test_checks_pass_a_right_engine():
    for seed in range(5):
        checks.check_program("g", Value, checks.random_program(seed, n_steps=40), inner=True)
    checks.check_side_by_side("s", Value, [checks.random_program(s, 2, 15) for s in range(3)])
    checks.check_deep_chain("c", Value, checks.chain_program(0))
    checks.check_function("f", Value, lambda x, y: checks.exp_of(x * y) * x - 2 * y, [0.3, -0.8])


def test_checks_catch_an_overwriting_engine_and_show_the_graph():
    with pytest.raises(CheckFailed) as info:
        for seed in range(5):
            checks.check_program("g", Overwrites, checks.random_program(seed, n_steps=30))
    assert "expected" in str(info.value) and "the graph (" in str(info.value)
    with pytest.raises(CheckFailed):
        checks.check_function("x * x", Overwrites, lambda x: x * x, [3.0])


def test_side_by_side_catches_state_on_the_class():
    taped = tape_value()
    checks.check_program("one graph at a time", taped, checks.random_program(1, 2, 10))
    with pytest.raises(CheckFailed, match="graph 2 of 2"):
        checks.check_side_by_side("s", taped, [checks.random_program(s, 2, 10) for s in (1, 2)])


def test_deep_chain_reports_recursion():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        with pytest.raises(CheckFailed, match="RecursionError"):
            checks.check_deep_chain("c", Overwrites, checks.chain_program(0, n_steps=300))
    finally:
        sys.setrecursionlimit(limit)


# -- figures and the widget -------------------------------------------------------------

def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_value_graph_shows_data_grads_and_order():
    graph = {"a": ("a", [], (0, 0)), "b": ("b = exp(a)", ["a"], (2, 0))}
    fig = plots.draw_value_graph(graph, data={"a": 1.0, "b": math.e}, grads={"b": 1.0},
                                 order={"b": 1, "a": 2}, current="b", title="t", caption="c")
    texts = _texts(fig)
    for expected in ("a", "b = exp(a)", "data 1", "data 2.718", "grad 1", "grad ?", "1", "2", "c"):
        assert expected in texts
    assert fig.axes[0].get_title() == "t"


def test_other_figures_draw_what_they_are_given():
    x = np.linspace(-1, 1, 5)
    fig = plots.draw_local_derivatives([("exp", x, np.exp(x), np.exp(x)), ("sq", x, x * x, 2 * x)])
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) >= 2
    X = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0]])
    fig = plots.draw_neuron_training(X, np.array([1, 1, 0]), [1.0, 1.0], 0.0, [0.7, 0.5, 0.4])
    assert len(fig.axes) >= 2 and len(fig.axes[0].lines) == 1


def test_widget_expressions_are_listed_in_a_reverse_topological_order():
    for name, spec in widget.EXPRESSIONS.items():
        order, graph = spec["order"], spec["graph"]
        assert sorted(order) == sorted(graph), name
        for node, (_, inputs, _) in graph.items():
            for source in inputs:
                assert order.index(node) < order.index(source), (name, node, source)
        floats = spec["build"](*[v for _, v in spec["inputs"]])
        assert set(floats) == set(graph)


def test_explore_uses_the_students_value_and_falls_back_to_floats():
    name = "L = a + 3a,  a = exp(x)  (order matters)"
    found = widget.explore(Value, name, [0.5])
    assert found["problem"] is None
    assert found["grads"]["x"] == pytest.approx(4 * math.exp(0.5))
    assert found["data"]["L"] == pytest.approx(4 * math.exp(0.5))

    class Unfinished(Value):
        def __add__(self, other):
            raise NotImplementedError()
    found = widget.explore(Unfinished, name, [0.5])
    assert found["problem"] == "Value is not finished yet" and found["grads"] == {}
    assert found["data"]["L"] == pytest.approx(4 * math.exp(0.5))
    assert "plain floats" in widget.step_caption(name, 2, found)
    assert widget.explore(None, name, [0.5])["problem"]


def test_step_captions_follow_the_order():
    name = "L = a·b + a  (a used twice)"
    found = widget.explore(Value, name, [2.0, -3.0])
    assert "Forward pass" in widget.step_caption(name, 0, found)
    assert "u is visited" in widget.step_caption(name, 2, found)
    assert "a is a leaf" in widget.step_caption(name, 3, found)
    fig = widget.draw_step(name, 2, found)
    texts = _texts(fig)
    assert "grad 1" in texts and "grad ?" in texts        # L and u known, a and b not yet


def test_explorer_controls_redraw(monkeypatch):
    import IPython.display
    from matplotlib.figure import Figure

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **k: shown.extend(
        o for o in objs if isinstance(o, Figure)))
    panel = widget.value_graph_explorer(Value)
    choice, sliders, buttons = panel.children[:3]
    back, forward, step = buttons.children
    before = len(shown)
    forward.click()
    assert step.value == 1 and len(shown) == before + 1
    sliders.children[0].value = 1.0
    assert len(shown) == before + 2
    choice.value = list(widget.EXPRESSIONS)[2]
    assert step.value == 0 and step.max == 6
    assert [s.layout.display for s in sliders.children] == [None, None, None]
    choice.value = list(widget.EXPRESSIONS)[1]
    assert [s.layout.display for s in sliders.children] == [None, "none", "none"]
