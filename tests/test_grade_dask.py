"""`grade --scheduler` on a real Dask cluster grades as this machine and stock nbgrader do.

The module starts a real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1
(free ports, one thread each, no dashboard), each worker in a scratch folder of its own (its
cwd and ``--local-directory``) and never told where the course is, and a real PostgreSQL server
(the fixture of ``test_grade_postgres``) as the gradebook. A simulated class of 01_arrays
(correct, adversarial, partly wrong, unfilled) is graded three ways -- stock ``nbgrader
autograde``, local ``grade``, ``python -m autograder grade --scheduler`` -- and must agree.
Then the faults: a worker SIGKILLed mid-task (its task is retried once on the other worker,
every submission graded), a rerun (nothing regraded unless ``--force``), a worker without a
working sandbox (refused), and a scheduler killed mid-run (the run fails cleanly, what finished
is saved). Every process started here is stopped, and none is left behind.
"""
from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.grading.cluster import RemoteSpec, worker_status
from autograder.grading.grade import RESULTS_FILE, grade
from autograder.stock_nbgrader import autograde, make_course, nbgrader_env, read_scores
from autograder.quality.simulate import class_mix, simulate

from test_grade_postgres import gradebook_state, postgres_url  # noqa: F401 - a fixture

distributed = pytest.importorskip("distributed")

