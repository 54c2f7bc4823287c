"""The instructor's commands that set up and hand out a term.

:mod:`.new_course` (``init``), :mod:`.release` (``release``, with the release-order
guard), :mod:`.bundle` (the student bundle) and :mod:`.lab` (JupyterLab as a student or
as the instructor).
"""
