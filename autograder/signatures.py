"""Failure signatures of the mutation catalogue, for the report's item analysis.

The report names the catalogued mistake behind a student's failure when the
failure message matches the one that mistake produces. Running the catalogue
at report time would cost minutes, so its messages are computed once and
committed: ``autograder/catalogue/signatures.json``::

    {"01_arrays": {"inputs_sha256": "…",       # of the entries and the source's test cells
                   "cells": {"test_dot_values": {"<normalised message>":
                                                 ["dot/wrong-no-sum: returns …"]}}}}

How a signature is found, cheaply and without nbgrader: the source notebook
(hidden tests included) runs once in an IPython shell in a child process; then,
for each ``wrong-*.py`` entry, the namespace is put back, the entry's code runs
in place of its exercise's solution, and that exercise's test cells run; each
failing cell's ``Type: message`` (as nbgrader's error output shows it) is
normalised (:func:`autograder.items.normalise`) and recorded. The tests are
seeded, so the messages are the ones graded notebooks show.

``check-tests`` rewrites the file (:func:`update`) for the assignments it
checked. Each assignment's entry records a digest of what its messages depend
on (its ``wrong-*.py`` entries and the source notebook's test cells), so
:func:`stale` tells cheaply when the file is out of step: the report says so,
and ``tests/test_items_exports.py`` fails.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

SIGNATURES_FILE = Path(__file__).resolve().parent / "catalogue" / "signatures.json"


def _owner(grade_id: str, exercises: list[str]) -> str | None:
    matches = [e for e in exercises if grade_id == f"test_{e}" or grade_id.startswith(f"test_{e}_")]
    return max(matches, key=len) if matches else None


def inputs_digest(name: str) -> str:
    """SHA-256 of what an assignment's signatures depend on."""
    import nbformat

    from . import catalogue
    from .config import REPO

    digest = hashlib.sha256()
    for entry in catalogue.load(name):
        if entry.kind == "wrong":
            digest.update(f"{entry.exercise}/{entry.slug}\0{entry.source}\0".encode())
    path = REPO / "source" / name / f"{name}.ipynb"
    if path.exists():
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                digest.update(f"{meta.get('grade_id')}\0{cell.source}\0".encode())
    return digest.hexdigest()


def load(path: Path = SIGNATURES_FILE) -> dict:
    """The file as {assignment: {"inputs_sha256": …, "cells": …}} ({} if none)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and "cells" in v}


def stale(names: list[str], path: Path = SIGNATURES_FILE) -> list[str]:
    """The assignments of ``names`` whose signatures are missing or out of date."""
    data = load(path)
    return [n for n in names
            if n not in data or data[n].get("inputs_sha256") != inputs_digest(n)]


def compute_in_process(name: str) -> dict:
    """grade_id -> {normalised message: [entry]} for one assignment (runs its code here)."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    from . import catalogue
    from .config import REPO
    from .items import normalise
    from .submissions import reference_sources

    source_nb = nbformat.read(REPO / "source" / name / f"{name}.ipynb", as_version=4)
    exercises = list(reference_sources(source_nb))
    shell = InteractiveShell.instance()
    tests = {}
    sink = io.StringIO()

    def run(code: str):
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            result = shell.run_cell(code, store_history=False, silent=True)
        sink.seek(0)
        sink.truncate()
        return result.error_in_exec or result.error_before_exec

    os.environ.setdefault("MPLBACKEND", "Agg")
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            tests.setdefault(_owner(meta["grade_id"], exercises), []).append(
                (meta["grade_id"], cell.source))
        error = run(cell.source)
        if error is not None:
            raise RuntimeError(f"{name}: the source notebook fails in {meta.get('grade_id')}: "
                               f"{type(error).__name__}: {error}")
    base = dict(shell.user_ns)
    found: dict = {}
    for entry in catalogue.load(name):
        if entry.kind != "wrong":
            continue
        shell.user_ns.clear()
        shell.user_ns.update(base)
        run(entry.source)
        what = entry.description.removeprefix("wrong:").strip()
        label = f"{entry.exercise}/wrong-{entry.slug}: {what}"
        for grade_id, code in tests.get(entry.exercise, []):
            error = run(code)
            if error is not None:
                message = normalise(f"{type(error).__name__}: {error}")
                found.setdefault(grade_id, {}).setdefault(message, []).append(label)
    return {gid: {m: sorted(v) for m, v in sorted(msgs.items())}
            for gid, msgs in sorted(found.items())}


def compute(name: str) -> dict:
    """:func:`compute_in_process` in a fresh child process (the catalogue's code stays out)."""
    from .pipeline import nbgrader_env

    proc = subprocess.run([sys.executable, "-m", "autograder.signatures", name],
                          capture_output=True, text=True, env=nbgrader_env(), timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"signatures of {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def update(names: list[str], path: Path = SIGNATURES_FILE) -> Path:
    """Recompute the stale signatures of ``names`` and rewrite the file (others kept)."""
    path = Path(path)
    data = load(path)
    for name in names:
        if data.get(name, {}).get("inputs_sha256") == inputs_digest(name):
            continue   # built from these very entries and test cells
        data[name] = {"inputs_sha256": inputs_digest(name), "cells": compute(name)}
    path.write_text(json.dumps(dict(sorted(data.items())), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


if __name__ == "__main__":
    print(json.dumps(compute_in_process(sys.argv[1]), ensure_ascii=False))
