"""CSV cells a spreadsheet cannot run.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (and treat a leading tab or carriage return the same
way), so a student id ``=HYPERLINK("http://…")`` in a grade export becomes a live
link, or worse, on the instructor's machine (OWASP "CSV injection"). Every CSV
the tooling writes passes its cells through :func:`cell`, which puts a single
quote in front of such text — the convention spreadsheets themselves use to
mark "this is text". Numbers are written as numbers, so a negative score stays
a number.
"""
from __future__ import annotations

import csv
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """``value`` made safe for a spreadsheet (numbers unchanged)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def write_rows(path: Path, header: list[str], rows, encoding: str = "utf-8") -> Path:
    """Write ``header`` and ``rows`` (lists or dicts keyed by header) as a safe CSV.

    Fields are quoted only when needed (RFC 4180: a comma, a quote or a line
    break), rows end with CRLF as RFC 4180 and the LMS importers expect.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([cell(h) for h in header])
        for row in rows:
            if isinstance(row, dict):
                row = [row.get(h, "") for h in header]
            writer.writerow([cell(v) for v in row])
    return path
