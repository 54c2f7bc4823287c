"""Which statements of a block may change places without changing what the code does.

The similarity report puts independent statements in one canonical order, so that a
copier who shuffles them gains nothing (:mod:`.similarity_tokens`), and the simulated
class shuffles them the same way (:mod:`autograder.quality.restyle`). Two statements keep
their order when one writes what the other reads or writes, or when either leaves the
block (``return``, ``raise``, a ``break`` of an outer loop, ``print``, ...).

What a statement reads and writes is worked out from names and dotted paths
(``self.grads``), conservatively:

* a store into ``a[i]`` or ``a.b`` writes ``a`` (or ``a.b``);
* names that may share memory are one: ``v = x.reshape(-1)``, ``W, b = self.params``,
  ``for layer in self.layers``, ``d[k] = v`` make ``v`` an alias of ``x`` and so on, so
  writing through one is writing the other; so do a call and what it is given: a method
  may keep its arguments in its object (``order.append(node)``), and a function or class
  the cell defines gets them as its parameters (``visit(self)`` makes ``node`` an alias of
  ``self`` in ``def visit(node)``);
* NumPy's functions change nothing, but its random draws keep their order among
  themselves; methods that only read (``.sum()``, ``.copy()``) change nothing; any other
  method call may change its object and its arguments, and calls to callables the cell
  was handed (``f``, ``model``) are ordered among themselves;
* a function the cell defines inside a function may change anything around it, so
  calling it, or handing it to another function, moves nothing across.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

IMPURE_BUILTINS = {"print", "input", "open", "exec", "eval", "setattr", "delattr", "next",
                   "globals", "locals", "vars", "breakpoint"}
#: Methods that only read their object.
PURE_METHODS = {"all", "any", "argmax", "argmin", "astype", "copy", "dot", "flatten", "item",
                "max", "mean", "min", "ravel", "reshape", "std", "sum", "tolist", "transpose",
                "get", "keys", "values", "items", "index", "count"}
#: Calls whose result may share memory with what they are given.
VIEWS = {"reshape", "ravel", "transpose", "squeeze", "swapaxes", "view", "asarray",
         "atleast_1d", "atleast_2d", "broadcast_to", "expand_dims", "moveaxis", "zip",
         "enumerate", "reversed", "iter", "list", "tuple"}
#: Modules whose functions are pure, except their random draws and these, which change
#: what they are given (as does any call with ``out=``).
PURE_MODULES = {"np", "numpy", "math", "operator", "functools"}
IN_PLACE = {"shuffle", "copyto", "put", "place", "putmask", "fill_diagonal", "at"}
RANDOM = "<random>"
CALLS = "<calls>"

#: Statements that leave the block (or change who sees what).
LEAVES = (ast.Return, ast.Raise, ast.Assert, ast.Global, ast.Nonlocal, ast.Delete,
          ast.Import, ast.ImportFrom, ast.Try, ast.With)


def path_of(node) -> str | None:
    """``self.x.y`` -> "self.x.y"; None unless a chain of attributes on a name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _base(node):
    """What a subscript store writes into: ``self.grads[0][...]`` -> ``self.grads``."""
    while isinstance(node, (ast.Subscript, ast.Starred)):
        node = node.value
    return node


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def bound_names(tree) -> set:
    """Every name a cell binds anywhere (arguments, variables, helpers, loop targets)."""
    return Scope(tree).bound


def _sources(node) -> set:
    """The paths whose memory the value of ``node`` may share."""
    path = path_of(node)
    if path:
        return {path}
    if isinstance(node, (ast.Subscript, ast.Starred, ast.Attribute)):
        return _sources(node.value)
    if isinstance(node, (ast.Tuple, ast.List)):
        return set().union(*(_sources(e) for e in node.elts)) if node.elts else set()
    if isinstance(node, ast.IfExp):
        return _sources(node.body) | _sources(node.orelse)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = path_of(func.value) if isinstance(func, ast.Attribute) else None
        module = owner in PURE_MODULES
        if name in VIEWS or not (module or isinstance(func, ast.Name)
                                 or name in PURE_METHODS):
            found = set().union(*(_sources(a) for a in node.args)) if node.args else set()
            if isinstance(func, ast.Attribute) and not module:
                found |= _sources(func.value)
            return found
    return set()


def _targets(node) -> list:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for elt in node.elts for name in _targets(elt)]
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    if isinstance(node, ast.Subscript):
        return _targets(_base(node))        # d[k] = v: d holds v
    path = path_of(node)
    return [path] if path else []


def _parameters(args: ast.arguments) -> list:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return [a.arg for a in every if a is not None]


