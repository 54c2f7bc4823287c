"""Checks of 07_autograd: a student's ``Value`` against central differences.

A test describes a computational graph as a :class:`Program`: a few inputs and
a list of steps, each one operation of the contract (``+``, ``*``, ``-``,
unary ``-``, ``exp``, ``log``, ``sigmoid``) on earlier nodes or on an ``int``
or ``float`` constant, on either side. The same program runs on plain floats
(to get the expected output, and the expected gradients by central
differences) and on the student's ``Value`` objects (to get their gradients).
Nothing here computes a gradient analytically: the expected numbers come from
nudging the float program, as in 04.

Every function that calls the student's class does so inside ``quiet()``,
and reaches it only through its public interface: ``Value(x)``, the
operators, ``exp``/``log``/``sigmoid``, ``backward()``, ``data`` and ``grad``.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from . import CheckFailed, check_close, check_true, quiet

OPS = ("add", "mul", "sub", "neg", "exp", "log", "sigmoid")
SYMBOL = {"add": "+", "mul": "*", "sub": "-"}
STEP = 1e-4          # the step of the five-point central difference
VALUE_LIMIT = 20.0   # random programs keep every node's value within ±VALUE_LIMIT


@dataclass(frozen=True)
class Program:
    """A computational graph: ``inputs`` (floats) and ``steps``.

    Each step is ``(op, left, right)``; an operand is ``("v", k)`` (node k:
    the inputs are nodes 0..n-1, step j makes node n + j) or ``("c", number)``
    (a constant, int or float); ``right`` is None for ``neg``, ``exp``,
    ``log`` and ``sigmoid``. The output is the last node.
    """

    inputs: tuple
    steps: tuple

    def __len__(self) -> int:
        return len(self.inputs) + len(self.steps)

    def name(self, k: int) -> str:
        return f"x{k}" if k < len(self.inputs) else f"v{k}"

    def _operand(self, operand) -> str:
        kind, value = operand
        return self.name(value) if kind == "v" else repr(value)

    def line(self, j: int) -> str:
        """Step j as Python: ``v5 = 2 - v3``, ``v6 = v5.exp()``."""
        op, left, right = self.steps[j]
        target = self.name(len(self.inputs) + j)
        if op in SYMBOL:
            return f"{target} = {self._operand(left)} {SYMBOL[op]} {self._operand(right)}"
        if op == "neg":
            return f"{target} = -{self._operand(left)}"
        return f"{target} = {self._operand(left)}.{op}()"

    def listing(self, most: int = 14) -> str:
        """The program as Python lines (the first ``most``), for a failure message."""
        head = ", ".join(f"{self.name(k)} = Value({x!r})" for k, x in enumerate(self.inputs))
        lines = [head] + [self.line(j) for j in range(min(most, len(self.steps)))]
        if len(self.steps) > most:
            lines.append(f"... {len(self.steps) - most} more steps; the output is "
                         f"{self.name(len(self) - 1)}")
        return "\n    ".join(lines)


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def apply(op: str, a, b=None):
    """One operation on floats (with ``math``) or on Values (their methods)."""
    if op == "add":
        return a + b
    if op == "mul":
        return a * b
    if op == "sub":
        return a - b
    if op == "neg":
        return -a
    if _is_number(a):
        if op == "exp":
            return math.exp(a)
        if op == "log":
            return math.log(a)
        return 1.0 / (1.0 + math.exp(-a))
    return getattr(a, op)()


def run(program: Program, leaves, nudge: tuple | None = None) -> list:
    """Every node of the program, computed from ``leaves`` (floats or Values).

    ``nudge=(k, h)`` adds h to node k's float value as it is computed (for the
    numerical derivative of the output with respect to an inner node).
    """
    nodes = list(leaves)
    if nudge is not None and nudge[0] < len(nodes):
        nodes[nudge[0]] = nodes[nudge[0]] + nudge[1]
    for op, left, right in program.steps:
        a = nodes[left[1]] if left[0] == "v" else left[1]
        b = None if right is None else (nodes[right[1]] if right[0] == "v" else right[1])
        node = apply(op, a, b)
        if nudge is not None and nudge[0] == len(nodes):
            node = node + nudge[1]
        nodes.append(node)
    return nodes


def exp_of(v):
    """exp of a float (math.exp) or of a Value (v.exp()): one test function serves both."""
    return apply("exp", v)


def log_of(v):
    """log of a float (math.log) or of a Value (v.log())."""
    return apply("log", v)


def sigmoid_of(v):
    """sigmoid of a float or of a Value (v.sigmoid())."""
    return apply("sigmoid", v)


def differences(f, point: list) -> list:
    """d f / d x_i at ``point`` for a function of floats, by the five-point
    central difference with step h = 1e-4."""
    found = []
    for i in range(len(point)):
        def moved(s):
            return f(*[x + s * STEP if j == i else x for j, x in enumerate(point)])
        found.append((-moved(2) + 8 * moved(1) - 8 * moved(-1) + moved(-2)) / (12 * STEP))
    return found


def check_function(what: str, Value, f, point: list) -> None:
    """``f`` written once with operators and exp_of/log_of/sigmoid_of: built from
    Values at ``point`` (then ``backward()``), its output's data and every
    input's grad are compared with f on floats and its central differences."""
    point = [float(x) for x in point]
    with quiet():
        leaves = [Value(x) for x in point]
        out = f(*leaves)
        out.backward()
    expected = differences(f, point)
    names = ", ".join(f"x{i} = {x:g}" for i, x in enumerate(point))
    check_close(f"{what} at {names}: the output's data", out.data, f(*point),
                rtol=1e-9, atol=1e-9)
    check_close(f"{what} at {names}: the output's grad after backward()", out.grad, 1.0)
    for i, e in enumerate(expected):
        check_close(f"{what} at {names}: x{i}.grad", leaves[i].grad, e, rtol=1e-6,
                    atol=_tolerance(expected))


