"""``python -m autograder hub`` (``make hub``): a term of the course on JupyterHub, on one machine.

It sets up, then starts, a JupyterHub in which real Unix users log in with their
passwords (PAM):

- **the instructor** (one Unix user, who owns the course directory) gets JupyterLab
  on the course directory from an environment with all of ``requirements.txt``
  (:mod:`.hub_env`): formgrader, nbgrader's commands and ours (``grade``,
  ``feedback``, ``report``, ``export``);
- **the students** (the members of one Unix group) get JupyterLab in their home
  from an environment of their own (:mod:`.hub_env`): the ``course`` package,
  nbgrader's Assignment List (fetch, submit, fetch feedback) and Validate button,
  and nothing of ``autograder``, ``source/`` or the mutation catalogue.

What it settles rather than leaves to chance: the course id (the course's own);
nbgrader's exchange (``HUB_DIR/exchange``, written into the course's
``nbgrader_config.py`` and the students' environment) with the course's folder in it
owned by the instructor, created before any student could claim it; who may read
what (the course directory 0700, each student's home 0700, the repository closed to
students, the instructor's copy of it theirs alone); and the hub's own state, readable
by root alone.

The hub runs as root (PAM reads ``/etc/shadow``; each server starts as its user),
in the foreground: Ctrl-C stops it and every user's server. ``docs/jupyterhub.md``
is the instructor's guide.
"""
from __future__ import annotations

import grp
import ipaddress
import json
import os
import pwd
import re
import shutil
import socket
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

from autograder.config import REPO, load_course_config

from . import hub_env

DEFAULT_HUB_DIR = Path("/srv/nn-from-scratch-hub")
TEMPLATE = Path(__file__).with_name("jupyterhub_config.py.tmpl")
#: Where ``make hub`` installs configurable-http-proxy (npm); Debian's is on PATH.
PROXY = REPO / ".venv" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"

#: nbgrader's tools a student has no use for: server extensions, then lab plugins.
STUDENT_OFF_SERVER = ("nbgrader.server_extensions.formgrader",
                      "nbgrader.server_extensions.course_list")
STUDENT_OFF_LAB = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list")
#: JupyterLab reaching for the network on its own (news, update checks): off.
LAB_OVERRIDES = {"@jupyterlab/apputils-extension:notification":
                 {"fetchNews": "false", "checkForUpdates": False}}

BLOCK = re.compile(r"\n?# >>> python -m autograder hub.*?# <<< python -m autograder hub\n",
                   re.S)


class HubError(Exception):
    """The hub cannot be set up as asked; the message says why and what to do."""


@dataclass
class Hub:
    course_dir: Path
    instructor: str
    students_group: str
    hub_dir: Path = DEFAULT_HUB_DIR
    ip: str = "127.0.0.1"
    port: int = 8000
    ssl_cert: str = ""
    ssl_key: str = ""

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_cert else "http"
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"{scheme}://{host}:{self.port}/"

    def path(self, *parts) -> Path:
        return Path(self.hub_dir, *parts)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _write_fresh(path: Path, text: str, mode: int = 0o644) -> None:
    """Write a new file: a hard link into uv's cache (the environments are made of
    them) is replaced, never written through."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def members(group: grp.struct_group) -> list[pwd.struct_passwd]:
    """The group's members: listed in it, or with it as their primary group."""
    names = set(group.gr_mem) | {p.pw_name for p in pwd.getpwall() if p.pw_gid == group.gr_gid}
    return [pwd.getpwnam(n) for n in sorted(names)]