class Scope:
    """What the whole cell tells about its statements: the names it binds, the functions
    it defines inside functions, and which names may share memory."""

    def __init__(self, tree):
        self.bound, self.closures, self._parent = set(), set(), {}
        self._params: dict = {}     # function or class name -> the parameters it binds
        self._calls: list = []
        self._walk(tree, in_function=False)
        for call in self._calls:
            self._pass(call)
        self._groups: dict = {}
        for member in self._parent:
            self._groups.setdefault(self._find(member), set()).add(member)

    def _walk(self, node, in_function: bool) -> None:
        """One pass over the tree: bound names, nested functions, aliases."""
        bound = self.bound
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                bound.add(node.id)
            return
        if isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            if isinstance(node, ast.ClassDef):
                # calling the class calls its __init__
                for init in node.body:
                    if isinstance(init, ast.FunctionDef) and init.name == "__init__":
                        self._params.setdefault(node.name, set()).update(_parameters(init.args))
            else:
                self._params.setdefault(node.name, set()).update(_parameters(node.args))
                if in_function:
                    self.closures.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        pairs = ()
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            pairs = [(t, node.value) for t in targets]
            if isinstance(node.value, ast.Lambda):
                self.closures.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            pairs = [(node.target, node.iter)]
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            pairs = [(node.optional_vars, node.context_expr)]
        elif isinstance(node, ast.Call):
            self._calls.append(node)
        for target, value in pairs:
            for source in _sources(value):
                for name in _targets(target):
                    self._union(name, source)
        inner = in_function or isinstance(node, FUNCTIONS)
        for child in ast.iter_child_nodes(node):
            self._walk(child, inner)

    def _pass(self, call) -> None:
        """What a call is given may end up in what it can reach: a method may keep its
        arguments in its object, and a function of the cell gets them as its parameters
        (one of them: which one does not matter, conservatively)."""
        func = call.func
        args = [*call.args, *(k.value for k in call.keywords)]
        members = set().union(*(_sources(a) for a in args)) if args else set()
        if isinstance(func, ast.Attribute):
            name = func.attr
            if path_of(func.value) in PURE_MODULES \
                    or (name in PURE_METHODS and name not in self._params):
                return
            members |= _sources(func.value)
        else:
            name = getattr(func, "id", None)
            if name not in self._params:
                return          # a builtin or the notebook's function: reads its arguments
        members = sorted(members | self._params.get(name, set()))
        for a, b in zip(members, members[1:]):
            self._union(a, b)

    def _find(self, path: str) -> str:
        while self._parent.get(path, path) != path:
            path = self._parent[path]
        return path

    def _union(self, a: str, b: str) -> None:
        self._parent.setdefault(a, a)
        self._parent.setdefault(b, b)
        self._parent[self._find(a)] = self._find(b)

    def expand(self, paths: set) -> set:
        """``paths`` and every path they may share memory with."""
        if not self._parent:
            return set(paths)
        groups = self._groups
        out = set(paths)
        for path in paths:
            parts = path.split(".")
            for k in range(1, len(parts) + 1):
                prefix = ".".join(parts[:k])
                if prefix in self._parent:
                    out |= groups[self._find(prefix)]
        return out


@dataclass
class Effects:
    reads: set
    writes: set
    leaves: bool             # leaves the block, or does what must stay where it is
    breaks: bool = False     # a break or continue of a loop around the block


