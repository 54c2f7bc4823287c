"""A work-around for nbclient's lost execute replies after an ``Output`` widget writes.

Running a notebook headless, nbclient plays the front end of every ipywidgets
``Output`` widget, and each output captured in one makes it send the widget's
new state back to the kernel on the shell channel (``OutputWidget.sync_state``)
while it is waiting on that same channel for the cell's ``execute_reply``.
Every so often that reply is then never seen: the kernel is idle, the client
waits until the cell's timeout (jupyter/nbclient#312, still open). In this
course that is a widget cell stalling a notebook for a minute (60 s under
``grade``) in about one run in ten, and a student's later cells failing.

Nothing needs that echo: outputs still go into the widget's state in the
saved notebook exactly as before (scores cannot change: nbgrader scores test
cells, which hold no widgets), the kernel just is not told. :func:`install`
makes ``sync_state`` do nothing; it runs wherever the course's
``nbgrader_config.py`` is loaded, so stock ``nbgrader autograde`` in a course
set up by this project gets the same fix.

Can go when jupyter/nbclient#312 is fixed in the nbclient this course pins.
"""
from __future__ import annotations


def install() -> None:
    try:
        from nbclient.output_widget import OutputWidget
    except ImportError:   # an nbclient without widget support: nothing to fix
        return
    if getattr(OutputWidget.sync_state, "muted", False):
        return

    def sync_state(self) -> None:
        """Keep the outputs here; do not echo them to the kernel (nbclient#312)."""

    sync_state.muted = True
    OutputWidget.sync_state = sync_state
