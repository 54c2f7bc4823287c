"""The attack corpus (tests/attacks/) graded in one sandboxed batch beside honest students.

Every attack earns at most what its EXPECT allows (or fails alone with its reason); the honest
students (one of them with the id ``?*``, which nbgrader would take as a glob) keep full marks;
no hidden test leaks into a graded notebook, in any encoding; nothing outside autograded/,
feedback/, reports/ and the gradebook changes, during grading or in the seconds after it; no
process of the batch survives; the batch completes, and the course's report and feedback are
built over it. See tests/attacks/README.md.
"""
from __future__ import annotations

import base64
import codecs
import hashlib
import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grading import cgroups as cgroup_tree
from autograder.grading import sandbox
from autograder.config import REPO
from autograder.grading.grade import RESULTS_FILE, grade
from autograder.stock_nbgrader import generate_release, make_course
from autograder.quality.submissions import fill, reference_sources

ATTACKS = Path(__file__).parent / "attacks"
CASES = sorted(p.stem for p in ATTACKS.glob("*.py") if not p.stem.startswith("_"))
HONEST = ["honest", "?*"]
NAME = "01_arrays"
# Short per cell: three attacks (deep_sum, neighbours, read_solutions) run until it.
LIMITS = dict(workers=2, timeout=120, memory_mb=1024, cell_timeout=10, progress=False)
WRITABLE = ("autograded", "feedback", "reports", "gradebook.db")


def load(case: str):
    spec = importlib.util.spec_from_file_location(f"attack_{case}", ATTACKS / f"{case}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Kit:
    def __init__(self, release_nb, source_nb):
        self.release_nb = release_nb
        self.reference = reference_sources(source_nb)

    def attack(self, code: str) -> str:
        """The release, unsolved, with ``code`` in the first solution cell."""
        return nbformat.writes(fill(self.release_nb, {next(iter(self.reference)): code}))

    def attack_all(self, codes: dict) -> str:
        """The release with ``codes`` (exercise -> code) in those exercises' cells."""
        return nbformat.writes(fill(self.release_nb, codes))

    def honest_nb(self):
        return fill(self.release_nb, self.reference)

    @staticmethod
    def text(nb) -> str:
        return nbformat.writes(nb)


def digest(course: Path) -> dict:
    """Every file of the course outside what grading may write, with its hash."""
    found = {}
    for path in sorted(course.rglob("*")):
        rel = path.relative_to(course)
        if rel.parts[0] in WRITABLE or rel.name.startswith("gradebook.db"):
            continue
        if path.is_symlink():
            found[str(rel)] = "link:" + os.readlink(path)
        elif path.is_file():
            found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def nobody_processes(since: float, grader: int | None = None) -> list:
    """Processes of the sandbox user started after ``since`` (seconds since boot) in the
    cgroups of the ``grade`` running as process ``grader`` (default: this one); other
    sandboxes on a shared machine are not ours to count."""
    grader = os.getpid() if grader is None else grader
    ticks = os.sysconf("SC_CLK_TCK")
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            uid = int(status.split("Uid:")[1].split()[0])
            started = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        except (OSError, IndexError, ValueError):
            continue
        zombie = status.split("State:")[1].split()[0] == "Z"   # dead, awaiting its reaper
        try:
            ours = f"nn-worker-{grader}-" in Path(f"/proc/{pid}/cgroup").read_text()
        except OSError:
            ours = False
        if ours and uid == sandbox.NOBODY and started / ticks >= since and not zombie:
            try:
                found.append(f"{pid}: {Path(f'/proc/{pid}/cmdline').read_bytes()[:200]!r}")
            except OSError:
                found.append(pid)
    return found


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    if not sandbox.status()["ok"]:
        pytest.fail(f"no sandbox here: {sandbox.status()['reason']}")
    course = make_course(tmp_path_factory.mktemp("attacks") / "course", [NAME])
    release = generate_release(course, NAME)
    kit = Kit(nbformat.read(release / f"{NAME}.ipynb", as_version=4),
              nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4))
    submitted = course / "submitted"
    for student in HONEST:
        folder = submitted / student / NAME
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_text(kit.text(kit.honest_nb()), encoding="utf-8")
    for case in CASES:
        folder = submitted / case / NAME
        folder.mkdir(parents=True)
        for rel, text in load(case).build(kit).items():
            if rel == "symlink":
                for name, target in text.items():
                    (folder / name).symlink_to(target.format(course=course))
                continue
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    before = digest(course)
    hidden = hidden_lines(course / "source" / NAME / f"{NAME}.ipynb")
    started = uptime()
    result = grade(course, None, **LIMITS)
    results_file = (course / RESULTS_FILE).read_bytes()
    gradebook = (course / "gradebook.db").read_bytes()
    time.sleep(4)   # a daemon waiting for grade to exit would strike now
    return dict(course=course, result=result, before=before, after=digest(course), hidden=hidden,
                results_changed=(course / RESULTS_FILE).read_bytes() != results_file,
                gradebook_changed=(course / "gradebook.db").read_bytes() != gradebook,
                survivors=nobody_processes(started))


