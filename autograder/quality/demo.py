"""``make demo``: release, simulate a class, grade it, write feedback and a report.

The class is :func:`autograder.quality.simulate.simulate`'s synthetic one (30 students
by default: correct, partly wrong, unfilled and adversarial submissions of
every assignment) in a scratch course directory, ``scratch/demo/`` unless told
otherwise.

The demo empties its course directory before it starts, so it only ever
works in a folder it made itself: a new or empty folder gets a marker file
(:data:`MARKER`), and a folder that is not empty is used only when it holds
that marker. Nothing else is ever deleted.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from autograder.config import REPO, assignments
from autograder.stock_nbgrader import generate_releases, make_course, read_scores

DEFAULT_DIR = REPO / "scratch" / "demo"

#: A tenth of the demo's class copies a classmate, so the report's similarity section
#: has pairs to show (every other student then writes in a style of their own).
COPIERS = 0.1

#: Written into every course directory the demo makes; only such a folder is emptied.
MARKER = ".autograder-demo"
MARKER_TEXT = ("This folder is a scratch course made by `python -m autograder demo`.\n"
               "The next demo run in this folder deletes everything in it.\n")

# What each stage of a demo costs on an otherwise idle 2-core machine, measured with
# `make demo` (30 students). These only seed the first estimate: a busy machine is
# slower, and the demo corrects its estimate by the pace of the stages it has finished.
RELEASE_SECONDS_PER_ASSIGNMENT = 1.8    # nbgrader generate_assignment, one at a time
GRADE_START_SECONDS = 5.0               # workers, their kernel templates, the first kernels
GRADE_SECONDS_PER_NOTEBOOK = 1.7        # per worker
FEEDBACK_SECONDS_PER_ASSIGNMENT = 2.0   # one nbgrader process per assignment
FEEDBACK_SECONDS_PER_NOTEBOOK = 0.4
REPORT_SECONDS = 7.0


class DemoError(Exception):
    """The demo cannot run here; the message says why and what to do."""


def prepare_scratch(course_dir: Path) -> Path:
    """Make ``course_dir`` an empty scratch course folder, or refuse.

    A missing or empty folder is (created and) marked as the demo's own. A
    non-empty folder is emptied only when it carries the marker; anything else
    raises :class:`DemoError` and nothing is touched.
    """
    course_dir = Path(course_dir).expanduser().resolve()
    if course_dir.exists() and not course_dir.is_dir():
        raise DemoError(f"{course_dir} is a file, not a folder")
    if course_dir.is_dir() and any(course_dir.iterdir()):
        if not (course_dir / MARKER).is_file():
            raise DemoError(
                f"{course_dir} is not empty and is not a scratch course of the demo "
                f"(it has no {MARKER} file), so the demo will not delete what is in it. "
                "Choose a new or empty folder with --course-dir"
                + (", or run `make clean` to remove the old scratch/ folder"
                   if course_dir == DEFAULT_DIR else "") + ".")
        for child in course_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    course_dir.mkdir(parents=True, exist_ok=True)
    (course_dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return course_dir


def stage_seconds(students: int, n_assignments: int, workers: int) -> dict:
    """stage -> expected seconds on the machine the constants were measured on."""
    workers = max(1, workers)
    rounds = -(-n_assignments // min(workers, max(1, n_assignments)))   # feedback batches
    return {
        "release": RELEASE_SECONDS_PER_ASSIGNMENT * n_assignments,
        "grade": GRADE_START_SECONDS
        + students * n_assignments * GRADE_SECONDS_PER_NOTEBOOK / workers,
        "feedback": rounds * (FEEDBACK_SECONDS_PER_ASSIGNMENT
                              + students * FEEDBACK_SECONDS_PER_NOTEBOOK),
        "report": REPORT_SECONDS,
    }


def estimate_seconds(students: int, n_assignments: int, workers: int) -> float:
    """The demo's expected wall time on the machine the constants were measured on."""
    return sum(stage_seconds(students, n_assignments, workers).values())


