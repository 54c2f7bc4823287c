"""What ``grade`` found: one :class:`Outcome` per submission, the results file, a progress bar.

Results file
------------
``<course_dir>/reports/grade-results.json`` (entries of earlier runs for
other submissions are kept; a regraded submission's entry is replaced)::

    {"version": 1,
     "updated": "2025-01-01T12:00:00",          # local time of the last run
     "runs": [{"finished": "...", "seconds": 12.3, "workers": 2,
               "limits": {"timeout": 300.0, "cell_timeout": 60, "memory_mb": 2048,
                          "output_bytes": 1000000},
               "sandbox": {"ok": true, "memory": true, "pids": true, "reason": ""},
               "skipped": ["submitted/alice/__MACOSX: not an assignment of this course"]}],
                                                       # last run only
     "submissions": [
       {"student": "alice", "assignment": "01_arrays",
        "status": "graded",           # or "failed"
        "reason": "",                 # why it failed, or what stopped it early
                                      # ("time limit: …", "kernel died …"); "" if nothing
        "flags": ["edited locked cell test_dot_values", …],   # tampering
        "notes": ["ignored extra file notes.txt", …],         # harmless remarks
        "score": 17.0, "max_score": 20.0,
        "cells": {"test_dot_values": [3.0, 3.0], …},          # grade_id -> [score, max]
        "sandbox": true,              # false: graded with --unsandboxed
        "seconds": 4.2}, …]}

Sorted by assignment then student. ``score`` is the gradebook's score (manual
scores included when an instructor gave some).
"""
from __future__ import annotations

import datetime
import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.config import REPORTS_DIR

RESULTS_FILE = Path(REPORTS_DIR) / "grade-results.json"

# Flags that name one thing each: a submission can raise dozens of one kind, so the
# summary groups them under one head ("edited locked cells: a, b, c +4 more").
_GROUPS = (
    (re.compile(r"^(edited locked|unlocked|deleted test|deleted locked|duplicated) cell (\S+)$"),
     "{} cells"),
    (re.compile(r"^(changed the points) of (\S+)$"), "{} of"),
    (re.compile(r"^(modifies|redefines) (.+), which the tests use$"), "{} what the tests use"),
    (re.compile(r"^(replaced) (.+); restored before the tests ran$"),
     "{} what the tests use (restored before the tests ran)"),
    (re.compile(r"^(uses) (.+), which can change how the tests run$"),
     "{} what can change how the tests run"),
    (re.compile(r"^(ignored) (.+) beside the notebook \(it could shadow an import\)$"),
     "{} beside the notebook"),
)
SUMMARY_LINE = 240       # characters of flags per summary line, at most


def compact_flags(flags: list, width: int = SUMMARY_LINE) -> str:
    """A submission's flags in one line of at most about ``width`` characters: repeats
    dropped, like flags grouped, long groups and the line cut (the results file keeps all)."""
    groups: dict = {}
    unique = list(dict.fromkeys(str(f) for f in flags))
    for flag in unique:
        for pattern, head in _GROUPS:
            m = pattern.match(flag)
            if m:
                groups.setdefault(head.format(m.group(1)), []).append(m.group(2))
                break
        else:
            groups.setdefault(flag, [])
    parts = []
    for head, items in groups.items():
        shown = ", ".join(items[:3]) + (f" +{len(items) - 3} more" if len(items) > 3 else "")
        parts.append(f"{head}: {shown}" if items else head)
    line = "; ".join(parts)
    if len(line) > width:
        many = f"{len(unique)} flag" + ("s" if len(unique) != 1 else "")
        line = line[:width].rsplit(" ", 1)[0] + f" … (all {many} in {RESULTS_FILE})"
    return line


