"""One exercise's solution cell as the token stream the similarity report compares.

Copying is disguised by what does not change how code runs; honest students share what
they were given. So, from a cell's syntax tree:

* what is given goes: the docstrings, the headers of the ``def``/``class`` the released
  stub has (the signature), every simple statement equal to one of the stub's (after the
  normalising below), and the stub's ``raise NotImplementedError()``;
* comments and layout go (the tree has none), and so do functions and methods that
  nothing calls (code that never runs);
* every name the cell binds (arguments, variables, helpers, attributes of its own such as
  ``self.cache``) becomes ``V``; names it only reads (``np``, ``len``, a notebook's
  ``sigmoid``) and attributes it did not invent (``.params``, ``.shape``) keep their name,
  since those are what the code does;
* a string becomes ``'S'`` unless it reads as code (``'ij,jk->ik'``, ``'float64'``):
  messages and prints say nothing about the code;
* independent statements are put in one canonical order: within each block a statement
  follows another only where it must (:mod:`.similarity_order`), and among the
  statements free to go next the one with the smallest tokens goes first.

A cell that does not parse is read token by token instead (names to ``V`` except
keywords and names after a dot, strings to ``'S'``), without the given parts.
"""
from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from collections import Counter
from dataclasses import dataclass

from .similarity_order import PURE_MODULES, Scope, all_effects, canonical_order

#: How a statement's text is cut into tokens (after ``ast.unparse``).
TOKEN = re.compile(r"'[^'\n]*'|\"[^\"\n]*\""
                   r"|\d+\.?\d*(?:[eE][-+]?\d+)?j?|\.\d+(?:[eE][-+]?\d+)?j?"
                   r"|[^\W\d]\w*|\*\*=?|//=?|->|[<>=!]=|<<=?|>>=?|:=|[-+*/%@&|^]=|\S")

#: A cell is read up to this many characters (a solution is a few hundred).
MAX_CHARS = 100_000

#: A string constant that reads as code keeps its text (einsum subscripts, dtypes, keys).
CODE_LIKE = re.compile(r"[\w,.\->]{1,24}")

#: Attributes COURSE_CONTRACT.md names: every student writes them, whatever the stub shows.
CONTRACT_ATTRIBUTES = {"params", "grads", "layers", "loss_layer", "lr", "data", "grad",
                       "forward", "backward", "predict", "update", "n"}


@dataclass(frozen=True)
class Tokens:
    """A cell's normalised tokens, each with the lines (1-based, inclusive) it came from."""
    tokens: tuple
    lines: tuple

    def __len__(self) -> int:
        return len(self.tokens)


# ------------------------------------------------------------ the normalised tokens

def _own_attributes(tree, given_names: set) -> set:
    """Attributes the cell invents: stored (``self.cache = …``) or methods it defines,
    which the stub never mentions."""
    own = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
        elif isinstance(node, ast.ClassDef):
            own.update(f.name for f in node.body
                       if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return own - given_names - CONTRACT_ATTRIBUTES


class _Normaliser(ast.NodeTransformer):
    """Renames and blanks in place (the tree is the emitter's own)."""

    def __init__(self, bound: set, own: set):
        self.bound, self.own = bound, own

    def visit_Name(self, node):
        if node.id in self.bound:
            node.id = "V"
        return node

    def visit_arg(self, node):
        node.arg, node.annotation = "V", None
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr in self.own:
            node.attr = "V"
        return node

    def visit_Constant(self, node):
        if isinstance(node.value, (str, bytes)) and not (
                isinstance(node.value, str) and CODE_LIKE.fullmatch(node.value)):
            return ast.copy_location(ast.Constant("S"), node)
        return node

    def visit_JoinedStr(self, node):
        return ast.copy_location(ast.Constant("S"), node)


def _unused_functions(tree, given_names: set) -> set:
    """``id`` of every function or method the cell defines, the stub does not, and
    nothing calls or mentions: code that never runs (a copier's blank helper)."""
    mentioned = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            mentioned[node.id] += 1
        elif isinstance(node, ast.Attribute):
            mentioned[node.attr] += 1
    top = set(map(id, tree.body))
    return {id(node) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and id(node) not in top and node.name not in given_names
            and node.name not in CONTRACT_ATTRIBUTES and not node.name.startswith("__")
            and not mentioned[node.name]}


def _text_tokens(text: str) -> list:
    return TOKEN.findall(text)


def _is_docstring(stmt) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def _is_placeholder(stmt) -> bool:
    """The stub's ``raise NotImplementedError()``."""
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


class _Emitter:
    """Walks one parsed cell and emits ``(token, (first line, last line))`` pairs."""

    def __init__(self, tree, given: Counter, given_defs: set, given_names: set):
        # What each statement reads and writes is worked out on the names as written;
        # then the tree is normalised in place.
        scope = Scope(tree)
        self.effects = all_effects(tree, scope)
        self.unused = _unused_functions(tree, given_names)
        _Normaliser(scope.bound, _own_attributes(tree, given_names)).visit(tree)
        self.given, self.given_defs = given, given_defs

    @staticmethod
    def norm(node) -> str:
        return ast.unparse(node)

    def simple(self, stmt) -> list:
        span = (stmt.lineno, stmt.end_lineno or stmt.lineno)
        return [(tok, span) for tok in _text_tokens(self.norm(stmt))]

    def header(self, stmt, text: str) -> list:
        return [(tok, (stmt.lineno, stmt.lineno)) for tok in _text_tokens(text)]

    def body(self, stmts: list, top: bool = False) -> list:
        kept = []
        for stmt in stmts:
            if _is_docstring(stmt) or _is_placeholder(stmt) or id(stmt) in self.unused:
                continue
            out = self.statement(stmt, top)
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                     ast.If, ast.For, ast.While, ast.With, ast.Try)):
                key = tuple(tok for tok, _ in out)
                if self.given.get(key, 0) > 0:
                    self.given[key] -= 1
                    continue
            if out:
                kept.append((out, self.effects[id(stmt)]))
        ordered = canonical_order(kept, key=lambda item: tuple(t for t, _ in item[0]))
        return [pair for out, _ in ordered for pair in out]

    def block(self, stmt, stmts: list) -> list:
        inner = self.body(stmts)
        return [("{", (stmt.lineno, stmt.lineno)), *inner,
                ("}", (stmt.end_lineno or stmt.lineno,) * 2)]

    def statement(self, stmt, top: bool = False) -> list:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if top or stmt.name in self.given_defs:
                return self.body(stmt.body)   # the signature is given
            args = self.norm(stmt.args)
            return self.header(stmt, f"def V({args}):") + self.block(stmt, stmt.body)
        if isinstance(stmt, ast.ClassDef):
            if top or stmt.name in self.given_defs:
                return self.body(stmt.body)
            bases = ", ".join(self.norm(b) for b in stmt.bases)
            return self.header(stmt, f"class V({bases}):") + self.block(stmt, stmt.body)
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            out = self.header(stmt, f"for {self.norm(stmt.target)} in {self.norm(stmt.iter)}:")
            out += self.block(stmt, stmt.body)
            return out + (self.header(stmt, "else:") + self.block(stmt, stmt.orelse)
                          if stmt.orelse else [])
        if isinstance(stmt, ast.While):
            out = self.header(stmt, f"while {self.norm(stmt.test)}:") + self.block(stmt, stmt.body)
            return out + (self.header(stmt, "else:") + self.block(stmt, stmt.orelse)
                          if stmt.orelse else [])
        if isinstance(stmt, ast.If):
            out = self.header(stmt, f"if {self.norm(stmt.test)}:") + self.block(stmt, stmt.body)
            return out + (self.header(stmt, "else:") + self.block(stmt, stmt.orelse)
                          if stmt.orelse else [])
        if isinstance(stmt, ast.With):
            items = ", ".join(self.norm(item) for item in stmt.items)
            return self.header(stmt, f"with {items}:") + self.block(stmt, stmt.body)
        if isinstance(stmt, ast.Try):
            out = self.header(stmt, "try:") + self.block(stmt, stmt.body)
            for handler in stmt.handlers:
                kind = self.norm(handler.type) if handler.type else ""
                out += self.header(handler, f"except {kind}:") + self.block(handler, handler.body)
            if stmt.orelse:
                out += self.header(stmt, "else:") + self.block(stmt, stmt.orelse)
            if stmt.finalbody:
                out += self.header(stmt, "finally:") + self.block(stmt, stmt.finalbody)
            return out
        return self.simple(stmt)


