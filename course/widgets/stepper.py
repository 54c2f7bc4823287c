"""A step slider with back and next buttons, for the widgets that walk through a graph."""
from __future__ import annotations


def stepper(widgets, last: int = 1):
    """(slider, back button, next button), the buttons moving the slider one step within its
    bounds; ``widgets`` is the ipywidgets module."""
    step = widgets.IntSlider(value=0, min=0, max=last, description="step")
    back = widgets.Button(description="◀ back")
    forward = widgets.Button(description="next ▶")

    def move(delta):
        def handler(_button):
            step.value = min(step.max, max(step.min, step.value + delta))
        return handler

    back.on_click(move(-1))
    forward.on_click(move(+1))
    return step, back, forward
