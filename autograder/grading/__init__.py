"""Grading: the way one submission travels, in the order it travels.

1. :mod:`.definitions` -- the assignment definitions (notebooks, cells, points, due
   date, hidden tests) read from the instructor's gradebook;
2. :mod:`.check` -- the submission read as hostile input: a bad notebook fails alone
   with a reason, tampering is flagged, what goes on is text, never a path;
3. :mod:`.pool` (or :mod:`.cluster` on a Dask cluster) -- worker processes
   (:mod:`.worker_fork`, :mod:`.worker`), each grading one submission at a time with
   stock nbgrader in a scratch course of its own (:mod:`.shard_gradebook`); every kernel
   runs in its :mod:`.sandbox`, forked from a warm template (:mod:`.jailed`);
4. :mod:`.merge` -- the instructor's process alone validates each answer and writes the
   gradebook and ``autograded/``;
5. :mod:`.results` -- outcomes, ``reports/grade-results.json`` and the progress bar.

:mod:`.grade` runs the whole journey (``python -m autograder grade``). Nothing here
imports from :mod:`autograder.reporting`, :mod:`autograder.quality` or the commands.
"""