@pytest.mark.parametrize("case", CASES)
def test_attack(batch, case):
    expect = load(case).EXPECT
    got = batch["result"].get(case, NAME)
    summary = f"{case}: {got.status} {got.score}/{got.max_score} reason={got.reason!r} flags={got.flags}"
    assert got.sandbox, summary
    if "status" in expect:
        assert got.status == expect["status"], summary
    if "max_score" in expect:
        assert got.score <= expect["max_score"], summary
    if "min_score" in expect:
        assert got.score >= expect["min_score"], summary
    if "reason" in expect:
        assert expect["reason"] in got.reason, summary
    for flag in expect.get("flags", []):
        assert any(flag in f for f in got.flags), f"flag {flag!r} missing: {summary}"
    autograded = batch["course"] / "autograded" / case / NAME
    size = sum(p.stat().st_size for p in autograded.rglob("*") if p.is_file()) \
        if autograded.exists() else 0
    if "autograded_below" in expect:
        assert size < expect["autograded_below"], f"{size} bytes: {summary}"
    for text in expect.get("no_output", []):
        if autograded.exists():
            assert text not in (autograded / f"{NAME}.ipynb").read_text(), summary
    if "skipped" in expect:
        assert any(expect["skipped"] in s for s in batch["result"].skipped), \
            batch["result"].skipped
    if expect.get("no_hidden_leak") and autograded.exists():
        leaked = hidden_lines_in(autograded / f"{NAME}.ipynb", batch["hidden"])
        assert not leaked, f"{case}: hidden test lines in the graded notebook: {leaked[:3]}"


def hidden_lines(source: Path) -> list:
    """The hidden-test lines of a source notebook long enough to tell."""
    lines, inside = [], False
    for cell in nbformat.read(source, as_version=4).cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 16:
                lines.append(line.strip())
    return lines


def hidden_lines_in(notebook: Path, hidden: list) -> list:
    """The hidden lines found in a notebook's outputs as text, ROT13, reversed, or inside
    base64 (printed, or an image's data with its text chunks)."""
    texts = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            texts.append(json.dumps(output, ensure_ascii=False))
    found = []
    corpus = []
    for text in texts:
        corpus += [text, codecs.encode(text, "rot13"), text[::-1]]
        for blob in re.findall(r"[A-Za-z0-9+/=]{40,}", text):
            try:
                corpus.append(base64.b64decode(blob + "=" * (-len(blob) % 4)).decode("latin1"))
            except ValueError:
                pass
    joined = "\n".join(corpus)
    for line in hidden:
        if line in joined or line.replace('"', '\\"') in joined:
            found.append(line)
    return found


def test_honest_students_keep_full_marks(batch):
    for student in HONEST:
        got = batch["result"].get(student, NAME)
        assert (got.status, got.score, got.max_score, got.flags) == ("graded", 20, 20, []), got


