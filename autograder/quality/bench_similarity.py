"""How well the similarity report finds copiers, measured on a simulated class.

A class of :data:`STUDENTS` (``python -m autograder.quality.bench_similarity``, and
``make bench``) with :data:`MIX`: correct and partly wrong students who each write in a
style of their own (the catalogue's correct alternatives and mistakes, rewritten by
:func:`autograder.quality.restyle.restyle`), and copiers who hand in a classmate's
solutions disguised (:func:`~autograder.quality.restyle.disguise`). No grading: the
comparison needs only the submissions.

For every assignment it reports how many copied pairs (a copier and the classmate
copied, or two copiers of the same classmate) rank above every other pair, the
precision and recall of the pairs the page lists (score at the threshold or more), and
how long the comparison took. A copy of code with nothing unusual in it (a classmate
who wrote the book's solution) cannot be told from honest work, by this tool or anyone.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.config import REPO, assignments
from autograder.reporting.similarity import compare
from autograder.reporting.similarity_course import course_material
from .simulate import synthetic_class, with_copiers
from .submissions import solution_cells

STUDENTS = 60
#: Writers of their own code and copiers; no unfilled or adversarial submissions, whose
#: pairs say nothing about copying.
MIX = with_copiers(0.15, {"correct": 0.6, "partly_wrong": 0.4})


@dataclass
class Measure:
    assignment: str
    students: int
    copied: int            # copied pairs
    above: int             # copied pairs above every other pair
    lowest_copied: float
    highest_other: float
    precision: float       # of the pairs listed (score >= threshold)
    recall: float          # of the copied pairs
    seconds: float         # the comparison alone, wall clock
    cpu: float             # the comparison alone, CPU time of this process

    @property
    def separated(self) -> bool:
        return self.above == self.copied

    def line(self) -> str:
        return (f"{self.assignment:<13} {self.students} students: {self.above:2d} of "
                f"{self.copied:2d} copied pairs above every other pair (lowest copied "
                f"{self.lowest_copied:4.2f}, highest other {self.highest_other:4.2f}); "
                f"listed: precision {100 * self.precision:3.0f} %, recall "
                f"{100 * self.recall:3.0f} %; {self.seconds:.1f} s ({self.cpu:.1f} s CPU)")


def copied_pairs(subs: list) -> set:
    """Pairs related by copying: copier and classmate, and copiers of the same classmate."""
    sources = {s.student: s.copied_from for s in subs if s.copied_from}
    pairs = {tuple(sorted((c, f))) for c, f in sources.items()}
    for c1, f1 in sources.items():
        for c2, f2 in sources.items():
            if c1 < c2 and f1 == f2:
                pairs.add((c1, c2))
    return pairs


def simulated(name: str, n: int = STUDENTS, seed: int = 0, course_dir: Path = REPO) -> list:
    release_nb = nbformat.read(course_dir / "release" / name / f"{name}.ipynb", as_version=4)
    source_nb = nbformat.read(course_dir / "source" / name / f"{name}.ipynb", as_version=4)
    return synthetic_class(name, source_nb, release_nb, n, seed, MIX)


def measure(name: str, subs: list, course_dir: Path = REPO) -> Measure:
    stubs, references = course_material(course_dir, name)
    solutions = {s.student: {gid: cell.source for gid, cell in solution_cells(s.notebook).items()}
                 for s in subs if s.kind != "unfilled"}
    start, cpu = time.monotonic(), time.process_time()
    result = compare(name, solutions, stubs, references)
    seconds, cpu = time.monotonic() - start, time.process_time() - cpu
    truth = copied_pairs(subs)
    scores = {(p.a, p.b) if p.a < p.b else (p.b, p.a): p.score for p in result.pairs}
    copied = [scores.get(pair, 0.0) for pair in truth]
    others = [score for pair, score in scores.items() if pair not in truth]
    listed = {pair for pair, score in scores.items() if score >= result.threshold}
    hits = len(listed & truth)
    lowest, highest = min(copied, default=0.0), max(others, default=0.0)
    return Measure(name, len(subs), len(truth), sum(c > highest for c in copied), lowest, highest,
                   hits / len(listed) if listed else 1.0, hits / len(truth) if truth else 1.0,
                   seconds, cpu)


def run(names: list | None = None, n: int = STUDENTS, seed: int = 0) -> list:
    out = []
    for name in names or assignments():
        out.append(measure(name, simulated(name, n, seed)))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--students", type=int, default=STUDENTS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start, cpu = time.monotonic(), time.process_time()
    print(f"similarity bench: a simulated class of {args.students} "
          f"({', '.join(f'{k} {100 * v:.0f} %' for k, v in MIX.items())}), seed {args.seed}")
    found = run(args.assignments or None, args.students, args.seed)
    for m in found:
        print("  " + m.line())
    compared = sum(m.seconds for m in found)
    copied = sum(m.copied for m in found)
    above = sum(m.above for m in found)
    hits = sum(m.recall * m.copied for m in found)
    listed = sum(m.recall * m.copied / m.precision for m in found if m.precision)
    print(f"all: {above} of {copied} copied pairs above every other pair of their "
          f"assignment; of the pairs listed (the page's threshold) precision "
          f"{100 * hits / max(listed, 1):.0f} %, recall {100 * hits / max(copied, 1):.0f} %")
    print(f"comparison of all {len(found)} assignments: {compared:.1f} s "
          f"({sum(m.cpu for m in found):.1f} s CPU; with simulating the class: "
          f"{time.monotonic() - start:.1f} s, {time.process_time() - cpu:.1f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
