"""Regenerate ``release/`` (the student versions) from ``source/``, in a safe order.

Later notebooks hand out, read-only, working code of earlier exercises so
that students can build on them: ``06_training`` gives every layer of
``05_backprop``. Releasing such a notebook before the earlier assignment is due
would hand out its answers. :data:`GIVES_AWAY` records which assignment gives
away which earlier answers, and :func:`release` refuses to release one while
an assignment it gives away is not yet due by the gradebook's due dates
(nbgrader's ``Assignment.duedate``); where no due date is set it warns.
``allow_early`` overrides the refusal. A due date that ``python -m autograder due``
did not set (:mod:`.due_dates`: nbgrader reads ``+0900`` as 900 seconds) cannot be
trusted to order anything: release refuses it too, saying how to set it.
"""
from __future__ import annotations

import ast
import datetime
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.config import REPO, assignments
from autograder.stock_nbgrader import generate_releases, make_course

#: assignment -> {earlier assignment: exercises whose working code its released
#: notebook shows}. Read off the released notebooks' given cells and worked
#: examples; tests/test_release_order.py checks that every given cell defining
#: an earlier exercise is listed here.
GIVES_AWAY = {
    # Worked examples compute the sigmoid as 1 / (1 + np.exp(-x)).
    "04_gradients": {"02_forward": ["sigmoid"]},
    # The given cell `loss_functions` defines softmax and cross_entropy_error.
    "05_backprop": {"03_loss": ["softmax", "cross_entropy_error"]},
    # The given cell `layers` defines every layer of 05, forward and backward.
    "06_training": {"02_forward": ["sigmoid", "Sigmoid", "Affine"],
                    "03_loss": ["softmax", "cross_entropy_error", "SoftmaxWithLoss"],
                    "04_gradients": ["sigmoid_grad"],
                    "05_backprop": ["Sigmoid", "Affine", "SoftmaxWithLoss"]},
    # The given cell `layers` defines 05's Sigmoid, Affine and SoftmaxWithLoss, forward and
    # backward; worked examples compute the sigmoid, its derivative and a softmax.
    "07_autograd": {"02_forward": ["sigmoid", "Sigmoid", "Affine"],
                    "03_loss": ["softmax", "cross_entropy_error", "SoftmaxWithLoss"],
                    "04_gradients": ["sigmoid_grad"],
                    "05_backprop": ["Sigmoid", "Affine", "SoftmaxWithLoss"]},
}


class ReleaseError(Exception):
    """Nothing was released; the message says why."""


class ReleaseTooEarly(ReleaseError):
    """Releasing would hand out answers of an assignment that is not due yet."""


def given_definitions(nb) -> set:
    """Names a notebook's given (read-only, ungraded) code cells define at top level."""
    names = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("locked") or meta.get("grade") \
                or meta.get("solution"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        names |= {node.name for node in tree.body
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    return names


def due_dates(course_dir: Path) -> dict:
    """assignment -> due date (naive UTC, as nbgrader stores it) or None, from the gradebook.

    Reads the course's gradebook (``CourseDirectory.db_url``) without creating
    one: a course without a gradebook has no due dates.
    """
    from .due_dates import stored

    return {name: entry.duedate for name, entry in stored(course_dir).items()}


def release_problems(names: list[str], dates: dict, now: datetime.datetime | None = None,
                     zone: str | None = None) -> tuple[list[str], list[str]]:
    """(refusals, warnings) for releasing ``names`` given the gradebook's ``dates``
    (shown in UTC and in the course's ``zone``)."""
    from .due_dates import describe, shlex_command

    now = now or datetime.datetime.now(datetime.timezone.utc)
    if now.tzinfo is not None:          # the gradebook's dates are naive UTC
        now = now.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    refusals, warnings = [], []
    for name in names:
        undated, early = [], []
        for earlier, exercises in GIVES_AWAY.get(name, {}).items():
            due = dates.get(earlier)
            what = f"{earlier} ({', '.join(exercises)})"
            if due is None:
                undated.append(what)
            elif due > now:
                early.append(f"{what}, due {describe(due, zone)}")
        if early:
            refusals.append(f"{name} shows working code of {'; '.join(early)}")
        if undated:
            warnings.append(f"{name} shows working code of {'; '.join(undated)}, with no due "
                            f"date in the gradebook: hand {name} out only after "
                            + ("it is" if len(undated) == 1 else "they are") + " due (set "
                            + ("it" if len(undated) == 1 else "each") + " with `"
                            + shlex_command("due", "ASSIGNMENT", "WHEN") + "`)")
    return refusals, warnings


def check_release_order(names: list[str], course_dir: Path, allow_early: bool = False,
                        what: str = "releasing") -> None:
    """Refuse (:class:`ReleaseTooEarly`) or warn (on stderr) as :data:`GIVES_AWAY` says,
    and refuse due dates that ``due`` did not set (:mod:`.due_dates`)."""
    from .due_dates import unconfirmed

    involved = set(names) | {e for n in names for e in GIVES_AWAY.get(n, {})}
    doubtful = unconfirmed(course_dir, involved)
    if doubtful and not allow_early:
        raise ReleaseError(f"not {what}: " + "; ".join(doubtful)
                           + ". (--allow-early releases anyway.)")
    from .due_dates import course_zone

    refusals, warnings = release_problems(names, due_dates(course_dir),
                                          zone=course_zone(course_dir))
    warnings += [f"{what} early (--allow-early) on a due date not confirmed: {d}"
                 for d in doubtful]
    if refusals and not allow_early:
        raise ReleaseTooEarly(
            f"not {what}: " + "; ".join(refusals)
            + ". Wait until then, or pass --allow-early to release anyway.")
    for text in warnings + [f"{what} early (--allow-early): {r}" for r in refusals]:
        print(f"warning: {text}", file=sys.stderr)


def build_release(names: list[str] | None, out_root: Path,
                  source_root: Path = REPO) -> list[Path]:
    """Generate the student version of each assignment into ``out_root/NAME``.

    nbgrader runs in a throw-away course directory, so the repository gets no
    gradebook and ``release/`` holds exactly what nbgrader made. No order
    check: this builds, it does not hand out.
    """
    names = names or assignments(source_root)
    written = []
    with tempfile.TemporaryDirectory(prefix="nn-release-") as tmp:
        course = make_course(Path(tmp), names, source_root)
        for name, made in zip(names, generate_releases(course, names)):
            target = Path(out_root) / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(made, target)
            written.append(target)
    return written


def release(names: list[str] | None = None, course_dir: Path = REPO,
            allow_early: bool = False) -> list[Path]:
    """Regenerate ``release/NAME`` of ``course_dir`` (default: the repository),
    after :func:`check_release_order`."""
    course_dir = Path(course_dir).resolve()
    present = assignments(course_dir)
    names = names or present
    unknown = [n for n in names if n not in present]
    if unknown:
        raise ReleaseError(f"no assignment {', '.join(unknown)} in {course_dir / 'source'} "
                           f"(it has {', '.join(present) or 'none'})")
    check_release_order(names, course_dir, allow_early)
    return build_release(names, course_dir / "release", course_dir)
