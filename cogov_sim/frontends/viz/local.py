"""The app on this machine, started in the background and driven by a headless browser:
what the browser tests, the class-at-once benchmark and anyone scripting a lesson's
screenshots share. No Solara import here (the app runs in its own process).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Debian's Chromium (``COGOV_CHROMIUM`` names another).
CHROMIUM = Path(os.environ.get("COGOV_CHROMIUM", "/usr/bin/chromium"))
#: Headless, as root, and with nothing calling out of this machine.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LocalApp:
    url: str
    pid: int  # the server's process (Solara runs the app in it)


@contextmanager
def serve_app(log_path, timeout: float = 90.0, env: dict[str, str] | None = None):
    """Serve ``cogov-sim-viz`` on a free local port; yield a :class:`LocalApp` once it
    answers; stop it by its process group at the end. ``env``: variables to set in the
    server's environment (e.g. ``PYTHONPATH`` for a mechanism plug-in)."""
    port = free_port()
    env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "VSCODE_PID"}  # no CDN
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cogov_sim.frontends.viz.server", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"cogov-sim-viz exited early; log: {log_path}")
                try:
                    with urllib.request.urlopen(url, timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"cogov-sim-viz did not answer in {timeout} s; {log_path}")
                time.sleep(0.5)
            yield LocalApp(url, proc.pid)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
