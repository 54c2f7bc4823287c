"""Fixtures of the browser test: one JupyterLab server and one headless
Chromium for every notebook (see ``test_student_view.py``)."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from autograder.quality.submissions import fill, reference_sources
from browser import chromium
from browser.lab import start_lab
from browser.notebooks import NOTEBOOKS, RELEASE, SCREENSHOTS, SOURCE
from browser.student import Student


# -- fixtures ------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    reason = chromium.missing_reason()
    if reason:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COURSE_REQUIRE_BROWSER=1, but {reason}")
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("student-view")
    root = base / "student"
    # The student's folder: a copy of release/, so nothing writes into the repository.
    shutil.copytree(RELEASE, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # Next to it, each notebook as a student who finished it would hand it in.
    for notebook in NOTEBOOKS:
        source = SOURCE / notebook
        if source.exists():
            completed = root / "completed" / notebook
            completed.parent.mkdir(parents=True, exist_ok=True)
            filled = fill(nbformat.read(RELEASE / notebook, as_version=4),
                          reference_sources(nbformat.read(source, as_version=4)))
            nbformat.write(filled, completed)
    (base / "home").mkdir()
    server = start_lab(root, base / "home")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def student(lab, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    # Pictures of this run replace those of the last; drop the ones of
    # notebooks gone from release/ and of past failures.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    names = {Path(notebook).stem for notebook in NOTEBOOKS}
    for old in SCREENSHOTS.glob("*.*"):
        if old.name.startswith("FAILED-") or old.name.split("-")[0].split(".")[0] not in names:
            old.unlink(missing_ok=True)
    with sync_playwright() as playwright:
        context = chromium.launch(playwright, tmp_path_factory.mktemp("chromium-profile"))
        context.set_default_timeout(30_000)
        page = context.pages[0] if context.pages else context.new_page()
        someone = Student(page, lab)
        someone.open_lab()
        try:
            yield someone
        finally:
            context.close()


@pytest.fixture
def visit(student, request):
    """The student for one test; on failure a screenshot of the moment, then a
    clean lab for the next test."""
    start = time.monotonic()
    yield student
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        try:
            student.screenshot(SCREENSHOTS / f"FAILED-{request.node.callspec.id}.png")
        except Exception:
            pass
    try:
        student.dismiss_dialog()
        student.close_all()
    except Exception:
        student.open_lab()   # start over from a fresh page
    if student.console_errors:
        # Reported, not judged: the page's own console is not what a student reads.
        print(f"{request.node.name}: browser console errors:", *student.console_errors[:10],
              sep="\n  ")
        student.console_errors.clear()
    print(f"{request.node.name}: {time.monotonic() - start:.1f} s")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
