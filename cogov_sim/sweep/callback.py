"""The Hydra callback of every multirun (``hydra.callbacks.aggregate`` in
``configs/config.yaml``): progress lines while it runs, the results table at its end."""

from __future__ import annotations

import sys
from pathlib import Path

from cogov_sim.sweep.collect import aggregate

try:  # Hydra is a dependency, but keep this module importable without it
    from hydra.experimental.callback import Callback as _Callback
except ImportError:  # pragma: no cover
    _Callback = object


class AggregateCallback(_Callback):
    """Hydra callback: progress lines during a multirun and the results table at its end."""

    def __init__(self, baseline: str | None = None) -> None:
        self.baseline = baseline or None

    def on_multirun_start(self, config, **kwargs) -> None:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        try:
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
        except Exception:  # progress is best effort
            total = 0
        folder = Path(config.hydra.sweep.dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".cogov_total").write_text(str(total))
        for name in (".cogov_done", ".cogov_failed"):
            (folder / name).unlink(missing_ok=True)

    def on_job_end(self, config, job_return, **kwargs) -> None:
        """Count the finished run (one byte appended to a counter file: O(1) per run)."""
        import os

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
        of = f"/{total}" if total else ""
        print(
            f"cogov-sim sweep: {counts[0]}{of} runs finished, {counts[1]} failed",
            file=sys.stderr,
            flush=True,
        )

    def on_multirun_end(self, config, **kwargs) -> None:
        baseline = self.baseline or (config.get("sweep") or {}).get("baseline") or None
        try:
            aggregate(config.hydra.sweep.dir, baseline)
        except Exception as exc:  # never lose the sweep's runs over a table
            print(f"cogov-sim-aggregate: error: {exc}", file=sys.stderr)
