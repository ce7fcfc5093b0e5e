"""What a sweep folder belongs to: its lock (one sweep at a time) and its manifest.

- ``.cogov.lock``: created (``O_CREAT | O_EXCL``) when a multirun starts and
  removed when it ends. It names the process holding the folder; a second
  sweep into the same folder stops with a message naming both. A lock whose
  process is gone (killed; same host) is stale and taken over.
- ``manifest.json``: written when a multirun starts, the runs the sweep owns:
  job number, subfolder and overrides of each. Aggregation reads only those
  runs, so a folder re-used by a smaller sweep never mixes in the old runs.
  Folders without a manifest (older sweeps, sweepers that choose runs as they
  go) are read as before: every run folder under the sweep folder.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import socket
import sys
from pathlib import Path

from cogov_sim._version import __version__
from cogov_sim.results.writing import git_revision

MANIFEST = "manifest.json"
LOCK = ".cogov.lock"
#: The Hydra sweeper whose runs are known when the sweep starts.
BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"

log = logging.getLogger(__name__)


class SweepLockedError(RuntimeError):
    """Another live process holds the sweep folder."""


# ------------------------------------------------------------------ lock
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except OSError:
        return True
    return True


def _lock_info() -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": _dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
    }


def read_lock(folder: str | Path) -> dict | None:
    """The holder of a sweep folder's lock, or None when it has none."""
    path = Path(folder) / LOCK
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # being written, or damaged: a holder we cannot name


def acquire_lock(folder: str | Path) -> Path:
    """Take the lock of ``folder`` for this process; return the lock file.

    Raises:
        SweepLockedError: a live process (or one on another host) holds it.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    for _ in range(3):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            held = read_lock(folder)
            if held is None:
                continue  # released meanwhile: try again
            pid, host = held.get("pid"), held.get("host")
            mine = pid == os.getpid() and host == socket.gethostname()
            stale = isinstance(pid, int) and host == socket.gethostname() and not _alive(pid)
            if mine or stale:
                if stale:
                    log.info(
                        "cogov-sim sweep: taking over %s: its lock was left by process %s, "
                        "which is gone",
                        folder,
                        pid,
                    )
                path.unlink(missing_ok=True)
                continue
            who = (
                f"process {pid} on {host}, started {held.get('started', '?')}: "
                f"{held.get('command', '?')}"
                if held
                else "a process that is writing its lock now"
            )
            raise SweepLockedError(
                f"sweep folder {folder} is in use by another sweep ({who}). Wait for it "
                f"to finish, give this sweep another hydra.sweep.dir, or, if that process "
                f"is gone, delete {path}"
            ) from None
        with os.fdopen(fd, "w") as fh:
            json.dump(_lock_info(), fh)
        return path
    raise SweepLockedError(f"could not take the lock {path}: it keeps changing")


def release_lock(folder: str | Path) -> None:
    """Remove the lock of ``folder`` if this process holds it."""
    path = Path(folder) / LOCK
    held = read_lock(folder)
    if held and held.get("pid") == os.getpid() and held.get("host") == socket.gethostname():
        path.unlink(missing_ok=True)


# ------------------------------------------------------------------ manifest
def _subdir(template: str, num: int) -> str | None:
    """The subfolder of job ``num`` when the template depends on the job number only."""
    out = template.replace("${hydra.job.num}", str(num))
    return None if "${" in out else out


def planned_runs(config) -> list[dict] | None:
    """The runs of a multirun, as Hydra's basic sweeper will launch them, or None when the
    sweeper is another one (it chooses its runs as it goes) or they cannot be listed."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    hydra = config.hydra
    if hydra.sweeper.get("_target_") != BASIC_SWEEPER:
        return None
    try:
        params = [f"{k}={v}" for k, v in (hydra.sweeper.get("params") or {}).items()]
        task = list(OmegaConf.to_container(hydra.overrides.task, resolve=False))
        parsed = OverridesParser.create().parse_overrides(params + task)
        jobs = BasicSweeper.split_arguments(parsed, None)[0]
        template = OmegaConf.to_container(hydra.sweep, resolve=False).get("subdir")
    except Exception:  # noqa: BLE001 - the manifest is best effort; aggregation falls back
        return None
    template = str(template) if template is not None else "${hydra.job.num}"
    return [
        {"num": i, "dir": _subdir(template, i), "overrides": list(ov)} for i, ov in enumerate(jobs)
    ]


def write_manifest(folder: str | Path, runs: list[dict], config=None) -> Path:
    """Write ``manifest.json`` (atomically) listing ``runs`` as the sweep's own."""
    folder = Path(folder)
    data = {
        "format": 1,
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "command": " ".join(sys.argv),
        "version": __version__,
        "git_revision": git_revision(),
        "runs": runs,
    }
    path = folder / MANIFEST
    tmp = folder / f".{MANIFEST}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(tmp, path)
    return path


def read_manifest(folder: str | Path) -> dict | None:
    """The manifest of a sweep folder, or None (no manifest, or an unreadable one: then the
    folder is read as one without, and a warning says so)."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        runs = data["runs"]
        if not isinstance(runs, list) or not all(
            isinstance(r, dict) and isinstance(r.get("overrides"), list) for r in runs
        ):
            raise ValueError("'runs' is not a list of runs with overrides")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning(
            "cogov-sim-aggregate: unreadable %s (%s): reading every run folder instead", path, exc
        )
        return None
    return data
