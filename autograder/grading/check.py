"""Before anything runs: each submission read as hostile input, its tampering flagged."""
from __future__ import annotations

import ast
import fnmatch
import functools
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .definitions import AssignmentDef, NotebookDef
from .results import Outcome
from autograder.notebooks.sanitize import writes_once


@functools.lru_cache(maxsize=1024)
def _released(source: str) -> str:
    """A locked cell's source as students receive it (hidden tests removed)."""
    from nbgrader.preprocessors import ClearHiddenTests

    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


def _parse(source: str):
    """The AST of a code cell, with IPython magics and shell lines blanked out."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append(line[:len(line) - len(stripped)] + "pass"
                     if stripped.startswith(("%", "!")) else line)
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return None


def _top_level_bindings(tree) -> dict:
    """name -> ("import", module) | ("def", None) | ("assign", None) at module level."""
    found = {}

    def visit(stmts):
        for node in stmts:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    found[name] = ("import", alias.name if alias.asname else name)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    found[alias.asname or alias.name] = ("import", f"{node.module}.{alias.name}")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[node.name] = ("def", None)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                            found[sub.id] = ("assign", None)
            elif isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
                for attr in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, attr, []) or [])
                if isinstance(node, ast.For):
                    for sub in ast.walk(node.target):
                        if isinstance(sub, ast.Name):
                            found[sub.id] = ("assign", None)
            elif isinstance(node, ast.ExceptHandler):
                visit(node.body)
    visit(tree.body)
    return found


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def tamper_flags(nb, definition: NotebookDef) -> list[str]:
    """What a submitted notebook changed of what the tests rely on."""
    flags = []
    defs = {c.name: c for c in definition.cells}
    seen: dict = {}
    relied_on = _relied_on(definition)
    student_flags = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid is not None:
            seen[gid] = seen.get(gid, 0) + 1
        d = defs.get(gid)
        if d is not None and d.locked:
            text = cell.get("source", "")
            if text.rstrip() not in (d.source.rstrip(), _released(d.source).rstrip()):
                flags.append(f"edited locked cell {gid}")
            if not meta.get("locked", False):
                flags.append(f"unlocked cell {gid}")
            if d.grade and float(meta.get("points", d.max_score) or 0) != d.max_score:
                flags.append(f"changed the points of {gid}")
            continue
        if cell.get("cell_type") == "code":
            try:
                student_flags += _student_cell_flags(cell.get("source", ""), *relied_on)
            except (RecursionError, MemoryError):
                flags.append("a code cell too deeply nested to analyse")
    for gid, count in seen.items():
        if count > 1:
            flags.append(f"duplicated cell {gid}")
    for d in definition.cells:
        if d.locked and d.name not in seen:
            flags.append(f"deleted {'test' if d.grade else 'locked'} cell {d.name}")
    return list(dict.fromkeys(flags + student_flags))


def _relied_on(definition: NotebookDef) -> tuple:
    """What the tests use: the modules, functions and classes locked cells bind (variables
    of worked examples in unlocked cells are the student's to change), as
    (protected names, the packages they come from, the locked bindings)."""
    return _relied_on_cells(tuple((c.name, c.solution, c.locked and c.cell_type == "code",
                                   c.source) for c in definition.cells))


@functools.lru_cache(maxsize=64)
def _relied_on_cells(cells: tuple) -> tuple:
    exercises = {name for name, solution, _, _ in cells if solution}
    locked_bindings: dict = {}
    for _, _, locked_code, source in cells:
        if not locked_code:
            continue
        tree = _parse(source)
        if tree is None:
            continue
        for name, kind in _top_level_bindings(tree).items():
            if kind[0] in ("import", "def"):
                locked_bindings[name] = kind
    protected = set(locked_bindings) - exercises
    # Modules the tests rely on, under whatever name student code imports them.
    packages = {"numpy", "course", "builtins", "sys", "math"} | {
        kind[1].split(".")[0] for kind in locked_bindings.values() if kind[0] == "import"}
    return frozenset(protected), frozenset(packages), tuple(sorted(locked_bindings.items()))


@functools.lru_cache(maxsize=8192)
def _student_cell_flags(source: str, protected: frozenset, packages: frozenset,
                        locked: tuple) -> tuple:
    """tamper_flags' findings in one code cell a student may edit, given what the tests use.
    Remembered: most such cells are the same worked examples in every submission, and
    parsing and walking a notebook's cells costs tens of milliseconds."""
    tree = _parse(source)
    if tree is None:
        return ()
    locked_bindings = dict(locked)
    flags = []
    roots = protected | {"sys", "builtins", "__builtins__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.asname or a.name.split(".")[0] for a in node.names
                      if a.name.split(".")[0] in packages}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in packages:
            roots |= {a.asname or a.name for a in node.names}
    for name, kind in _top_level_bindings(tree).items():
        if name in protected and kind != locked_bindings.get(name):
            flags.append(f"redefines {name}, which the tests use")
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            root = _root_name(target)
            if isinstance(target, (ast.Attribute, ast.Subscript)) and root in roots:
                flags.append(f"modifies {_dotted(target) or root}, which the tests use")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("setattr", "delattr") and node.args:
            root = _root_name(node.args[0])
            if root in roots:
                flags.append(f"{node.func.id}() on {root}, which the tests use")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or ""]
            if any(m.split(".")[0] in ("builtins", "ctypes", "gc") for m in modules):
                flags.append(f"imports {', '.join(modules)}")
    flags += forgery_flags(tree)
    return tuple(flags)