class _EffectVisitor(ast.NodeVisitor):
    def __init__(self, scope: Scope):
        self.scope = scope
        self.reads, self.writes, self.leaves = set(), set(), False

    def _touch(self, node, store: bool):
        path = path_of(node)
        if path is None:
            # Not a chain on a name (``f(x).shape``): what it reads is inside.
            self.visit(node.value if isinstance(node, ast.Attribute) else node)
        else:
            (self.writes if store else self.reads).add(path)

    def visit_Name(self, node):
        (self.writes if isinstance(node.ctx, (ast.Store, ast.Del)) else self.reads).add(node.id)

    def visit_Attribute(self, node):
        self._touch(node, isinstance(node.ctx, (ast.Store, ast.Del)))

    def visit_Subscript(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            base = _base(node)
            path = path_of(base)
            if path:
                self.writes.add(path)
                self.reads.add(path)
            else:
                self.visit(base)
            self.visit(node.slice)
        else:
            self.generic_visit(node)

    def visit_Call(self, node):
        func, scope = node.func, self.scope
        path = path_of(func)
        root = path.split(".")[0] if path else None
        args = [*node.args, *(k.value for k in node.keywords)]
        if root in scope.closures or any(isinstance(a, ast.Name) and a.id in scope.closures
                                         for a in args):
            self.leaves = True
        if path and root in PURE_MODULES and root not in scope.bound:
            if ".random." in f".{path}.":
                self.writes.add(RANDOM)
                self.reads.add(RANDOM)
            if path.rsplit(".", 1)[-1] in IN_PLACE or any(k.arg == "out" for k in node.keywords):
                self.writes.update(filter(None, (path_of(_base(a)) for a in args)))
        elif isinstance(func, ast.Name) and func.id not in scope.bound:
            # Builtins, the notebook's functions and classes (sigmoid, Affine) read their
            # arguments; these few do more.
            if func.id in IMPURE_BUILTINS:
                self.leaves = True
        elif not (isinstance(func, ast.Attribute) and func.attr in PURE_METHODS):
            # An object's own method, or a callable the cell was handed (f, model, layer):
            # it may change its object and its arguments.
            target = path_of(func.value) if isinstance(func, ast.Attribute) else path
            if target:
                self.writes.add(target)
            for arg in args:
                arg_path = path_of(_base(arg))
                if arg_path:
                    self.writes.add(arg_path)
            self.writes.add(CALLS)
            self.reads.add(CALLS)
        if isinstance(func, ast.Attribute):
            self._touch(func.value, False)
        elif isinstance(func, ast.Name):
            self.reads.add(func.id)
        else:
            self.visit(func)
        for arg in args:
            self.visit(arg)

    def visit_FunctionDef(self, node):
        # Defining runs nothing of the body: the name is all it writes.
        self.writes.add(node.name)
        for deco in node.decorator_list:
            self.visit(deco)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.writes.add(node.name)

    def visit_Lambda(self, node):
        self.reads.add(CALLS)

    def generic_visit(self, node):
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            self.leaves = True
        super().generic_visit(node)


def all_effects(tree, scope: Scope) -> dict:
    """``id(statement)`` -> its :class:`Effects`, for every statement of ``tree``, in one
    pass from the innermost statements out (a statement does what its body does)."""
    found = {}

    def merge(into: _EffectVisitor, flags: list, child, in_loop_body: bool) -> None:
        effect = visit(child)
        into.reads |= effect.reads
        into.writes |= effect.writes
        flags[0] |= effect.leaves
        flags[1] |= effect.breaks and not in_loop_body

    def visit(node) -> Effects:
        visitor = _EffectVisitor(scope)
        flags = [isinstance(node, LEAVES), isinstance(node, (ast.Break, ast.Continue))]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # Defining runs nothing of the body: the name is all it writes.
            visitor.writes.add(node.name)
            for deco in node.decorator_list:
                visitor.visit(deco)
            for child in ast.walk(node):
                if child is not node and isinstance(child, ast.stmt) and id(child) not in found:
                    visit(child)
            flags = [False, False]
        else:
            loop = isinstance(node, (ast.For, ast.AsyncFor, ast.While))
            for field, value in ast.iter_fields(node):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, ast.stmt):
                        merge(visitor, flags, item, loop and field == "body")
                    elif isinstance(item, ast.ExceptHandler):
                        if item.type is not None:
                            visitor.visit(item.type)
                        if item.name:
                            visitor.writes.add(item.name)
                        for child in item.body:
                            merge(visitor, flags, child, False)
                    elif isinstance(item, ast.AST):
                        visitor.visit(item)
        raw = Effects(visitor.reads, visitor.writes, flags[0] or visitor.leaves, flags[1])
        found[id(node)] = Effects(scope.expand(raw.reads), scope.expand(raw.writes),
                                  raw.leaves, raw.breaks)
        return raw

    for node in (tree.body if isinstance(tree, ast.Module) else [tree]):
        visit(node)
    return found


def _overlap(paths_a: set, paths_b: set) -> bool:
    for a in paths_a:
        for b in paths_b:
            if a == b or a.startswith(b + ".") or b.startswith(a + "."):
                return True
    return False


def conflict(a: Effects, b: Effects) -> bool:
    """Whether two statements must keep their order."""
    return (a.leaves or b.leaves or a.breaks or b.breaks or _overlap(a.writes, b.reads | b.writes)
            or _overlap(b.writes, a.reads))


def orders(items: list) -> list:
    """For each of ``items`` ((anything, effects) pairs, in their order), the indices of
    the earlier items it must follow."""
    return [{i for i in range(j) if conflict(items[i][1], items[j][1])}
            for j in range(len(items))]


def reorder(items: list, choose) -> list:
    """``items`` in an order that keeps each after all it must follow; ``choose(ready)``
    picks which of the ready indices goes next."""
    before = orders(items)
    done, order = set(), []
    while len(order) < len(items):
        ready = [j for j in range(len(items)) if j not in done and before[j] <= done]
        j = choose(ready)
        done.add(j)
        order.append(items[j])
    return order


def canonical_order(items: list, key) -> list:
    """:func:`reorder`, the smallest ``key(item)`` first among the ready (then the earliest)."""
    keys = [key(item) for item in items]
    return reorder(items, lambda ready: min(ready, key=lambda j: (keys[j], j)))
