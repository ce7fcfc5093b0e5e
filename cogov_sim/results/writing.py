"""Writing a run's results atomically.

Every file is written to a temporary name in the output folder and renamed
into place; ``summary.json`` is renamed last, so a folder with a
``summary.json`` has complete results and a run killed at any moment leaves
either complete results or no result file under its final name.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from omegaconf import OmegaConf

from cogov_sim._version import __version__
from cogov_sim.core.config import MODEL_KEYS


def config_hash(cfg) -> str:
    """SHA-256 (first 16 hex digits) of the model's parameters
    (:class:`cogov_sim.core.config.ModelConfig`): not the run's options nor Hydra's own
    settings. ``cfg`` is a config or its resolved plain container."""
    data = cfg if isinstance(cfg, dict) else OmegaConf.to_container(cfg, resolve=True)
    data = {k: v for k, v in data.items() if k in MODEL_KEYS}
    text = json.dumps(data, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def git_revision() -> str | None:
    """The checkout's commit (None outside a git checkout); looked up once per process."""
    root = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    rev = out.stdout.strip()
    return rev if out.returncode == 0 and rev else None


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


#: a run's data files, and whether every run has it
RUN_FILES = (("timeseries.parquet", True), ("events.parquet", False))

#: every file a run may write into its folder (what an earlier run left is removed)
RESULT_FILES = frozenset(
    {"summary.json", *(name for name, _ in RUN_FILES), "outcomes.png", "map.png"}
    | {"animation.gif", "animation.mp4"}
)


class AtomicWriter:
    """Collects files written under temporary names and renames them at commit."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._pending: list[tuple[Path, Path]] = []

    def write(self, name: str, writer: Callable[[Path], None]) -> None:
        final = self.folder / name
        tmp = self.folder / f".{name}.tmp-{os.getpid()}"
        self._pending.append((tmp, final))
        writer(tmp)

    def check(self) -> None:
        """Read back every data file written so far (its whole Parquet footer).

        Raises:
            OSError: a file that cannot be read whole, named."""
        for tmp, final in self._pending:
            problem = _unreadable_parquet(tmp) if final.suffix == ".parquet" else None
            if problem:
                raise OSError(f"{final.name} was written unreadable: {problem}")

    def commit(self, summary_name: str = "summary.json") -> None:
        """Put every file in place, ``summary_name`` last. An earlier run's summary goes
        first, so that a kill between the renames leaves no summary beside new files, and
        so do an earlier run's files that this one does not write (its event log when
        this run writes none, its figures when this one draws none)."""
        (self.folder / summary_name).unlink(missing_ok=True)
        written = {final.name for _, final in self._pending}
        for name in RESULT_FILES - written:
            (self.folder / name).unlink(missing_ok=True)
        pending = sorted(self._pending, key=lambda p: p[1].name == summary_name)
        for tmp, final in pending:
            os.replace(tmp, final)
        self._pending.clear()

    def abort(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()


def _unreadable_parquet(path: Path) -> str | None:
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except Exception as exc:  # noqa: BLE001 - any failure to read is the answer
        text = str(exc).strip().splitlines()
        return text[0] if text else type(exc).__name__
    return None


def unreadable_file(folder: str | os.PathLike) -> str | None:
    """The first data file of a run's folder that is missing or cannot be read whole, as
    ``"<file>: <reason>"``; None when every one is whole."""
    for name, always in RUN_FILES:
        path = Path(folder) / name
        if not path.exists():
            if always:
                return f"{name}: missing"
            continue
        problem = _unreadable_parquet(path)
        if problem:
            return f"{name}: {problem}"
    return None


def summary_record(
    outcomes: dict, state: dict, cfg, wall_seconds: float, model_seconds: float | None = None
) -> dict:
    """The run's record: outcomes, size, timing, provenance, the final state, and exactly
    the config that ran (every section with its values, mechanisms' parameters included).

    ``wall_seconds`` is the model built, run and summarised; ``model_seconds`` the model
    built and run only (what a sweep's overhead is measured against)."""
    config = OmegaConf.to_container(cfg, resolve=True)
    return {
        "outcomes": {k: _clean(v) for k, v in outcomes.items()},
        "n_households": int(state["n_households"]),
        "steps": int(state["steps"]),
        "wall_seconds": round(float(wall_seconds), 3),
        "model_seconds": None if model_seconds is None else round(float(model_seconds), 3),
        "seed": int(cfg.seed),
        "mechanisms": list(cfg.mechanisms),
        "world": str(cfg.world.name),
        "config_hash": config_hash(config),
        "version": __version__,
        "git_revision": git_revision(),
        "state": {k: _clean(v) for k, v in state.items()},
        "config": config,
    }


def write_json(path: Path, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False)
        fh.write("\n")