def output(program: Program) -> float:
    """The program's output computed with floats."""
    return run(program, program.inputs)[-1]


def central_differences(program: Program, nodes=None) -> list:
    """d output / d node for each node in ``nodes`` (default: the inputs), by the
    five-point central difference with step h = 1e-4 (error of order h⁴)."""
    nodes = range(len(program.inputs)) if nodes is None else nodes
    found = []
    for k in nodes:
        f = [run(program, program.inputs, nudge=(k, s * STEP))[-1] for s in (2, 1, -1, -2)]
        found.append((-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * STEP))
    return found


def _tolerance(expected: list) -> float:
    # Central differences are exact to about 1e-10 of the larger numbers involved.
    return 1e-7 * max([1.0] + [abs(e) for e in expected])


def build(Value, program: Program) -> list:
    """The program built from the student's ``Value``: its nodes, inputs first."""
    with quiet():
        return run(program, [Value(x) for x in program.inputs])


def check_program(what: str, Value, program: Program, inner: bool = False,
                  nodes=None) -> None:
    """Build the program with ``Value``, call ``backward()`` on its output, and
    compare the output's data and every input's grad (``inner=True``: every
    node's) with the float program and its central differences.

    ``nodes`` (from :func:`build`) checks a graph already built; its
    ``backward()`` must have been called.
    """
    if nodes is None:
        nodes = build(Value, program)
        with quiet():
            nodes[-1].backward()
    check_grads(what, program, nodes, inner)


def check_grads(what: str, program: Program, nodes: list, inner: bool = False) -> None:
    """Compare the data of ``nodes[-1]`` and the grads of ``nodes`` (Values built
    from ``program``, after ``backward()``) with the float program."""
    which = list(range(len(nodes) if inner else len(program.inputs)))
    expected = central_differences(program, which)
    atol = _tolerance(expected)
    listing = f"the graph ({len(program)} nodes, built as):\n    {program.listing()}"
    try:
        check_close(f"{what}: the output's data", nodes[-1].data, output(program),
                    rtol=1e-9, atol=1e-9)
        check_close(f"{what}: the output's grad after backward()", nodes[-1].grad, 1.0)
        for k, e in zip(which, expected):
            check_close(f"{what}: {program.name(k)}.grad (d out / d {program.name(k)})",
                        nodes[k].grad, e, rtol=1e-6, atol=atol)
    except CheckFailed as error:
        raise CheckFailed(f"{error}\n{listing}") from None


def check_side_by_side(what: str, Value, programs: list, inner: bool = True) -> None:
    """Build several programs at once, one step of each in turn, call
    ``backward()`` on each output in turn, and check every graph after all
    the ``backward()`` calls: graphs built side by side must not interfere
    (nothing kept on the class)."""
    graphs = []
    with quiet():
        for program in programs:
            graphs.append([Value(x) for x in program.inputs])
        longest = max(len(p.steps) for p in programs)
        for j in range(longest):
            for program, nodes in zip(programs, graphs):
                if j < len(program.steps):
                    op, left, right = program.steps[j]
                    a = nodes[left[1]] if left[0] == "v" else left[1]
                    b = None if right is None else (
                        nodes[right[1]] if right[0] == "v" else right[1])
                    nodes.append(apply(op, a, b))
    for k, (program, nodes) in enumerate(zip(programs, graphs)):
        with quiet():
            nodes[-1].backward()
        check_grads(f"{what}: graph {k + 1} of {len(programs)}, right after its backward()",
                    program, nodes, inner)
    for k, (program, nodes) in enumerate(zip(programs, graphs)):
        check_grads(f"{what}: graph {k + 1} of {len(programs)}, after every graph's "
                    "backward() (did a later backward() change it?)", program, nodes, inner)


