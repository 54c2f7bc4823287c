"""The rules against shortcuts, decided in the judge from the student's source.

A ``course.rules.forbidden`` block in a test cell (``no_products()``, ...) becomes
:func:`judged_rules` in the judge: each call of the student's code inside it is made under
the same rules in the kernel (the agent applies ``course.rules`` there), and, when the block
ends, the source of every exercise it called -- and of every function of the student's
those call by name -- is read here (never run) for the forbidden names (:func:`static_rules`).
"""
from __future__ import annotations

import ast
import contextlib


@contextlib.contextmanager
def judged_rules(peer, paths, methods, matmul_operator: bool, reason: str):
    """A ``course.rules.forbidden`` block in the judge: each call of the student's code in
    it is made under the same rules in the kernel, and the student's source of every
    exercise called is checked here too."""
    from course.rules import ForbiddenCall

    rule = {"paths": list(paths), "methods": list(methods), "matmul": bool(matmul_operator),
            "reason": reason}
    mark = len(peer.called)
    peer.rules.append((rule, mark))
    try:
        yield
    finally:
        peer.rules.pop()
        called = list(dict.fromkeys(peer.called[mark:]))
        if not peer.rules:
            del peer.called[mark:]
    found = static_rules(peer.student_sources, called, rule, peer.student_imports)
    if found:
        suffix = f" ({reason})" if reason else ""
        raise ForbiddenCall(f"this exercise must not use {found}{suffix}")


def static_rules(sources: dict, exercises: list, rule: dict,
                 aliases: dict | None = None) -> str | None:
    """The first forbidden shortcut the student's source of ``exercises`` names, or None.

    ``sources`` maps each name a student cell defines at its top level to that
    definition's source. The code of an exercise and of every student definition it
    names is read (never run): ``np.dot(...)``, ``A.dot(B)``, ``A @ B``,
    ``getattr(A, "__matmul__")``, ``from numpy import dot`` are found however they are
    spelled in the text; what is built at run time from strings is the kernel's check.
    ``aliases`` maps names the student's cells import (``from numpy import dot as d``) to
    what they import.
    """
    names = {p.rpartition(".")[2] for p in rule["paths"]}
    methods = set(rule["methods"])
    # The student's own functions a rule forbids (``__main__.numerical_diff``), called by name.
    own = {p.partition(".")[2] for p in rule["paths"] if p.startswith("__main__.")}
    shortcuts = {alias for alias, name in (aliases or {}).items() if name in names | methods}
    seen, todo = set(), list(exercises)
    while todo:
        name = todo.pop()
        if name in seen or name not in sources:
            continue
        seen.add(name)
        try:
            tree = ast.parse(sources[name])
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        imported = set(shortcuts)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in names | methods:
                        imported.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and (node.attr in names or node.attr in methods):
                return _spelled(node.attr, rule)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id in imported or node.id in own:
                    return _spelled(node.id, rule)
                if node.id in sources and node.id not in seen:
                    todo.append(node.id)
            if rule["matmul"] and (isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)
                                   or isinstance(node, ast.AugAssign)
                                   and isinstance(node.op, ast.MatMult)):
                return "the @ operator"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("getattr", "setattr") and len(node.args) >= 2 \
                    and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value in names | methods:
                return _spelled(str(node.args[1].value), rule)
    return None


def _spelled(name: str, rule: dict) -> str:
    for path in rule["paths"]:
        if path.rpartition(".")[2] == name:
            return path.replace("numpy.", "np.")
    return f"ndarray.{name}" if name.startswith("__") else f"np.{name} or ndarray.{name}"


def _parsed(cells: list):
    """(source, tree) of each of the student's cells that parses; the others are skipped."""
    for source in cells:
        try:
            yield str(source), ast.parse(str(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue


def _definitions(cells: list) -> dict:
    """name -> source of each top-level def/class in the student's cells."""
    found = {}
    for source, tree in _parsed(cells):
        lines = source.splitlines()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                found[node.name] = "\n".join(lines[start - 1:node.end_lineno])
    return found


def _imports(cells: list) -> dict:
    """local name -> imported name, of every ``from … import …`` in the student's cells."""
    found = {}
    for _source, tree in _parsed(cells):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    found[alias.asname or alias.name] = alias.name
    return found
