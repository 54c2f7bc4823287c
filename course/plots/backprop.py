"""Figures of 05_backprop: computational graphs with values and gradients on the edges.

Every figure here only draws what it is given. Forward values are written
above an edge in blue, backward gradients below it in red with an arrow that
points right to left, as in the book's figures. Labels are strings (mathtext
such as ``r"$\\partial L/\\partial z$"`` works), so the notebook decides what
each edge says; nothing here computes a gradient.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

FORWARD_COLOR = "tab:blue"
BACKWARD_COLOR = "tab:red"
NODE_RADIUS = 0.32
END_GAP = 0.28  # distance between a variable's name and the arrow that leaves it


def _unit(start, end):
    d = np.asarray(end, dtype=float) - np.asarray(start, dtype=float)
    return d / np.linalg.norm(d)


def draw_graph(nodes: dict, edges: list, ax=None, title: str | None = None,
               highlight=(), figsize=None):
    """Draw a computational graph.

    Parameters
    ----------
    nodes : dict
        ``name -> (x, y, label, kind)`` where ``kind`` is ``"op"`` (a circle
        with ``label`` inside, e.g. ``"×"``) or ``"var"`` (just the text
        ``label``: an input, a parameter or the loss at an end of the graph).
    edges : list of dict
        Each with ``src`` and ``dst`` (node names) and optional ``forward``
        and ``backward`` labels (strings; ``None`` or ``""`` draws no label,
        and no backward arrow when ``backward`` is missing).
    highlight : names of nodes to draw in orange (the node being computed).

    Returns the figure.
    """
    if ax is None:
        xs = [p[0] for p in nodes.values()]
        ys = [p[1] for p in nodes.values()]
        width = max(xs) - min(xs) + 2.0
        height = max(ys) - min(ys) + 1.8
        _, ax = plt.subplots(figsize=figsize or (1.25 * width + 1, 1.1 * height + 0.6))
    for name, (x, y, label, kind) in nodes.items():
        if kind == "op":
            face = "#ffd9a8" if name in highlight else "white"
            ax.add_patch(plt.Circle((x, y), NODE_RADIUS, facecolor=face, edgecolor="black",
                                    lw=1.5, zorder=3))
            ax.text(x, y, label, ha="center", va="center", fontsize=14, zorder=4)
        else:
            color = "tab:orange" if name in highlight else "black"
            ax.text(x, y, label, ha="center", va="center", fontsize=13, color=color,
                    fontweight="bold", zorder=4)
    for edge in edges:
        _draw_edge(ax, nodes[edge["src"]], nodes[edge["dst"]], edge.get("forward"),
                   edge.get("backward"))
    xs = [p[0] for p in nodes.values()]
    ys = [p[1] for p in nodes.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    return ax.figure


def _gap(label: str, kind: str, direction) -> float:
    """How far an edge stays from a node's centre: the circle, or the width of a name."""
    if kind == "op":
        return NODE_RADIUS
    half_width = 0.045 * len(label) + 0.1     # a name is wide, not tall
    return max(END_GAP, half_width * abs(direction[0]) + END_GAP * abs(direction[1]))


def _draw_edge(ax, src, dst, forward, backward):
    (x0, y0, label0, kind0), (x1, y1, label1, kind1) = src, dst
    u = _unit((x0, y0), (x1, y1))
    normal = np.array([-u[1], u[0]])  # points "up" for an edge drawn left to right
    start = np.array([x0, y0]) + u * _gap(label0, kind0, u)
    end = np.array([x1, y1]) - u * _gap(label1, kind1, u)
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.5), zorder=2)
    # Labels sit away from op nodes, where several edges meet, and follow the edge.
    where = 0.5 + 0.12 * ((kind0 == "op") - (kind1 == "op"))
    middle = start + (end - start) * where
    angle = float(np.degrees(np.arctan2(u[1], u[0])))
    # An edge that points leftwards would put its labels upside down: turn them
    # half a turn, and swap which side of the text faces the edge.
    flipped = abs(angle) > 90
    if flipped:
        angle -= 180 if angle > 0 else -180
    above, below = ("top", "bottom") if flipped else ("bottom", "top")
    style = dict(ha="center", fontsize=11, rotation=angle, rotation_mode="anchor")
    if forward not in (None, ""):
        spot = middle + normal * 0.08
        ax.text(*spot, forward, color=FORWARD_COLOR, va=above, **style)
    if backward not in (None, ""):
        shift = -normal * 0.13
        ax.annotate("", xy=start + shift + u * 0.1, xytext=end + shift - u * 0.1,
                    arrowprops=dict(arrowstyle="-|>", color=BACKWARD_COLOR, lw=1.2), zorder=2)
        spot = middle - normal * 0.2
        ax.text(*spot, backward, color=BACKWARD_COLOR, va=below, **style)