# -- programs ---------------------------------------------------------------------

def _constant(rng: random.Random):
    """An int or a float constant, each half the time."""
    return rng.choice([2, 3, -1, 1]) if rng.random() < 0.5 else round(rng.uniform(-2, 2), 3)


def _fits(op: str, a: float, b: float | None) -> bool:
    """Whether op(a, b) keeps the values and the numerical derivative well behaved."""
    if op == "exp":
        return -4.0 <= a <= 2.5
    if op == "log":
        return 0.5 <= a <= VALUE_LIMIT
    if op == "sigmoid":
        return abs(a) <= 6.0
    if op == "neg":
        return True
    try:
        value = apply(op, a, b)
    except OverflowError:
        return False
    return abs(value) <= VALUE_LIMIT


def random_program(seed: int, n_inputs: int = 3, n_steps: int = 20,
                   constants: bool = True) -> Program:
    """A random graph with shared subexpressions: each step applies a random
    operation to random earlier nodes (recent ones more often) or to a
    constant on either side; at the end, every node no step used is added up,
    so the output depends on every input, along several paths."""
    rng = random.Random(seed)
    inputs = tuple(round(rng.uniform(-1.5, 1.5), 4) for _ in range(n_inputs))
    values = list(inputs)
    steps = []

    def pick():
        k = len(values) - 1 - min(int(rng.expovariate(0.35)), len(values) - 1)
        return ("v", k)

    while len(steps) < n_steps:
        op = rng.choice(OPS)
        left = pick()
        if op in SYMBOL:
            right = ("c", _constant(rng)) if constants and rng.random() < 0.35 else pick()
            if right[0] == "c" and rng.random() < 0.5:
                left, right = right, left         # the constant on the left: 2 - v, 3 * v
        else:
            right = None
        a = values[left[1]] if left[0] == "v" else left[1]
        b = None if right is None else (values[right[1]] if right[0] == "v" else right[1])
        if not _fits(op, a, b):
            continue
        steps.append((op, left, right))
        values.append(apply(op, a, b))
    used = {operand[1] for _, left, right in steps for operand in (left, right)
            if operand is not None and operand[0] == "v"}
    dangling = [k for k in range(len(values) - 1) if k not in used] + [len(values) - 1]
    total = dangling[0]
    for k in dangling[1:]:
        steps.append(("add", ("v", total), ("v", k)))
        total = len(values)
        values.append(values[-1] + values[k])
    return Program(inputs, tuple(steps))


def chain_program(seed: int, n_steps: int = 300) -> Program:
    """One input x0 and a chain of ``n_steps`` operations, each on the node
    before it (and a constant on either side): a graph as deep as it is long.
    Every operation of the contract appears; the steps are picked so that the
    output's derivative stays between 0.2 and 5 in size all along the chain."""
    rng = random.Random(seed)
    x = round(rng.uniform(-0.5, 0.5), 4)
    steps, value, slope = [], x, 1.0
    for j in range(n_steps):
        last = ("v", j)
        c = ("c", _constant(rng))
        candidates = [("mul", last, ("c", rng.choice([1.1, -1.1, 0.9, -0.9, 2, -1]))),
                      ("mul", ("c", rng.choice([1.1, -1.1, 0.9, -0.9, 2, -1])), last),
                      ("add", last, c), ("add", c, last), ("sub", last, c), ("sub", c, last),
                      ("neg", last, None), ("exp", last, None), ("log", last, None),
                      ("sigmoid", last, None)]
        rng.shuffle(candidates)
        for step in candidates + [("mul", last, ("c", 1))]:
            if not _fits(step[0], *_operands(step, value)):
                continue
            new = apply(step[0], *_operands(step, value))
            h = 1e-6
            local = (apply(step[0], *_operands(step, value + h))
                     - apply(step[0], *_operands(step, value - h))) / (2 * h)
            if 0.2 <= abs(slope * local) <= 5 or step[2] == ("c", 1):
                break
        steps.append(step)
        value, slope = new, slope * local
    return Program((x,), tuple(steps))


def _operands(step, value):
    """The operands of a chain step whose node operand has this value."""
    _, left, right = step
    a = value if left[0] == "v" else left[1]
    b = None if right is None else (value if right[0] == "v" else right[1])
    return a, b


def check_deep_chain(what: str, Value, program: Program) -> None:
    """Like :func:`check_program`, for a deep chain: a ``RecursionError`` is
    reported as one (the graph is as deep as the chain is long)."""
    try:
        nodes = build(Value, program)
        with quiet():
            nodes[-1].backward()
    except RecursionError:
        check_true(False, f"{what}: backward() raised RecursionError on a chain of "
                          f"{len(program.steps)} operations; Python allows about 1000 nested "
                          "calls, so visit each node once (recursion per node, not per path), "
                          "or use a loop with a stack")
    check_program(what, Value, program, nodes=nodes)
