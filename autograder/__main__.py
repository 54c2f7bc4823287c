"""Command line: ``python -m autograder COMMAND`` (installed as ``nn-autograder``)."""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

#: Commands that make their folder; every other course command needs an existing course.
CREATES_ITS_FOLDER = {"init", "demo", "hub"}
COURSE_DIR_HELP = ("course directory, relative to the current folder (default: the current "
                   "folder when it holds nbgrader_config.py, else the repository root)")


def _course_command(commands, name: str, help: str, assignments: bool = True):
    """A subcommand working on a course directory (and optionally some assignments)."""
    p = commands.add_parser(name, help=help, description=help)
    if assignments:
        p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                       help="assignments to work on, e.g. 01_arrays (default: all in source/)")
    p.add_argument("--course-dir", default=None, metavar="DIR", help=COURSE_DIR_HELP)
    return p


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("nn-from-scratch-course")
    except PackageNotFoundError:
        return "unknown (not installed; run `make venv`)"


def course_dir_problem(command: str, course_dir: str | None) -> str | None:
    """Why ``course_dir`` cannot serve ``command`` (None when it can)."""
    if command in CREATES_ITS_FOLDER or course_dir is None:
        return None
    path = Path(course_dir).expanduser().resolve()
    if not path.exists():
        return (f"course directory {path} does not exist "
                f"(`python -m autograder init {shlex.quote(course_dir)}` sets up a new course)")
    if not path.is_dir():
        return f"course directory {path} is a file, not a folder"
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Instructor tooling for the course.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}",
                        help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("init", help="set up a new course directory: config, source/, gradebook",
                            description="Set up a new course directory: nbgrader_config.py, a "
                                        "copy of source/ and a gradebook with every assignment.")
    p.add_argument("course_dir", metavar="DIR", help="the new course folder (new or empty)")
    p.add_argument("--zone", default="Asia/Seoul",
                   help="the course's time zone, an IANA name (default Asia/Seoul): due "
                        "dates without an offset are read in it and shown in it")

    p = _course_command(commands, "due", "set an assignment's due date (one instant, "
                        "stored as nbgrader reads it), or show the due dates", assignments=False)
    p.add_argument("assignment", nargs="?", metavar="ASSIGNMENT",
                   help="the assignment, e.g. 02_forward (default: show every due date)")
    p.add_argument("when", nargs="?", metavar="WHEN",
                   help="ISO 8601 with an offset, e.g. 2027-03-09T23:59+09:00; or a date and "
                        "time read in --zone or the course's zone, e.g. '2027-03-09 23:59' "
                        "(without WHEN: show the due date)")
    p.add_argument("--zone", default=None,
                   help="IANA time zone of WHEN, e.g. Asia/Seoul (default: the course's "
                        "c.Course.timezone)")

    p = _course_command(commands, "release", "regenerate release/ from source/")
    p.add_argument("--allow-early", action="store_true",
                   help="release even though an earlier assignment whose answers this one "
                        "gives away is not due yet")

    p = _course_command(commands, "bundle", "build the student bundle: released notebooks, "
                                            "the course package, pinned requirements, a how-to")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: COURSE_DIR/scratch/nn-from-scratch-student)")
    p.add_argument("--allow-early", action="store_true",
                   help="bundle even though an earlier assignment whose answers one of these "
                        "gives away is not due yet")

    p = _course_command(commands, "grade", "autograde submitted/ in parallel, each kernel in a "
                        "sandbox and each test cell in a judge the student's code cannot reach; "
                        "exit 0 all graded, 1 some failed, 2 nothing could be graded")
    p.add_argument("--student", action="append", default=None, metavar="ID",
                   help="grade only this student's submissions (repeat for several)")
    p.add_argument("--workers", type=int, default=None, help="default: the number of cores")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="wall-clock seconds per notebook (default 300)")
    p.add_argument("--cell-timeout", type=float, default=None,
                   help="seconds per cell (default: the course's Execute.timeout)")
    p.add_argument("--memory", type=int, default=2048, metavar="MB",
                   help="memory per notebook kernel and everything it starts, in MB "
                        "(default 2048; 0: no limit)")
    p.add_argument("--unsandboxed", action="store_true",
                   help="run kernels without the bubblewrap sandbox (only for trusted "
                        "submissions; results and report say 'unsandboxed')")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="grade on this Dask cluster, e.g. tcp://HOST:8786 (default: "
                        "$NN_GRADER_SCHEDULER, else c.DaskCluster.scheduler in "
                        "nbgrader_config.py, else this machine; 'local': this machine)")
    p.add_argument("--force", action="store_true",
                   help="on a cluster, regrade submissions an earlier run graded (this "
                        "machine always regrades everything)")

    p = _course_command(commands, "feedback", "per-student HTML feedback under feedback/")
    p.add_argument("--student", default=None, help="only this student")
    p.add_argument("--show-hidden-tests", action="store_true",
                   help="show the hidden test code and full tracebacks, whatever the course's "
                        "FeedbackPolicy says; default: follow the policy (autograder/reporting/policy.py: "
                        "hidden until a date, or forever)")

    p = _course_command(commands, "report", "grades.csv and an HTML report with charts", assignments=False)
    p.add_argument("--out", default=None, help="output folder (default: COURSE_DIR/reports)")
    p.add_argument("--db-url", default=None,
                   help="gradebook URL (default: the course's CourseDirectory.db_url)")

    p = _course_command(commands, "export", "LMS and long-format grade exports from the gradebook",
                        assignments=False)
    p.add_argument("--format", dest="formats", action="append", default=None,
                   choices=["canvas", "moodle", "long", "json"],
                   help="canvas.csv, moodle.csv, grades-long.csv or grades-long.json "
                        "(repeat for several; default: all four)")
    p.add_argument("--out", default=None, help="output folder (default: COURSE_DIR/reports)")
    p.add_argument("--db-url", default=None,
                   help="gradebook URL (default: the course's CourseDirectory.db_url)")

    p = _course_command(commands, "simulate", "write a synthetic class into submitted/")
    p.add_argument("--students", type=int, default=30, help="class size (default 30)")
    p.add_argument("--seed", type=int, default=0,
                   help="the same seed gives the same class (default 0)")
    p.add_argument("--copiers", type=float, default=0.0, metavar="SHARE",
                   help="this share of the class (e.g. 0.1) hands in a classmate's solutions, "
                        "disguised; every other student then writes in a style of their own "
                        "(default 0: the class as before)")

    p = _course_command(commands, "similarity",
                        "pairs of submissions whose solutions share unusual code, side by side "
                        "(for the instructor: pairs to look at, not findings)")
    p.add_argument("--earlier", default=None, metavar="DIR",
                   help="also compare with earlier terms' submissions anywhere under DIR "
                        "(…/<student>/<assignment>/<assignment>.ipynb: a course directory, "
                        "its submitted/ or autograded/, or a folder of several terms)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="where similarity.html goes (default: COURSE_DIR/reports)")
    p.add_argument("--from", dest="folder", choices=["submitted", "autograded"], default=None,
                   help="read the submissions from this folder (default: submitted/, or "
                        "autograded/ where there is no submitted/)")

    p = commands.add_parser("demo", help="simulate a class, grade it, write feedback and a report",
                            description="Simulate a class, grade it, write feedback and a "
                                        "report, in a scratch course folder of its own.")
    p.add_argument("--course-dir", default=None, metavar="DIR",
                   help="scratch course folder, relative to the current folder; new, empty or "
                        "made by an earlier demo, whose contents it replaces "
                        "(default: scratch/demo in the repository)")
    p.add_argument("--students", type=int, default=30, help="class size (default 30)")
    p.add_argument("--seed", type=int, default=0,
                   help="the same seed gives the same class (default 0)")
    p.add_argument("--workers", type=int, default=None, help="default: the number of cores")
    p.add_argument("--unsandboxed", action="store_true",
                   help="grade the simulated class without the bubblewrap sandbox (where "
                        "bubblewrap is missing; real submissions need it)")

    p = _course_command(commands, "check-tests",
                        "grade the mutation catalogue; fail if a mistake goes uncaught")
    p.add_argument("--workers", type=int, default=None,
                   help="assignments checked at a time (default: the number of cores)")

    _course_command(commands, "points", "the share of each assignment's points that goes to "
                    "the maths it teaches (at least 75 %%) and to contract details")
    _course_command(commands, "sitting", "each notebook's estimated time beside the time it "
                    "states (at most 100 minutes)")

    p = commands.add_parser("lab", help="JupyterLab on release/ with the student's tools only",
                            description="JupyterLab on release/ as a student sees it "
                                        "(nbgrader's Validate button, no instructor tools), or "
                                        "with --instructor on the course with all of nbgrader.")
    p.add_argument("--instructor", action="store_true",
                   help="the instructor's lab: the course folder, formgrader, Create Assignment")
    p.add_argument("--course-dir", default=None, metavar="DIR", help=COURSE_DIR_HELP)
    p = commands.add_parser("hub", help="the course on JupyterHub on this machine: real Unix "
                            "users, nbgrader's exchange (run as root)",
                            description="Set up and start JupyterHub for a term of the course "
                                        "on this machine (docs/jupyterhub.md).")
    p.add_argument("--course-dir", required=True, metavar="DIR",
                   help="the instructor's course directory (set up with `init` if missing)")
    p.add_argument("--instructor", required=True, metavar="USER",
                   help="the Unix user who teaches: owns the course, gets formgrader")
    p.add_argument("--students-group", default="nn-students", metavar="GROUP",
                   help="the Unix group whose members are the students (default nn-students)")
    p.add_argument("--hub-dir", default=None, metavar="DIR",
                   help="the hub's folder: environments, exchange, state "
                        "(default /srv/nn-from-scratch-hub)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--ssl-cert", default="", metavar="FILE", help="TLS certificate (PEM)")
    p.add_argument("--ssl-key", default="", metavar="FILE", help="its private key (PEM)")
    p.add_argument("--allow-http", action="store_true",
                   help="listen on a non-loopback address without TLS (only behind an HTTPS "
                        "proxy)")
    p.add_argument("--rebuild-envs", action="store_true",
                   help="rebuild the students' and the instructor's environments")
    return parser


def _check_selection(args, course_dir: Path) -> None:
    """Refuse unknown assignments and students, and work that has nothing to work on,
    the same way for every command (:mod:`autograder.course_admin.course_dir`)."""
    from autograder.course_admin import course_dir as where

    names = list(getattr(args, "assignments", None) or [])
    if args.command != "due":
        where.check_assignments(course_dir, names)
    students = args.student if isinstance(getattr(args, "student", None), list) else (
        [args.student] if getattr(args, "student", None) else [])
    if args.command == "grade":
        where.check_something_to_grade(course_dir, names or None)
        where.check_students(course_dir, "submitted", students, names or None)
    elif args.command == "feedback":
        where.check_something_graded(course_dir, names or None)
        where.check_students(course_dir, "autograded", students, names or None,
                             "graded submission")


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    problem = course_dir_problem(args.command, getattr(args, "course_dir", None))
    if problem:
        print(f"python -m autograder {args.command}: {problem}", file=sys.stderr)
        return 2
    if args.command == "init":
        from autograder.course_admin.new_course import CourseExists, init
        from autograder.course_admin.due_dates import DueDateError
        try:
            init(args.course_dir, zone=args.zone)
        except (CourseExists, DueDateError) as error:
            print(f"python -m autograder init: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "demo":
        from autograder.quality.demo import DemoError, run_demo
        try:
            run_demo(args.course_dir, students=args.students, seed=args.seed,
                     workers=args.workers, sandbox=not args.unsandboxed)
        except DemoError as error:
            print(f"python -m autograder demo: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "hub":        # makes (and owns) its course directory itself
        from autograder.course_admin import hub
        return hub.main(hub.Hub(Path(args.course_dir), args.instructor, args.students_group,
                                Path(args.hub_dir) if args.hub_dir else hub.DEFAULT_HUB_DIR,
                                args.ip, args.port, args.ssl_cert, args.ssl_key),
                        allow_http=args.allow_http, rebuild=args.rebuild_envs)
    from autograder.course_admin.course_dir import SelectionError, resolve
    from autograder.course_admin.due_dates import UnconfirmedDueDate
    from .config import missing_config_note

    where = resolve(args.course_dir)
    course = where.path
    print(where, file=sys.stderr, flush=True)
    note = missing_config_note(course)
    if note and args.command != "lab":
        print(note, file=sys.stderr)
    try:
        _check_selection(args, course)
        return _run(args, course)
    except (SelectionError, UnconfirmedDueDate) as error:
        print(f"python -m autograder {args.command}: {error}", file=sys.stderr)
        return 2


def _run(args, course: Path) -> int:
    """Run one command on the course directory ``course``."""
    if args.command == "due":
        from autograder.course_admin.due_dates import main as due
        return due(course, args.assignment, args.when, args.zone)
    elif args.command == "release":
        from autograder.course_admin.release import ReleaseError, release
        try:
            for path in release(args.assignments or None, course, allow_early=args.allow_early):
                print(f"wrote {path}")
        except ReleaseError as error:
            print(f"python -m autograder release: {error}", file=sys.stderr)
            return 2
    elif args.command == "bundle":
        from autograder.course_admin.bundle import build_bundle
        from autograder.course_admin.release import ReleaseError
        try:
            out = build_bundle(course, args.out, args.assignments or None,
                               allow_early=args.allow_early)
        except ReleaseError as error:
            print(f"python -m autograder bundle: {error}", file=sys.stderr)
            return 2
        print(f"student bundle: {out} (and {out}.zip)")
    elif args.command == "grade":
        from autograder.grading.grade import run
        return run(course, args.assignments, args.workers, args.timeout,
                   args.memory, args.cell_timeout, students=args.student,
                   sandbox=not args.unsandboxed, scheduler=args.scheduler,
                   force=args.force)
    elif args.command == "check-tests":
        from autograder.quality.check_tests import run
        return run(args.assignments or None, args.workers, course)
    elif args.command == "feedback":
        from autograder.reporting.feedback import main as feedback
        return feedback(course, args.assignments or None, args.show_hidden_tests, args.student)
    elif args.command == "report":
        from autograder.reporting.report import main as report
        return report(course, args.out, args.db_url)
    elif args.command == "export":
        from autograder.reporting.export import main as export
        return export(course, args.out, args.db_url, args.formats)
    elif args.command == "simulate":
        from autograder.quality.simulate import main as simulate
        return simulate(course, args.students, args.seed, args.assignments or None,
                        args.copiers)
    elif args.command == "similarity":
        from autograder.reporting.similarity_course import main as similarity
        return similarity(course, args.assignments or None, args.earlier, args.out,
                          args.folder)
    elif args.command in ("points", "sitting"):
        from .quality import points, sitting
        tool = points if args.command == "points" else sitting
        return tool.main(course, args.assignments or None)
    elif args.command == "lab":
        from autograder.course_admin.lab import main as lab
        return lab(args.instructor, course)
    return 0


if __name__ == "__main__":
    sys.exit(main())
