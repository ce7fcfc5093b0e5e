"""Shared fixtures and helpers of the test suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CLASSROOM = {"world.width": 50, "world.height": 50, "world.name": "classroom"}


def small(**kw):
    """A small, fast world for unit tests."""
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
