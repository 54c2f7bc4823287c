"""The README is a quick start, and every command the README and docs/ show is one the tools take."""
from __future__ import annotations

import contextlib
import io
import re
import shlex

import pytest

from autograder.__main__ import build_parser
from autograder.config import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# `python -m autograder COMMAND ...` in a code span closed on its line, or on a code block line.
SPAN = re.compile(r"`(?:[^`\n]*\s)?(?:python -m autograder|nn-autograder) ([^`\n]+)`")
BLOCK = re.compile(r"^\s*(?:[^\s`]*\s)?(?:python -m autograder|nn-autograder) (.+)$", re.M)


def commands(text: str) -> list[str]:
    blocks = "\n".join(re.findall(r"```[^\n]*\n(.*?)```", text, re.S))
    found = []
    for match in [*SPAN.finditer(text), *BLOCK.finditer(blocks)]:
        line = match.group(1).split("#")[0].strip()
        line = re.sub(r"\[[^\]]*\]", "", line)          # optional parts, as usage shows them
        line = line.replace("...", "…").rstrip(" ,;:)")
        if line.endswith(".") and not line.endswith(" ."):     # a sentence's full stop
            line = line[:-1]
        if "|" in line or "<" in line:
            continue                                   # a usage line of alternatives
        found.append(line)
    return found


def test_the_readme_is_a_quick_start():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines: keep it a quick start"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_shown_parses(page):
    parser = build_parser()
    for line in commands(page.read_text(encoding="utf-8")):
        try:
            args = shlex.split(line)
        except ValueError:
            continue
        if not args or args[0] == "COMMAND":
            continue
        # Placeholders (DIR, WHEN, N, …) stand for a value: any will do to parse.
        words = ["1" if (a.isalpha() and a.isupper()) or a == "…" else a for a in args]
        said = io.StringIO()
        try:
            with contextlib.redirect_stderr(said):
                parser.parse_args(words)
        except SystemExit:
            if "arguments are required" in said.getvalue():
                continue                    # a mention of the command, its arguments left out
            pytest.fail(f"{page.name}: `python -m autograder {line}` is not a command the "
                        f"tools take: {said.getvalue().strip().splitlines()[-1]}")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_linked_exists(page):
    for target in re.findall(r"\]\(((?:docs/)?[\w-]+\.md)(?:#[\w-]+)?\)", page.read_text(encoding="utf-8")):
        where = (REPO if target.startswith("docs/") else page.parent) / target
        assert where.exists(), f"{page.name} links to {target}, which does not exist"


def test_every_make_target_shown_exists():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    for page in PAGES:
        for target in re.findall(r"`(?:sudo )?make ([\w-]+)", page.read_text(encoding="utf-8")):
            assert target in targets, f"{page.name} shows `make {target}`, which is no target"
