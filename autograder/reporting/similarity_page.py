"""The similarity page: pairs to look at, side by side, and why each is listed.

:func:`view` turns :class:`.similarity.Result` s into what the templates show;
``templates/similarity_section.html.j2`` is the section (``report.html`` includes it),
``templates/similarity.html.j2`` the page of its own that ``similarity`` writes. Both are
for the instructor: nothing here reaches feedback, exports or anything a student sees.
"""
from __future__ import annotations

import datetime
from pathlib import Path

from .similarity import FULL, K, THRESHOLD, Result, shared_lines

#: Pairs shown per assignment: every pair at or above the threshold, up to this many.
SHOWN = 15

INTRO = ("Pairs of submissions whose solutions share code that is unusual in this class: "
         "not the book's (the instructor's solution, the catalogue's correct versions), not "
         "what many students wrote, after names, comments, layout, messages and the order "
         "of independent lines are set aside. A high score is a reason to look, not a "
         "finding: students who worked together where that was allowed, used the same "
         "tutor or web page, or followed the same hint share code too, and a student who "
         "rewrote a classmate's solution from understanding shares little. For the "
         "instructor only: nothing of this goes into feedback, grades or exports.")


def _why_exercise(match, names: tuple) -> str:
    rarer = names[0] if match.own[0] <= match.own[1] else names[1]
    parts = [f"they share {match.shared:.1f} k-grams' worth of code that is neither the "
             f"book's, the catalogue's, nor common in the class",
             f"that is {100 * match.cover:.0f} % of such code in {rarer}'s solution "
             "(the one with less of it)"]
    if match.only_them:
        parts.append(f"{match.only_them} of those k-grams no other submission has")
    return "; ".join(parts)


def _why_pair(pair, total_exercises: int) -> str:
    whole = [m.exercise for m in pair.matches if m.score >= 0.8]
    text = (f"unusual code in common in {len(pair.matches)} of {total_exercises} exercises"
            + (f", nearly all of it in {', '.join(whole)}" if whole else ""))
    only = sum(m.only_them for m in pair.matches)
    if only:
        text += f"; {only} shared k-grams no other submission has"
    if pair.earlier:
        text += "; the second is an earlier term's submission"
    return text


def _lines(source: str, marks: dict, given: frozenset) -> list:
    rows = []
    for number, text in enumerate(source.splitlines(), start=1):
        kind = marks.get(number, "")
        if not kind and text.strip() and text.strip() in given:
            kind = "given"
        rows.append({"number": number, "text": text, "kind": kind})
    return rows


def _pair_view(result: Result, pair) -> dict:
    exercises = []
    for match in pair.matches:
        ex = result.exercises[match.exercise]
        marks_a, marks_b = shared_lines(ex, pair.a, pair.b)
        exercises.append({
            "name": match.exercise, "score": match.score, "why": _why_exercise(
                match, (pair.a, pair.b)),
            "a": _lines(ex.docs[pair.a].source, marks_a, ex.given_lines),
            "b": _lines(ex.docs[pair.b].source, marks_b, ex.given_lines)})
    return {"a": pair.a, "b": pair.b, "earlier": pair.earlier, "score": pair.score,
            "why": _why_pair(pair, len(result.exercises)), "exercises": exercises}


def view(results: list, shown: int = SHOWN) -> dict:
    """What the similarity templates show, for every assignment compared."""
    assignments = []
    for result in results:
        flagged = result.flagged
        below = [p for p in result.pairs if p.score < result.threshold]
        assignments.append({
            "name": result.assignment, "students": result.students,
            "earlier": result.earlier, "unreadable": result.unreadable,
            "scored": len(result.pairs), "flagged": len(flagged),
            "pairs": [_pair_view(result, p) for p in flagged[:shown]],
            "more": max(0, len(flagged) - shown),
            "best_below": below[0].score if below else None,
            "threshold": result.threshold,
            "exercises": list(result.exercises)})
    return {"intro": INTRO, "k": K, "full": FULL, "threshold": THRESHOLD,
            "assignments": assignments,
            "any": any(a["students"] for a in assignments)}


def _environment():
    from .report import _environment as report_environment
    return report_environment()


def render_section(results: list) -> str:
    """The section of ``report.html``."""
    return _environment().get_template("similarity_section.html.j2").render(sim=view(results))


def write_page(results: list, path: Path, course_name: str = "") -> Path:
    """``similarity.html``: the section as a page of its own."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    generated = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    html = _environment().get_template("similarity.html.j2").render(
        sim=view(results), title=f"Similar solutions — {course_name}".rstrip(" —"),
        generated=generated)
    path.write_text(html, encoding="utf-8")
    return path
