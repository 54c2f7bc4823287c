"""Renderings a feedback process keeps: each page repeats the instructor's cells.

A class's feedback pages differ only in the students' own cells; the instructor's markdown
(its maths included) and code are the same on every page. nbconvert renders and highlights
them again for each student, about half a page's time. These caches keep the last few
thousand renderings of one process, keyed on everything the rendering reads, so the
instructor's cells are rendered once and the students' own cells, each seen once, drop out.
"""
from __future__ import annotations

import collections
import json
import threading

SIZE = 4096


class Remembered:
    """The last ``size`` values made by :meth:`get_or_make`, most recently used kept."""

    def __init__(self, size: int = SIZE):
        self.size, self._items, self._lock = size, collections.OrderedDict(), threading.Lock()

    def get_or_make(self, key, make):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


MARKDOWN = Remembered()      # markdown cell -> HTML
HIGHLIGHTED = Remembered()   # code cell -> highlighted HTML


def as_key(value) -> str:
    """A hashable, order-independent form of a JSON-like value (attachments, metadata)."""
    return json.dumps(value, sort_keys=True, default=str)


def remembered_highlight(highlight, lexer):
    """nbconvert's ``highlight_code`` filter ``highlight`` for ``lexer``, each distinct
    call made once (:data:`HIGHLIGHTED`)."""
    def highlight_code(source, language=None, metadata=None):
        key = (lexer, source, language, as_key(metadata))
        return HIGHLIGHTED.get_or_make(key, lambda: highlight(source, language, metadata))
    return highlight_code


def remembered_markdown(exporter, context, source, render):
    """``render()``, nbconvert's ``markdown2html`` of ``source`` in the template ``context``,
    made once per distinct input: the cell's attachments, the notebook's folder and the
    exporter's settings. With ``embed_images`` the rendering reads image files, which may
    change: it is never kept."""
    if exporter.embed_images:
        return render()
    cell = context.get("cell", {})
    path = context.get("resources", {}).get("metadata", {}).get("path", "")
    key = (source, as_key(cell.get("attachments", {})), path, exporter.anchor_link_text,
           exporter.exclude_anchor_links, as_key(exporter.lexer_options))
    return MARKDOWN.get_or_make(key, render)
