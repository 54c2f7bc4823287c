"""A JupyterLab server for the browser test, isolated from the machine's own.

It runs from this interpreter's environment (the course's pinned ``.venv``,
with nbgrader's and ipywidgets' lab extensions), serves a folder of the
caller's choosing on a free loopback port behind a random token, and reads no
user configuration: config, data, runtime, IPython, user-settings and
workspace directories all live in a temporary folder. Two settings make the
page testable, given as JupyterLab *settings overrides* of this server only:

- ``windowingMode: "none"`` puts every cell in the DOM (since JupyterLab 4.2
  notebooks render lazily, and off-screen cells would be missing);
- no news and no update check, so the page never reaches for the network and
  no notification covers the notebook.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    root: Path          # the folder JupyterLab serves
    url: str            # http://127.0.0.1:<port>/
    token: str
    process: subprocess.Popen
    log: Path

    def lab_url(self, path: str = "") -> str:
        """The URL a student would open: the lab, optionally a document in it."""
        tree = f"tree/{path}" if path else ""
        return f"{self.url}lab/{tree}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server and its kernels (they share its process group)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass


def _settings_dir(home: Path) -> Path:
    """An application-settings directory holding ``overrides.json``.

    JupyterLab reads overrides from ``<app_settings_dir>/overrides.json`` and
    looks for the built application's metadata in ``<its parent>/static``;
    the parent here links ``static`` to the environment's build so that
    lookup finds what it would by default.
    """
    app_dir = home / "lab-app"
    settings = app_dir / "settings"
    settings.mkdir(parents=True)
    (settings / "overrides.json").write_text(json.dumps(OVERRIDES, indent=2), encoding="utf-8")
    static = Path(sys.prefix) / "share" / "jupyter" / "lab" / "static"
    if static.is_dir():
        (app_dir / "static").symlink_to(static, target_is_directory=True)
    return settings


def start_lab(root: Path, home: Path, timeout: float = 90) -> LabServer:
    """Start JupyterLab serving ``root``; private state goes under ``home``."""
    port, token = free_port(), secrets.token_hex(24)
    settings = _settings_dir(home)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "JPY_")) and key not in ("MPLBACKEND", "IPYTHONDIR")}
    for name in ("config", "data", "runtime", "ipython"):
        (home / name).mkdir()
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1")
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.app_settings_dir={settings}",
        f"--LabApp.user_settings_dir={home / 'user-settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.extension_manager=readonly",
    ]
    log = home / "jupyterlab.log"
    with open(log, "wb") as out:
        # cwd = root: nbgrader's Validate reads nbgrader_config.py from the
        # server's working directory, as it would in a student's folder.
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = LabServer(root=root, url=f"http://127.0.0.1:{port}/", token=token,
                       process=process, log=log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}:\n"
                               f"{server.log_tail()}")
        try:
            server.api("status")
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n"
                               f"{server.log_tail()}")
        time.sleep(0.3)
