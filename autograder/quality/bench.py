"""``make bench``: stock sequential ``nbgrader autograde`` against ``autograder grade``.

One simulated class (at least 40 notebooks over every assignment in source/) is
copied into two course directories. The first is graded the way nbgrader's
documentation says, ``nbgrader autograde ASSIGNMENT`` once per assignment; the
second with :func:`autograder.grading.grade.grade` (each kernel in its sandbox), a
third copy with ``grade`` unsandboxed, to price the sandbox. The scores of
every test cell must be identical in all three. Prints both wall times, the ratio, and where a notebook's time
goes inside ``grade`` (running its cells, starting its kernel, nbgrader's own
work, the parent's merge), so the overhead beyond executing the notebook
itself is visible. No timed assertion: the figures depend on the machine.
"""
from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import catalogue
from autograder.config import assignments
from autograder.stock_nbgrader import autograde, generate_release, make_course, read_scores, submit
from .simulate import small_class
from .submissions import fill, reference_sources


def simulated_class(course: Path, names: list[str], notebooks: int) -> int:
    """Submissions of ``ceil(notebooks / len(names))`` students for every assignment."""
    per = max(4, math.ceil(notebooks / len(names)))
    count = 0
    for name in names:
        release_nb = nbformat.read(generate_release(course, name) / f"{name}.ipynb", as_version=4)
        source_nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        reference = reference_sources(source_nb)
        variants = list(small_class(name, source_nb, release_nb).values())
        variants += [fill(release_nb, {**reference, e.exercise: e.source})
                     for e in catalogue.load(name)]
        for k in range(per):
            submit(course, f"student{k + 1:02d}", name, text=nbformat.writes(variants[k % len(variants)]))
            count += 1
    return count


def run(notebooks: int = 40, workers: int | None = None, profile: bool = False) -> int:
    from autograder.grading.grade import grade

    names = assignments()
    with tempfile.TemporaryDirectory(prefix="nn-bench-") as tmp:
        stock = make_course(Path(tmp) / "stock", names)
        total = simulated_class(stock, names, notebooks)
        ours = Path(tmp) / "ours"
        shutil.copytree(stock, ours)
        bare = Path(tmp) / "bare"
        shutil.copytree(stock, bare)
        print(f"bench: {total} notebooks ({len(names)} assignments), "
              f"{workers or 'all'} worker(s) for grade")

        start = time.monotonic()
        for name in names:
            autograde(stock, name)
        stock_wall = time.monotonic() - start
        print(f"{'stock nbgrader autograde (sequential):':38}{stock_wall:7.1f} s  "
              f"{stock_wall / total:5.2f} s/notebook")

        result = grade(ours, None, workers, progress=False)
        ours_wall = result.seconds
        print(f"{f'autograder grade ({result.workers} workers, sandboxed):':38}{ours_wall:7.1f} s  "
              f"{ours_wall / total:5.2f} s/notebook  ({len(result.failed)} failed)")

        unsandboxed = grade(bare, None, workers, progress=False, sandbox=False)
        print(f"{'autograder grade --unsandboxed:':38}{unsandboxed.seconds:7.1f} s  "
              f"{unsandboxed.seconds / total:5.2f} s/notebook")

        theirs = {(s.student, s.assignment): (s.score, s.cells) for s in read_scores(stock)}
        mine = {(s.student, s.assignment): (s.score, s.cells) for s in read_scores(ours)}
        plain = {(s.student, s.assignment): (s.score, s.cells) for s in read_scores(bare)}
        same = theirs == mine == plain and len(mine) == total
        differ = sorted(k for k in set(theirs) | set(mine) if theirs.get(k) != mine.get(k))
        print(f"scores identical: {'yes' if same else 'NO'} ({len(mine)} submissions, "
              f"{sum(len(v[1]) for v in mine.values())} test cells)"
              + (f"; differ: {differ[:5]}" if differ else ""))
        print(f"speed-up: {stock_wall / ours_wall:.2f}x")

        graded = result.graded
        n = max(1, len(graded))
        cells = sum(o.cell_seconds for o in graded) / n
        execute = sum(o.execute_seconds for o in graded) / n
        worker = sum(o.seconds for o in graded) / n
        busy = result.workers * ours_wall / total
        print("per notebook inside grade (mean over graded notebooks, running "
              f"{result.workers} at a time):")
        print(f"  executing its cells          {cells:5.2f} s")
        print(f"  starting/stopping its kernel {execute - cells:5.2f} s")
        print(f"  nbgrader sanitise + save     {worker - execute:5.2f} s")
        print(f"  parent (checks, merge, idle) {busy - worker:5.2f} s")
        print(f"  overhead beyond executing    {busy - cells:5.2f} s "
              f"of {busy:.2f} worker-seconds per notebook")
        bare_n = max(1, len(unsandboxed.graded))
        start_sandboxed = sum(o.execute_seconds - o.cell_seconds for o in graded) / n
        start_bare = sum(o.execute_seconds - o.cell_seconds
                         for o in unsandboxed.graded) / bare_n
        cost = (ours_wall - unsandboxed.seconds) / total
        print(f"sandbox cost per notebook: {cost:+.2f} s wall "
              f"({100 * cost / max(1e-9, unsandboxed.seconds / total):+.0f} % of an unsandboxed "
              f"notebook); kernel start/stop {start_sandboxed:.2f} s sandboxed vs "
              f"{start_bare:.2f} s bare")
        tests = sum(o.test_seconds for o in graded) / n
        waited = sum(o.judge_wait_seconds for o in graded) / n
        messages = sum(o.judge_messages for o in graded) / n
        print(f"the judge, per notebook: its test cells {tests:.2f} s (of the {cells:.2f} s of "
              f"cells), {messages:.0f} messages to the student's kernel "
              f"({1e6 * tests / max(1, messages):.0f} us of test time per message), "
              f"waiting for it to start {waited:.3f} s")
        share = 100 * (busy - cells) / max(1e-9, busy)
        print(f"targets: speed-up {stock_wall / ours_wall:.2f}x (>= 3x with the judge), overhead "
              f"{share:.0f} % of a notebook's worker time (<= 25 %)")
        if profile:
            again = Path(tmp) / "profiled"
            shutil.copytree(stock, again)
            print_profile(again, workers)
        return 0 if same else 1


