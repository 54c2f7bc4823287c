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
normalised (:func:`autograder.reporting.items.normalise`) and recorded. The tests are
seeded, so the messages are the ones graded notebooks show.

``check-tests`` rewrites the file
(:func:`autograder.quality.failure_signatures.update`) for the assignments it checked. Each assignment's entry records a digest of what its messages depend
on (its ``wrong-*.py`` entries and the source notebook's test cells), so
:func:`stale` tells cheaply when the file is out of step: the report says so,
and ``tests/test_items_exports.py`` fails.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

SIGNATURES_FILE = Path(__file__).resolve().parent / "signatures.json"


def _owner(grade_id: str, exercises: list[str]) -> str | None:
    matches = [e for e in exercises if grade_id == f"test_{e}" or grade_id.startswith(f"test_{e}_")]
    return max(matches, key=len) if matches else None


def inputs_digest(name: str) -> str:
    """SHA-256 of what an assignment's signatures depend on."""
    import nbformat

    from autograder import catalogue
    from autograder.config import REPO

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
