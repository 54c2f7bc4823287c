"""The mutation catalogue: realistic wrong and correct implementations.

``autograder/catalogue/<assignment>/<exercise>/<kind>-<slug>.py`` holds the
complete replacement source of one exercise's solution cell; ``kind`` is
``wrong`` (a mistake students make, which the hidden tests must catch) or
``correct`` (another style of right answer, which must earn full marks).
The first line is a comment describing the entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
KINDS = ("wrong", "correct")


@dataclass(frozen=True)
class Entry:
    assignment: str
    exercise: str
    kind: str
    slug: str
    source: str

    @property
    def description(self) -> str:
        first = self.source.splitlines()[0] if self.source else ""
        return first.lstrip("# ").strip()

    @property
    def student(self) -> str:
        """A student id naming the entry (nbgrader ids allow letters, digits, - and _)."""
        return f"{self.exercise}--{self.kind}-{self.slug}"


def load(assignment: str, root: Path = ROOT) -> list[Entry]:
    """Every entry of one assignment, sorted by exercise, kind and slug."""
    entries = []
    for path in sorted((root / assignment).glob("*/*.py")):
        kind, _, slug = path.stem.partition("-")
        if kind not in KINDS or not slug:
            raise ValueError(f"{path}: name it wrong-<slug>.py or correct-<slug>.py")
        entries.append(Entry(assignment, path.parent.name, kind, slug,
                             path.read_text(encoding="utf-8")))
    return entries
