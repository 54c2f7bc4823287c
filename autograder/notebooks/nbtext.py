"""Notebooks as plain text, for authors who prefer an editor to JupyterLab.

A text notebook is a sequence of cells, each introduced by a header line::

    #%% md                      a markdown cell
    #%% code                    an ordinary code cell (students may edit it)
    #%% given setup             a read-only code cell, nbgrader-locked, id "setup"
    #%% solution dot            the solution cell of exercise "dot"
    #%% test test_dot_basic 2   a grade cell worth 2 points

Everything up to the next header is the cell's source, verbatim (blank lines
at either end are dropped). ``to_text(to_notebook(text)) == text`` for text in
this canonical form, and ``to_notebook(to_text(nb))`` gives ``nb`` back for
notebooks stored the course's way (no outputs, clean metadata), so authors may
round-trip freely.
"""
from __future__ import annotations

import re

import nbformat

HEADER = re.compile(r"^#%% (md|code|given|solution|test)(?: (\S+))?(?: (\d+(?:\.\d+)?))?\s*$")

NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                   "name": "python3"},
    "language_info": {"name": "python"},
}


def _nbgrader(kind: str, grade_id: str, points=None) -> dict:
    meta = {"grade": kind == "test", "grade_id": grade_id, "locked": kind != "solution",
            "schema_version": 3, "solution": kind == "solution", "task": False}
    if kind == "test":
        meta["points"] = points
    return meta


def to_notebook(text: str) -> nbformat.NotebookNode:
    """Parse a text notebook into an nbformat v4 notebook with nbgrader metadata."""
    nb = nbformat.v4.new_notebook(metadata=dict(NOTEBOOK_METADATA))
    current = None
    lines: list[str] = []
    counter = 0

    def flush():
        nonlocal counter
        if current is None:
            if "".join(lines).strip():
                raise ValueError("text before the first '#%%' header")
            return
        kind, grade_id, points = current
        source = "\n".join(lines).strip("\n")
        counter += 1
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
        if kind in ("given", "solution", "test"):
            if not grade_id:
                raise ValueError(f"a '{kind}' cell needs an id: {source[:60]!r}")
            if kind == "test" and points is None:
                raise ValueError(f"test cell {grade_id} needs points")
            cell.metadata["nbgrader"] = _nbgrader(
                kind, grade_id, None if points is None else
                (int(points) if float(points).is_integer() else float(points)))
            cell.id = grade_id
        else:
            cell.id = grade_id or f"cell-{counter:03d}"
        nb.cells.append(cell)

    for line in text.splitlines():
        match = HEADER.match(line)
        if match:
            flush()
            current = match.groups()
            lines = []
        else:
            if line.startswith("#%%"):
                raise ValueError(f"malformed cell header: {line!r}")
            lines.append(line)
    flush()
    nbformat.validate(nb)
    return nb


def _header(cell) -> str:
    meta = cell.metadata.get("nbgrader")
    if cell.cell_type == "markdown":
        kind = "md"
    elif not meta:
        kind = "code"
    elif meta.get("solution"):
        kind = "solution"
    elif meta.get("grade"):
        kind = "test"
    else:
        kind = "given"
    parts = ["#%%", kind]
    if meta:
        parts.append(meta["grade_id"])
        if kind == "test":
            parts.append(str(meta["points"]))
    elif not cell.get("id", "").startswith("cell-") and cell.get("id"):
        parts.append(cell["id"])
    return " ".join(parts)


def to_text(nb) -> str:
    """Render a notebook as a text notebook (outputs are not kept)."""
    chunks = [f"{_header(cell)}\n{cell.source}\n" for cell in nb.cells]
    return "\n".join(chunks)


def main(argv=None) -> int:
    import argparse
    import pathlib

    parser = argparse.ArgumentParser(prog="python -m autograder.notebooks.nbtext",
                                     description="Convert notebooks to and from text.")
    parser.add_argument("direction", choices=["to-text", "to-notebook"])
    parser.add_argument("src", type=pathlib.Path)
    parser.add_argument("dst", type=pathlib.Path)
    args = parser.parse_args(argv)
    if args.direction == "to-text":
        args.dst.write_text(to_text(nbformat.read(args.src, as_version=4)), encoding="utf-8")
    else:
        nb = to_notebook(args.src.read_text(encoding="utf-8"))
        nbformat.write(nb, args.dst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
