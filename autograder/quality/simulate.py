"""A simulated class: submissions of every kind a real class hands in."""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import catalogue
from .submissions import crashing_sources, fill, reference_sources


def partly_wrong_sources(name: str, source_nb) -> dict:
    """The reference solution with every other exercise replaced by a catalogued mistake."""
    sources = reference_sources(source_nb)
    wrong = {}
    for entry in catalogue.load(name):
        if entry.kind == "wrong":
            wrong.setdefault(entry.exercise, entry)
    for k, exercise in enumerate(sources):
        if k % 2 == 0 and exercise in wrong:
            sources[exercise] = wrong[exercise].source
    return sources


def small_class(name: str, source_nb, release_nb) -> dict:
    """Four students: correct, partly wrong, unfilled (the release as is), crashing."""
    return {
        "correct": fill(release_nb, reference_sources(source_nb)),
        "partly_wrong": fill(release_nb, partly_wrong_sources(name, source_nb)),
        "unfilled": nbformat.from_dict(release_nb),
        "crashing": fill(release_nb, crashing_sources(source_nb)),
    }


# --------------------------------------------------------------------------
# A synthetic class of N students for every assignment (``simulate``).
# --------------------------------------------------------------------------

#: The mix of a simulated class: kind -> share of the students.
MIX = {"correct": 0.5, "partly_wrong": 0.3, "unfilled": 0.1, "adversarial": 0.1}

#: Kinds who write their own code; in a class with copiers each writes in a style of their own.
WRITERS = ("correct", "partly_wrong")


def with_copiers(share: float, mix: dict | None = None) -> dict:
    """``mix`` (default :data:`MIX`) with ``share`` of the class turned from correct
    students into copiers. In such a class every correct or partly wrong student writes
    in a style of their own (:func:`autograder.quality.restyle.restyle`), and each copier
    hands in a classmate's solutions, disguised (:func:`~autograder.quality.restyle.disguise`)."""
    mix = dict(mix or MIX)
    mix["correct"] = mix.get("correct", 0.0) - share
    if mix["correct"] < 0:
        raise ValueError(f"copiers' share {share} is more than the correct students' share")
    mix["copier"] = mix.get("copier", 0.0) + share
    return mix

#: Ways to cheat the grader, one per adversarial submission. Each comes with a
#: wrong answer, so a grader that is fooled gives points that were not earned.
ADVERSARIAL = ("patches-numpy", "rebinds-checks", "edits-test-cell", "deletes-test-cell")

PATCH_NUMPY = """
# make every comparison succeed
np.allclose = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
"""

REBIND_CHECKS = """
# replace the course's checks by ones that always pass
import course.checks as _checks
_never_fail = lambda *args, **kwargs: None
for _name in ("check_close", "check_equal", "check_shape", "check_true", "check_raises",
              "check_scalar", "check_type", "check_dtype", "check_same_object"):
    setattr(_checks, _name, _never_fail)
    globals()[_name] = _never_fail
"""


@dataclass(frozen=True)
class Simulated:
    """One simulated submission and what it was built to be."""
    student: str
    assignment: str
    kind: str           # correct | partly_wrong | unfilled | adversarial | copier
    detail: str         # which mistakes, alternatives or trick
    notebook: object    # NotebookNode
    copied_from: str = ""   # a copier's classmate

    def text(self) -> str:
        return nbformat.writes(self.notebook)


def student_ids(n: int) -> list[str]:
    width = max(2, len(str(n)))
    return [f"s{k:0{width}d}" for k in range(1, n + 1)]


def class_mix(n: int, seed: int = 0, mix: dict | None = None) -> dict:
    """student id -> kind: the shares of ``mix`` (default :data:`MIX`; each kind at least
    once from 4 students), shuffled."""
    counts = {kind: round(share * n) for kind, share in (mix or MIX).items() if share > 0}
    if n >= 4:
        for kind in counts:
            counts[kind] = max(1, counts[kind])
    counts["correct"] = n - sum(v for k, v in counts.items() if k != "correct")
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    random.Random(f"mix:{seed}").shuffle(kinds)
    return dict(zip(student_ids(n), kinds))


def _mistakes(name: str, source_nb, rng: random.Random, count: int) -> tuple[dict, list[str]]:
    """The reference with ``count`` exercises replaced by catalogued mistakes.

    Exercises without a catalogue yet get a typo that raises instead.
    """
    sources = reference_sources(source_nb)
    wrong = {}
    for entry in catalogue.load(name):
        if entry.kind == "wrong" and entry.exercise in sources:
            wrong.setdefault(entry.exercise, []).append(entry)
    exercises = sorted(sources)
    chosen = rng.sample(exercises, min(count, len(exercises)))
    crashing = crashing_sources(source_nb)
    detail = []
    for exercise in sorted(chosen, key=list(sources).index):
        if wrong.get(exercise):
            entry = rng.choice(wrong[exercise])
            sources[exercise] = entry.source
            detail.append(f"{exercise}: {entry.kind}-{entry.slug}")
        else:
            sources[exercise] = crashing[exercise]
            detail.append(f"{exercise}: typo (NameError)")
    return sources, detail


