"""The report's charts, drawn with matplotlib and inlined as SVG."""
from __future__ import annotations

import io

from .gradebook import Course


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9})
    return plt


def score_distribution_chart(course: Course) -> str:
    """One histogram of percentage scores per assignment, inline SVG."""
    plt = _pyplot()
    names = course.assignments or ["(none)"]
    cols = min(3, len(names))
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False,
                             sharey=True)
    bins = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001]
    for ax, name in zip(axes.flat, names):
        pct = [100 * s.score / s.max_score for (st, a), s in course.submissions.items()
               if a == name and s.max_score]
        failed = sum(1 for (st, a), s in course.submissions.items()
                     if a == name and s.status == "failed")
        ax.hist(pct, bins=bins, color="#4c72b0", edgecolor="white")
        mean = sum(pct) / len(pct) if pct else 0
        ax.axvline(mean, color="#c44e52", linestyle="--", linewidth=1)
        ax.set_title(f"{name}  (n={len(pct)}, mean {mean:.0f} %"
                     + (f", {failed} failed" if failed else "") + ")", fontsize=9)
        ax.set_xlim(0, 100)
        ax.set_xlabel("score (%)")
    for ax in axes[:, 0]:
        ax.set_ylabel("submissions")
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.tight_layout()
    return _svg(fig)


def pass_rate_chart(rates: list[dict]) -> str:
    """Horizontal bars: the share of submissions passing each exercise, worst on top."""
    plt = _pyplot()
    rows = [r for r in rates if r["graded"]] or [{"assignment": "", "exercise": "(none)",
                                                   "rate": 0.0, "passed": 0, "graded": 0}]
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(rows) + 1.0))
    labels = [f"{r['assignment']} · {r['exercise']}" for r in rows]
    values = [100 * r["rate"] for r in rows]
    colours = ["#c44e52" if v < 50 else "#dd8452" if v < 80 else "#55a868" for v in values]
    ax.barh(range(len(rows)), values, color=colours)
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions passing every test of the exercise (%)")
    for k, r in enumerate(rows):
        ax.text(min(values[k] + 1, 88), k, f"{r['passed']}/{r['graded']}", va="center",
                fontsize=8)
    fig.tight_layout()
    return _svg(fig)


# ---------------------------------------------------------------- HTML
