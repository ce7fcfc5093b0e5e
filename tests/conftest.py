"""Shared fixtures and helpers of the test suite."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cogov_sim.frontends.viz.local import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent

# The worlds a developer saved (cogov-sim-fit world --save) must not change what the
# tests see as the world presets: the suite and its subprocesses get a home of their own.
os.environ["COGOV_SIM_HOME"] = tempfile.mkdtemp(prefix="cogov-sim-home-")

CLASSROOM = {"world.width": 50, "world.height": 50, "world.name": "classroom"}


def small(**kw):
    """A small, fast world for unit tests (its runs are too short for a warm-up: outcomes
    count from day 0)."""
    base = {
        "world.width": 30,
        "world.height": 30,
        "world.households_per_zone": 150,
        "world.zones_per_community": 2,
        "steps": 60,
    }
    base.update(kw)
    return base


def run_cli(args: list[str], cwd: Path, env_extra: dict | None = None, timeout: int = 300):
    """Run ``python -m cogov_sim`` with args; return the CompletedProcess."""
    env = dict(os.environ)
    env.pop("HYDRA_FULL_ERROR", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "cogov_sim", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def cli(tmp_path):
    def _run(*args, env=None):
        return run_cli(list(args), tmp_path, env)

    return _run


@pytest.fixture(scope="session")
def life_circle_site(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The example plug-in (examples/life_circle) installed, with its entry point, into a
    folder of its own: (that folder, an environment with it on ``PYTHONPATH``)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT / "examples" / "life_circle"),
        ],
        check=True,
        capture_output=True,
    )
    return target, {**os.environ, "PYTHONPATH": str(target)}


# ------------------------------------------------------------------ browser tests
def require_chromium() -> None:
    """Skip (outside CI) or fail (in CI, CI=true) when Debian's Chromium is missing."""
    if CHROMIUM.exists():
        return
    reason = (
        f"no Chromium at {CHROMIUM}: install Debian's chromium (make test does, as root) "
        "or set COGOV_CHROMIUM"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # pytest-playwright's own browser lookup looks for browsers that are not here.
    require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1500, "height": 1100}}