def _alternatives(name: str, source_nb, rng: random.Random) -> tuple[dict, list[str]]:
    """The reference, some exercises written another correct way (from the catalogue)."""
    sources = reference_sources(source_nb)
    detail = []
    for entry_list in _by_exercise(name, "correct").values():
        if entry_list[0].exercise in sources and rng.random() < 0.5:
            entry = rng.choice(entry_list)
            sources[entry.exercise] = entry.source
            detail.append(f"{entry.exercise}: correct-{entry.slug}")
    return sources, detail


def _by_exercise(name: str, kind: str) -> dict:
    found = {}
    for entry in catalogue.load(name):
        if entry.kind == kind:
            found.setdefault(entry.exercise, []).append(entry)
    return found


def _test_cells(nb) -> list:
    return [cell for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade")
            and not cell.metadata.get("nbgrader", {}).get("solution")]


def adversarial(name: str, source_nb, release_nb, trick: str,
                rng: random.Random) -> tuple[object, str]:
    """A submission that tries to fool the grader with ``trick`` (see ``ADVERSARIAL``)."""
    sources, detail = _mistakes(name, source_nb, rng, 1)
    exercise = detail[0].split(":")[0]
    if trick == "patches-numpy":
        sources[exercise] += "\n" + PATCH_NUMPY
    elif trick == "rebinds-checks":
        sources[exercise] += "\n" + REBIND_CHECKS
    nb = fill(release_nb, sources)
    tests = [cell for cell in _test_cells(nb)
             if cell.metadata["nbgrader"]["grade_id"].startswith(f"test_{exercise}")]
    if trick == "edits-test-cell" and tests:
        tests[0].source = "# this test always passes now\npass"
    elif trick == "deletes-test-cell" and tests:
        nb.cells.remove(tests[0])
    return nb, f"{trick} around {detail[0]}"


def synthetic_class(name: str, source_nb, release_nb, n: int = 30,
                    seed: int = 0, mix: dict | None = None) -> list[Simulated]:
    """``n`` submissions of assignment ``name``, the same students and kinds for every assignment.

    Deterministic for ``(n, seed, mix)``: a student's kind comes from :func:`class_mix`,
    the mistakes, alternatives and tricks from a generator seeded with the
    seed, the student and the assignment. A ``mix`` with copiers (:func:`with_copiers`)
    gives every writer a style of their own and every copier a classmate to copy.
    """
    kinds = class_mix(n, seed, mix)
    copying = "copier" in kinds.values()
    out, tricks, written = [], 0, {}
    for student, kind in kinds.items():
        rng = random.Random(f"{seed}:{student}:{name}")
        if kind == "copier":
            out.append(None)    # once every writer has written
            continue
        if kind == "correct":
            sources, detail = _alternatives(name, source_nb, rng)
            if copying:
                sources = _own_style(sources, seed, student, name)
            nb = fill(release_nb, sources)
            detail = ", ".join(detail) or "reference solution"
        elif kind == "partly_wrong":
            sources, detail = _mistakes(name, source_nb, rng, rng.randint(1, 3))
            if copying:
                sources = _own_style(sources, seed, student, name)
            nb = fill(release_nb, sources)
            detail = ", ".join(detail)
        elif kind == "unfilled":
            nb, detail = nbformat.from_dict(copy.deepcopy(release_nb)), "the release as is"
        else:
            # The j-th cheat of the class tries the j-th trick (shifted per assignment).
            trick = ADVERSARIAL[(tricks + ASSIGNMENT_OFFSET.get(name, 0)) % len(ADVERSARIAL)]
            tricks += 1
            nb, detail = adversarial(name, source_nb, release_nb, trick, rng)
        if kind in WRITERS:
            written[student] = sources
        out.append(Simulated(student, name, kind, detail, nb))
    for k, (student, kind) in enumerate(kinds.items()):
        if kind == "copier":
            out[k] = copier(name, release_nb, student, written, seed)
    return out


def _own_style(sources: dict, seed: int, student: str, name: str) -> dict:
    """Each exercise rewritten in ``student``'s own style (same behaviour)."""
    from .restyle import restyle

    rng = random.Random(f"{seed}:{student}:{name}:style")
    return {exercise: restyle(text, rng) for exercise, text in sources.items()}