class Clock:
    """Elapsed time, and what is left: the measured estimate of the stages to
    come, scaled by how fast the finished stages went against theirs."""

    def __init__(self, stages: dict):
        self.stages, self.start, self.done = stages, time.time(), []

    def elapsed(self) -> float:
        return time.time() - self.start

    def finished(self, stage: str) -> None:
        self.done.append(stage)

    def left(self) -> float:
        expected_done = sum(self.stages[s] for s in self.done)
        pace = self.elapsed() / expected_done if expected_done else 1.0
        return pace * sum(v for s, v in self.stages.items() if s not in self.done)


def minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def score_table(scores, kinds: dict | None = None) -> str:
    """Students down, assignments across, ``score/max`` in each cell.

    ``kinds`` (student -> what the simulation made them) adds a column.
    """
    names = sorted({s.assignment for s in scores}, key=assignments().index)
    students = sorted({s.student for s in scores})
    by_key = {(s.student, s.assignment): s for s in scores}
    width = max(len(s) for s in students + ["student"])
    kind_width = max([len(k) for k in (kinds or {}).values()] + [len("simulated")])
    kind_head = f"{'simulated':<{kind_width}}  " if kinds else ""
    head = (f"{'student':<{width}}  {kind_head}" + "  ".join(f"{n:>12}" for n in names)
            + f"  {'total':>9}")
    lines = [head, "-" * len(head)]
    for student in students:
        row, got, most = [], 0.0, 0.0
        for name in names:
            s = by_key.get((student, name))
            row.append(f"{s.score:g}/{s.max_score:g}" if s else "—")
            if s:
                got, most = got + s.score, most + s.max_score
        kind = f"{kinds.get(student, '?'):<{kind_width}}  " if kinds else ""
        lines.append(f"{student:<{width}}  {kind}" + "  ".join(f"{c:>12}" for c in row)
                     + f"  {100 * got / most if most else 0:8.1f}%")
    return "\n".join(lines)


def grade_course(course_dir: Path, names: list[str], workers: int | None = None,
                 timeout: float = 300.0, memory_mb: int = 2048, sandbox: bool = True) -> str:
    """Grade ``submitted/`` of ``names`` (in the sandbox unless told); returns the summary."""
    from autograder.grading.grade import grade

    result = grade(Path(course_dir), names, workers, timeout, memory_mb, progress=True,
                   sandbox=sandbox)
    return result.summary()


#: What to run where the demo finds no sandbox; `make demo` installs bubblewrap itself
#: where it may (as root, or through sudo without a password).
NO_SANDBOX_HELP = (
    "Install bubblewrap and run the demo again: `sudo apt-get install bubblewrap` (Debian, "
    "Ubuntu; Fedora: `sudo dnf install bubblewrap`); in a container, bubblewrap also needs "
    "user namespaces or root. Or grade the simulated class without isolation, which is safe "
    "for this class of the course's own making but never for real submissions: "
    "`make demo UNSANDBOXED=1`, or `python -m autograder demo --unsandboxed`.")


def require_sandbox() -> None:
    """The demo grades as a real class is graded, in the sandbox: say so before
    anything is graded when this machine has none."""
    from autograder.grading import sandbox

    status = sandbox.status()
    if not status["ok"]:
        raise DemoError(f"no sandbox for the grading kernels: {status['reason']}. "
                        + NO_SANDBOX_HELP)


def write_feedback(course_dir: Path, names: list[str], workers: int, say) -> tuple[int, int]:
    """Feedback of every assignment (one nbgrader process per assignment, as many
    at a time as workers), with a progress bar that moves as each page is written."""
    from autograder.reporting.feedback import generate_feedback, tqdm_progress

    update, bar = tqdm_progress()
    try:
        results = generate_feedback(course_dir, names, workers=workers, progress=update)
    finally:
        bar.close()
    written = failed = 0
    for name in names:
        result = results[name]
        written += len(result["written"])
        failed += len(result["failed"])
        if result["failed"]:
            say(f"   feedback {name}: {len(result['failed'])} could not be written")
    return written, failed


