"""Another student's hand: a correct solution rewritten, and a copied one disguised.

The simulated class of :mod:`.simulate` needs students who write the same exercise
independently, and copiers who hide where their code came from, so that the similarity
report (:mod:`autograder.reporting.similarity`) can be measured.

* :func:`restyle` -- an honest student's own version: at random, rewrites that change the
  code's shape but never a result (:mod:`.rewrites`: a loop over ``range`` as a
  ``while``, a returned expression named first or a name inlined into its ``return``,
  part of an expression computed on a line before it, a constant named, ``x.T`` as
  ``np.transpose(x)``, ``range(n)`` as ``range(0, n)``, ``A[i, j]`` as ``A[i][j]``, the
  sides of ``*`` or ``==`` swapped, ...), plus its own variable names, comments and
  order of independent lines.
* :func:`disguise` -- what a copier does to a classmate's cell: renames the variables,
  rewrites the comments, reorders independent lines and adds a helper that does nothing.

Neither changes what the code computes (the values, the shapes, the random draws in
their order); only which rewrite applies where is random, from the ``rng`` given.
"""
from __future__ import annotations

import ast
import random

from autograder.reporting.similarity_order import Scope, all_effects, reorder
from . import rewrites
from .restyle_cell import Cell, bodies, docstring, walk

NAMES = ["tmp", "res", "acc", "val", "buf", "cur", "aux", "arr", "mat", "vec", "step", "part",
         "gap", "hap", "gyeolgwa", "haeng", "yeol", "kab", "temp", "out_", "r", "s", "z", "q"]
COMMENTS = ["# forward pass", "# 순전파", "# backward pass", "# 역전파", "# keep for backward",
            "# compute the gradient", "# 기울기 계산", "# shapes check", "# loop over entries",
            "# 결과 반환", "# numerically stable", "# see the book, ch. 1", "# done",
            "# TODO: tidy", "# 합계", "# 배치 처리", "# careful with shapes", "# update"]
HELPERS = ["_check", "_helper", "_unused", "_debug", "_noop"]


def _locals(tree) -> set:
    """Names safe to rename: bound in every function that mentions them, never an
    argument (tests may pass arguments by keyword) nor declared global."""
    args = {n.arg for n in walk(tree) if isinstance(n, ast.arg)}
    declared = {name for n in walk(tree) if isinstance(n, (ast.Global, ast.Nonlocal))
                for name in n.names}
    ok, bad = set(), set()
    for func in [n for n in walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))]:
        stored, seen = set(), set()
        for n in walk(func):
            if isinstance(n, ast.Name):
                seen.add(n.id)
                if isinstance(n.ctx, ast.Store):
                    stored.add(n.id)
        ok |= seen & stored
        bad |= seen - stored
    return ok - bad - args - declared


def _rename(cell: Cell, share: float) -> None:
    mapping = {}
    for name in sorted(_locals(cell.tree)):
        if name != "_" and cell.rng.random() < share:
            mapping[name] = cell.fresh([f"{name}_", f"my_{name}", f"{name}2", *NAMES])
    for node in walk(cell.tree):
        if isinstance(node, ast.Name) and node.id in mapping:
            node.id = mapping[node.id]


def _reorder(cell: Cell, p: float) -> None:
    """Each block in a random order that keeps every statement after those it depends on."""
    effects = all_effects(cell.tree, Scope(cell.tree))
    for node, name, block in list(bodies(cell.tree)):
        if cell.rng.random() >= p:
            continue
        start = 1 if docstring(block) and isinstance(node, (ast.FunctionDef, ast.ClassDef)) else 0
        items = [(s, effects[id(s)]) for s in block[start:]]
        block[start:] = [s for s, _ in reorder(items, cell.rng.choice)]


def _comments(text: str, rng: random.Random, share: float) -> str:
    """Comment lines before some statements (never inside a string)."""
    starts = {stmt.lineno for stmt in walk(ast.parse(text)) if isinstance(stmt, ast.stmt)
              and not isinstance(stmt, (ast.FunctionDef, ast.ClassDef))
              and not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))}
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number in starts and rng.random() < share:
            indent = line[:len(line) - len(line.lstrip())]
            out.append(indent + rng.choice(COMMENTS))
        out.append(line)
    return "\n".join(out)


HELPER_BODIES = ["pass", "return None", "return {arg}", '"""{doc}"""', "{arg} = None",
                 "return len({arg}) > 0"]
HELPER_DOCS = ["helper, unused for now", "check shapes (later)", "debugging aid", "도우미"]


def _helper(cell: Cell) -> None:
    """A helper that does nothing: a method of a class, a nested function of a function."""
    top = cell.tree.body[-1] if cell.tree.body else None
    rng = cell.rng
    name, arg = cell.fresh(HELPERS), rng.choice(["v", "x", "arr", "value", "a"])
    body = rng.choice(HELPER_BODIES).format(arg=arg, doc=rng.choice(HELPER_DOCS))
    if isinstance(top, ast.ClassDef):
        method = ast.parse(f"def {name}(self, {arg}=None):\n    {body}").body[0]
        top.body.insert(rng.randint(1 if docstring(top.body) else 0, len(top.body)), method)
    elif isinstance(top, ast.FunctionDef):
        nested = ast.parse(f"def {name}({arg}):\n    {body}").body[0]
        top.body.insert(rng.randint(1 if docstring(top.body) else 0, len(top.body) - 1), nested)


def restyle(source: str, rng: random.Random, p: float = 0.7) -> str:
    """``source`` as an honest student of their own style might have written it."""
    cell = Cell(source, rng)
    rewrites.while_loops(cell, p / 2)
    rewrites.statements(cell, p)
    cell.tree = rewrites.Expressions(rng, p).visit(cell.tree)
    rewrites.hoist(cell, p)
    rewrites.name_a_constant(cell, p)
    _rename(cell, 0.5)
    _reorder(cell, p)
    return _comments(cell.text(), rng, 0.15)


def disguise(source: str, rng: random.Random) -> str:
    """A copier's version of a classmate's ``source``: the same code, disguised."""
    cell = Cell(source, rng)
    _rename(cell, 0.9)
    _reorder(cell, 0.9)
    _helper(cell)
    return _comments(cell.text(), rng, 0.3)