def copier(name: str, release_nb, student: str, written: dict, seed: int) -> Simulated:
    """A student who hands in a classmate's solutions (the same classmate in every
    assignment), disguised: renamed variables, new comments, independent lines
    reordered, a helper that does nothing."""
    from .restyle import disguise

    writers = sorted(written)
    if not writers:
        raise ValueError("a copier needs a classmate who writes: the mix has none")
    friend = random.Random(f"{seed}:{student}:copies").choice(writers)
    rng = random.Random(f"{seed}:{student}:{name}:disguise")
    sources = {exercise: disguise(text, rng) for exercise, text in written[friend].items()}
    return Simulated(student, name, "copier", f"copies {friend}, disguised",
                     fill(release_nb, sources), friend)


# Rotates the tricks across assignments, so every trick meets every notebook.
ASSIGNMENT_OFFSET = {"01_arrays": 0, "02_forward": 1, "03_loss": 2, "04_gradients": 3,
                     "05_backprop": 0, "06_training": 1}


def simulate(course_dir, n: int = 30, seed: int = 0, names: list[str] | None = None,
             generate: bool = True, mix: dict | None = None) -> list[Simulated]:
    """Write a synthetic class into ``course_dir/submitted/<student>/<assignment>/``.

    ``generate`` runs ``nbgrader generate_assignment`` first (which also
    registers the assignment in the gradebook); otherwise ``release/`` must exist.
    """
    from autograder.config import assignments
    from autograder.stock_nbgrader import generate_release, submit

    course_dir = Path(course_dir).resolve()
    written = []
    for name in names or assignments(course_dir):
        release = (generate_release(course_dir, name) if generate
                   else course_dir / "release" / name)
        release_nb = nbformat.read(release / f"{name}.ipynb", as_version=4)
        source_nb = nbformat.read(course_dir / "source" / name / f"{name}.ipynb", as_version=4)
        for sub in synthetic_class(name, source_nb, release_nb, n, seed, mix):
            submit(course_dir, sub.student, name, text=sub.text())
            written.append(sub)
    return written


#: What each kind of simulated student hands in, for the legend.
KIND_TEXT = {
    "correct": "the reference solution, some exercises written in a catalogued alternative style",
    "partly_wrong": "1-3 exercises per assignment replaced by catalogued mistakes "
                    "(or a typo that raises NameError)",
    "unfilled": "the released notebook handed in as it is",
    "adversarial": "one catalogued mistake plus a trick to fool the grader ("
                   + ", ".join(ADVERSARIAL) + ")",
    "copier": "a classmate's solutions, disguised (renamed variables, new comments, "
              "independent lines reordered, a helper that does nothing)",
}


def legend(written: list[Simulated], full: bool = False) -> str:
    """Which simulated student is which: students of each kind, and what the
    partly wrong and adversarial ones got wrong (``full``: every submission)."""
    kinds, detail = {}, {}
    for sub in written:
        kinds.setdefault(sub.kind, {}).setdefault(sub.student, None)
        detail.setdefault(sub.student, []).append(sub)
    lines = ["who is who in the simulated class:"]
    if "copier" in kinds:
        lines.append("  (a class with copiers: every correct or partly wrong student's code is "
                     "also rewritten in a style of their own, the same behaviour)")
    for kind in KIND_TEXT:
        if kind not in kinds:
            continue
        students = list(kinds[kind])
        lines.append(f"  {kind.replace('_', ' ')} ({len(students)}): {KIND_TEXT[kind]}")
        lines.append("    " + " ".join(students))
        if kind == "copier" and not full:
            lines.append("    " + ", ".join(f"{s} copies {detail[s][0].copied_from}"
                                          for s in students))
        elif full or kind in ("partly_wrong", "adversarial"):
            for student in students:
                if full:
                    lines.extend(f"    {student}  {s.assignment:<13} {s.detail}"
                                 for s in detail[student])
                else:
                    lines.append(f"    {student}: " + "; ".join(
                        f"{s.assignment[:2]} {_short(s)}" for s in detail[student]))
    return "\n".join(lines)


def _short(sub: Simulated) -> str:
    """The exercises a submission gets wrong (and its trick), without the catalogue slugs."""
    wrong = [part.split(":")[0].split()[-1] for part in sub.detail.split(", ")]
    if sub.kind == "adversarial":
        return f"{wrong[0]} ({sub.detail.split()[0]})"
    return ",".join(wrong)


def main(course_dir, n: int = 30, seed: int = 0, names: list[str] | None = None,
         copiers: float = 0.0) -> int:
    """The CLI: simulate, then print who is who."""
    written = simulate(course_dir, n, seed, names, mix=with_copiers(copiers) if copiers else None)
    print(f"{len(written)} submissions of {n} students in "
          f"{Path(course_dir).resolve() / 'submitted'}")
    print(legend(written, full=True))
    return 0
