"""Rewrites that change a solution's shape but never what it computes.

:func:`autograder.quality.restyle.restyle` applies them at random to give each simulated
student a hand of their own. Each keeps every value, shape and error of the code it
rewrites, and the random draws in their order; where that cannot be seen from the code
alone (a loop bound changed inside the loop, a call that may change its arguments) the
rewrite does not apply.
"""
from __future__ import annotations

import ast
import random

from autograder.reporting.similarity_order import (IN_PLACE, PURE_METHODS, Scope, all_effects,
                                                   path_of)
from .restyle_cell import Cell, bodies, docstring, walk

CONSTANT_NAMES = ["eps", "delta", "tiny", "small", "scale", "h_step", "factor"]
RESULT_NAMES = ["result", "answer", "ret", "output", "value", "y_out"]
TEMP_NAMES = ["tmp", "res", "acc", "val", "buf", "cur", "aux", "arr", "mat", "vec", "step",
              "part", "gap", "hap", "temp", "kab"]
AXIS_FUNCTIONS = {"sum", "max", "min", "mean", "argmax", "argmin"}
SHAPE_FUNCTIONS = {"np.zeros", "np.ones", "np.empty"}
PURE_BUILTINS = {"len", "float", "int", "abs", "max", "min", "sum", "tuple", "range", "round"}
#: Methods that give a class its own operators (``+``, ``*``, ``-x``, ``==``, ...).
OPERATOR_METHODS = {f"__{prefix}{op}__" for op in ("add", "sub", "mul", "truediv", "floordiv",
                                                    "mod", "pow", "matmul")
                    for prefix in ("", "r", "i")} | {"__neg__", "__pos__", "__eq__", "__ne__"}


def _number(node) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


