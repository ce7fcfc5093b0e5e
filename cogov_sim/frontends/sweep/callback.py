"""The Hydra callback of every multirun (``hydra.callbacks.aggregate`` in
``configs/config.yaml``): the sweep folder's lock and manifest at its start, progress
lines while it runs, the results table and the count of failed runs at its end."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from cogov_sim.frontends.sweep.lifeline import mark_sweep
from cogov_sim.results.sweep.manifest import (
    MANIFEST,
    SweepLockedError,
    acquire_lock,
    planned_runs,
    release_lock,
    write_manifest,
)

try:  # Hydra is a dependency, but keep this module importable without it
    from hydra.experimental.callback import Callback as _Callback
except ImportError:  # pragma: no cover
    _Callback = object

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    """How the last multirun of this process ended (read by ``cogov-sim`` for its exit code)."""

    folder: str
    runs: int
    failed: int  # runs without complete results: failed, incomplete or unreadable
    error: str = ""  # why aggregation failed, if it did

    @property
    def failures_csv(self) -> str:
        return str(Path(self.folder) / "failures.csv")


#: Set by :meth:`AggregateCallback.on_multirun_end`; None before a multirun ends.
LAST_SWEEP: SweepResult | None = None
#: The sweep folder whose lock this process holds, if any.
LOCKED: str | None = None


def _console() -> None:
    from cogov_sim.frontends.hydra_setup import console_logging

    console_logging()


def _count(config) -> int:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(list(config.hydra.overrides.task))
    total = 1
    for ov in parsed:
        if ov.is_sweep_override():
            total *= len(list(ov.sweep_iterator()))
    sweep = config.hydra.sweeper.get("params") or {}
    for value in sweep.values():
        ov = OverridesParser.create().parse_overrides([f"x={value}"])[0]
        if ov.is_sweep_override():
            total *= len(list(ov.sweep_iterator()))
    return total


#: the sweep folder's progress file: a line per finished run (``tail -f`` it)
PROGRESS = "progress.log"


def _started(folder: Path) -> float | None:
    try:
        return float((folder / ".cogov_start").read_text())
    except (OSError, ValueError):
        return None


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, s = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {s} s"
    hours, m = divmod(minutes, 60)
    return f"{hours} h {m} min"


def progress_line(done: int, failed: int, total: int, start: float | None, now: float) -> str:
    """``cogov-sim sweep: 12/48 runs finished, 0 failed, 36 left, about 1 min 30 s to go``:
    the estimate is the time so far per finished run times the runs left."""
    of = f"/{total}" if total else ""
    line = f"cogov-sim sweep: {done}{of} runs finished, {failed} failed"
    left = total - done if total else 0
    if left > 0 and done > 0 and start is not None:
        eta = (now - start) / done * left
        line += f", {left} left, about {_duration(eta)} to go"
    return line


def release() -> None:
    """Release the lock this process holds on a sweep folder (at the end, or on a crash)."""
    global LOCKED
    if LOCKED is not None:
        release_lock(LOCKED)
        LOCKED = None


class AggregateCallback(_Callback):
    """Hydra callback: lock and manifest, progress lines and the results table of a multirun."""

    def __init__(self, baseline: str | None = None) -> None:
        self.baseline = baseline or None

    def on_multirun_start(self, config, **kwargs) -> None:
        global LAST_SWEEP, LOCKED
        _console()
        LAST_SWEEP = None
        folder = Path(config.hydra.sweep.dir)
        try:
            acquire_lock(folder)
        except SweepLockedError as exc:
            log.error("cogov-sim: error: %s", exc)
            # SystemExit, not an exception: Hydra turns a callback's exceptions into
            # warnings and would go on writing into the other sweep's folder.
            raise SystemExit(2) from None
        LOCKED = str(folder)
        mark_sweep()  # its workers end when this process does, even by kill -9
        # Nothing of an earlier sweep into this folder may pass for this one's.
        from cogov_sim.results.sweep.collect import clear_outputs

        clear_outputs(folder)
        (folder / MANIFEST).unlink(missing_ok=True)
        runs = planned_runs(config)
        if runs is not None:
            write_manifest(folder, runs, config)
            total = len(runs)
        else:
            try:
                total = _count(config)
            except Exception:  # noqa: BLE001 - progress is best effort
                total = 0
        (folder / ".cogov_total").write_text(str(total))
        (folder / ".cogov_start").write_text(repr(time.time()))
        for name in (".cogov_done", ".cogov_failed", PROGRESS):
            (folder / name).unlink(missing_ok=True)

    def on_job_end(self, config, job_return, **kwargs) -> None:
        """Count the finished run (one byte appended to a counter file: O(1) per run)."""
        try:
            folder = Path(config.hydra.sweep.dir)
            total = int((folder / ".cogov_total").read_text() or 0)
            failed_run = (Path(config.hydra.runtime.output_dir) / "error.json").exists()
        except (OSError, ValueError, AttributeError):
            return
        counts = []
        for name, hit in ((".cogov_done", True), (".cogov_failed", failed_run)):
            path = folder / name
            if hit:
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, b".")
                finally:
                    os.close(fd)
            counts.append(path.stat().st_size if path.exists() else 0)
        line = progress_line(counts[0], counts[1], total, _started(folder), time.time())
        log.info("%s", line)
        try:  # a file to tail, on a cluster too (the sweep folder is shared)
            fd = os.open(folder / PROGRESS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n".encode())
            finally:
                os.close(fd)
        except OSError:
            pass

    def on_multirun_end(self, config, **kwargs) -> None:
        global LAST_SWEEP
        _console()
        folder = str(config.hydra.sweep.dir)
        baseline = self.baseline or (config.get("sweep") or {}).get("baseline") or None
        try:
            from cogov_sim.results.sweep.collect import aggregate
            from cogov_sim.results.sweep.folders import read_runs

            runs = read_runs(Path(folder))
            n, ok = len(runs), int((runs["status"] == "ok").sum()) if len(runs) else 0
            LAST_SWEEP = SweepResult(folder, n, n - ok)
            aggregate(folder, baseline, runs=runs)
        except Exception as exc:  # noqa: BLE001 - never lose the sweep's runs over a table
            log.error("cogov-sim-aggregate: error: %s", exc)
            done = LAST_SWEEP or SweepResult(folder, 0, 0)  # 0: the runs could not be listed
            LAST_SWEEP = SweepResult(done.folder, done.runs, done.failed, str(exc) or repr(exc))
        finally:
            release()
        if LAST_SWEEP.failed:
            log.error(
                "cogov-sim sweep: %d of %d runs failed; see %s",
                LAST_SWEEP.failed,
                LAST_SWEEP.runs,
                LAST_SWEEP.failures_csv,
            )
