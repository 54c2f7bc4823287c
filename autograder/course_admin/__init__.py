"""The instructor's commands that set up and hand out a term.

:mod:`.course_dir` (which course directory a command works on, and the refusal of
unknown assignments and students every command shares), :mod:`.new_course` (``init``),
:mod:`.due_dates` (``due``: due dates that mean one instant), :mod:`.release`
(``release``, with the release-order guard), :mod:`.bundle` (the student bundle) and
:mod:`.lab` (JupyterLab as a student or as the instructor).
"""