# What reaches into how cells run or how checks decide: no exercise needs it.
FORGERY_ATTRIBUTES = {
    "input_transformers_post", "input_transformers_cleanup", "input_transformer_manager",
    "ast_transformers", "run_cell", "run_cell_async", "run_ast_nodes", "run_code", "events",
    "showtraceback", "_showtraceback", "displayhook", "excepthook", "__code__", "__globals__",
    "__closure__", "__builtins__", "f_globals", "f_locals", "f_back", "tb_frame", "gi_frame",
    "_getframe", "currentframe", "addaudithook"}
NAMESPACE_CALLS = {"vars", "globals", "locals"}
NAMESPACE_WRITES = {"update", "__setitem__", "setdefault", "pop", "popitem", "clear",
                    "__delitem__"}


def forgery_flags(tree) -> list[str]:
    """Code that could bend verdicts inside the kernel (the decoys catch what slips past)."""
    flags = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in FORGERY_ATTRIBUTES:
            flags.append(f"uses .{node.attr}, which can change how the tests run")
        elif isinstance(node, ast.Name) and node.id == "get_ipython":
            flags.append("uses get_ipython(), which can change how the tests run")
        elif isinstance(node, ast.Attribute) and node.attr in NAMESPACE_WRITES and (
                isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id in NAMESPACE_CALLS
                or isinstance(node.value, ast.Attribute) and node.value.attr == "__dict__"):
            what = (node.value.func.id + "()" if isinstance(node.value, ast.Call)
                    else "__dict__")
            flags.append(f"writes into {what} through .{node.attr}")
        elif isinstance(node, (ast.Assign, ast.Delete, ast.AugAssign)):
            targets = node.targets if not isinstance(node, ast.AugAssign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Call) \
                        and isinstance(target.value.func, ast.Name) \
                        and target.value.func.id in NAMESPACE_CALLS:
                    flags.append(f"writes into {target.value.func.id}()")
    return flags


MAX_NOTEBOOK_BYTES = 20_000_000   # a submitted notebook larger than this is not graded


@dataclass
class Task:
    """One submission to grade, carried whole: nothing in it points into the course directory."""
    student: str
    assignment: str
    notebooks: dict                 # file name -> notebook text (nbformat 4)
    timestamp: str | None
    flags: list
    notes: list
    secret: str | None = None       # submission_secret.txt, written back beside the notebooks


def _timestamp(folder: Path, notes: list, flags: list) -> str | None:
    """``timestamp.txt`` as nbgrader will read it, or None when absent or unreadable."""
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    if path.is_symlink() or not path.is_file():
        return None
    try:
        text = path.read_bytes()[:200].decode("utf-8").strip()
        parse_utc(text)
        return text
    except Exception:  # noqa: BLE001 - any garbage
        flags.append("unreadable timestamp.txt ignored (graded as if on time)")
        return None


SECRET_MAX_BYTES = 1024    # nbgrader's exchange writes 128 hex digits