def _simple(node) -> bool:
    """An operand whose evaluation has no effect: a name, attribute, constant, subscript."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Attribute):
        return _simple(node.value)
    if isinstance(node, ast.Subscript):
        return _simple(node.value) and all(_simple(n) for n in walk(node.slice)
                                           if isinstance(n, ast.expr)
                                           and not isinstance(n, (ast.Slice, ast.Tuple)))
    return False


def overloads_operators(tree) -> bool:
    """Whether the cell defines a class with operators of its own.

    Swapping ``a * b``, ``a - b`` as ``a + -b`` or ``-x`` as ``-1 * x`` is the same only
    for numbers and arrays; on such a class's objects it calls other methods (``__rmul__``
    for ``__mul__``, ``__neg__`` and ``__add__`` for ``__sub__``), which may be missing, or
    may be the very method being defined: ``__rmul__`` written as ``self * other`` calls
    itself for ever once swapped. Which operands are its objects the code does not say.
    """
    return any(isinstance(node, ast.ClassDef) and any(
        isinstance(item, ast.FunctionDef) and item.name in OPERATOR_METHODS
        for item in node.body) for node in walk(tree))


def _np(attr: str):
    return ast.Attribute(ast.Name("np", ast.Load()), attr, ast.Load())


class Expressions(ast.NodeTransformer):
    """Expression rewrites, each applied where it fits with probability ``p``; those of
    operators only where operators are NumPy's or Python's own (:func:`overloads_operators`)."""

    def __init__(self, rng: random.Random, p: float):
        self.rng, self.p = rng, p
        self.counters: list = []    # names of the enclosing `for i in range(...)` loops
        self.own_operators = False

    def chance(self) -> bool:
        return self.rng.random() < self.p

    def visit_Module(self, node):
        self.own_operators = overloads_operators(node)
        self.generic_visit(node)
        return node

    def visit_For(self, node):
        counter = (isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call)
                   and isinstance(node.iter.func, ast.Name) and node.iter.func.id == "range")
        if counter:
            self.counters.append(node.target.id)
        self.generic_visit(node)
        if counter:
            self.counters.pop()
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        index = node.slice
        if isinstance(index, ast.Tuple) and len(index.elts) == 2 \
                and all(isinstance(e, ast.Name) and e.id in self.counters for e in index.elts) \
                and self.chance():
            # A[i, j] -> A[i][j]: the same entry of an array (A[i] is a view of row i)
            row = ast.Subscript(node.value, index.elts[0], ast.Load())
            return ast.Subscript(row, index.elts[1], node.ctx)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if self.own_operators:
            return node
        if isinstance(node.op, (ast.Add, ast.Mult)) and _number(node.left) != _number(node.right):
            if self.chance():
                node.left, node.right = node.right, node.left
        elif isinstance(node.op, ast.Mult) and _simple(node.left) and _simple(node.right):
            if self.chance():
                node.left, node.right = node.right, node.left
        if isinstance(node.op, ast.Sub) and not _number(node.right) \
                and not isinstance(node.right, (ast.Tuple, ast.List)) \
                and self.rng.random() < self.p / 3:
            # a - b -> a + -b: the same value (negating is exact)
            node.op, node.right = ast.Add(), ast.UnaryOp(ast.USub(), node.right)
        if isinstance(node.op, ast.Div):
            for side in ("left", "right"):
                value = getattr(node, side)
                if _number(value) and isinstance(value.value, int) and self.chance():
                    setattr(node, side, ast.Constant(float(value.value)))
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if self.own_operators:
            return node
        if isinstance(node.op, ast.USub) and not _number(node.operand) \
                and self.rng.random() < self.p / 3:
            return ast.BinOp(ast.Constant(-1), ast.Mult(), node.operand)   # exact
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr == "T" and isinstance(node.ctx, ast.Load) and self.chance():
            return ast.Call(_np("transpose"), [node.value], [])
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id == "range" and len(node.args) == 1 \
                and not node.keywords and self.chance():
            node.args = [ast.Constant(0), node.args[0]] + (
                [ast.Constant(1)] if self.rng.random() < 0.3 else [])
        elif path_of(func) in SHAPE_FUNCTIONS and node.args \
                and isinstance(node.args[0], ast.Tuple) and self.chance():
            # np.zeros((n, p)) -> np.zeros([n, p]) or np.zeros(shape=(n, p))
            if self.rng.random() < 0.5:
                node.args[0] = ast.List(node.args[0].elts, ast.Load())
            else:
                node.keywords.insert(0, ast.keyword("shape", node.args.pop(0)))
        elif isinstance(func, ast.Attribute) and func.attr == "reshape" and not node.keywords \
                and node.args and path_of(func.value) not in ("np", "numpy") and self.chance():
            # x.reshape(1, n) <-> x.reshape((1, n))
            if len(node.args) > 1:
                node.args = [ast.Tuple(node.args, ast.Load())]
            elif isinstance(node.args[0], ast.Tuple):
                node.args = list(node.args[0].elts)
        elif isinstance(func, ast.Attribute) and func.attr in AXIS_FUNCTIONS:
            on_np = isinstance(func.value, ast.Name) and func.value.id == "np"
            axis = [k for k in node.keywords if k.arg == "axis"]
            if axis and len(node.args) == (1 if on_np else 0) and self.chance():
                node.keywords.remove(axis[0])
                node.args.append(axis[0].value)
        elif isinstance(func, ast.Attribute) and func.attr in ("sum", "max", "min", "mean") \
                and isinstance(func.value, ast.Name) and func.value.id == "np" and node.args \
                and isinstance(node.args[0], ast.Call) \
                and (path_of(node.args[0].func) or "").startswith("np.") \
                and ".random." not in path_of(node.args[0].func) and self.chance():
            # np.sum(np.exp(x), axis=1) -> np.exp(x).sum(axis=1): NumPy returns an array
            method = ast.Attribute(node.args[0], func.attr, ast.Load())
            return ast.Call(method, node.args[1:], node.keywords)
        elif isinstance(func, ast.Attribute) and func.attr == "dot" \
                and isinstance(func.value, ast.Name) and func.value.id == "np" \
                and len(node.args) == 2 and not node.keywords \
                and isinstance(node.args[0], (ast.Name, ast.Attribute)) and self.chance():
            return ast.Call(ast.Attribute(node.args[0], "dot", ast.Load()), [node.args[1]], [])
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        if self.own_operators:
            return node
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)) \
                and _simple(node.left) and self.chance():
            node.left, node.comparators = node.comparators[0], [node.left]
        return node



def while_loops(cell: Cell, p: float) -> None:
    """``for i in range(a, b): ...`` as ``i = a`` / ``while i < b: ...; i += 1`` where
    that is the same: no ``continue``, ``i`` not changed in the loop nor used outside
    it, the bounds not changed in the loop."""
    for func in [n for n in walk(cell.tree) if isinstance(n, ast.FunctionDef)]:
        for node, name, block in list(bodies(func)):
            for k, loop in enumerate(block):
                if not _while_ready(func, loop) or cell.rng.random() >= p:
                    continue
                var = loop.target.id
                args = loop.iter.args
                start, stop = (ast.Constant(0), args[0]) if len(args) == 1 else args
                step = ast.AugAssign(ast.Name(var, ast.Store()), ast.Add(), ast.Constant(1))
                test = ast.Compare(ast.Name(var, ast.Load()), [ast.Lt()], [stop])
                block[k:k + 1] = [ast.Assign([ast.Name(var, ast.Store())], start),
                                  ast.While(test, loop.body + [step], [])]


def _while_ready(func, loop) -> bool:
    if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name)
            and not loop.orelse and isinstance(loop.iter, ast.Call)
            and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range"
            and 1 <= len(loop.iter.args) <= 2 and not loop.iter.keywords
            and all(_pure(a) for a in loop.iter.args)):
        return False
    var = loop.target.id
    inside = {id(n) for n in walk(loop)}
    if any(isinstance(n, ast.Name) and n.id == var and id(n) not in inside
           for n in walk(func)):
        return False
    if any(isinstance(n, ast.Continue) for n in walk(ast.Module(loop.body, []))):
        return False
    # Neither the counter nor what the bounds read may change inside the loop.
    effects = all_effects(ast.Module(loop.body, []), Scope(func))
    written = set().union(*(effects[id(stmt)].writes for stmt in loop.body))
    read = {path_of(n) for a in loop.iter.args for n in walk(a)
            if isinstance(n, (ast.Name, ast.Attribute)) and path_of(n)} | {var}
    return not any(w == r or w.startswith(r + ".") or r.startswith(w + ".")
                   for w in written for r in read)


def _scalar_accumulators(tree) -> set:
    """Names only ever set to a number and changed by ``+=`` and the like: for them (and
    only them; an array changes in place) ``x += v`` and ``x = x + v`` are the same."""
    stores: dict = {}
    for node in walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in walk(target):
                    if isinstance(name, ast.Name):
                        stores.setdefault(name.id, []).append(_number(node.value)
                                                              and isinstance(target, ast.Name))
        elif isinstance(node, (ast.For, ast.With, ast.AnnAssign, ast.NamedExpr)):
            for name in walk(getattr(node, "target", None) or ast.Module([], [])):
                if isinstance(name, ast.Name):
                    stores.setdefault(name.id, []).append(False)
        elif isinstance(node, ast.arg):
            stores.setdefault(node.arg, []).append(False)
    return {name for name, kinds in stores.items() if kinds and all(kinds)}


def statements(cell: Cell, p: float) -> None:
    """Name a returned expression, or inline a name into its return; split ``a, b = seq``;
    ``x += v`` as ``x = x + v`` (where ``x`` is a number); ``if a or b: raise``
    as two ``if``; ``if c: A else: B`` as ``if not c: B else: A``."""
    rng = cell.rng
    scalars = _scalar_accumulators(cell.tree)
    for node, name, block in list(bodies(cell.tree)):
        out, i = [], 0
        while i < len(block):
            stmt = block[i]
            nxt = block[i + 1] if i + 1 < len(block) else None
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) \
                    and stmt.target.id in scalars and rng.random() < p / 2:
                target = stmt.target.id
                out.append(ast.Assign([ast.Name(target, ast.Store())], ast.BinOp(
                    ast.Name(target, ast.Load()), stmt.op, stmt.value)))
                i += 1
                continue
            if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.BoolOp) \
                    and isinstance(stmt.test.op, ast.Or) and not stmt.orelse \
                    and len(stmt.body) == 1 and isinstance(stmt.body[0], ast.Raise) \
                    and rng.random() < p:
                out += [ast.If(value, [stmt.body[0]], []) for value in stmt.test.values]
                i += 1
                continue
            if isinstance(stmt, ast.If) and stmt.orelse and rng.random() < p / 2:
                test = stmt.test.operand if isinstance(stmt.test, ast.UnaryOp) \
                    and isinstance(stmt.test.op, ast.Not) else ast.UnaryOp(ast.Not(), stmt.test)
                out.append(ast.If(test, stmt.orelse, stmt.body))
                i += 1
                continue
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name) and isinstance(nxt, ast.Return) \
                    and isinstance(nxt.value, ast.Name) and nxt.value.id == stmt.targets[0].id \
                    and rng.random() < p:
                out.append(ast.Return(stmt.value))
                i += 2
                continue
            if isinstance(stmt, ast.Return) and stmt.value is not None \
                    and not isinstance(stmt.value, (ast.Name, ast.Constant, ast.Tuple)) \
                    and rng.random() < p:
                result = cell.fresh(RESULT_NAMES)
                out += [ast.Assign([ast.Name(result, ast.Store())], stmt.value),
                        ast.Return(ast.Name(result, ast.Load()))]
                i += 1
                continue
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Tuple) \
                    and all(isinstance(t, ast.Name) for t in stmt.targets[0].elts) \
                    and isinstance(stmt.value, (ast.Name, ast.Attribute)) \
                    and not ({t.id for t in stmt.targets[0].elts}
                             & {n.id for n in walk(stmt.value) if isinstance(n, ast.Name)}) \
                    and rng.random() < p:
                for k, target in enumerate(stmt.targets[0].elts):
                    out.append(ast.Assign([ast.Name(target.id, ast.Store())],
                                          ast.Subscript(stmt.value, ast.Constant(k), ast.Load())))
                i += 1
                continue
            out.append(stmt)
            i += 1
        block[:] = out


def _pure(node) -> bool:
    """Whether evaluating ``node`` changes nothing and depends on nothing a call changes."""
    for n in walk(node):
        if isinstance(n, (ast.Lambda, ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await,
                          ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                          ast.Starred)):
            return False
        if isinstance(n, ast.Call) and not _pure_call(n):
            return False
    return True


def _pure_call(call) -> bool:
    path = path_of(call.func)
    if path is None:
        return False
    if path.startswith("np."):
        return (".random." not in path and path.rsplit(".", 1)[-1] not in IN_PLACE
                and not any(k.arg == "out" for k in call.keywords))
    if isinstance(call.func, ast.Name):
        return call.func.id in PURE_BUILTINS
    return call.func.attr in PURE_METHODS


def _candidates(stmt) -> list:
    """Sub-expressions of a simple statement that could be computed on a line before it:
    pure, always evaluated (not behind ``and``/``or``/``if``), and after any call that
    changes something only as its argument."""
    if isinstance(stmt, (ast.Assign, ast.AugAssign)):
        roots = [stmt.value]
    elif isinstance(stmt, (ast.Return, ast.Expr)) and stmt.value is not None:
        roots = [stmt.value]
    elif isinstance(stmt, ast.If):
        roots = [stmt.test.values[0] if isinstance(stmt.test, ast.BoolOp) else stmt.test]
    else:
        return []
    impure = [n for root in roots for n in walk(root)
              if isinstance(n, ast.Call) and not _pure_call(n)]
    if len(impure) > 1 or any(isinstance(n, (ast.Lambda, ast.ListComp, ast.GeneratorExp,
                                             ast.DictComp, ast.SetComp, ast.NamedExpr))
                              for root in roots for n in walk(root)):
        return []
    inside = set()
    for call in impure:
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            inside |= {id(n) for n in walk(arg)}
    found = []

    def visit(node, top: bool):
        if isinstance(node, (ast.BoolOp, ast.IfExp)):
            visit(node.values[0] if isinstance(node, ast.BoolOp) else node.test, False)
            return
        if not top and isinstance(node, (ast.BinOp, ast.Call, ast.UnaryOp)) and _pure(node) \
                and (not impure or id(node) in inside) \
                and any(isinstance(n, ast.Name) for n in walk(node)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                visit(child, False)

    for root in roots:
        visit(root, not isinstance(stmt, ast.If))
    return found


def hoist(cell: Cell, p: float) -> None:
    """Compute a sub-expression of some statements on a line of its own first."""
    for node, name, block in list(bodies(cell.tree)):
        out = []
        for stmt in block:
            options = _candidates(stmt)
            if options and cell.rng.random() < p:
                chosen = cell.rng.choice(options)
                temp = cell.fresh(TEMP_NAMES)
                replacement = ast.Name(temp, ast.Load())

                class Swap(ast.NodeTransformer):
                    def visit(self, n):
                        return replacement if n is chosen else super().visit(n)

                out.append(ast.Assign([ast.Name(temp, ast.Store())], chosen))
                stmt = Swap().visit(stmt)
            out.append(stmt)
        block[:] = out


def name_a_constant(cell: Cell, p: float) -> None:
    """In each function, maybe give one small float constant a name of its own."""
    for func in [n for n in walk(cell.tree) if isinstance(n, ast.FunctionDef)]:
        values = sorted({n.value for stmt in func.body for n in walk(stmt)
                         if _number(n) and isinstance(n.value, float)
                         and n.value not in (0.0, 1.0, 0.5, 2.0)}, key=repr)
        if not values or cell.rng.random() >= p:
            continue
        value = cell.rng.choice(values)
        name = cell.fresh(CONSTANT_NAMES)

        class Swap(ast.NodeTransformer):
            def visit_Constant(self, node):
                if _number(node) and isinstance(node.value, float) and node.value == value:
                    return ast.Name(name, ast.Load())
                return node

        start = 1 if docstring(func.body) else 0
        func.body[start:] = [Swap().visit(stmt) for stmt in func.body[start:]]
        func.body.insert(start, ast.Assign([ast.Name(name, ast.Store())], ast.Constant(value)))