NAME = "01_arrays"
STUDENTS = 4        # one of each kind of class_mix: correct, adversarial, partly wrong, unfilled
DASK = str(Path(sys.executable).parent / "dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(argv: list, cwd: Path, log: Path, prefix: tuple = ()) -> subprocess.Popen:
    cwd.mkdir(parents=True, exist_ok=True)
    env = nbgrader_env()
    env.pop("NN_GRADER_SCHEDULER", None)
    return subprocess.Popen(["nice", "-n", "19", *prefix, *argv], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _processes_under(folder: Path) -> list[str]:
    """Processes whose command line or cwd lies in ``folder`` (what a worker started)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if str(folder).encode() in cmd or cwd.startswith(str(folder)):
            found.append(f"{pid} " + cmd.replace(b"\0", b" ").decode(errors="replace")[:200])
    return found


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler = None
        self.workers: dict[str, subprocess.Popen] = {}

    def start_scheduler(self) -> None:
        self.scheduler = _start([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                 str(self.port), "--no-dashboard"],
                                self.root / "scheduler", self.root / "scheduler.log")

    def start_worker(self, name: str, prefix: tuple = (), scratch: Path | None = None) -> None:
        scratch = scratch or self.root / name
        self.workers[name] = _start(
            [DASK, "worker", self.address, "--name", name, "--nthreads", "1", "--nworkers", "1",
             "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(scratch)],
            scratch, self.root / f"{name}.log", prefix)

    def client(self):
        return distributed.Client(self.address, timeout=60, set_as_default=False)

    def wait_for(self, n: int) -> None:
        with self.client() as c:
            c.wait_for_workers(n, timeout=180)

    def address_of(self, name: str) -> str:
        with self.client() as c:
            return next(a for a, w in c.scheduler_info(n_workers=-1)["workers"].items()
                        if w["name"] == name)

    def stop(self) -> None:
        for proc in self.workers.values():
            _stop(proc)
        if self.scheduler is not None:
            _stop(self.scheduler)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        c.start_scheduler()
        c.start_worker("w1")
        c.start_worker("w2")
        c.wait_for(2)
        yield c
    finally:
        c.stop()
        deadline = time.monotonic() + 30
        while _processes_under(c.root) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _processes_under(c.root) == [], "a process of the cluster survived"


def _grade_cli(course: Path, *args, wait=None, timeout: float = 600):
    """``python -m autograder grade`` on the cluster; ``wait(proc)`` runs while it grades."""
    # As from a terminal, whatever this process inherited: a job started in the background
    # of a non-interactive shell ignores SIGINT, and Python then never raises
    # KeyboardInterrupt (test_ctrl_c_stops_cleanly sends one).
    proc = subprocess.Popen(["env", "--default-signal=INT", sys.executable, "-m", "autograder",
                             "grade", "--course-dir", str(course), *args],
                            env=nbgrader_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if wait is not None:
            wait(proc)
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


def _results(course: Path) -> dict:
    data = json.loads((course / RESULTS_FILE).read_text())
    return {(e["student"], e["assignment"]): e for e in data["submissions"]}


def _graded_before(cluster, courses) -> Path:
    """The results file of a finished cluster run of the course (made here if no earlier test
    of this module made it on this pytest worker): the fault tests below start from one."""
    results = courses["dask"] / RESULTS_FILE
    if not results.exists():
        code, out, err = _grade_cli(courses["dask"], "--scheduler", cluster.address)
        assert code == 0, out + err
    return results


def _view(entries: dict) -> dict:
    return {k: (e["status"], e["score"], e["max_score"], e["cells"], e["flags"], e["sandbox"])
            for k, e in entries.items()}


@pytest.fixture(scope="session")
def courses(tmp_path_factory, postgres_url):  # noqa: F811
    root = tmp_path_factory.mktemp("courses")
    made = {kind: make_course(root / kind, [NAME]) for kind in ("stock", "local", "dask")}
    with open(made["dask"] / "nbgrader_config.py", "a") as f:
        f.write(f"c.CourseDirectory.db_url = {postgres_url!r}\n")
    for course in made.values():
        simulate(course, STUDENTS, 0, [NAME])
    made["db_url"] = postgres_url
    return made


def test_no_course_path_travels(courses, monkeypatch):
    """What a task carries names nothing on the instructor's machine (no shared file system),
    and no database password: the workers get the configuration without the gradebook URL."""
    from autograder.grading.definitions import Course
    from autograder.grading.grade import DEFAULT_OUTPUT_BYTES, _add_definitions, _worker_spec

    monkeypatch.setenv("PATH", nbgrader_env()["PATH"])   # nbgrader runs alembic
    course = Course(courses["dask"])
    defs = course.definitions([NAME])
    limits = {"timeout": 60, "cell_timeout": 30, "memory_mb": 1024,
              "output_bytes": DEFAULT_OUTPUT_BYTES}
    spec = _worker_spec(limits, {"ok": True})
    _add_definitions(spec, courses["dask"], course, defs)
    blob = pickle.dumps(RemoteSpec.build(spec, course.root, sandbox=True))
    assert str(course.root).encode() not in blob
    assert courses["db_url"].encode() not in blob
    assert b"postgresql" not in blob


def test_cluster_grades_as_local_and_stock(cluster, courses):
    kinds = class_mix(STUDENTS, 0)
    assert sorted(set(kinds.values())) == ["adversarial", "correct", "partly_wrong", "unfilled"]

    code, out, err = _grade_cli(courses["dask"], "--scheduler", cluster.address)
    assert code == 0, out + err
    assert f"graded {STUDENTS}, failed 0" in out and "with 2 worker(s)" in out, out
    assert f"{STUDENTS}/{STUDENTS}" in err, "no progress bar"
    assert not (courses["dask"] / "gradebook.db").exists(), "wrote SQLite, not PostgreSQL"

    local = grade(courses["local"], None, workers=2, progress=False)
    assert not local.failed, local.summary()
    assert _view(_results(courses["dask"])) == _view(_results(courses["local"]))

    # The gradebook on the server: every cell as the local path's gradebook has it, and for
    # honest students as stock nbgrader's (the adversarial one patched numpy: stock is fooled).
    autograde(courses["stock"], NAME)
    got = gradebook_state(courses["db_url"])
    assert got == gradebook_state(f"sqlite:///{courses['local'] / 'gradebook.db'}")
    stock = gradebook_state(f"sqlite:///{courses['stock'] / 'gradebook.db'}")
    honest = {s for s, k in kinds.items() if k != "adversarial"}
    assert {k: v for k, v in got.items() if k[0] in honest} == \
        {k: v for k, v in stock.items() if k[0] in honest}
    assert {s.student: s.score for s in read_scores(courses["stock"])
            if s.student in honest} == {s: got[(s, "total")][0] for s in honest}
    assert sorted(p.name for p in (courses["dask"] / "autograded").iterdir()) == sorted(kinds)
    with cluster.client() as c:   # the run leaves the shared scheduler as it found it
        assert c.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures) == 3
        # Each worker ran in its own folder, with a working sandbox, away from every course.
        seen = c.run(worker_status)
        assert len(seen) == 2
        for status in seen.values():
            cwd = Path(status["cwd"])
            assert cwd.parent == cluster.root and status["sandbox"]["ok"], status
            assert not any(cwd.is_relative_to(courses[k]) for k in ("stock", "local", "dask"))
    for name in cluster.workers:   # each worker's scratch: nothing of the run is left
        assert not list((cluster.root / name).glob("**/nn-grade-*")), name


def test_a_worker_killed_mid_task_costs_one_retry(cluster, courses):
    _graded_before(cluster, courses)
    before = _view(_results(courses["dask"]))
    w1 = cluster.address_of("w1")
    killed = {}

    def kill_w1_mid_task(proc):
        with cluster.client() as c:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and proc.poll() is None:
                busy = [k for k in c.processing().get(w1, ()) if "spec" not in str(k)]
                time.sleep(1)
                # Still on w1 a second later: being graded (a task takes several seconds).
                still = [k for k in c.processing().get(w1, ()) if k in busy]
                if still:
                    killed["key"] = still[0]
                    _stop(cluster.workers["w1"], signal.SIGKILL)
                    return

    code, out, err = _grade_cli(courses["dask"], "--scheduler", cluster.address, "--force",
                                wait=kill_w1_mid_task)
    assert "key" in killed, "w1 never got a task"
    assert code == 0, out + err
    assert f"graded {STUDENTS}, failed 0" in out, out
    assert _view(_results(courses["dask"])) == before
    with cluster.client() as c:
        story = c.story(killed["key"])
        ran = [e for e in story if e[0] == "scheduler" and e[3] == "processing"]
        assert len(ran) == 2, story      # once on w1 (killed), once more on w2
        assert w1 not in c.nthreads()
    deadline = time.monotonic() + 30     # its grading process and kernels die with it
    while _processes_under(cluster.root / "w1") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_under(cluster.root / "w1") == []
    # Killed outright, it may leave its scratch folder (the hidden tests in a shard's gradebook);
    # Dask purges it when a worker next starts in that local directory.
    cluster.start_worker("w1b", scratch=cluster.root / "w1")
    cluster.wait_for(2)
    assert not list((cluster.root / "w1").glob("**/gradebook.db"))

    # A rerun grades nothing that is done; --force regraded everything above.
    code, out, err = _grade_cli(courses["dask"], "--scheduler", cluster.address)
    assert code == 0, out + err
    assert f"SKIPPED {STUDENTS} submission(s) graded before" in out, out
    assert "of 0 submissions" in out


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="needs root to hide bubblewrap from one worker (a mount namespace)")
def test_a_worker_without_a_sandbox_is_refused(cluster, courses):
    """A worker where bwrap does not work (here: /usr/bin/bwrap replaced by /bin/false in its
    own mount namespace): grade refuses before anything is graded, naming the worker."""
    results = _graded_before(cluster, courses)   # before the worker that would refuse it
    bwrap = shutil.which("bwrap") or "/usr/bin/bwrap"
    cluster.start_worker("nosandbox", prefix=(
        "unshare", "--mount", "--propagation", "private", "sh", "-c",
        f'mount --bind /bin/false {bwrap} && exec "$0" "$@"'))
    try:
        cluster.wait_for(sum(p.poll() is None for p in cluster.workers.values()))
        before = results.read_bytes()
        code, out, err = _grade_cli(courses["dask"], "--scheduler", cluster.address, "--force")
        assert code == 2, out + err
        assert "no sandbox on Dask worker" in err and "bubblewrap" in err, err
        assert results.read_bytes() == before
    finally:
        _stop(cluster.workers.pop("nosandbox"))


def _after_first_result(then):
    """``wait`` for _grade_cli: ``then()`` once the progress bar shows the first result."""
    def wait(proc):
        deadline = time.monotonic() + 300
        seen = ""
        while time.monotonic() < deadline and proc.poll() is None:
            seen += os.read(proc.stderr.fileno(), 4096).decode(errors="replace")
            if f"1/{STUDENTS}" in seen:
                then(proc)
                return
        pytest.fail(f"no first result: {seen}")
    return wait


def test_ctrl_c_stops_cleanly(cluster, courses):
    """SIGINT after the first result: exit 130, the results saved, every task cancelled and
    the workers' scratch folders removed."""
    results = _graded_before(cluster, courses)
    stamp = json.loads(results.read_text())["updated"]
    time.sleep(1.1)
    code, out, err = _grade_cli(courses["dask"], "--scheduler", cluster.address, "--force",
                                wait=_after_first_result(lambda p: p.send_signal(signal.SIGINT)),
                                timeout=120)
    assert code == 130, out + err
    assert "interrupted" in err and "Traceback" not in err, err
    assert json.loads(results.read_text())["updated"] != stamp
    with cluster.client() as c:
        deadline = time.monotonic() + 60
        while any(c.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(c.processing().values()), c.processing()
    for name, proc in cluster.workers.items():
        if proc.poll() is None:     # (w1, killed above, could not tidy up)
            assert not list((cluster.root / name).glob("**/nn-grade-*")), name


def test_a_lost_scheduler_fails_the_run_cleanly(cluster, courses):
    """Last: the scheduler dies after the first result; grade exits 1 with a reason, saves
    what it received, and leaves no process behind."""
    results = _graded_before(cluster, courses)
    stamp = json.loads(results.read_text())["updated"]
    time.sleep(1.1)     # a later "updated" second for this run's save

    kill = _after_first_result(lambda p: _stop(cluster.scheduler, signal.SIGKILL))
    code, out, err = _grade_cli(courses["dask"], "--scheduler", cluster.address, "--force",
                                wait=kill, timeout=180)
    assert code == 1, out + err
    assert "lost the connection to the Dask scheduler" in err, err
    assert "not graded" in err and "Run grade again" in err, err
    saved = json.loads(results.read_text())
    assert saved["updated"] != stamp, "the finished results were not saved"
    assert len(saved["submissions"]) == STUDENTS


def test_the_scheduler_comes_from_option_environment_or_config(tmp_path, monkeypatch):
    from autograder.grading.cluster import address

    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.DaskCluster.scheduler = "tcp://from-config:8786"\n')
    monkeypatch.delenv("NN_GRADER_SCHEDULER", raising=False)
    assert address(None, tmp_path) == "tcp://from-config:8786"
    monkeypatch.setenv("NN_GRADER_SCHEDULER", "tcp://from-env:8786")
    assert address(None, tmp_path) == "tcp://from-env:8786"
    assert address("tcp://from-option:8786", tmp_path) == "tcp://from-option:8786"
    assert address("local", tmp_path) is None
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    monkeypatch.delenv("NN_GRADER_SCHEDULER")
    assert address(None, tmp_path) is None
