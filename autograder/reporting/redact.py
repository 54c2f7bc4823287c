"""Keeping the hidden tests and the solutions out of what students see.

:class:`HideHiddenTests` (and :func:`hide_hidden_tests` for one cell) replaces each
hidden-test region of a test cell's source by a one-line note and trims tracebacks
of the hidden lines they quote; which lines are hidden comes from the gradebook's copy
of the source cell, matched line by line. :func:`secret_lines`, :func:`redact_text`
and :func:`redact_outputs` remove any line of the hidden tests or of the instructor's
solutions (also in its ``repr`` and HTML-escaped forms) from outputs.
"""
from __future__ import annotations

import difflib
import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"
LEAK_NOTE = "··· [removed: a line of the hidden tests or the solution] ···"
MIN_SECRET = 10     # shorter lines (``else:``, ``return y``) give nothing away
NOTE = "# ··· hidden tests: {n} line{s} not shown; their result is in the output below ···"
WITHHELD = "# ··· the code of this test cell is not shown; its result is in the output below ···"

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The header of a traceback frame in a notebook cell (IPython >= 8, and older forms).
CELL_FRAME = re.compile(r"(?:Cell In ?\[|Input In \[|<ipython-input-)(\d+)")
# A quoted source line of a frame: "      5 code" or "----> 9 code".
QUOTED_LINE = re.compile(r"^\s*(?:-*>\s*)?(\d+)(?:\s|$)")



def _plain(text: str) -> str:
    return ANSI.sub("", text)


def _is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution")


def hidden_lines_of_source(source: str) -> tuple[list[str], list[bool]]:
    """The source's lines without the markers, and which of them are hidden."""
    lines, hidden, inside = [], [], False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        else:
            lines.append(line)
            hidden.append(inside)
    return lines, hidden


