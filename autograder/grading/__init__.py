"""Grading: the way one submission travels, in the order it travels.

1. :mod:`.definitions` -- the assignment definitions (notebooks, cells, points, due
   date, hidden tests) read from the instructor's gradebook;
2. :mod:`.check` -- the submission read as hostile input: a bad notebook fails alone
   with a reason, tampering is flagged, what goes on is text, never a path;
3. :mod:`.pool` (or :mod:`.cluster` and :mod:`.dask_worker` on a Dask cluster) -- worker
   processes (:mod:`.worker_fork`, :mod:`.worker`, talking to ``grade`` in :mod:`.frames`),
   each grading one submission at a time with stock nbgrader in a scratch course of its
   own (:mod:`.shard_gradebook`). Every cell but the tests runs in the student's kernel
   (:mod:`.execute`, :mod:`.kernels`), in its :mod:`.sandbox` (:mod:`.cgroups`), forked
   from a warm template (:mod:`.templates`); every test cell runs in the notebook's judge
   (:mod:`.judging`), which reaches the student's objects only as data. What runs inside
   the jails is :mod:`.jailed`;
4. :mod:`.merge` -- the instructor's process alone validates each answer and writes the
   gradebook and ``autograded/``;
5. :mod:`.results` -- outcomes, ``reports/grade-results.json`` and the progress bar.

:mod:`.grade` runs the whole journey (``python -m autograder grade``). Nothing here
imports from :mod:`autograder.reporting`, :mod:`autograder.quality` or the commands.
"""