# Calls that wrap a whole task or cell and so say nothing of where its time goes.
PLUMBING = ("converters/", "exporters/", "asyncio/", "utils/__init__.py", "threading.py",
            "preprocessors/base.py", "preprocessors/execute.py:preprocess", "/selectors.py",
            "/contextlib.py")


def print_profile(course: Path, workers: int | None, top: int = 16) -> None:
    """Grade ``course`` once more with every worker task under cProfile
    (AUTOGRADER_PROFILE) and print where a task's time goes, per task."""
    import os
    import pstats

    from autograder.grading.grade import grade

    folder = course / "profiles"
    folder.mkdir()
    os.environ["AUTOGRADER_PROFILE"] = str(folder)
    try:
        result = grade(course, None, workers, progress=False)
    finally:
        del os.environ["AUTOGRADER_PROFILE"]
    files = sorted(folder.glob("*.prof"))
    if not files:
        print("profile: no worker wrote one")
        return
    stats = pstats.Stats(*[str(f) for f in files])
    tasks = len(files)
    rows = []
    for (path, line, name), (_, _, _, cumulative, _) in stats.stats.items():
        where = f"{Path(path).parent.name}/{Path(path).name}:{name}"
        if not any(layer in where for layer in PLUMBING):   # what every task passes through
            rows.append((cumulative / tasks, where))
    rows.sort(reverse=True)
    print(f"profile of a grading worker (cProfile, mean over {tasks} tasks, "
          f"{len(result.graded)} graded; cumulative seconds per task, profiler overhead "
          "included):")
    seen = 0
    for seconds, where in rows:
        if "{" in where or "<" in where:   # built-ins and frozen importlib: noise here
            continue
        print(f"  {seconds:6.2f} s  {where}")
        seen += 1
        if seen >= top:
            break


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.quality.bench")
    parser.add_argument("--notebooks", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--profile", action="store_true",
                        help="then grade once more under cProfile and print where a task's "
                             "time goes")
    args = parser.parse_args(argv)
    return run(args.notebooks, args.workers, args.profile)


if __name__ == "__main__":
    sys.exit(main())
