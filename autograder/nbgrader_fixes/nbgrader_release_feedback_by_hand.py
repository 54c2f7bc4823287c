"""nbgrader's ``release_feedback``, which skips feedback it cannot deliver instead of stopping.

``release_feedback`` files each student's feedback in the exchange under a hash of the
``submission_secret.txt`` that ``submit`` wrote, and reads ``timestamp.txt`` beside it.
A submission placed in ``submitted/`` by hand (mailed in, collected from an LMS) has
neither: the first such folder raised ``FileNotFoundError`` and stopped the run, so every
student after it in the listing got no feedback. :func:`install` makes it leave those
folders out, saying which and why (no student can fetch such feedback: their own
nbgrader has no record of submitting it), and release the others exactly as before.

Can go when nbgrader's ``ExchangeReleaseFeedback.copy_files`` skips such folders itself.
"""
from __future__ import annotations

import glob
import os

#: What ``nbgrader submit`` puts beside the notebooks, and release_feedback reads.
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def undeliverable(src_path: str) -> dict:
    """student id -> feedback folder, of the folders under ``src_path`` (nbgrader's
    ``feedback/<student or *>/<assignment>``) that lack a file of the exchange's."""
    found = {}
    for page in glob.glob(os.path.join(src_path, "*.html")):
        folder = os.path.dirname(page)
        if not all(os.path.isfile(os.path.join(folder, name)) for name in EXCHANGE_FILES):
            found[os.path.basename(os.path.dirname(folder))] = folder
    return found


def install() -> None:
    try:
        from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
    except ImportError:   # no nbgrader here: nothing to fix
        return
    if getattr(ExchangeReleaseFeedback.copy_files, "skips_by_hand", False):
        return
    original = ExchangeReleaseFeedback.copy_files

    def copy_files(self):
        skipped = undeliverable(self.src_path)
        for student, folder in sorted(skipped.items()):
            self.log.warning(
                "Not releasing feedback for student '%s': %s has no %s, so it was not "
                "submitted through the exchange and cannot be fetched; hand the student "
                "the .html file(s) there yourself", student, folder, " or ".join(
                    name for name in EXCHANGE_FILES
                    if not os.path.isfile(os.path.join(folder, name))))
        if not skipped:
            return original(self)
        excluded = self.coursedir.student_id_exclude
        self.coursedir.student_id_exclude = ",".join(filter(None, [excluded, *skipped]))
        try:
            return original(self)
        finally:
            self.coursedir.student_id_exclude = excluded

    copy_files.skips_by_hand = True
    ExchangeReleaseFeedback.copy_files = copy_files