def draw_node(symbol: str, inputs: list, outputs: list, forward: list, backward: list,
              title: str | None = None, ax=None):
    """One node with its input edges on the left and output edges on the right.

    ``inputs`` and ``outputs`` name the variables; ``forward`` and ``backward``
    hold one label per edge, inputs first, then outputs (``None`` for none).
    """
    nodes = {"node": (0.0, 0.0, symbol, "op")}
    edges = []

    def spread(count):
        return [0.0] if count == 1 else list(np.linspace(1.0, -1.0, count) * (0.9 + 0.3 * count))

    for k, (name, y) in enumerate(zip(inputs, spread(len(inputs)))):
        nodes[f"in{k}"] = (-2.6, y, name, "var")
        edges.append(dict(src=f"in{k}", dst="node", forward=forward[k], backward=backward[k]))
    for k, (name, y) in enumerate(zip(outputs, spread(len(outputs)))):
        nodes[f"out{k}"] = (2.6, y, name, "var")
        j = len(inputs) + k
        edges.append(dict(src="node", dst=f"out{k}", forward=forward[j], backward=backward[j]))
    return draw_graph(nodes, edges, ax=ax, title=title)


# The scalar graph L = x * y + z of the notebook and of its step-through widget.
SCALAR_NODES = {
    "x": (0.0, 1.8, "x", "var"),
    "y": (0.0, -0.4, "y", "var"),
    "z": (0.0, -2.2, "z", "var"),
    "mul": (3.0, 0.7, "×", "op"),
    "add": (6.0, -0.6, "+", "op"),
    "L": (8.8, -0.6, "L", "var"),
}
# edge name -> (src, dst); the edge name is the variable it carries
SCALAR_EDGES = {"x": ("x", "mul"), "y": ("y", "mul"), "u": ("mul", "add"),
                "z": ("z", "add"), "L": ("add", "L")}


def _fmt(value) -> str:
    return "" if value is None else f"{value:.4g}"


def draw_scalar_graph(values: dict | None = None, grads: dict | None = None,
                      highlight=(), title: str | None = None, ax=None):
    """The graph of ``L = x·y + z`` (``u = x·y``) with numbers on its edges.

    ``values`` and ``grads`` map an edge's variable (``"x"``, ``"y"``,
    ``"z"``, ``"u"``, ``"L"``) to the forward value it carries and to the
    gradient ∂L/∂(that variable); missing entries are left blank.
    """
    values, grads = values or {}, grads or {}
    edges = []
    for name, (src, dst) in SCALAR_EDGES.items():
        forward = f"{name} = {_fmt(values[name])}" if values.get(name) is not None else None
        backward = (f"∂L/∂{name} = {_fmt(grads[name])}"
                    if grads.get(name) is not None else None)
        edges.append(dict(src=src, dst=dst, forward=forward, backward=backward))
    return draw_graph(SCALAR_NODES, edges, ax=ax, title=title, highlight=highlight,
                      figsize=(10, 5))


def _caption_ops(fig, ax, nodes: dict, captions: dict, symbols: dict):
    """Write a name above each op node and a short symbol inside it."""
    axis = fig.axes[0] if ax is None else ax
    for node, caption in captions.items():
        x, y, _, _ = nodes[node]
        axis.text(x, y + NODE_RADIUS + 0.08, caption, ha="center", va="bottom", fontsize=10)
        axis.text(x, y, symbols[node], ha="center", va="center", fontsize=14, zorder=4)
    return fig


