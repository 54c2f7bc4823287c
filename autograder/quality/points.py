"""Where an assignment's points go: the maths a section teaches, or contract details.

A test cell's ``grade_id`` says what it checks. Those ending in one of
:data:`CONTRACT_SUFFIXES` check a detail of the interface rather than the
maths: errors raised (``_errors``), degenerate sizes such as empty arrays or
huge shapes (``_edges``), the order of random draws (``_draws``) and the
rules against shortcuts (``_rules``). Every other test cell checks what the
section teaches: values, gradients, shapes of results, and the reuse and
in-place behaviour that training needs. At least :data:`MIN_MATHS_SHARE` of
every assignment's points go to the maths (``python -m autograder points``
prints the shares; ``tests/test_teaching.py`` holds them).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

CONTRACT_SUFFIXES = ("_errors", "_edges", "_draws", "_rules")
MIN_MATHS_SHARE = 0.75


def category(grade_id: str) -> str:
    return "contract" if grade_id.endswith(CONTRACT_SUFFIXES) else "maths"


@dataclass
class Shares:
    assignment: str
    cells: dict = field(default_factory=dict)   # grade_id -> points

    def total(self, which: str | None = None) -> float:
        return sum(p for g, p in self.cells.items() if which in (None, category(g)))

    @property
    def maths_share(self) -> float:
        total = self.total()
        return self.total("maths") / total if total else 1.0


def shares(notebook: Path) -> Shares:
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    found = Shares(Path(notebook).stem)
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            found.cells[meta["grade_id"]] = float(meta.get("points") or 0)
    return found


def main(course_dir: Path, assignments: list[str] | None = None) -> int:
    from ..config import assignments as course_assignments

    names = assignments or course_assignments(course_dir)
    print(f"{'assignment':<14}{'points':>7}{'maths':>8}{'contract':>10}  contract cells")
    short = 0
    for name in names:
        s = shares(Path(course_dir) / "source" / name / f"{name}.ipynb")
        contract = [f"{g} {p:g}" for g, p in s.cells.items() if category(g) == "contract"]
        print(f"{name:<14}{s.total():>7g}{s.maths_share:>8.0%}{1 - s.maths_share:>10.0%}  "
              f"{', '.join(contract) or '-'}")
        short |= s.maths_share < MIN_MATHS_SHARE
    return int(short)
