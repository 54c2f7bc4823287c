"""Debian's Chromium, headless, through Playwright for Python.

Nothing here downloads a browser: Playwright launches the executable the
system package installed (``apt-get install chromium``; ``.ci/run`` does it).
``COURSE_CHROMIUM`` names another executable.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

DEFAULT = "/usr/bin/chromium"

# Headless as root in a container, on a machine whose network is closed:
# no sandbox (it needs user namespaces root does not get), no GPU, and none
# of the background traffic (updates, sync, QUIC probes) Chromium starts on
# its own.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def find_chromium() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    wanted = os.environ.get("COURSE_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() and os.access(wanted, os.X_OK) else None
    if Path(DEFAULT).is_file() and os.access(DEFAULT, os.X_OK):
        return DEFAULT
    return shutil.which("chromium")


def missing_reason() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("the browser test needs Playwright for Python, pinned in requirements.txt: "
                "run `make venv`")
    if find_chromium() is None:
        where = os.environ.get("COURSE_CHROMIUM") or DEFAULT
        return (f"the browser test needs Debian's Chromium, and {where} is missing. "
                "Install it with `sudo apt-get install chromium` (.ci/run does this in CI); "
                "the test never downloads a browser")
    return None


def launch(playwright, user_data_dir: Path, viewport=(1280, 900)):
    """A fresh headless Chromium context with its own profile directory."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=find_chromium(),
        headless=True,
        args=ARGS,
        viewport={"width": viewport[0], "height": viewport[1]},
        device_scale_factor=1,
        locale="en-US",
        timezone_id="UTC",
    )
