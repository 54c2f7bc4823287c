"""Into the real gradebook and ``autograded/``: one worker answer at a time, by the instructor's
process alone.

:func:`validate` checks a worker's answer field by field before anything of
it is used; :func:`merge` then writes it through nbgrader's ``Gradebook`` API
exactly as ``SaveAutoGrades`` would (auto scores, needs-manual-grade, "No
response." comments, late penalties, timestamp) and writes the autograded
notebooks, beside the course's own non-notebook source files, ``timestamp.txt``
and ``submission_secret.txt``, as stock ``autograde`` leaves them. A failed submission
gets auto score 0 and needs-manual-grade on every cell.
"""
from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from autograder.notebooks.sanitize import sanitized_text

NUMBER = (int, float)


class BadAnswer(ValueError):
    """A worker's answer that does not have the expected shape."""


def _expect(value, kind, what: str):
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise BadAnswer(f"{what} has the wrong type")
    return value


def validate(answer: dict, notebooks: list[str]) -> dict:
    """The answer's fields that matter, checked; raises BadAnswer."""
    if not answer.get("autograded") or not answer.get("gradebook"):
        return answer
    _expect(answer["autograded"], dict, "autograded")
    for name, text in answer["autograded"].items():
        if name not in notebooks:
            raise BadAnswer(f"autograded notebook {name!r} is not one of the assignment's")
        _expect(text, str, f"autograded {name}")
    data = _expect(answer["gradebook"], dict, "gradebook")
    if data.get("timestamp") is not None:
        datetime.datetime.fromisoformat(_expect(data["timestamp"], str, "timestamp"))
    for nb_name, nb_data in _expect(data.get("notebooks"), dict, "notebooks").items():
        _expect(nb_data, dict, nb_name)
        for name, g in _expect(nb_data.get("grades"), dict, "grades").items():
            _expect(g, dict, name)
            if g.get("auto_score") is not None:
                _expect(g["auto_score"], NUMBER, f"{name} auto_score")
        for name, text in _expect(nb_data.get("comments"), dict, "comments").items():
            if text is not None:
                _expect(text, str, f"{name} comment")
        if nb_data.get("late_submission_penalty") is not None:
            _expect(nb_data["late_submission_penalty"], NUMBER, "late penalty")
    for key in ("events", "errors"):
        _expect(answer.get(key, []), list, key)
    for key in ("seconds", "execute_seconds", "cell_seconds", "test_seconds",
                "judge_wait_seconds", "judge_messages"):
        _expect(answer.get(key, 0), NUMBER, key)
    return answer


def merge(gb, course, task, answer: dict, outcome) -> None:
    """Write one worker's result into the real gradebook and autograded/."""
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's update_or_create_submission triggers these in stock autograde too.
        warnings.simplefilter("ignore", SAWarning)
        _merge_into(gb, course, task, answer, outcome)


def _merge_into(gb, course, task, answer: dict, outcome) -> None:
    dest = course.path("autograded", task.student, task.assignment)
    data = answer.get("gradebook")
    kwargs = {}
    if data and data.get("timestamp"):
        kwargs["timestamp"] = datetime.datetime.fromisoformat(data["timestamp"])
    gb.update_or_create_student(task.student)
    gb.update_or_create_submission(task.assignment, task.student, **kwargs)
    sub = gb.find_submission(task.assignment, task.student)
    if outcome.status == "graded":
        for nb_name, nb_data in data["notebooks"].items():
            snb = gb.find_submission_notebook(nb_name, task.assignment, task.student)
            grades = {g.name: g for g in snb.grades}
            for name, g in nb_data["grades"].items():
                grade = grades[name]
                grade.auto_score = g["auto_score"]
                # As SaveAutoGrades: a manual score already given needs review.
                grade.needs_manual_grade = bool(g["needs_manual_grade"]) or (
                    grade.manual_score is not None and g["auto_score"] is not None)
            comments = {c.name: c for c in snb.comments}
            for name, text in nb_data["comments"].items():
                comments[name].auto_comment = text
            snb.late_submission_penalty = nb_data["late_submission_penalty"]
        gb.db.commit()
        _write_autograded(course, task, answer["autograded"], dest)
    else:
        for snb in sub.notebooks:
            for grade in snb.grades:
                grade.auto_score = 0.0
                grade.needs_manual_grade = True
        gb.db.commit()
        if dest.exists():
            shutil.rmtree(dest)
    sub = gb.find_submission(task.assignment, task.student)
    outcome.score, outcome.max_score = float(sub.score), float(sub.max_score)
    outcome.cells = {g.name: (float(g.score), float(g.max_score))
                     for snb in sub.notebooks for g in snb.grades}


def _write_autograded(course, task, notebooks: dict, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    source = course.path("source", assignment=task.assignment)
    if source.is_dir():
        shutil.copytree(source, dest, symlinks=False, ignore=shutil.ignore_patterns(
            "*.ipynb", ".ipynb_checkpoints", "__pycache__"))
    dest.mkdir(parents=True, exist_ok=True)
    for name, text in notebooks.items():
        # A notebook, or BadAnswer's cousin ValueError. formgrader renders it in the
        # instructor's browser: nothing active from the student's markdown or outputs
        # may reach it.
        (dest / Path(name).name).write_text(sanitized_text(text), encoding="utf-8")
    if task.timestamp:
        (dest / "timestamp.txt").write_text(task.timestamp, encoding="utf-8")
    if task.secret:
        # Byte for byte (no newline translation): nbgrader hashes it to file the feedback.
        with open(dest / "submission_secret.txt", "w", encoding="utf-8", newline="") as out:
            out.write(task.secret)


def failure_reason(answer: dict) -> str:
    if answer.get("fatal"):
        return str(answer["fatal"])[:500]
    # The exception nbgrader logged (last line of its traceback), else its own error.
    errors = [e for e in answer.get("errors", []) if isinstance(e, str)]
    texts = [e for e in errors if "Traceback" in e]
    texts += [answer.get("error") if isinstance(answer.get("error"), str) else ""]
    texts += [e for e in errors if "Traceback" not in e
              and not e.startswith(("There was an error", "Please see"))]
    for text in texts:
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        if lines:
            return f"nbgrader could not grade it: {lines[-1][:300]}"
    return "nbgrader could not grade it (no autograded notebook)"