@dataclass(frozen=True)
class Given:
    """What a released stub gives: its simple statements (normalised), the names of the
    functions and classes it defines, every name it mentions, and its lines."""
    statements: Counter
    defs: frozenset
    names: frozenset
    lines: frozenset


NOTHING_GIVEN = Given(Counter(), frozenset(), frozenset(), frozenset())


def given_by(stub: str) -> Given:
    """Read a released stub (the source cell without its solution regions)."""
    lines = frozenset(line.strip() for line in stub.splitlines() if line.strip())
    try:
        tree = ast.parse(stub)
    except SyntaxError:
        return Given(Counter(), frozenset(), frozenset(), lines)
    names = set()
    defs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs.add(node.name)
            names.add(node.name)
    emitter = _Emitter(tree, Counter(), frozenset(), names)
    statements = Counter()
    for node in ast.walk(tree):
        for stmt in getattr(node, "body", []) if isinstance(getattr(node, "body", None),
                                                             list) else []:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                     ast.If, ast.For, ast.While, ast.With, ast.Try)) \
                    and not _is_docstring(stmt) and not _is_placeholder(stmt):
                statements[tuple(tok for tok, _ in emitter.simple(stmt))] += 1
    return Given(statements, frozenset(defs), frozenset(names), lines)


def normalise(source: str, given: Given = NOTHING_GIVEN) -> Tokens:
    """The normalised tokens of one solution cell, what ``given`` gives left out."""
    source = source[:MAX_CHARS]
    try:
        tree = ast.parse(source)
        emitter = _Emitter(tree, Counter(given.statements), set(given.defs), set(given.names))
        pairs = emitter.body(tree.body, top=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Not Python, or nested deeper than a syntax tree can be walked: read it as text.
        return _lexical(source, given)
    return Tokens(tuple(t for t, _ in pairs), tuple(span for _, span in pairs))


def _lexical(source: str, given: Given) -> Tokens:
    """Tokens of a cell that does not parse: line by line, given lines left out."""
    tokens, lines, after_dot = [], [], False
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER, tokenize.ENCODING}
    text_lines = source.splitlines()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in skip:
                continue
            row = tok.start[0]
            if row <= len(text_lines) and text_lines[row - 1].strip() in given.lines:
                continue
            text = tok.string
            if tok.type == tokenize.NAME and not keyword.iskeyword(text) and not after_dot \
                    and not hasattr(builtins, text) and text not in PURE_MODULES:
                text = "V"
            elif tok.type == tokenize.STRING:
                text = "'S'"
            after_dot = tok.string == "."
            tokens.append(text)
            lines.append((row, tok.end[0]))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return Tokens(tuple(tokens), tuple(lines))
