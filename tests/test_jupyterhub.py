"""A term on a real JupyterHub, end to end: ``python -m autograder hub`` on loopback with
real Unix users, students in headless Chromium, the instructor on the command line.

One module-scoped setup, as root (CI runs as root): the test creates an instructor, two
students, their group and a user outside the course (and removes them after), starts the
hub, and the instructor releases ``01_arrays``. Then, in order:

1. each student logs in, fetches ``01_arrays`` from nbgrader's Assignment List, writes
   exercises (kim all three, lee only ``dot``), presses Validate and submits;
2. the instructor collects (``nbgrader collect``), grades with our ``grade`` in the sandbox,
   writes feedback with our ``feedback`` and releases it (``nbgrader release_feedback``),
   with a hand-placed submission among the exchange's that must not stop the release;
3. each student fetches their feedback and reads their own score in it;
4. as each student's Unix user, nothing of the others or of the instructor can be read,
   and the students' environment has ``course`` and not ``autograder``;
5. only the instructor and the students' group log in; the instructor finds formgrader
   with the course.

Before it, without root or a hub: the configuration template renders to Python, plain HTTP
stays on loopback, ``grade``'s precheck keeps the exchange's secret (and only a plain one),
and nbgrader's ``release_feedback`` gets past a hand-placed submission.
"""
from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder.config import REPO
from autograder.quality.submissions import reference_sources
from browser import chromium
from browser.hub_user import HubUser

PROF, KIM, LEE = "nnhub-prof", "nnhub-kim", "nnhub-lee"
OUTSIDER = "nnhub-out"          # a Unix user of the machine, not in the course
GROUP = "nnhub-students"
ASSIGNMENT = "01_arrays"
# Kept between runs: the hub's two environments take a while to make the first time and
# are made again only when the requirements or the course package change; so does the
# course that `init` sets up (the hub sets it up on a first run; later runs copy it).
HUB_DIR = Path("/tmp/nn-from-scratch-hub-test")
COURSE = Path("/home") / PROF / "nn-course"
COURSE_COPY = HUB_DIR / "course-as-init-made-it"
SOLUTIONS = reference_sources(nbformat.read(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                                            as_version=4))
WRITES = {KIM: list(SOLUTIONS), LEE: ["dot"]}     # one student finishes, one does not
FORMGRADER = f"/user/{PROF}/formgrader"


_START = time.monotonic()


def step(what: str) -> None:
    """Where the time goes (pytest -s shows it; a failure's report too)."""
    print(f"{time.monotonic() - _START:7.1f} s  {what}", flush=True)


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "the JupyterHub test creates Unix users and runs the hub as root (CI does)"
    if not shutil.which("useradd") or not shutil.which("runuser"):
        return "the JupyterHub test needs useradd and runuser (Debian's passwd, util-linux)"
    from autograder.course_admin.hub import HubError, find_proxy
    try:
        find_proxy()
    except HubError as error:
        return str(error)
    return chromium.missing_reason()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_user(user: str, *command: str, cwd: Path | None = None,
            env_bin: Path | None = None) -> subprocess.CompletedProcess:
    """``command`` as ``user`` (runuser), with a clean environment as a login gives."""
    home = pwd.getpwnam(user).pw_dir
    path = (f"{env_bin}:" if env_bin else "") + "/usr/local/bin:/usr/bin:/bin"
    return subprocess.run(["runuser", "-u", user, "--", "env", "-i", f"HOME={home}",
                           f"USER={user}", f"PATH={path}", "LANG=C.UTF-8", *command],
                          cwd=cwd or home, capture_output=True, text=True, timeout=600)


def _course_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted([*(REPO / "source").rglob("*"), REPO / "autograder" / "config.py"]):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + path.read_bytes())
    return digest.hexdigest()


def _course_from_copy() -> bool:
    """COURSE as `init` made it on an earlier run, given to the instructor; False if none."""
    stamp = COURSE_COPY / ".fingerprint"
    if not stamp.is_file() or stamp.read_text() != _course_fingerprint():
        shutil.rmtree(COURSE_COPY, ignore_errors=True)
        return False
    shutil.copytree(COURSE_COPY, COURSE, ignore=shutil.ignore_patterns(".fingerprint"))
    subprocess.run(["chown", "-R", f"{PROF}:{PROF}", str(COURSE)], check=True)
    return True