def test_nothing_else_changes(batch):
    assert batch["after"] == batch["before"]
    assert not batch["results_changed"], "the results file changed after grade returned"
    assert not batch["gradebook_changed"], "the gradebook changed after grade returned"


def test_report_and_feedback_build_over_the_batch(batch):
    """A file name that is not UTF-8, an attachment, attackers' outputs: the instructor's
    report and the students' feedback are still written, for everyone."""
    from autograder.reporting.feedback import main as feedback
    from autograder.reporting.report import main as report

    assert report(batch["course"]) == 0
    assert (batch["course"] / "reports" / "report.html").stat().st_size > 1000
    assert feedback(batch["course"], [NAME], False, None, progress=False) == 0
    pages = list((batch["course"] / "feedback").glob(f"*/{NAME}/{NAME}.html"))
    assert len(pages) >= len(HONEST)


def test_no_process_survives(batch):
    assert batch["survivors"] == []


def test_batch_completes(batch):
    result = batch["result"]
    assert {o.student for o in result.outcomes} == set(CASES) | set(HONEST)
    saved = json.loads((batch["course"] / RESULTS_FILE).read_text())
    assert saved["runs"][0]["sandbox"]["ok"] is True
    assert all(e["sandbox"] is True for e in saved["submissions"])


@pytest.mark.parametrize("with_workers", [False, True], ids=["grade", "grade-and-workers"])
def test_killing_grade_leaves_nothing(tmp_path, with_workers):
    """SIGKILL of `grade` mid-batch (and of its workers at the same instant, so that none of
    them can clean up): its workers, kernel templates, kernels and judges die with it, their
    scratch folders go, and the next run removes the rest (no hidden tests or solutions left
    in /tmp)."""
    import signal
    import subprocess
    import sys
    import tempfile

    from autograder.stock_nbgrader import nbgrader_env, submit

    course = make_course(tmp_path / "course", [NAME])
    release = generate_release(course, NAME)
    stub = nbformat.read(release / f"{NAME}.ipynb", as_version=4)
    from autograder.quality.submissions import solution_cells
    looping = fill(stub, {next(iter(solution_cells(stub))): "import time\ntime.sleep(60)"})
    for student in ("a", "b"):
        submit(course, student, NAME, text=nbformat.writes(looping))
    started, begun = uptime(), time.time()
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", "--course-dir",
                             str(course), "--workers", "2"], env=nbgrader_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(nobody_processes(started, proc.pid)) < 2:
        time.sleep(0.5)
    assert nobody_processes(started, proc.pid), "no sandboxed kernel started"
    doomed = [int(pid) for pid in filter(str.isdigit, os.listdir("/proc")) if with_workers
              and f"nn-worker-{proc.pid}-" in _read(f"/proc/{pid}/cgroup")
              and f"Uid:\t{os.getuid()}\t" in _read(f"/proc/{pid}/status")]
    proc.send_signal(signal.SIGKILL)
    for pid in doomed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    scratch = [p for p in Path(tempfile.gettempdir()).glob(f"nn-grade-{proc.pid}-*")]
    def workers():
        """grade's workers (exec'd: their shard is on the command line; forked: by their
        cgroup) and the kernel templates it started (their folder is on the command line)."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                cgroup = Path(f"/proc/{pid}/cgroup").read_text()
            except OSError:
                continue
            if f"nn-grade-{proc.pid}-".encode() in cmd or f"nn-zygote-{proc.pid}-".encode() \
                    in cmd or f"nn-worker-{proc.pid}-" in cgroup:
                found.append(pid)
        return found

    # Workers killed outright cannot remove their shards: the next run does (below).
    def shards_left():
        return not with_workers and any(list(p.glob("shard-*")) for p in scratch)

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (nobody_processes(started, proc.pid) or workers()
                                           or shards_left()):
        time.sleep(0.5)
    assert nobody_processes(started, proc.pid) == []
    assert workers() == []
    assert not shards_left()
    left = [p for p in Path("/dev/shm").glob("nn-kernel-*")
            if p.stat().st_mtime >= begun and not Path(f"/proc/{p.name.split('-')[2]}").exists()]
    assert left == [], "a dead worker's jail is left"
    from autograder.grading.grade import _remove_stale_scratch
    _remove_stale_scratch()
    assert not [p for p in scratch if p.exists()]

    def cgroups():
        return [p for parent in set(cgroup_tree._own_cgroups().values())
                for p in parent.glob(f"nn-*-{proc.pid}-*")]
    # A worker's kernel template (not a sandbox user's process) may take a moment longer to
    # go on a loaded machine; until it has, its worker's cgroup is not empty.
    deadline = time.monotonic() + 20
    while True:
        cgroup_tree.remove_stale_cgroups(min_age=0)
        if not cgroups() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert cgroups() == [], "the killed grade's cgroups are left"


KILL_THE_SLOW_WORKER = """
import os, signal, sys, time
from pathlib import Path
sys.path[:0] = [{tests!r}, {repo!r}]
from test_attacks import nobody_processes
grader, started = {grader}, {started}
mine = Path(f"/proc/{{grader}}/cmdline").read_bytes()
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{{pid}}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{{pid}}/cmdline").read_bytes()
        except OSError:
            continue
        # exec'd, or forked from grade (this script's own text names autograder.grading.worker too)
        worker = (b"autograder.grading.worker" in cmd or cmd == mine) and int(pid) != os.getpid()
        if stat[1] == str(grader) and worker and nobody_processes(started, grader):
            time.sleep(3)   # the slow notebook is asleep in its first cell by now
            os.kill(int(pid), signal.SIGKILL)
            print("forked" if cmd == mine else "exec'd")
            sys.exit(0)
    time.sleep(0.3)