def _secret(folder: Path, notes: list) -> str | None:
    """``submission_secret.txt`` exactly as nbgrader's exchange wrote it, or None.

    ``release_feedback`` files a student's feedback under a hash of this secret, and
    the student's ``fetch_feedback`` finds it with the copy in their own cache, so it
    goes into ``autograded/`` unchanged, as stock autograde copies it. Read without
    following a link, only from a regular file, at most ``SECRET_MAX_BYTES``."""
    try:
        fd = os.open(folder / "submission_secret.txt",
                     os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError:
        fd = None
    raw = None
    if fd is not None:
        with os.fdopen(fd, "rb") as fh:
            if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raw = fh.read(SECRET_MAX_BYTES + 1)
    try:
        if raw and len(raw) <= SECRET_MAX_BYTES:
            return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    notes.append("ignored submission_secret.txt (not a short text file): "
                 "nbgrader release_feedback cannot hand this student their feedback")
    return None


def precheck(student: str, assignment: str, folder: Path, adef: AssignmentDef, ignore: list):
    """A Task to grade, or a failed Outcome with its reason. Never raises."""
    flags, notes = [], []
    try:
        return _precheck(student, assignment, folder, adef, ignore, flags, notes)
    except RecursionError:
        reason = "could not check the submission: a cell nests too deeply to analyse"
    except MemoryError:
        reason = "could not check the submission: it is too large to analyse"
    except Exception as exc:  # noqa: BLE001 - one hostile submission fails alone
        reason = f"could not check the submission: {type(exc).__name__}: {str(exc)[:200]}"
    return Outcome(student, assignment, "failed", reason, flags, notes)


def _precheck(student, assignment, folder, adef, ignore, flags, notes):
    expected = [f"{nb.name}.ipynb" for nb in adef.notebooks]
    if folder.is_symlink():
        return Outcome(student, assignment, "failed",
                       "the submission folder is a symbolic link", flags, notes)
    entries = sorted(p.name for p in folder.iterdir())
    links = [n for n in expected if (folder / n).is_symlink()]
    if links:
        return Outcome(student, assignment, "failed",
                       f"{', '.join(links)} is a symbolic link, not a submitted file", flags, notes)
    present = [name for name in expected if (folder / name).is_file()]
    ignore = set(ignore) | {"timestamp.txt", "submission_secret.txt"}
    for name in entries:
        if name in expected or any(fnmatch.fnmatch(name, pat) for pat in ignore):
            continue
        path = folder / name
        if name.endswith(".py") or (path.is_dir() and (path / "__init__.py").exists()):
            flags.append(f"ignored {name} beside the notebook (it could shadow an import)")
        else:
            notes.append(f"ignored extra file {name}")
    if not present:
        others = [n for n in entries if n.endswith(".ipynb")]
        reason = (f"missing notebook: expected {', '.join(expected)}"
                  + (f", found {', '.join(others)}" if others else ", found no notebook"))
        return Outcome(student, assignment, "failed", reason, flags, notes)
    missing = [n for n in expected if n not in present]
    if missing:
        notes.append(f"missing notebook(s) {', '.join(missing)} score zero")
    notebooks = {}
    for nbdef in adef.notebooks:
        path = folder / f"{nbdef.name}.ipynb"
        if not path.is_file():
            continue
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return Outcome(student, assignment, "failed",
                           f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB", flags,
                           notes)
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return Outcome(student, assignment, "failed",
                           f"{path.name} is not valid JSON ({exc})", flags, notes)
        try:
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)   # nbformat 3 converted
            if not isinstance(nb.get("cells"), list):
                raise ValueError("no list of cells")
            for cell in nb.cells:
                _check_cell(cell)
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook
            return Outcome(student, assignment, "failed",
                           f"{path.name} is not a Jupyter notebook ({str(exc)[:300]})", flags,
                           notes)
        flags += tamper_flags(nb, nbdef)
        notebooks[path.name] = writes_once(nb)
    return Task(student, assignment, notebooks, _timestamp(folder, notes, flags), flags, notes,
                _secret(folder, notes))


def _check_cell(cell) -> None:
    """Raise ValueError when a cell's fields have types nbgrader would trip over."""
    if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
        raise ValueError("a cell of unknown type")
    if not isinstance(cell.get("source", ""), str):
        raise ValueError("a cell whose source is not text")
    meta = cell.get("metadata", {})
    if not isinstance(meta, dict):
        raise ValueError("a cell whose metadata is not an object")
    grader = meta.get("nbgrader")
    if grader is None:
        return
    if not isinstance(grader, dict):
        raise ValueError("a cell whose nbgrader metadata is not an object")
    if "grade_id" in grader and not isinstance(grader["grade_id"], str):
        raise ValueError("a cell whose grade_id is not text")
    for key in ("grade", "solution", "locked", "task"):
        if key in grader and not isinstance(grader[key], bool):
            raise ValueError(f"a cell whose nbgrader {key!r} is not true/false")
    if "points" in grader:
        points = grader["points"]
        if isinstance(points, bool) or not isinstance(points, (int, float)):
            raise ValueError(f"a cell whose points are not a number ({str(points)[:20]!r})")