def run_demo(course_dir: str | Path | None = None, students: int = 30, seed: int = 0,
             workers: int | None = None, sandbox: bool = True) -> str:
    """The demo; ``course_dir`` (default ``scratch/demo`` of the repository) is
    resolved against the current directory. Raises :class:`DemoError` before
    touching anything when that folder is not the demo's to empty. ``sandbox=False``
    grades without bubblewrap (``--unsandboxed``)."""
    from autograder.reporting.export import write_exports
    from autograder.reporting.report import write_report
    from .simulate import class_mix, legend, simulate, with_copiers

    course_dir = prepare_scratch(DEFAULT_DIR if course_dir is None else Path(course_dir))
    if sandbox:
        require_sandbox()
    else:
        print("demo: grading without the sandbox (--unsandboxed): fine for this simulated "
              "class, never for real submissions", flush=True)
    workers = workers or os.cpu_count() or 1
    names = assignments()
    notebooks = students * len(names)
    clock = Clock(stage_seconds(students, len(names), workers))

    def say(text):
        print(f"{text}  [{clock.elapsed():.0f} s]", flush=True)

    def stage(done: str, text: str):
        clock.finished(done)
        say(f"{text} (about {minutes(clock.left())} to go)")

    print(f"demo: {students} simulated students × {len(names)} assignments = {notebooks} "
          f"notebooks in {_show(course_dir)}, {workers} worker(s). Expect about "
          f"{minutes(estimate_seconds(students, len(names), workers))} on an idle 2-core "
          "machine (longer on a busy one); the estimate is corrected after each stage.",
          flush=True)
    say(f"1/5 release: the student versions of {len(names)} assignments into release/ ...")
    course = make_course(course_dir, names)
    # What `python -m autograder release` does, in the demo course (whose
    # gradebook needs the assignments anyway), then copied to release/.
    for name, made in zip(names, generate_releases(course, names)):
        target = REPO / "release" / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(made, target)
    say(f"2/5 simulate: {students} students in {_show(course_dir)}/submitted ...")
    mix = with_copiers(COPIERS)
    written = simulate(course, students, seed, names, generate=False, mix=mix)
    print(legend(written))
    (course / "simulated-class.txt").write_text(legend(written, full=True) + "\n",
                                                encoding="utf-8")
    print(f"   every submission's mistakes, alternatives and tricks: "
          f"{_show(course / 'simulated-class.txt')}")
    stage("release", f"3/5 grade: {notebooks} submissions")
    summary = grade_course(course, names, workers, sandbox=sandbox)
    print("   " + summary.replace("\n", "\n   "))
    stage("grade", f"4/5 feedback: {notebooks} HTML files, hidden tests not shown")
    done, failed = write_feedback(course, names, workers, say)
    say(f"   {done} feedback files in {_show(course / 'feedback')}"
        + (f", {failed} could not be written" if failed else ""))
    stage("feedback", "5/5 report: grades.csv, report.html and the LMS exports")
    report = write_report(course)
    exports = write_exports(course)["written"]
    kinds = {s: k.replace("_", " ") for s, k in class_mix(students, seed, mix).items()}
    table = score_table(read_scores(course), kinds)
    print(f"\n{table}\n")
    print(f"gradebook: {course / 'gradebook.db'}")
    print(f"grades:    {report['csv']}")
    print(f"report:    {report['html']}")
    listed = sum(len(r.flagged) for r in report["similarity"])
    print(f"similar:   {listed} pairs of solutions to look at (report.html, 'Similar solutions')")
    for kind, path in exports.items():
        print(f"export:    {path} ({kind})")
    print(f"({minutes(clock.elapsed())})")
    return table


def _show(path: Path) -> str:
    try:
        return str(Path(path).relative_to(REPO))
    except ValueError:
        return str(path)
