"""Make a student's notebook safe to show: HTML without scripts, outputs without paths.

A student controls their markdown cells and every output their code makes
(``display(HTML(...))``, SVG, JavaScript). Shown as they are — in feedback, or
in formgrader, which renders the autograded notebook for the instructor —
``<script>``, ``onerror=`` handlers or ``javascript:`` links would run in the
reader's browser. :func:`sanitize_notebook` rewrites a notebook in place so
that none of it can run:

* markdown cells: rendered to HTML (nbconvert's renderer); if the allow-list
  below removes anything from that HTML, the cell's source becomes the cleaned
  HTML (safe markdown is left exactly as written);
* ``text/html`` and ``text/markdown`` outputs are cleaned the same way;
  ``image/svg+xml`` becomes an ``<img>`` of the SVG (browsers run no script in
  an image); JavaScript, widget views and any other active output are dropped
  (their ``text/plain`` stays); the notebook's widget state is dropped;
* :func:`scrub_paths` turns absolute paths of the grading machine in outputs
  and tracebacks into short ones (``…/site-packages/numpy/…``, ``<tmp>/…``).

The cleaning is bleach's (html5lib parses as a browser does) with an
allow-list of formatting tags, ``http``/``https``/``mailto`` links and
``data:image`` sources, no event handler, no ``style`` element.
"""
from __future__ import annotations

import base64
import functools
import html as htmllib
import os
import re
import sys
import tempfile
from pathlib import Path

import bleach

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
        "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
        "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"}
ATTRIBUTES = {"*": ["class", "title", "id", "align"], "a": ["href", "name"],
              "img": ["src", "alt", "width", "height"], "td": ["colspan", "rowspan"],
              "th": ["colspan", "rowspan"], "ol": ["start"]}
PROTOCOLS = {"http", "https", "mailto", "data"}
SAFE_OUTPUTS = {"text/plain", "image/png", "image/jpeg", "image/gif", "text/latex",
                "text/html", "text/markdown", "image/svg+xml"}
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/=\s]*$")


def _attribute_ok(tag, name, value):
    allowed = ATTRIBUTES.get(tag, []) + ATTRIBUTES["*"]
    if name not in allowed:
        return False
    if name in ("href", "src") and value.strip().lower().startswith("data:"):
        return tag == "img" and bool(DATA_IMAGE.match(value.strip()))
    return True


def clean_html(text: str) -> str:
    """``text`` with every tag, attribute and URL outside the allow-list removed."""
    return bleach.clean(text, tags=TAGS, attributes=_attribute_ok, protocols=PROTOCOLS,
                        strip=True, strip_comments=True)


def _roundtrip(text: str) -> str:
    """``text`` parsed and written back by bleach with nothing removed (for comparison)."""
    tags = {t.lower() for t in re.findall(r"<\s*/?\s*([A-Za-z][\w:-]*)", text)} | TAGS
    schemes = {s.lower() for s in re.findall(r"([A-Za-z][A-Za-z0-9+.-]*):", text)} | PROTOCOLS
    return bleach.clean(text, tags=tags, attributes=lambda *a: True, protocols=schemes,
                        strip=False, strip_comments=False)


def is_safe(text: str) -> bool:
    """True when the allow-list removes nothing from ``text``."""
    return clean_html(text) == _roundtrip(text)


ATTACHMENT = re.compile(r"\]\(attachment:[^)\s]*")