def draw_affine_graph(title: str = "Affine = MatMul + Repeat + Add", ax=None):
    """The Affine layer as a graph of three nodes, with the shapes on every edge.

    Forward labels give each edge's shape; backward labels name its gradient,
    which has its variable's shape: the bias b and its gradient ∂L/∂b are
    (H,), as in the Affine exercise (Repeat copies b, taken as one row, into
    the N rows of the batch).
    """
    nodes = {
        "x": (0.0, 1.6, "x", "var"),
        "W": (0.0, -0.6, "W", "var"),
        "b": (0.0, -2.4, "b", "var"),
        "matmul": (3.2, 0.5, "", "op"),
        "repeat": (3.2, -2.4, "", "op"),
        "add": (6.4, -0.8, "+", "op"),
        "y": (9.2, -0.8, "y", "var"),
    }
    edges = [
        dict(src="x", dst="matmul", forward="(N, D)", backward=r"$\partial L/\partial x$ (N, D)"),
        dict(src="W", dst="matmul", forward="(D, H)", backward=r"$\partial L/\partial W$ (D, H)"),
        dict(src="b", dst="repeat", forward="(H,)", backward=r"$\partial L/\partial b$ (H,)"),
        dict(src="matmul", dst="add", forward="xW (N, H)", backward="(N, H)"),
        dict(src="repeat", dst="add", forward="(N, H)", backward="(N, H)"),
        dict(src="add", dst="y", forward="(N, H)", backward=r"$\partial L/\partial y$ (N, H)"),
    ]
    fig = draw_graph(nodes, edges, ax=ax, title=title, figsize=(11, 5.5))
    return _caption_ops(fig, ax, nodes, {"matmul": "MatMul", "repeat": "Repeat"},
                        {"matmul": "·", "repeat": "⇉"})


# The two-layer network of the study note with its loss, left to right.
NETWORK_LAYERS = ("Affine", "Sigmoid", "Affine", "Softmax", "Cross-Entropy")


def draw_network_graph(title: str = "the two-layer network and its loss", ax=None):
    """x → Affine → Sigmoid → Affine → Softmax → Cross-Entropy → L, with its parameters.

    Forward labels give the shape on each edge (batch N, input D, hidden H,
    classes C); backward labels name the gradient that flows back along it,
    starting from ∂L/∂L = 1 at the right.
    """
    step = 2.6
    names = ["affine1", "sigmoid", "affine2", "softmax", "loss"]
    nodes = {"x": (0.0, 0.0, "x", "var")}
    for k, name in enumerate(names):
        nodes[name] = ((k + 1) * step, 0.0, "", "op")
    nodes["L"] = (6 * step - 0.6, 0.0, "L", "var")
    nodes["W1"] = (step - 0.9, 1.9, "W₁", "var")
    nodes["b1"] = (step + 0.9, 1.9, "b₁", "var")
    nodes["W2"] = (3 * step - 0.9, 1.9, "W₂", "var")
    nodes["b2"] = (3 * step + 0.9, 1.9, "b₂", "var")
    nodes["t"] = (5 * step + 1.3, -1.6, "t", "var")
    grad = r"$\partial L/\partial %s$"
    edges = [
        dict(src="x", dst="affine1", forward="(N, D)", backward=grad % "x"),
        dict(src="affine1", dst="sigmoid", forward="(N, H)", backward=grad % "a"),
        dict(src="sigmoid", dst="affine2", forward="h (N, H)", backward=grad % "h"),
        dict(src="affine2", dst="softmax", forward="s (N, C)", backward=r"$(y - t)/N$"),
        dict(src="softmax", dst="loss", forward="y (N, C)"),
        dict(src="loss", dst="L", forward="L", backward="1"),
        dict(src="t", dst="loss"),
    ]
    for w, b, layer in (("W1", "b1", "affine1"), ("W2", "b2", "affine2")):
        edges.append(dict(src=w, dst=layer, backward=grad % ("W_" + w[1])))
        edges.append(dict(src=b, dst=layer, backward=grad % ("b_" + b[1])))
    fig = draw_graph(nodes, edges, ax=ax, title=title, figsize=(14, 4.6))
    axis = fig.axes[0] if ax is None else ax
    symbols = {"affine1": "A", "sigmoid": "σ", "affine2": "A", "softmax": "S", "loss": "CE"}
    for name, caption in zip(names, NETWORK_LAYERS):
        x, y, _, _ = nodes[name]
        axis.text(x, y, symbols[name], ha="center", va="center", fontsize=12, zorder=4)
        axis.text(x, y - NODE_RADIUS - 0.12, caption, ha="center", va="top", fontsize=10)
    axis.text(3.0 * step, -1.9, "Softmax and Cross-Entropy: one layer in the code\n"
              "(SoftmaxWithLoss), whose backward is (y − t)/N",
              ha="center", va="center", fontsize=9, color="0.35")
    return fig


