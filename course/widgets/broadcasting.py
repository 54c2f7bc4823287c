"""The broadcasting explorer of 01_arrays.

Pick two shapes; see them aligned from the right, each axis marked as equal,
stretched (a size-1 or missing axis) or in conflict, and the result shape or
the reason the shapes do not broadcast. The verdict on every axis comes from
NumPy itself (``np.broadcast_shapes`` on that axis), so the explorer shows
NumPy's behaviour rather than a re-implementation of it.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

EXAMPLES = {
    "matrix + row": ((2, 3), (3,)),
    "matrix * scalar": ((2, 2), ()),
    "column + row": ((3, 1), (1, 4)),
    "NumPy docs: (8,1,6,1) and (7,1,5)": ((8, 1, 6, 1), (7, 1, 5)),
    "size-0 axis": ((0, 3), (1, 3)),
    "conflict: (2,3) and (2,)": ((2, 3), (2,)),
    "conflict: (0,) and (3,)": ((0,), (3,)),
}


def parse_shape(text: str) -> tuple:
    """'8, 1, 6' -> (8, 1, 6); '', '()' -> (). Raises ValueError on bad input."""
    cleaned = text.strip().strip("()[]").replace(" ", "")
    if not cleaned:
        return ()
    sizes = tuple(int(part) for part in cleaned.split(",") if part != "")
    if any(size < 0 for size in sizes):
        raise ValueError("sizes must be non-negative")
    return sizes


def axis_table(shape_a: tuple, shape_b: tuple) -> list[dict]:
    """One row per axis of the result, leftmost first.

    Each row holds ``a`` and ``b`` (``None`` where that shape has no such axis),
    ``size`` (the result's size, or ``None`` on a conflict) and ``status``:
    ``"equal"``, ``"stretch"`` or ``"conflict"``.
    """
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (None,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (None,) * (ndim - len(shape_b)) + tuple(shape_b)
    rows = []
    for a, b in zip(padded_a, padded_b):
        try:
            (size,) = np.broadcast_shapes((1 if a is None else a,), (1 if b is None else b,))
        except ValueError:
            rows.append(dict(a=a, b=b, size=None, status="conflict"))
            continue
        status = "equal" if a == b else "stretch"
        rows.append(dict(a=a, b=b, size=int(size), status=status))
    return rows


def explain(shape_a: tuple, shape_b: tuple) -> str:
    """One sentence: the result shape, or which axis conflicts and why."""
    rows = axis_table(shape_a, shape_b)
    conflicts = [(k, r) for k, r in enumerate(rows) if r["status"] == "conflict"]
    if conflicts:
        k, r = conflicts[0]
        from_right = len(rows) - k
        return (f"{shape_a} and {shape_b} do not broadcast: axis {k} of the result "
                f"({from_right} from the right) has sizes {r['a']} and {r['b']}, "
                f"which differ and neither is 1.")
    result = tuple(r["size"] for r in rows)
    return f"{shape_a} and {shape_b} broadcast to {result}."


STATUS_COLOR = {"equal": "#cfe8cf", "stretch": "#cfe0f5", "conflict": "#f5c6c6"}


def draw_alignment(shape_a: tuple, shape_b: tuple):
    """The two shapes right-aligned in a table, one column per axis."""
    rows = axis_table(shape_a, shape_b)
    ncols = max(1, len(rows))
    fig, ax = plt.subplots(figsize=(1.3 * ncols + 2.2, 2.0))
    labels = ["A", "B", "result"]
    for k, row in enumerate(rows):
        color = STATUS_COLOR[row["status"]]
        cells = [row["a"], row["b"], row["size"]]
        for r, value in enumerate(cells):
            text = "–" if value is None and r < 2 else ("✗" if value is None else str(value))
            ax.add_patch(plt.Rectangle((k, 2 - r), 1, 1, facecolor=color, edgecolor="black"))
            ax.text(k + 0.5, 2.5 - r, text, ha="center", va="center", fontsize=13)
        ax.text(k + 0.5, 3.2, row["status"], ha="center", fontsize=9)
    for r, label in enumerate(labels):
        ax.text(-0.15, 2.5 - r, label, ha="right", va="center", fontsize=11)
    ax.set_xlim(-1.3, ncols + 0.1)
    ax.set_ylim(-0.1, 3.6)
    ax.axis("off")
    if not rows:
        ax.text(0.5, 1.5, "both are scalars: shape ()", ha="center")
    ax.set_title(explain(shape_a, shape_b), fontsize=10, loc="left")
    return fig


def student_verdict(student_broadcast_shape, shape_a: tuple, shape_b: tuple) -> str:
    """What the student's ``broadcast_shape`` says for two shapes, in a sentence."""
    try:
        mine = student_broadcast_shape(shape_a, shape_b)
    except NotImplementedError:
        return "your broadcast_shape is not written yet"
    except ValueError as error:
        return f"your broadcast_shape raises ValueError: {error}"
    except Exception as error:  # a student's bug: show it, don't break the widget
        return f"your broadcast_shape raised {type(error).__name__}: {error}"
    return f"your broadcast_shape returns {mine!r}"


def broadcast_explorer(student_broadcast_shape=None):
    """Show the explorer; with ``student_broadcast_shape`` it also reports
    what the student's function says for the chosen shapes."""
    import ipywidgets as widgets
    from IPython.display import display

    example = widgets.Dropdown(options=list(EXAMPLES), description="example")
    text_a = widgets.Text(value="2, 3", description="shape A")
    text_b = widgets.Text(value="3", description="shape B")
    out = widgets.Output()

    def redraw(*_):
        out.clear_output(wait=True)
        with out:
            try:
                shape_a, shape_b = parse_shape(text_a.value), parse_shape(text_b.value)
            except ValueError:
                print("Type each shape as comma-separated non-negative integers, e.g. 8, 1, 6")
                return
            fig = draw_alignment(shape_a, shape_b)
            display(fig)
            plt.close(fig)
            if student_broadcast_shape is not None:
                print(student_verdict(student_broadcast_shape, shape_a, shape_b))

    def choose(change):
        a, b = EXAMPLES[change["new"]]
        text_a.value = ", ".join(map(str, a))
        text_b.value = ", ".join(map(str, b))

    example.observe(choose, names="value")
    text_a.observe(redraw, names="value")
    text_b.observe(redraw, names="value")
    box = widgets.VBox([example, widgets.HBox([text_a, text_b]), out])
    display(box)
    redraw()
    return box
