"""What the instructor and the students read once grading is done.

:mod:`.feedback` (per-student HTML pages, under the hidden-test :mod:`.policy`),
:mod:`.report` (``grades.csv`` and ``report.html``, with the item analysis of
:mod:`.items`), :mod:`.export` (Canvas, Moodle and long-format files, through
:mod:`.csvsafe`); :mod:`.progress` shows how far a long step is. Everything is read from the gradebook and the autograded notebooks.
"""