@dataclass
class Outcome:
    student: str
    assignment: str
    status: str = "graded"          # "graded" | "failed"
    reason: str = ""
    flags: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    cells: dict = field(default_factory=dict)   # grade_id -> (score, max_score)
    seconds: float = 0.0
    execute_seconds: float = 0.0    # kernel start + cells, inside the worker
    cell_seconds: float = 0.0       # the cells alone
    test_seconds: float = 0.0       # the test cells, run in the judge (part of cell_seconds)
    judge_wait_seconds: float = 0.0 # test cells waiting for the judge to be ready
    judge_messages: int = 0         # messages the judge sent the kernel
    sandbox: bool = True            # graded in the sandbox (False: --unsandboxed)

    @property
    def key(self):
        return (self.assignment, self.student)


@dataclass
class GradeResult:
    outcomes: list
    seconds: float = 0.0
    workers: int = 0
    limits: dict = field(default_factory=dict)
    sandbox: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)   # folders that are no submission of the course

    def get(self, student: str, assignment: str) -> Outcome:
        for o in self.outcomes:
            if o.student == student and o.assignment == assignment:
                return o
        raise KeyError((student, assignment))

    @property
    def graded(self) -> list:
        return [o for o in self.outcomes if o.status == "graded"]

    @property
    def failed(self) -> list:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def flagged(self) -> list:
        return [o for o in self.outcomes if o.flags]

    def summary(self) -> str:
        lines = [f"graded {len(self.graded)}, failed {len(self.failed)}, "
                 f"flagged {len(self.flagged)} of {len(self.outcomes)} submissions "
                 f"in {self.seconds:.1f} s with {self.workers} worker(s)"]
        for o in self.failed:
            lines.append(f"  FAILED  {o.assignment}/{o.student}: {o.reason}")
        for o in self.graded:
            if o.reason:
                lines.append(f"  STOPPED {o.assignment}/{o.student} "
                             f"({o.score:g}/{o.max_score:g}): {o.reason}")
        for o in self.flagged:
            lines.append(f"  FLAGGED {o.assignment}/{o.student}: {compact_flags(o.flags)}")
        for what in self.skipped:
            lines.append(f"  SKIPPED {what}")
        if self.sandbox and not self.sandbox.get("ok"):
            lines.append("  UNSANDBOXED: kernels ran without isolation (--unsandboxed)")
        elif self.sandbox and not (self.sandbox.get("memory") and self.sandbox.get("pids")):
            lines.append("  note: no cgroups here; memory limits are per process (RLIMIT_AS)")
        return "\n".join(lines)


class Progress:
    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled and total > 0
        self.done = self.failed = self.flagged = 0
        self.start = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_line = -1

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += outcome.status == "failed"
        self.flagged += bool(outcome.flags)
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / self.total)
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        text = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"graded {self.done - self.failed}  failed {self.failed}  "
                f"flagged {self.flagged}  {elapsed:.0f}s (eta {eta:.0f}s)")
        if self.tty:
            sys.stderr.write("\r" + text + ("\n" if self.done == self.total else ""))
            sys.stderr.flush()
        else:
            step = max(1, self.total // 10)
            if self.done == self.total or self.done // step != self.last_line:
                self.last_line = self.done // step
                print(text, file=sys.stderr, flush=True)


def save_results(course_dir: Path, result: GradeResult) -> Path:
    path = Path(course_dir) / RESULTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = {}
    if path.exists():
        try:
            for e in json.loads(path.read_text(encoding="utf-8")).get("submissions", []):
                entries[(e["assignment"], e["student"])] = e
        except (ValueError, KeyError, TypeError):
            entries = {}
    for o in result.outcomes:
        entry = asdict(o)
        entry["cells"] = {k: list(v) for k, v in o.cells.items()}
        entries[o.key] = entry
    now = datetime.datetime.now().isoformat(timespec="seconds")
    data = {"version": 1, "updated": now,
            "runs": [{"finished": now, "seconds": round(result.seconds, 2),
                      "workers": result.workers, "limits": result.limits,
                      "sandbox": result.sandbox, "skipped": result.skipped}],
            "submissions": [entries[k] for k in sorted(entries)]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def load_results(course_dir: Path) -> dict:
    """The saved results file as a dict (see the module docstring)."""
    return json.loads((Path(course_dir) / RESULTS_FILE).read_text(encoding="utf-8"))

