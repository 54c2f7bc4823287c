"""Building submissions: a released notebook with its solution cells filled in."""
from __future__ import annotations

import copy
import re

import nbformat

SOLUTION_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$",
                             re.S | re.M)


def solution_cells(nb) -> dict:
    """grade_id -> cell, for every nbgrader solution cell of ``nb``."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def fill(release_nb, sources: dict) -> nbformat.NotebookNode:
    """A copy of ``release_nb`` whose solution cells ``sources`` names get that source."""
    nb = copy.deepcopy(release_nb)
    cells = solution_cells(nb)
    unknown = set(sources) - set(cells)
    if unknown:
        raise KeyError(f"no solution cell named {sorted(unknown)}")
    for grade_id, source in sources.items():
        cells[grade_id].source = source
    return nb


def reference_sources(source_nb) -> dict:
    """grade_id -> the instructor's solution, markers removed (what a student would write)."""
    def strip_markers(text):
        return "\n".join(line for line in text.splitlines()
                         if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)
    return {gid: strip_markers(cell.source) for gid, cell in solution_cells(source_nb).items()}


def crashing_sources(source_nb) -> dict:
    """grade_id -> the solution with every answer region replaced by code that raises.

    Mimics a student whose code has a typo: the cell defines the function or
    class, and calling it raises ``NameError``.
    """
    def crash(match):
        indent = match.group(1)
        return f"{indent}return undefined_name  # a typo: NameError when called"
    return {gid: SOLUTION_REGION.sub(crash, cell.source)
            for gid, cell in solution_cells(source_nb).items()}