"""


@pytest.mark.parametrize("forked", [True, False], ids=["forked-worker", "execd-worker"])
def test_a_killed_worker_fails_only_its_submission(tmp_path, monkeypatch, forked):
    """A worker process SIGKILLed mid-notebook: that submission fails with a reason, the other
    is graded on a fresh worker, grade returns normally -- whether the worker was forked from
    grade or started as a new Python. (The killer is a process of its own: a thread here
    would keep grade from forking.)"""
    import subprocess

    from autograder.grading import pool
    from autograder.stock_nbgrader import submit
    from autograder.quality.submissions import solution_cells

    import threading

    if forked and threading.active_count() > 1:   # an earlier test's (Dask's event loop, say)
        pytest.skip("this pytest worker has other threads, so grade cannot fork: "
                    f"{[t.name for t in threading.enumerate()]}")
    monkeypatch.setattr(pool, "FORK_WORKERS", forked)
    course = make_course(tmp_path / "course", [NAME])
    release = generate_release(course, NAME)
    stub = nbformat.read(release / f"{NAME}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    slow = fill(stub, {next(iter(solution_cells(stub))): "import time\ntime.sleep(30)"})
    submit(course, "a_slow", NAME, text=nbformat.writes(slow))    # graded first
    submit(course, "z_honest", NAME, text=nbformat.writes(fill(stub, reference_sources(source))))
    script = KILL_THE_SLOW_WORKER.format(tests=str(Path(__file__).parent), repo=str(REPO),
                                         grader=os.getpid(),
                                         started=uptime())
    killer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    result = grade(course, None, workers=1, timeout=60, memory_mb=1024, progress=False)
    killed, _ = killer.communicate(timeout=120)
    assert killed.strip() == ("forked" if forked else "exec'd"), killed
    slow_outcome, honest_outcome = result.get("a_slow", NAME), result.get("z_honest", NAME)
    assert slow_outcome.status == "failed" and "worker died" in slow_outcome.reason, slow_outcome
    assert (honest_outcome.status, honest_outcome.score) == ("graded", 20), honest_outcome
