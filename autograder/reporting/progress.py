"""Progress of a long step (feedback pages): a tqdm bar on a terminal, plain lines elsewhere.

A ``progress`` callback is called as ``progress(name, done, total)``; see
:func:`autograder.reporting.feedback.generate_feedback`.
"""
from __future__ import annotations

import sys


class PlainProgress:
    """A ``progress`` callback for logs and pipes: a line at every tenth and at the end
    (tqdm, off a terminal, writes every redraw into one ever longer line)."""

    def __init__(self, desc: str = "feedback", stream=None):
        self.desc, self.stream, self.last, self.finished = desc, stream, -1, False

    def __call__(self, name, done, total):
        if total <= 0 or self.finished:
            return
        step = max(1, total // 10)
        if done == total or done // step > self.last:
            self.last, self.finished = done // step, done == total
            print(f"{self.desc}: {done}/{total} notebooks" + (f" ({name})" if name else ""),
                  file=self.stream or sys.stderr, flush=True)

    def close(self):
        pass


def tqdm_progress(**options):
    """A ``progress`` callback for :func:`generate_feedback`: a tqdm bar on a terminal,
    plain lines (:class:`PlainProgress`) elsewhere.

    Returns (callback, bar); close the bar when done.
    """
    if not options.get("disable") and "file" not in options and not sys.stderr.isatty():
        plain = PlainProgress()
        return plain, plain
    from tqdm import tqdm

    bar = tqdm(total=0, unit="notebook", desc="feedback", **options)

    def update(name, done, total):
        if bar.total != total:
            bar.total = total
        if name:
            bar.set_postfix_str(name, refresh=False)
        bar.update(done - bar.n)

    return update, bar