def users(hub: Hub) -> tuple[pwd.struct_passwd, list[pwd.struct_passwd]]:
    """(the instructor, the students), checked."""
    try:
        teacher = pwd.getpwnam(hub.instructor)
    except KeyError:
        raise HubError(f"there is no Unix user {hub.instructor!r}: create the instructor's "
                       f"account first (`adduser {hub.instructor}`)") from None
    if teacher.pw_uid == 0:
        raise HubError("the instructor must be an ordinary user, not root")
    try:
        group = grp.getgrnam(hub.students_group)
    except KeyError:
        raise HubError(f"there is no Unix group {hub.students_group!r}: `groupadd "
                       f"{hub.students_group}`, then `adduser STUDENT` and `usermod -aG "
                       f"{hub.students_group} STUDENT` for each student") from None
    students = members(group)
    if any(s.pw_name == teacher.pw_name for s in students):
        raise HubError(f"the instructor {teacher.pw_name} is a member of the students' group "
                       f"{hub.students_group}: a student would share their rights")
    if any(s.pw_uid == 0 for s in students):
        raise HubError(f"root is a member of the students' group {hub.students_group}")
    return teacher, students


def secure_course(hub: Hub, teacher, say) -> str:
    """Make the course directory (``init`` when missing) the instructor's alone; its id."""
    course = hub.course_dir
    if not course.exists():
        from .new_course import init

        init(course, say=lambda text: None)
        for folder, dirs, files in os.walk(course):
            for name in [folder, *(os.path.join(folder, f) for f in dirs + files)]:
                os.chown(name, teacher.pw_uid, teacher.pw_gid, follow_symlinks=False)
        say(f"set up the course directory {course} for {teacher.pw_name}")
    if not (course / "nbgrader_config.py").is_file():
        raise HubError(f"{course} has no nbgrader_config.py: not a course directory "
                       f"(`python -m autograder init DIR` sets one up)")
    owner = os.stat(course).st_uid
    if owner != teacher.pw_uid:
        raise HubError(f"{course} belongs to uid {owner}, not to the instructor "
                       f"{teacher.pw_name}: `chown -R {teacher.pw_name} {course}`")
    if _mode(course) & 0o077:
        course.chmod(0o700)
        say(f"{course} is now mode 0700: only {teacher.pw_name} reads the course")
    course_id = load_course_config(course).CourseDirectory.course_id
    if not course_id:
        raise HubError(f"{course}/nbgrader_config.py sets no CourseDirectory.course_id")
    return str(course_id)


def close_repository(students, say) -> None:
    """Close the repository (``source/``, the catalogue, scratch courses) to students:
    everything the hub's users run comes from ``HUB_DIR``."""
    student_gids = {s.pw_gid for s in students} | {
        g.gr_gid for g in grp.getgrall() if set(g.gr_mem) & {s.pw_name for s in students}}
    mode = _mode(REPO) & ~0o007
    if os.stat(REPO).st_gid in student_gids:
        mode &= ~0o070
    if mode != _mode(REPO):
        REPO.chmod(mode)
        say(f"{REPO} is now mode {mode:04o}: students cannot enter it")


def secure_homes(students, say) -> None:
    """Each student's home 0700 (``useradd`` makes it 0755): no one reads another's work.
    The hub repeats this for every student whose server starts."""
    opened = []
    for student in students:
        home = Path(student.pw_dir)
        if home.is_dir() and os.stat(home).st_uid == student.pw_uid and _mode(home) & 0o077:
            home.chmod(0o700)
            opened.append(student.pw_name)
    if opened:
        say(f"homes made private (0700): {', '.join(opened)}")


def set_exchange(hub: Hub, course_id: str, teacher) -> Path:
    """nbgrader's exchange, with the course's folder made and owned by the instructor
    (modes as ``release_assignment`` makes them), and its root in the course's config."""
    root = hub.path("exchange")
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o1777)              # nbgrader wants 0777; sticky: no one removes another's
    course = root / course_id
    for folder, mode in ((course, 0o755), (course / "outbound", 0o755),
                         (course / "inbound", 0o2733), (course / "feedback", 0o711)):
        folder.mkdir(exist_ok=True)
        os.chown(folder, teacher.pw_uid, teacher.pw_gid)
        folder.chmod(mode)
    config = hub.course_dir / "nbgrader_config.py"
    text = BLOCK.sub("\n", config.read_text(encoding="utf-8")).rstrip("\n")
    text += ("\n\n# >>> python -m autograder hub: its exchange (rewritten at each start)\n"
             "c = get_config()  # noqa: F821\n"
             f"c.Exchange.root = {str(root)!r}\n"
             "# <<< python -m autograder hub\n")
    info = os.stat(config)
    config.write_text(text, encoding="utf-8")
    os.chown(config, info.st_uid, info.st_gid)
    return root


