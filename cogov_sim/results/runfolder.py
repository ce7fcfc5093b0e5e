"""A run's folder and its config: whether the folder holds complete results of the
config (what ``resume=true`` keeps), and the row of a sensitivity sample a run applies.

Used by the command, the API and a resumed SLURM sweep alike, so that all three judge a
folder the same way.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from cogov_sim._version import __version__
from cogov_sim.core.config import make_config
from cogov_sim.core.errors import ConfigError
from cogov_sim.results.writing import config_hash, git_revision, unreadable_file

log = logging.getLogger(__name__)


def apply_sample(cfg: DictConfig) -> DictConfig:
    """Apply row ``sample.index`` of ``sample.file`` (a sensitivity sample) to the config."""
    if not cfg.sample.file:
        return cfg
    import pandas as pd  # only a run of a sample pays for it

    try:
        table = pd.read_csv(cfg.sample.file, index_col="sample")
    except (OSError, ValueError) as exc:
        raise ConfigError("sample.file", "a readable samples.csv", cfg.sample.file) from exc
    if cfg.sample.index not in table.index:
        raise ConfigError(
            "sample.index", f"a row of {cfg.sample.file} (0-{len(table) - 1})", cfg.sample.index
        )
    row = table.loc[cfg.sample.index]
    values = {
        k: (
            int(v)
            if float(v).is_integer() and isinstance(OmegaConf.select(cfg, k), int)
            else float(v)
        )
        for k, v in row.items()
    }
    return make_config(cfg, **values)


def completed(cfg, folder: str) -> tuple[bool, str]:
    """Whether ``folder`` holds complete results of this run, and if not, why it runs again.

    Complete: a readable summary.json of the same config (hash), made by the same
    version and code revision (git) as this one, or by any with ``resume_any_version``.
    """
    path = Path(folder) / "summary.json"
    if not path.exists():
        return False, ""
    try:
        done = json.loads(path.read_text())
        done_hash = done.get("config_hash")
    except (OSError, ValueError, AttributeError):
        return False, "its summary.json is unreadable"

    try:
        if done_hash != config_hash(apply_sample(make_config(cfg))):
            return False, ""
    except ConfigError:  # the run reports it
        return False, ""
    broken = unreadable_file(folder)
    if broken:
        return False, f"its {broken}"
    if cfg.get("resume_any_version", False):
        return True, ""

    then = (done.get("version"), done.get("git_revision"))
    now = (__version__, git_revision())
    if then == now:
        return True, ""

    def name(version, rev) -> str:
        return f"{version} (git {str(rev)[:10] if rev else 'unknown'})"

    return False, (
        f"its results come from cogov-sim {name(*then)}, this is {name(*now)} "
        "(resume_any_version=true keeps them)"
    )


def write_error(folder: str, exc: BaseException) -> None:
    """Record a failed run in its folder; a folder that cannot take the file (a full
    disk) is logged, not raised: the sweep goes on and counts the run as not done."""
    path = Path(folder) / "error.json"
    try:
        path.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}, indent=2) + "\n")
    except OSError as err:
        path.unlink(missing_ok=True)  # no half-written record
        log.error("cogov-sim: cannot record the failure of %s (%s): %s", folder, err, exc)
