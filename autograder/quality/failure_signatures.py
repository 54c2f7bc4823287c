"""Computing the catalogue's failure signatures (:mod:`autograder.catalogue.signatures`).

Each ``wrong-*.py`` entry runs, in place of its exercise's solution, against that
exercise's test cells of the source notebook, in an IPython shell of a child process;
each failing cell's ``Type: message`` is normalised as the report's item analysis
normalises what students see (:func:`autograder.reporting.items.normalise`) and recorded.
``check-tests`` calls :func:`update` for the assignments it checked.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from autograder.catalogue.signatures import SIGNATURES_FILE, _owner, inputs_digest, load


def compute_in_process(name: str) -> dict:
    """grade_id -> {normalised message: [entry]} for one assignment (runs its code here)."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    from autograder import catalogue
    from autograder.config import REPO
    from autograder.reporting.items import normalise
    from autograder.quality.submissions import reference_sources

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
    from autograder.stock_nbgrader import nbgrader_env

    proc = subprocess.run([sys.executable, "-m", "autograder.quality.failure_signatures", name],
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