def _keep_course_copy() -> None:
    shutil.copytree(COURSE, COURSE_COPY)
    (COURSE_COPY / ".fingerprint").write_text(_course_fingerprint())


def _processes_of(uid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _remove_users() -> None:
    """The test's users, group and their processes (all started by this test), if any."""
    for user in (PROF, KIM, LEE, OUTSIDER):
        try:
            uid = pwd.getpwnam(user).pw_uid
        except KeyError:
            continue
        for pid in _processes_of(uid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10          # userdel refuses a user still running
        while _processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
        subprocess.run(["userdel", "-r", user], capture_output=True)
    for user in (PROF, KIM, LEE, OUTSIDER):
        shutil.rmtree(Path("/home") / user, ignore_errors=True)   # left by a killed run
    subprocess.run(["groupdel", GROUP], capture_output=True)


@dataclass
class Term:
    url: str
    passwords: dict
    hub: subprocess.Popen
    log: Path

    def env_bin(self, kind: str) -> Path:
        return HUB_DIR / f"{kind}-env" / "bin"

    def instructor(self, *command: str) -> subprocess.CompletedProcess:
        done = as_user(PROF, *command, cwd=COURSE, env_bin=self.env_bin("instructor"))
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
        return done

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("COURSE_REQUIRE_HUB") == "1":
            pytest.fail(f"COURSE_REQUIRE_HUB=1, but {reason}")
        pytest.skip(reason)
    _remove_users()
    for name in ("exchange", "state", "jupyterhub_config.py", "instructor-config",
                 "jupyterhub_config_local.py"):
        path = HUB_DIR / name
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    # The hub closes the repository to students; the test opens it again at the end, also
    # after a run that was killed before it could (its record is still there).
    HUB_DIR.mkdir(exist_ok=True)
    record = HUB_DIR / "repository-mode.json"
    if not record.is_file():
        info = os.stat(REPO)
        record.write_text(json.dumps({"gid": info.st_gid, "mode": info.st_mode & 0o7777}))
    repo = json.loads(record.read_text())
    passwords = {user: secrets.token_urlsafe(12) for user in (PROF, KIM, LEE, OUTSIDER)}
    subprocess.run(["groupadd", GROUP], check=True)
    for user in (PROF, OUTSIDER):
        subprocess.run(["useradd", "-m", "-s", "/bin/bash", user], check=True)
    for student in (KIM, LEE):
        subprocess.run(["useradd", "-m", "-s", "/bin/bash", "-G", GROUP, student], check=True)
    subprocess.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in passwords.items()),
                   text=True, check=True)
    for student in (KIM, LEE):
        # The student's own settings, which the test reads the page through: the lab's
        # application object exposed, every cell in the page (no lazy rendering).
        home = Path(pwd.getpwnam(student).pw_dir)
        settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / \
            "notebook-extension" / "tracker.jupyterlab-settings"
        settings.parent.mkdir(parents=True)
        settings.write_text(json.dumps({"windowingMode": "none"}))
        (home / ".jupyter" / "jupyter_server_config.json").write_text(
            json.dumps({"LabApp": {"expose_app_in_browser": True}}))
        subprocess.run(["chown", "-R", f"{student}:{student}", str(home / ".jupyter")],
                       check=True)
    copied = _course_from_copy()
    step(f"users made, course {'copied' if copied else 'left for the hub to set up'}")
    port, log = _free_port(), tmp_path_factory.mktemp("hub") / "jupyterhub.log"
    with open(log, "wb") as out:
        hub = subprocess.Popen(
            [sys.executable, "-m", "autograder", "hub", "--course-dir", str(COURSE),
             "--instructor", PROF, "--students-group", GROUP, "--hub-dir", str(HUB_DIR),
             "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    term = Term(f"http://127.0.0.1:{port}", passwords, hub, log)
    try:
        deadline = time.monotonic() + 600     # the environments, made on a first run
        while True:
            assert hub.poll() is None, f"the hub exited ({hub.returncode}):\n{term.log_tail()}"
            try:
                urllib.request.urlopen(f"{term.url}/hub/api/", timeout=5).close()
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, f"no hub after 600 s:\n{term.log_tail()}"
                time.sleep(0.5)
        step("hub up")
        if not copied:
            _keep_course_copy()
        # The instructor hands out 01_arrays: our release, then nbgrader's exchange.
        term.instructor("python", "-m", "autograder", "release", ASSIGNMENT, "--course-dir", ".")
        step("released with our release")
        term.instructor("nbgrader", "release_assignment", ASSIGNMENT)
        step("released to the exchange")
        yield term
    finally:
        if hub.poll() is None:
            hub.send_signal(signal.SIGTERM)       # the hub stops every user's server
            try:
                hub.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(hub.pid, signal.SIGKILL)       # the hub and its proxy
                hub.wait(timeout=10)
        _remove_users()
        os.chown(REPO, -1, repo["gid"])
        os.chmod(REPO, repo["mode"])
        record.unlink()


@pytest.fixture(scope="module")
def driver(term):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


class Browsers:
    """One Chromium per user (own cookies), opened on first use. Logging in starts that
    user's server; :meth:`start` lets it start while others work."""

    def __init__(self, term: Term, driver, folders):
        self.term, self.driver, self.folders = term, driver, folders
        self.users, self.contexts, self.waiting = {}, [], {}

    def start(self, name: str, then: str | None = None) -> None:
        context = chromium.launch(self.driver, self.folders.mktemp(f"chromium-{name}"))
        context.set_default_timeout(60_000)
        self.contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        self.users[name] = HubUser(page, self.term.url, name, self.term.passwords[name],
                                   ASSIGNMENT)
        self.users[name].start_log_in(then)
        self.waiting[name] = then

    def __call__(self, name: str, then: str | None = None) -> HubUser:
        if name not in self.users:
            self.start(name, then)
        if name in self.waiting:
            self.users[name].wait_logged_in(self.waiting.pop(name))
            step(f"{name} logged in")
        return self.users[name]


@pytest.fixture(scope="module")
def browser(term, driver, tmp_path_factory):
    browsers = Browsers(term, driver, tmp_path_factory)
    try:
        yield browsers
    finally:
        for context in browsers.contexts:
            context.close()


def _gradebook_scores() -> dict:
    data = json.loads((COURSE / "reports" / "grade-results.json").read_text())
    return {e["student"]: (e["score"], e["max_score"]) for e in data["submissions"]
            if e["assignment"] == ASSIGNMENT}


# -- the hub's configuration, without a hub --------------------------------------------

def test_the_configuration_template_is_python_and_plain_http_stays_on_loopback(tmp_path):
    from string import Template

    from autograder.course_admin import hub

    values = {key: repr(f"/x/{key}") for key in (
        "hub_dir", "course_id", "course_dir", "instructor", "students_group", "student_env",
        "instructor_env", "instructor_config", "proxy", "bind_url", "hub_bind_url",
        "proxy_api_url", "ssl_cert", "ssl_key")}
    text = Template(hub.TEMPLATE.read_text(encoding="utf-8")).substitute(values)
    compile(text, "jupyterhub_config.py", "exec")
    assert "$" not in text
    for ip, cert, refused in (("127.0.0.1", "", False), ("::1", "", False),
                              ("localhost", "", False), ("0.0.0.0", "", True),
                              ("10.1.2.3", "", True), ("0.0.0.0", "/etc/hub.pem", False)):
        problem = hub._plain_http_problem(hub.Hub(tmp_path, "prof", "nn-students", ip=ip,
                                                  ssl_cert=cert))
        assert bool(problem) == refused, (ip, cert, problem)


# -- feedback that reaches students, without a hub ------------------------------------

def _submission(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", folder)
    (folder / "timestamp.txt").write_text("2027-03-09 14:00:00.000000 UTC")
    return folder


def test_grade_keeps_the_exchange_secret_and_only_a_plain_one(tmp_path):
    """The precheck carries submission_secret.txt byte for byte; a link, a FIFO or a large
    file is left behind with a note, and nothing blocks."""
    from autograder.grading.check import SECRET_MAX_BYTES, Task, precheck
    from autograder.grading.definitions import AssignmentDef, NotebookDef

    adef = AssignmentDef(ASSIGNMENT, None, [NotebookDef(ASSIGNMENT, None, [])])
    secret = secrets.token_hex(64)
    folder = _submission(tmp_path / "plain")
    (folder / "submission_secret.txt").write_text(secret)
    task = precheck("kim", ASSIGNMENT, folder, adef, [])
    assert isinstance(task, Task) and task.secret == secret and task.notes == []
    (tmp_path / "elsewhere.txt").write_text(secret)
    for name, make in (("link", lambda p: p.symlink_to(tmp_path / "elsewhere.txt")),
                       ("fifo", os.mkfifo),
                       ("large", lambda p: p.write_text("0" * (SECRET_MAX_BYTES + 1))),
                       ("binary", lambda p: p.write_bytes(b"\xff\xfe"))):
        folder = _submission(tmp_path / name)
        make(folder / "submission_secret.txt")
        task = precheck("kim", ASSIGNMENT, folder, adef, [])
        assert task.secret is None, name
        assert [n for n in task.notes if "submission_secret.txt" in n], (name, task.notes)


def test_release_feedback_releases_the_others_past_a_hand_placed_submission(tmp_path, caplog):
    """nbgrader's release_feedback, with the course's fixes installed, as the course's
    nbgrader_config.py installs them: a feedback folder without the exchange's files is
    skipped with a warning (it stopped the run before), the others are released."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
    from nbgrader.utils import notebook_hash

    from autograder.config import install_fixes

    install_fixes()
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    for student in ("a-by-hand", "b-submitted"):
        folder = course / "feedback" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.html").write_text(f"<p>{student}</p>")
    submitted = course / "feedback" / "b-submitted" / ASSIGNMENT
    (submitted / "timestamp.txt").write_text("2027-03-09 14:00:00.000000 UTC")
    (submitted / "submission_secret.txt").write_text("s3cret")
    exchange.mkdir(mode=0o777)
    coursedir = CourseDirectory(root=str(course), course_id="c", assignment_id=ASSIGNMENT)
    ExchangeReleaseFeedback(coursedir=coursedir, root=str(exchange)).start()
    name = notebook_hash(secret="s3cret", notebook_id=ASSIGNMENT)
    released = exchange / "c" / "feedback" / f"{name}.html"
    assert released.read_text() == "<p>b-submitted</p>"
    assert len(list((exchange / "c" / "feedback").iterdir())) == 1
    assert "Not releasing feedback for student 'a-by-hand'" in caplog.text
    assert coursedir.student_id_exclude == ""


# -- the term ------------------------------------------------------------------------

def test_students_fetch_write_validate_and_submit(browser):
    # Everyone logs in at once, as a class does; servers start while the first one works.
    for name in (KIM, LEE):
        browser.start(name)
    browser.start(PROF, FORMGRADER)
    for name in (KIM, LEE):
        student = browser(name)
        student.fetch()
        student.open_notebook()
        step(f"{name} fetched and opened")
        student.write({exercise: SOLUTIONS[exercise] for exercise in WRITES[name]})
        step(f"{name} wrote")
        result = student.validate()
        step(f"{name} validated")
        if name == KIM:
            assert result["success"], result["text"]
        else:
            assert not result["success"] and "NotImplementedError" in result["text"], result
        student.submit()
        step(f"{name} submitted")
        assert (Path(pwd.getpwnam(name).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


def test_instructor_collects_grades_and_releases_feedback(term):
    term.instructor("nbgrader", "collect", ASSIGNMENT)
    step("collected")
    # A submission placed by hand beside the exchange's: no timestamp.txt, no secret.
    by_hand = COURSE / "submitted" / "by-hand" / ASSIGNMENT
    term.instructor("mkdir", "-p", str(by_hand))
    term.instructor("cp", str(COURSE / "submitted" / KIM / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                    str(by_hand))
    graded = term.instructor("python", "-m", "autograder", "grade", ASSIGNMENT,
                             "--course-dir", ".")
    step("graded")
    assert "graded 3, failed 0" in graded.stdout, graded.stdout
    for name in (KIM, LEE):
        # grade keeps the exchange's secret as stock autograde does, byte for byte.
        secret = COURSE / "submitted" / name / ASSIGNMENT / "submission_secret.txt"
        kept = COURSE / "autograded" / name / ASSIGNMENT / "submission_secret.txt"
        assert kept.read_bytes() == secret.read_bytes()
    term.instructor("python", "-m", "autograder", "feedback", ASSIGNMENT, "--course-dir", ".")
    step("feedback written")
    released = term.instructor("nbgrader", "release_feedback", ASSIGNMENT)
    step("feedback released")
    log = released.stdout + released.stderr
    assert "Not releasing feedback for student 'by-hand'" in log, log
    for name in (KIM, LEE):
        assert f"Releasing feedback for student '{name}'" in log, log
    scores = _gradebook_scores()
    full = scores[KIM][1]
    assert scores[KIM] == (full, full) and 0 < scores[LEE][0] < full, scores


def test_each_student_reads_their_own_score(browser):
    scores = _gradebook_scores()
    for name in (KIM, LEE):
        text = browser(name).feedback_text()
        step(f"{name} read their feedback")
        score = re.search(rf"{ASSIGNMENT} \(Score: ([\d.]+) / ([\d.]+)\)", text)
        assert score, text[:500]
        assert (float(score.group(1)), float(score.group(2))) == scores[name]


# Run as a student with the student environment's Python: what each path gives them,
# what of the exchange they can see, and where their imports come from.
PROBE = r"""
import importlib.util, json, os, sys
seen = {}
for path in sys.argv[2:]:
    try:
        os.listdir(path) if os.path.isdir(path) else open(path, "rb").close()
        seen[path] = "read"
    except PermissionError:
        seen[path] = "denied"
    except FileNotFoundError:
        seen[path] = "missing"
names = [n for _, dirs, files in os.walk(sys.argv[1]) for n in dirs + files]
find = importlib.util.find_spec
print(json.dumps({"paths": seen, "exchange": names, "course": find("course").origin,
                  "nbgrader": bool(find("nbgrader")), "autograder": bool(find("autograder"))}))
"""


def test_students_read_nothing_of_others_or_of_the_instructor(term, browser):
    exchange = HUB_DIR / "exchange"
    course_exchange = exchange / "nn-from-scratch"
    for name, other in ((KIM, LEE), (LEE, KIM)):
        other_home = Path(pwd.getpwnam(other).pw_dir)
        private = [other_home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                   other_home / ASSIGNMENT / "feedback",
                   other_home / ".local" / "share" / "jupyter" / "nbgrader_cache",
                   course_exchange / "inbound", course_exchange / "feedback",
                   COURSE, COURSE / "gradebook.db",
                   COURSE / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                   COURSE / "feedback" / other / ASSIGNMENT / f"{ASSIGNMENT}.html",
                   REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                   REPO / "autograder" / "catalogue", HUB_DIR / "state",
                   HUB_DIR / "repository" / "source"]
        done = as_user(name, str(term.env_bin("student") / "python"), "-c", PROBE,
                       str(exchange), *map(str, private))
        assert done.returncode == 0, done.stderr
        seen = json.loads(done.stdout)
        assert set(seen["paths"].values()) == {"denied"}, (name, seen["paths"])
        assert not [n for n in seen["exchange"] if other in n], seen["exchange"]
        assert seen["course"].startswith(str(HUB_DIR / "student-env")), seen
        assert seen["nbgrader"] and not seen["autograder"], seen
        assert browser(name).page.request.get(
            f"{term.url}/user/{name}/formgrader").status == 404


def test_instructor_finds_formgrader_with_the_course(browser, term):
    prof = browser(PROF, FORMGRADER)
    prof.page.wait_for_selector(f"text={ASSIGNMENT}", timeout=60_000)
    assert "Manage Assignments" in prof.page.inner_text("body")


def test_only_the_course_logs_in(term, driver):
    """A Unix user outside the students' group, with the right password, and a student
    with a wrong one, get the login page back."""
    for user, password in ((OUTSIDER, term.passwords[OUTSIDER]),
                           (KIM, "not-" + term.passwords[KIM])):
        session = driver.request.new_context(base_url=term.url)
        try:
            form = session.get("/hub/login").text()
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
            answer = session.post("/hub/login", form={"_xsrf": xsrf, "username": user,
                                                      "password": password},
                                  max_redirects=0)
            assert answer.status == 403 and "Invalid username or password" in answer.text(), (
                user, answer.status, answer.text()[:300])
        finally:
            session.dispose()
