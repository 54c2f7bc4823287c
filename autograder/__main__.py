"""Command line: ``python -m autograder COMMAND``."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Instructor tooling for the course.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("release", help="regenerate release/ from source/")
    p.add_argument("assignments", nargs="*")

    p = commands.add_parser("demo", help="simulate a class, autograde it and print the scores")
    p.add_argument("--course-dir", default="scratch/demo")

    p = commands.add_parser("check-tests",
                            help="grade the mutation catalogue; fail if a mistake goes uncaught")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--workers", type=int, default=None)

    args = parser.parse_args(argv)
    if args.command == "release":
        from .release import release
        for path in release(args.assignments or None):
            print(f"wrote {path}")
    elif args.command == "check-tests":
        from .checktests import run
        return run(args.assignments or None, args.workers)
    elif args.command == "demo":
        from .demo import run_demo
        run_demo(args.course_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