def draw_shape_product(terms: list, result: tuple, title: str | None = None):
    """Boxes drawn to scale for ``result = A · B``: why a transpose is needed.

    ``terms`` is ``[(name, shape), (name, shape)]`` and ``result`` is
    ``(name, shape)``; each box is ``cols`` wide and ``rows`` high, so the
    inner sizes visibly line up.
    """
    items = [result, ("=", None), terms[0], ("·", None), terms[1]]
    widths = [1.0 if shape is None else shape[1] for _, shape in items]
    fig, ax = plt.subplots(figsize=(min(12, 1.0 + 0.55 * (sum(widths) + 4)), 2.8))
    x = 0.0
    tallest = max(shape[0] for _, shape in items if shape is not None)
    for (name, shape), color in zip(items, ["tab:orange", None, "tab:blue", None, "tab:green"]):
        if shape is None:
            ax.text(x + 0.5, tallest / 2, name, ha="center", va="center", fontsize=20)
            x += 1.0
            continue
        rows, cols = shape
        bottom = (tallest - rows) / 2
        ax.add_patch(plt.Rectangle((x, bottom), cols, rows, facecolor=color, alpha=0.35,
                                   edgecolor="black"))
        ax.text(x + cols / 2, bottom + rows / 2, f"{name}\n{shape}", ha="center",
                va="center", fontsize=11)
        x += cols + 0.4
    ax.set_xlim(-0.2, x + 0.2)
    ax.set_ylim(-0.3, tallest + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def draw_curves(x, curves: dict, title: str | None = None, xlabel: str = "x"):
    """Plot several curves against ``x``; ``curves`` maps a label to y-values."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for k, (label, y) in enumerate(curves.items()):
        ax.plot(x, y, label=label, lw=2, color=f"C{k}")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.grid(alpha=0.3)
    ax.set_xlabel(xlabel)
    ax.legend()
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def draw_bars(groups: dict, title: str | None = None, xlabel: str = "class"):
    """Grouped bars, one group per class; ``groups`` maps a label to a 1-D array."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    count = len(groups)
    width = 0.8 / count
    for k, (label, values) in enumerate(groups.items()):
        values = np.asarray(values, dtype=float)
        positions = np.arange(values.size) + (k - (count - 1) / 2) * width
        ax.bar(positions, values, width=width, label=label, color=f"C{k}")
    size = max(np.asarray(v).size for v in groups.values())
    ax.set_xticks(np.arange(size))
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def _paths_panel(ax, left: list, right: list, active: int, labels: list, title: str):
    """Entries ``left`` joined to entries ``right``; the edges of ``left[active]`` labelled."""
    ys_left = np.linspace(1.0, -1.0, len(left)) * 0.45 * (len(left) - 1)
    ys_right = np.linspace(1.0, -1.0, len(right)) * 0.45 * (len(right) - 1)
    for k, (name, y0) in enumerate(zip(left, ys_left)):
        color = FORWARD_COLOR if k == active else "0.55"
        ax.text(0.0, y0, name, ha="right", va="center", fontsize=13, color=color,
                fontweight="bold" if k == active else "normal")
        for j, y1 in enumerate(ys_right):
            if k == active:
                ax.annotate("", xy=(2.6, y1), xytext=(0.15, y0),
                            arrowprops=dict(arrowstyle="-|>", color=FORWARD_COLOR, lw=1.6))
                t = 0.62
                ax.text(0.15 + t * 2.45, y0 + t * (y1 - y0) + 0.08, labels[j], fontsize=11,
                        color=FORWARD_COLOR, ha="center", va="bottom",
                        bbox=dict(facecolor="white", edgecolor="none", pad=0.5))
            else:
                ax.plot([0.15, 2.6], [y0, y1], color="0.85", lw=1, zorder=0)
    for name, y1 in zip(right, ys_right):
        ax.text(2.7, y1, name, ha="left", va="center", fontsize=13)
    span = max(len(left), len(right)) * 0.5
    ax.set_xlim(-0.9, 3.6)
    ax.set_ylim(-span, span)
    ax.axis("off")
    ax.set_title(title, fontsize=11)


def draw_matmul_paths(N: int = 4, D: int = 2, H: int = 3):
    """Which outputs of ``y = x W`` one entry of x, and one entry of W, reaches.

    Left: the entries of one sample's row of x and of the same row of y; the
    paths from its first entry are drawn, each labelled with its local
    derivative ∂y/∂x. Right: the first entry of W and the outputs it reaches,
    one in every sample's row, each path labelled with its local derivative
    ∂y/∂W. No gradient is summed here: that is the exercise.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8))
    _paths_panel(left, [f"$x_{{n{i + 1}}}$" for i in range(D)],
                 [f"$y_{{n{j + 1}}}$" for j in range(H)], 0,
                 [f"$W_{{1{j + 1}}}$" for j in range(H)],
                 f"one sample n: $x_{{n1}}$ is used by the {H} outputs of its row")
    _paths_panel(right, ["$W_{11}$"], [f"$y_{{{n + 1}1}}$" for n in range(N)], 0,
                 [f"$x_{{{n + 1}1}}$" for n in range(N)],
                 f"$W_{{11}}$ is used by one output in each of the {N} rows")
    fig.suptitle("y = xW: each path is labelled with its local derivative", fontsize=12)
    fig.tight_layout()
    return fig


def draw_add_and_mul():
    """The Add and the Mul node side by side, with their forward values and backward rules."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.6))
    g = r"$\partial L/\partial z$"
    draw_node("+", ["x", "y"], ["z"], forward=["x", "y", "z = x + y"],
              backward=[g + r"$\cdot 1$", g + r"$\cdot 1$", g],
              title="Add: the gradient passes through unchanged", ax=left)
    draw_node("×", ["x", "y"], ["z"], forward=["x", "y", "z = x ⊙ y"],
              backward=[g + r"$\odot y$", g + r"$\odot x$", g],
              title="Mul: each input gets dout times the other input", ax=right)
    return fig


def draw_copy_and_sum_nodes():
    """Branch, Repeat and Sum: where a value is copied, gradients add; where rows add, it is copied."""
    fig, axes = plt.subplots(1, 3, figsize=(17, 3.4))
    draw_node("", ["x"], ["y₁", "y₂", "y₃"], forward=["x", "x", "x", "x"],
              backward=[r"$\sum_k \partial L/\partial y_k$", r"$\partial L/\partial y_1$",
                        r"$\partial L/\partial y_2$", r"$\partial L/\partial y_3$"],
              title="Branch: copies forward, gradients add backward", ax=axes[0])
    draw_node("⇉", ["x (1, D)"], ["y (N, D)"], forward=["(1, D)", "(N, D)"],
              backward=[r"$\sum_n \partial L/\partial y_n$", r"$\partial L/\partial y$"],
              title="Repeat: copy the row N times, sum the rows back", ax=axes[1])
    draw_node("Σ", ["x (N, D)"], ["y (1, D)"], forward=["(N, D)", "(1, D)"],
              backward=[r"$\partial L/\partial y$ ×N", r"$\partial L/\partial y$"],
              title="Sum: add the rows, copy the gradient back N times", ax=axes[2])
    return fig
