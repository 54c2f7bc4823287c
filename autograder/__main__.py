"""Command line: ``python -m autograder COMMAND``."""
from __future__ import annotations

import argparse
import sys


def _course_command(commands, name: str, help: str, assignments: bool = True):
    """A subcommand working on a course directory (and optionally some assignments)."""
    p = commands.add_parser(name, help=help)
    if assignments:
        p.add_argument("assignments", nargs="*")
    p.add_argument("--course-dir", default=None,
                   help="course directory (default: the repository root)")
    return p


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Instructor tooling for the course.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = _course_command(commands, "release", "regenerate release/ from source/")

    p = _course_command(commands, "grade", "autograde submitted/ in parallel, each kernel in a "
                        "sandbox; exit 0 all graded, 1 some failed, 2 nothing could be graded")
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
                   help="show the hidden test code and full tracebacks (stock nbgrader); "
                        "default: a note in its place, the failure message kept")

    p = _course_command(commands, "report", "grades.csv and an HTML report with charts", assignments=False)
    p.add_argument("--out", default=None, help="output folder (default: COURSE_DIR/reports)")
    p.add_argument("--db-url", default=None,
                   help="gradebook URL (default: the course's CourseDirectory.db_url)")

    p = _course_command(commands, "simulate", "write a synthetic class into submitted/")
    p.add_argument("--students", type=int, default=30, help="class size (default 30)")
    p.add_argument("--seed", type=int, default=0)

    p = commands.add_parser("demo", help="simulate a class, grade it, write feedback and a report")
    p.add_argument("--course-dir", default="scratch/demo")
    p.add_argument("--students", type=int, default=30, help="class size (default 30)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=None, help="default: the number of cores")

    p = commands.add_parser("check-tests",
                            help="grade the mutation catalogue; fail if a mistake goes uncaught")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--workers", type=int, default=None)

    args = parser.parse_args(argv)
    if args.command == "release":
        from .config import REPO
        from .release import release
        for path in release(args.assignments or None, args.course_dir or REPO):
            print(f"wrote {path}")
    elif args.command == "grade":
        from .config import REPO
        from .grade import run
        return run(args.course_dir or REPO, args.assignments, args.workers, args.timeout,
                   args.memory, args.cell_timeout, students=args.student,
                   sandbox=not args.unsandboxed, scheduler=args.scheduler,
                   force=args.force)
    elif args.command == "check-tests":
        from .checktests import run
        return run(args.assignments or None, args.workers)
    elif args.command == "feedback":
        from .config import REPO
        from .feedback import main as feedback
        return feedback(args.course_dir or REPO, args.assignments or None,
                        args.show_hidden_tests, args.student)
    elif args.command == "report":
        from .config import REPO
        from .report import main as report
        return report(args.course_dir or REPO, args.out, args.db_url)
    elif args.command == "simulate":
        from .config import REPO
        from .simulate import main as simulate
        return simulate(args.course_dir or REPO, args.students, args.seed,
                        args.assignments or None)
    elif args.command == "demo":
        from .demo import run_demo
        run_demo(args.course_dir, students=args.students, seed=args.seed,
                 workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
