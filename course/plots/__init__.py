"""Figures of the notebooks, one module per assignment, drawn with matplotlib.

Each function draws into a new figure (or the ``ax`` it is given) and returns
the figure; the notebook shows it. None of them computes an exercise's answer:
what a figure shows is passed in.
"""
