"""Reading a sweep folder: its run folders, their overrides, summaries and time series.

A sweep folder holds one subfolder per run (Hydra's ``hydra.sweep.subdir``),
each with ``.hydra/overrides.yaml`` and either a complete ``summary.json``, an
``error.json`` (the run failed) or neither (killed, or still running).
:func:`read_runs` makes one row per run folder; :func:`series_bands` streams
a few time-series columns of every complete run, never an event log.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

BAND_COLUMNS = ("closure_rate", "response_hours_mean", "participation_rate", "satisfaction_mean")
_IGNORED_KEYS = ("hydra.", "resume", "output.", "sweep.")


def run_dirs(sweep: Path) -> list[Path]:
    """Every run folder under ``sweep`` (those with ``.hydra/overrides.yaml``), sorted."""
    dirs = [p.parent.parent for p in sweep.rglob(".hydra/overrides.yaml")]
    return sorted(set(dirs), key=lambda p: _natural(p.relative_to(sweep)))


def _natural(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in str(path).replace("/", " / ").split()]


def _overrides(run: Path) -> list[str]:
    return list(yaml.safe_load((run / ".hydra" / "overrides.yaml").read_text()) or [])


def split_override(ov: str) -> tuple[str, str]:
    key, _, value = ov.partition("=")
    return key.lstrip("+~"), value


def parse_value(value: str):
    try:
        v = yaml.safe_load(value)
    except yaml.YAMLError:
        return value
    if isinstance(v, list):
        return "[" + ",".join(map(str, v)) + "]"
    return v


def read_runs(sweep: Path) -> pd.DataFrame:
    """One row per run folder: parameters, seed, status, error and outcomes."""
    rows = []
    for run in run_dirs(sweep):
        ov = _overrides(run)
        row: dict = {"run": str(run.relative_to(sweep))}
        for item in ov:
            key, value = split_override(item)
            if key.startswith(_IGNORED_KEYS):
                continue
            row[f"param.{key}"] = parse_value(value)
        summary = run / "summary.json"
        error = run / "error.json"
        if summary.exists():
            data = json.loads(summary.read_text())
            row.update(
                status="ok",
                error="",
                seed=data["seed"],
                config_hash=data.get("config_hash"),
                wall_seconds=data.get("wall_seconds"),
                n_households=data.get("n_households"),
                steps=data.get("steps"),
            )
            for k, v in data["outcomes"].items():
                row[k] = math.nan if v is None else v
        elif error.exists():
            row.update(status="failed", error=json.loads(error.read_text()).get("error", ""))
        else:
            row.update(status="incomplete", error="no summary.json: killed or still running")
        if "seed" not in row or row["seed"] is None:
            seed = row.get("param.seed")
            row["seed"] = int(seed) if isinstance(seed, (int, float)) else -1
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.drop(columns=[c for c in ("param.seed",) if c in df.columns])
    varying = [
        c
        for c in df.columns
        if c.startswith("param.") and df[c].astype(str).nunique(dropna=False) > 1
    ]
    if varying:
        df.insert(
            1,
            "scenario",
            df[varying]
            .astype(str)
            .apply(
                lambda r: " ".join(f"{c.removeprefix('param.')}={v}" for c, v in r.items()), axis=1
            ),
        )
    else:
        df.insert(1, "scenario", "(all runs)")
    return df


def series_bands(sweep: Path, runs: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per scenario and column: day-wise count, sum and sum of squares (streamed)."""
    import pyarrow.parquet as pq

    acc: dict[str, dict[str, list]] = defaultdict(dict)
    for r in runs[runs["status"] == "ok"].itertuples():
        path = sweep / r.run / "timeseries.parquet"
        if not path.exists():
            continue
        cols = [c for c in BAND_COLUMNS if c in pq.read_schema(path).names]
        table = pq.read_table(path, columns=cols)
        for c in cols:
            x = table.column(c).to_numpy(zero_copy_only=False).astype(float)
            slot = acc[r.scenario].get(c)
            if slot is None or slot[0].size < x.size:
                n = np.zeros(x.size)
                s = np.zeros(x.size)
                q = np.zeros(x.size)
                if slot is not None:
                    k = slot[0].size
                    n[:k], s[:k], q[:k] = slot
                slot = [n, s, q]
            ok = ~np.isnan(x)
            slot[0][: x.size] += ok
            slot[1][: x.size] += np.where(ok, x, 0.0)
            slot[2][: x.size] += np.where(ok, x * x, 0.0)
            acc[r.scenario][c] = slot
    return acc