def hidden_mask(executed: str, source: str | None) -> list[bool] | None:
    """For each line of the executed cell, whether it is hidden (markers count as hidden).

    ``source`` is the instructor's grade cell with its markers. Returns None when
    the executed cell cannot be matched to it.
    """
    lines = executed.split("\n")
    if any(BEGIN in line for line in lines):          # markers still there: use them
        mask, inside = [], False
        for line in lines:
            if BEGIN in line:
                inside = True
                mask.append(True)
            elif END in line:
                mask.append(True)
                inside = False
            else:
                mask.append(inside)
        return mask
    if source is None:
        return None
    src_lines, src_hidden = hidden_lines_of_source(source)
    if not any(src_hidden):
        return [False] * len(lines)
    if [l.rstrip() for l in src_lines] == [l.rstrip() for l in lines]:
        return list(src_hidden)
    # The cell differs from its source (edited source, other nbgrader version):
    # a line is visible only where it matches a visible line of the source.
    mask = [True] * len(lines)
    matcher = difflib.SequenceMatcher(None, [l.rstrip() for l in src_lines],
                                      [l.rstrip() for l in lines], autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            if not src_hidden[a + k]:
                mask[b + k] = False
    hidden_text = {l.strip() for l, h in zip(src_lines, src_hidden) if h and l.strip()}
    return [m or (line.strip() in hidden_text) for m, line in zip(mask, lines)]


def redact_source(executed: str, mask: list[bool]) -> str:
    """The executed cell with each run of hidden lines replaced by a note."""
    out, run = [], 0
    lines = executed.split("\n")
    for k, (line, hidden) in enumerate(zip(lines, mask)):
        if hidden:
            run += 1
            continue
        if run:
            out.append(_note(lines, mask, k - run, k))
            run = 0
        out.append(line)
    if run:
        out.append(_note(lines, mask, len(lines) - run, len(lines)))
    return "\n".join(out).rstrip("\n")


def _note(lines, mask, start, stop) -> str:
    body = [l for l in lines[start:stop] if BEGIN not in l and END not in l and l.strip()]
    indent = re.match(r"[ \t]*", lines[start]).group(0)
    return indent + NOTE.format(n=len(body), s="" if len(body) == 1 else "s")


def redact_traceback(traceback: list[str], execution_count, hidden_numbers: set[int],
                     hidden_text: set[str]) -> list[str]:
    """The traceback without quoted hidden lines.

    ``hidden_numbers`` are the (1-based) hidden line numbers of the cell that ran
    as ``In[execution_count]``; ``hidden_text`` the stripped hidden lines, dropped
    wherever else they are quoted. The exception type and message are kept.
    """
    result = []
    for frame in traceback:
        lines = frame.split("\n")
        head = CELL_FRAME.search(_plain(lines[0]))
        this_cell = bool(head and execution_count is not None
                         and int(head.group(1)) == execution_count)
        kept, failing_hidden = [lines[0]], False
        for line in lines[1:]:
            plain = _plain(line)
            quoted = QUOTED_LINE.match(plain)
            if quoted:
                number = int(quoted.group(1))
                code = plain[quoted.end():].strip()
                hidden = ((this_cell and number in hidden_numbers)
                          or (code and code in hidden_text)
                          or BEGIN in plain or END in plain)
                if hidden:
                    failing_hidden |= plain.lstrip().startswith("-")
                    continue
            kept.append(line)
        if failing_hidden:
            # "Cell In[12], line 9": the line number points into hidden code.
            where = f"Cell In[{head.group(1)}]" if head else "A frame"
            kept = [f"\x1b[36m{where}\x1b[39m, in the hidden tests (code not shown)"]
        text = "\n".join(kept)
        if frame.endswith("\n") and not text.endswith("\n"):
            text += "\n"
        result.append(text)
    return result


class HideHiddenTests(Preprocessor):
    """nbgrader feedback preprocessor: hide hidden-test source, keep the results."""

    # nbconvert runs a preprocessor only if it is enabled (nbgrader's are by default).
    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        sources = {}
        if info.get("db_url"):
            from nbgrader.api import Gradebook, MissingEntry

            with Gradebook(info["db_url"]) as gb:
                for cell in nb.cells:
                    if _is_test_cell(cell):
                        grade_id = cell.metadata["nbgrader"]["grade_id"]
                        try:
                            sources[grade_id] = gb.find_source_cell(
                                grade_id, info["notebook"], info["assignment"]).source
                        except MissingEntry:
                            pass
        for cell in nb.cells:
            if _is_test_cell(cell):
                hide_hidden_tests(cell, sources.get(cell.metadata["nbgrader"]["grade_id"]))
        return nb, resources


def hide_hidden_tests(cell, source: str | None) -> None:
    """Redact one autograded grade cell in place (see the module docstring)."""
    executed = cell.source
    mask = hidden_mask(executed, source)
    lines = executed.split("\n")
    if mask is None or len(mask) != len(lines):
        # Unknown provenance: withhold the whole test source.
        mask = [True] * len(lines)
        cell.source = WITHHELD
    elif any(mask):
        cell.source = redact_source(executed, mask)
    else:
        return
    numbers = {k + 1 for k, hidden in enumerate(mask) if hidden}
    hidden_text = {l.strip() for l, hidden in zip(lines, mask)
                   if hidden and len(l.strip()) >= 8
                   and BEGIN not in l and END not in l}
    if source:
        src_lines, src_hidden = hidden_lines_of_source(source)
        hidden_text |= {l.strip() for l, h in zip(src_lines, src_hidden)
                        if h and len(l.strip()) >= 8}
    visible = {l.strip() for l, hidden in zip(lines, mask) if not hidden}
    hidden_text -= visible
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            output["traceback"] = redact_traceback(output.get("traceback", []),
                                                   cell.get("execution_count"),
                                                   numbers, hidden_text)


def _variants(line: str) -> set[str]:
    """How a source line can appear in an output: as is, inside a repr, HTML-escaped."""
    import html

    import json

    forms = {line, line.replace("\\", "\\\\"), json.dumps(line)[1:-1]}
    forms |= {f.replace("'", "\\'") for f in list(forms)}
    forms |= {html.escape(f, quote=q) for f in list(forms) for q in (False, True)}
    return {f for f in forms if len(f.strip()) >= MIN_SECRET}


def secret_lines(source_nb, hidden_sources: list[str], visible: set[str]) -> list[str]:
    """Lines no feedback output may contain, longest first.

    The instructor's solution lines (between ``### BEGIN/END SOLUTION`` in the
    source notebook's solution cells, the whole cell where it has no markers)
    and the hidden lines of ``hidden_sources``, less any line the student can
    see anyway (``visible``: every line of the released cells).
    """
    secret = set()
    for cell in (source_nb.cells if source_nb is not None else []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("solution"):
            continue
        lines = cell.source.split("\n")
        if any("BEGIN SOLUTION" in l for l in lines):
            inside = False
            for line in lines:
                if "BEGIN SOLUTION" in line:
                    inside = True
                elif "END SOLUTION" in line:
                    inside = False
                elif inside:
                    secret.add(line.strip())
        else:
            secret |= {l.strip() for l in lines}
    for source in hidden_sources:
        lines, hidden = hidden_lines_of_source(source)
        secret |= {l.strip() for l, h in zip(lines, hidden) if h}
    # A line that is part of a visible line ("matmul(A, B)" inside a visible
    # check's message) gives nothing away, and redacting it would cut messages.
    shown = "\n".join(visible)
    secret = {l for l in secret if len(l) >= MIN_SECRET and l not in shown}
    if hidden_sources:          # the markers say where hidden tests were: not shown either
        secret |= {f"### {BEGIN}", f"### {END}"}
    forms = set()
    for line in secret:
        forms |= _variants(line)
    return sorted(forms, key=len, reverse=True)


def redact_text(text: str, secrets: list[str]) -> str:
    """``text`` with every occurrence of a secret line replaced by :data:`LEAK_NOTE`."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, LEAK_NOTE)
    return text


def redact_outputs(nb, secrets: list[str]) -> None:
    """Remove secret lines from every output of every cell, in place."""
    if not secrets:
        return
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = redact_text("".join(output["text"]), secrets)
            if "evalue" in output:
                output["evalue"] = redact_text(output["evalue"], secrets)
            if "traceback" in output:
                output["traceback"] = [redact_text(t, secrets) for t in output["traceback"]]
            for mime, value in list(output.get("data", {}).items()):
                if isinstance(value, (str, list)) and not mime.startswith("image/"):
                    output["data"][mime] = redact_text("".join(value), secrets)
