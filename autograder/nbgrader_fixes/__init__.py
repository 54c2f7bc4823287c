"""Work-arounds for upstream bugs and slow paths in nbgrader and nbclient.

Each module patches one upstream function, is named after what it works around
(and the upstream issue, where there is one), and says when it can go. Every
one keeps upstream's results: only time or a lost message changes, or (release_feedback)
a run that stopped at its first hand-placed submission releases the others.
:func:`install` applies them all in this process; ``autograder.config.configure``
calls it wherever the course's ``nbgrader_config.py`` is loaded, and every
grading worker calls it itself.
"""
from __future__ import annotations


def install() -> None:
    from . import (nbclient_312_output_widget, nbgrader_alembic_version,
                   nbgrader_release_feedback_by_hand, nbgrader_validate_cell)

    # Each new gradebook would otherwise cost a run of the `alembic` command.
    nbgrader_alembic_version.install()
    # Headless runs otherwise stall a minute now and then after a widget cell.
    nbclient_312_output_widget.install()
    # nbgrader otherwise re-checks its metadata schema for every cell it reads.
    nbgrader_validate_cell.install()
    # A hand-placed submission (no submission_secret.txt) otherwise stops release_feedback.
    nbgrader_release_feedback_by_hand.install()