def build_envs(hub: Hub, teacher, say, rebuild: bool = False) -> None:
    """The students' and the instructor's environments, made again when what they are
    made from (the requirements, the ``course`` package) changed; and the instructor's
    copy of the repository, made afresh."""
    python = hub_env.shared_python()
    repository = hub_env.copy_repository(hub.path("repository"))
    for kind, build, where in (("student", hub_env.student_env, REPO),
                               ("instructor", hub_env.instructor_env, repository)):
        target, want = hub.path(f"{kind}-env"), hub_env.fingerprint(kind, python, where)
        stamp = target / ".nn-hub-fingerprint"
        if rebuild or not stamp.is_file() or stamp.read_text() != want:
            say(f"making the {kind} environment {target} (Python {python})")
            build(target, python, *([repository] if kind == "instructor" else []))
            _write_fresh(stamp, want)
    for folder, dirs, files in os.walk(repository):
        for name in [folder, *(os.path.join(folder, f) for f in dirs + files)]:
            os.chown(name, teacher.pw_uid, teacher.pw_gid, follow_symlinks=False)
    repository.chmod(0o700)
    instructor_env = hub.path("instructor-env")
    os.chown(instructor_env, 0, teacher.pw_gid)
    instructor_env.chmod(0o750)
    hub.path("student-env").chmod(0o755)
    if not hub_env.world_usable(hub.path("student-env", "bin", "python")):
        raise HubError(f"students cannot reach {hub.path('student-env')}: choose a --hub-dir "
                       f"every user may enter (default {DEFAULT_HUB_DIR})")


def configure_envs(hub: Hub, course_id: str, exchange: Path) -> None:
    """The students' Jupyter settings (in their environment) and the instructor's
    (a folder on their server's ``JUPYTER_CONFIG_PATH``)."""
    etc = hub.path("student-env", "etc", "jupyter")
    nbgrader = ("# The course's exchange, set by `python -m autograder hub`.\n"
                "c = get_config()  # noqa: F821\n"
                f"c.CourseDirectory.course_id = {course_id!r}\n"
                f"c.Exchange.root = {str(exchange)!r}\n")
    _write_fresh(etc / "nbgrader_config.py", nbgrader)
    # Read after nbgrader.json, which turns every nbgrader extension on.
    server = {"ServerApp": {"jpserver_extensions": {n: False for n in STUDENT_OFF_SERVER}}}
    _write_fresh(etc / "jupyter_server_config.d" / "zz-nn-from-scratch-student.json",
                 json.dumps(server, indent=2) + "\n")
    page = {"disabledExtensions": {n: True for n in STUDENT_OFF_LAB}}
    _write_fresh(etc / "labconfig" / "page_config.json", json.dumps(page, indent=2) + "\n")
    for kind in ("student", "instructor"):
        _write_fresh(hub.path(f"{kind}-env", "share", "jupyter", "lab", "settings",
                              "overrides.json"), json.dumps(LAB_OVERRIDES, indent=2) + "\n")
    _write_fresh(hub.path("instructor-config", "nbgrader_config.py"),
                 "# The instructor's server: formgrader and nbgrader find the course here.\n"
                 "c = get_config()  # noqa: F821\n"
                 f"c.CourseDirectory.root = {str(hub.course_dir)!r}\n"
                 f"c.Exchange.root = {str(exchange)!r}\n")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_proxy() -> str:
    found = str(PROXY) if PROXY.is_file() else shutil.which("configurable-http-proxy")
    if not found:
        raise HubError("configurable-http-proxy is missing: `make hub` installs it from npm "
                       "(needs `apt-get install npm`), or `apt-get install "
                       "node-configurable-http-proxy`")
    return found


