"""Interactive widgets of the notebooks (ipywidgets), one module per assignment.

Widgets that need an exercise's function take the student's implementation as
an argument and say so politely while it is unfinished.
"""