def _markdown_to_html(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(source)


@functools.lru_cache(maxsize=4096)
def safe_markdown(source: str) -> str:
    """Markdown source that renders nothing active: unchanged when already so.

    Remembered: every submission repeats the instructor's markdown cells, and
    rendering and checking one costs milliseconds (about 0.4 s per notebook)."""
    if "<" not in source and "javascript:" not in source.lower() and "](" not in source:
        return source
    # An image pasted into the cell (``![…](attachment:name.png)``) is the cell's own data,
    # kept in its attachments: rendered here without them, it would raise.
    rendered = _markdown_to_html(ATTACHMENT.sub("](attachment.png", source))
    if is_safe(rendered):
        return source
    return clean_html(rendered)


def _svg_as_image(svg: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="figure">'


def _path_roots() -> list[tuple[str, str]]:
    """(absolute prefix, what to show instead), longest first."""
    from autograder.config import REPO

    roots = []
    for site in {p for p in sys.path if p.endswith("site-packages")}:
        roots.append((site + os.sep, "…/site-packages/"))
    roots += [(str(REPO) + os.sep, ""), (sys.prefix + os.sep, "<python>/"),
              (sys.base_prefix + os.sep, "<python>/"),
              (tempfile.gettempdir() + os.sep, "<tmp>/"), (str(Path.home()) + os.sep, "~/")]
    return sorted({r for r in roots if len(r[0]) > 1}, key=lambda r: -len(r[0]))


# Any other absolute path of two or more parts: only its last part is kept.
OTHER_PATH = re.compile(r"(?<![\w.~<>/…-])/(?:[\w.+-]+/)+([\w.+-]+)")


def scrub_paths(text: str, extra_roots: list[str] = ()) -> str:
    """``text`` without absolute paths of this machine."""
    for root in sorted(extra_roots, key=len, reverse=True):
        text = text.replace(str(root).rstrip(os.sep) + os.sep, "")
    for root, instead in _path_roots():
        text = text.replace(root, instead)
    return OTHER_PATH.sub(lambda m: "…/" + m.group(1), text)


def sanitize_outputs(cell, extra_roots: list[str] = ()) -> None:
    """Clean one code cell's outputs in place (see the module docstring)."""
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            output["text"] = scrub_paths(output.get("text", ""), extra_roots)
        elif kind == "error":
            output["evalue"] = scrub_paths(output.get("evalue", ""), extra_roots)
            output["traceback"] = [scrub_paths(t, extra_roots) for t in output.get("traceback", [])]
        elif kind in ("display_data", "execute_result"):
            data = output.get("data", {})
            for mime in list(data):
                if mime not in SAFE_OUTPUTS:
                    del data[mime]
            if "image/svg+xml" in data:
                svg = data.pop("image/svg+xml")
                data["text/html"] = _svg_as_image(svg if isinstance(svg, str) else "".join(svg))
            elif "text/html" in data:
                value = data["text/html"]
                value = value if isinstance(value, str) else "".join(value)
                data["text/html"] = clean_html(scrub_paths(value, extra_roots))
            if "text/markdown" in data:
                value = data["text/markdown"]
                data["text/markdown"] = safe_markdown(value if isinstance(value, str)
                                                      else "".join(value))
            if "text/plain" in data:
                value = data["text/plain"]
                data["text/plain"] = scrub_paths(value if isinstance(value, str)
                                                 else "".join(value), extra_roots)
            if not data:
                data["text/plain"] = "(an output that could run code in the reader's browser " \
                                     "was removed)"
            output.get("metadata", {}).pop("application/vnd.jupyter.widget-view+json", None)


def sanitize_notebook(nb, extra_roots: list[str] = ()):
    """Make ``nb`` (an nbformat notebook) safe to render; returns it."""
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            cell.source = safe_markdown(cell.source)
            cell.pop("attachments", None) if not _attachments_ok(cell) else None
        elif cell.get("cell_type") == "code":
            sanitize_outputs(cell, extra_roots)
        elif cell.get("cell_type") == "raw" and not is_safe(cell.source):
            cell.source = clean_html(cell.source)     # nbconvert passes raw HTML through
    return nb


def _attachments_ok(cell) -> bool:
    """Markdown attachments are shown as images; only image types are kept."""
    for name, bundle in list((cell.get("attachments") or {}).items()):
        for mime in list(bundle):
            if mime not in ("image/png", "image/jpeg", "image/gif"):
                del bundle[mime]
    return True


def sanitized_text(text: str, extra_roots: list[str] = ()) -> str:
    """The notebook ``text``, sanitised: ``text`` itself when nothing changed
    (ValueError when it is no notebook)."""
    import nbformat

    after = writes_once(sanitize_notebook(nbformat.reads(text, as_version=4), extra_roots))
    return text if after.strip() == text.strip() else after


def writes_once(nb) -> str:
    """``nbformat.writes(nb)`` of a version-4 notebook no one uses afterwards: the same
    text, but its strings are split into lines in place instead of in a deep copy, and it
    is not validated again (``nbformat.reads`` did; writes only logs what it finds). Half
    the time: grade writes two notebooks per submission in the instructor's process."""
    import json

    from nbformat.v4.nbjson import BytesEncoder
    from nbformat.v4.rwbase import split_lines, strip_transient

    return json.dumps(strip_transient(split_lines(nb)), cls=BytesEncoder, indent=1,
                      sort_keys=True, separators=(",", ": "), ensure_ascii=False)


def sanitize_notebook_file(path: Path, extra_roots: list[str] = ()) -> bool:
    """Sanitise the notebook at ``path`` in place (for autograded notebooks
    formgrader shows); True when it changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    after = sanitized_text(before, extra_roots)
    if after is not before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


# ------------------------------------------------------------------ maths

CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
DISPLAY = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.S)
# Inline maths: not next to another $ or a backslash, nor glued to ASCII letters or
# digits ("costs $5 and $10"); Hangul (or any other script) may follow directly, as
# Korean particles do ("$w_{ij}$는", "$\pm 1000$처럼").
INLINE = re.compile(r"(?<![\\$A-Za-z0-9_])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?![A-Za-z0-9_$])")


def _mathml(latex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    try:
        markup = convert(latex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - leave what cannot be converted as text
        return htmllib.escape(("$$%s$$" if display else "$%s$") % latex)
    return markup.replace("\n", " ")


@functools.lru_cache(maxsize=4096)
def math_to_mathml(source: str) -> str:
    """Markdown whose ``$…$`` and ``$$…$$`` are MathML (browsers render it, offline).

    Code spans and fenced blocks are left alone. Remembered, as :func:`safe_markdown`:
    every feedback page repeats the instructor's markdown cells.
    """
    parts = CODE.split(source)
    for k in range(0, len(parts), 2):          # even parts are outside code
        text = DISPLAY.sub(lambda m: "\n\n" + _mathml(m.group(1) or m.group(2), True) + "\n\n",
                           parts[k])
        parts[k] = INLINE.sub(lambda m: _mathml(m.group(1), False), text)
    return "".join(parts)