def write_config(hub: Hub, course_id: str) -> Path:
    def lit(value) -> str:
        return repr(str(value))

    values = {
        "hub_dir": hub.hub_dir, "course_id": course_id, "course_dir": hub.course_dir,
        "instructor": hub.instructor, "students_group": hub.students_group,
        "student_env": hub.path("student-env"), "instructor_env": hub.path("instructor-env"),
        "instructor_config": hub.path("instructor-config"), "proxy": find_proxy(),
        "bind_url": hub.url, "hub_bind_url": f"http://127.0.0.1:{free_port()}",
        "proxy_api_url": f"http://127.0.0.1:{free_port()}",
        "ssl_cert": hub.ssl_cert, "ssl_key": hub.ssl_key}
    text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        {key: lit(value) for key, value in values.items()})
    config = hub.path("jupyterhub_config.py")
    _write_fresh(config, text)
    return config


def prepare(hub: Hub, say=print, rebuild: bool = False) -> Path:
    """Everything but starting the hub; returns the path of its configuration."""
    hub.course_dir, hub.hub_dir = Path(hub.course_dir).resolve(), Path(hub.hub_dir).resolve()
    if hub.hub_dir == REPO or REPO in hub.hub_dir.parents:
        raise HubError(f"the hub folder {hub.hub_dir} is inside the repository, which "
                       "students may not enter; choose another (default "
                       f"{DEFAULT_HUB_DIR})")
    teacher, students = users(hub)
    course_id = secure_course(hub, teacher, say)
    close_repository(students, say)
    secure_homes(students, say)
    hub.hub_dir.mkdir(parents=True, exist_ok=True)
    hub.hub_dir.chmod(0o755)
    hub.path("state").mkdir(mode=0o700, exist_ok=True)
    hub.path("state").chmod(0o700)
    build_envs(hub, teacher, say, rebuild)
    exchange = set_exchange(hub, course_id, teacher)
    configure_envs(hub, course_id, exchange)
    config = write_config(hub, course_id)
    say(f"JupyterHub for {course_id} at {hub.url}\n"
        f"  instructor  {teacher.pw_name}: formgrader and the course {hub.course_dir}\n"
        f"  students    the group {hub.students_group}: "
        f"{', '.join(s.pw_name for s in students) or 'no members yet'}\n"
        f"  exchange    {exchange / course_id}\n"
        f"  config      {config}")
    return config


def _plain_http_problem(hub: Hub) -> str | None:
    if hub.ssl_cert:
        return None
    try:
        if ipaddress.ip_address(hub.ip).is_loopback:
            return None
    except ValueError:
        if hub.ip == "localhost":
            return None
    return (f"students would send their Unix passwords to {hub.ip} unencrypted: give "
            "--ssl-cert and --ssl-key, or put an HTTPS proxy in front and pass "
            "--allow-http")


def main(hub: Hub, allow_http: bool = False, rebuild: bool = False) -> int:
    if os.geteuid() != 0:
        print("python -m autograder hub: JupyterHub with real Unix users runs as root "
              "(PAM reads /etc/shadow; each server starts as its user): "
              "`sudo make hub INSTRUCTOR=… COURSE=…`", file=sys.stderr)
        return 2
    problem = None if allow_http else _plain_http_problem(hub)
    if bool(hub.ssl_cert) != bool(hub.ssl_key):
        problem = "--ssl-cert and --ssl-key go together"
    # What the hub makes for everyone (environments, settings) must be readable by
    # everyone whatever umask sudo passes on; private folders get their modes explicitly.
    os.umask(0o022)
    try:
        if problem:
            raise HubError(problem)
        config = prepare(hub, rebuild=rebuild)
    except (HubError, hub_env.EnvError) as error:
        print(f"python -m autograder hub: {error}", file=sys.stderr)
        return 2
    print("Ctrl-C stops the hub and every user's server.", flush=True)
    os.chdir(hub.hub_dir)
    command = [str(Path(sys.prefix) / "bin" / "jupyterhub"), "-f", str(config)]
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.prefix) / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    os.execve(command[0], command, env)
    return 0  # not reached
