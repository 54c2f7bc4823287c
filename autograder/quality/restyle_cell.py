"""A solution cell being rewritten: its tree, and names that are still free."""
from __future__ import annotations

import ast
import random
from collections import deque


class Cell:
    """One parsed cell and the names it uses (so new names never collide)."""

    def __init__(self, source: str, rng: random.Random):
        self.tree = ast.parse(source)
        self.rng = rng
        self.used = set()
        for n in walk(self.tree):
            if isinstance(n, ast.Name):
                self.used.add(n.id)
            elif isinstance(n, ast.arg):
                self.used.add(n.arg)
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
                self.used.add(n.name)

    def fresh(self, pool: list) -> str:
        choices = [n for n in pool if n not in self.used] or [f"v{len(self.used)}"]
        name = self.rng.choice(choices)
        while name in self.used:
            name += "_"
        self.used.add(name)
        return name

    def text(self) -> str:
        return ast.unparse(ast.fix_missing_locations(self.tree))


def walk(node):
    """``ast.walk``, the same nodes in the same order, without its generator per node
    (a simulated class walks its trees a few hundred thousand times)."""
    todo = deque([node])
    while todo:
        node = todo.popleft()
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                todo.append(value)
        yield node


def bodies(tree):
    """Every statement list of the tree (function, class, loop and branch bodies)."""
    for node in walk(tree):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield node, name, block


def docstring(block: list) -> bool:
    return (bool(block) and isinstance(block[0], ast.Expr)
            and isinstance(block[0].value, ast.Constant) and isinstance(block[0].value.value, str))


