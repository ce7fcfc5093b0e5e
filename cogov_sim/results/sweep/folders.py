"""Reading a sweep folder: its run folders, their overrides, summaries and time series.

A sweep folder holds one subfolder per run (Hydra's ``hydra.sweep.subdir``),
each with ``.hydra/overrides.yaml`` and either a complete ``summary.json``, an
``error.json`` (the run failed) or neither (killed, or still running). Its
``manifest.json`` (:mod:`cogov_sim.results.sweep.manifest`) lists the runs the sweep
owns: only those are read, and a run folder whose overrides differ from the
manifest's (left by an earlier sweep into the same folder) counts as not run
yet. A folder without a manifest is read as every run folder under it.
:func:`read_runs` makes one row per run; an unreadable ``summary.json`` or
``overrides.yaml`` makes a row with status ``unreadable`` naming the file,
never an abort. :func:`series_bands` streams a few time-series columns of
every complete run, never an event log.

The table is the sweep's index as a data set: its ``run`` column is the run's
folder relative to the sweep (the folder name, ``0``, ``1`` ...), and every
parameter the runs were given is a ``param.<key>`` column. A run of a sample
(``sample.file`` and ``sample.index``, as sensitivity analysis sweeps) also gets
the values of that row of the samples file as ``param.<key>`` columns, so that
the values each run used are in the table, not only the row's number. Joining on
``run`` brings the runs' own files to their parameters (docs/outputs.md).
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cogov_sim.results.sweep.manifest import read_manifest
from cogov_sim.results.writing import unreadable_file

log = logging.getLogger(__name__)

BAND_COLUMNS = ("closure_rate", "response_hours_mean", "participation_rate", "satisfaction_mean")
_IGNORED_KEYS = ("hydra.", "resume", "output.", "sweep.")
#: The statuses of a run: ``ok`` is complete; every other one is listed in failures.csv.
STATUSES = ("ok", "failed", "incomplete", "unreadable")


def _scan(sweep: Path) -> list[Path]:
    dirs = [p.parent.parent for p in sweep.rglob(".hydra/overrides.yaml")]
    return sorted(set(dirs), key=lambda p: _natural(p.relative_to(sweep)))


def _owned(sweep: Path, manifest: dict) -> list[tuple[Path | None, list[str]]]:
    """The manifest's runs: (folder, overrides); the folder found by overrides when the
    manifest cannot name it (a subfolder template beyond the job number)."""
    out = []
    by_overrides: dict | None = None
    for entry in manifest["runs"]:
        overrides = [str(o) for o in entry["overrides"]]
        folder = entry.get("dir")
        if folder is not None:
            out.append((sweep / str(folder), overrides))
            continue
        if by_overrides is None:
            by_overrides = {}
            for run in _scan(sweep):
                try:
                    by_overrides.setdefault(tuple(_overrides(run)), run)
                except (OSError, ValueError, yaml.YAMLError):
                    continue
        out.append((by_overrides.get(tuple(overrides)), overrides))
    return out


def run_dirs(sweep: Path) -> list[Path]:
    """The run folders of ``sweep``: the manifest's runs (those started), else every folder
    with ``.hydra/overrides.yaml``, sorted."""
    sweep = Path(sweep)
    manifest = read_manifest(sweep)
    if manifest is None:
        return _scan(sweep)
    return [run for run, _ in _owned(sweep, manifest) if run is not None and run.is_dir()]


def _natural(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in str(path).replace("/", " / ").split()]


def _overrides(run: Path) -> list[str]:
    data = yaml.safe_load((run / ".hydra" / "overrides.yaml").read_text()) or []
    if not isinstance(data, list):
        raise ValueError("not a list of overrides")
    return [str(o) for o in data]


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


def _name(sweep: Path, path: Path) -> str:
    try:
        return str(path.relative_to(sweep))
    except ValueError:
        return str(path)


def _unreadable(sweep: Path, path: Path, exc: BaseException) -> dict:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return {"status": "unreadable", "error": f"unreadable {_name(sweep, path)}: {reason}"}


def _result(sweep: Path, run: Path) -> dict:
    """Status, error and outcomes of one run folder whose overrides are known."""
    summary = run / "summary.json"
    error = run / "error.json"
    if summary.exists():
        try:
            data = json.loads(summary.read_text())
            row = {
                "status": "ok",
                "error": "",
                "seed": int(data["seed"]),
                "config_hash": data.get("config_hash"),
                "wall_seconds": data.get("wall_seconds"),
                "model_seconds": data.get("model_seconds"),
                "n_households": data.get("n_households"),
                "steps": data.get("steps"),
            }
            outcomes = data["outcomes"]
            for k, v in outcomes.items():
                if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                    raise ValueError(f"outcome {k!r} is not a number: {v!r}")
                row[k] = math.nan if v is None else v
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            return _unreadable(sweep, summary, exc)
        broken = unreadable_file(run)
        if broken:  # complete only with its data files whole (a truncated file passed)
            name, _, reason = broken.partition(": ")
            return {
                "status": "unreadable",
                "error": f"unreadable {_name(sweep, run / name)}: {reason}",
            }
        return row
    if error.exists():
        try:
            message = json.loads(error.read_text()).get("error", "")
        except (OSError, ValueError, AttributeError) as exc:
            message = _unreadable(sweep, error, exc)["error"]
        return {"status": "failed", "error": message}
    return {"status": "incomplete", "error": "no summary.json: killed or still running"}


def _params(row: dict, overrides: list[str]) -> None:
    for item in overrides:
        key, value = split_override(item)
        if key.startswith(_IGNORED_KEYS):
            continue
        row[f"param.{key}"] = parse_value(value)


def _model_part(overrides: list[str]) -> list[str]:
    """The overrides that make a run what it is (not output, resume or sweep settings)."""
    return [o for o in overrides if not split_override(o)[0].startswith(_IGNORED_KEYS)]


def _sample_values(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the parameter values of each sample run (the row ``param.sample.index``
    of ``param.sample.file``) as ``param.<key>`` columns; a samples file that cannot be
    read is named in a warning, its runs' values left out."""
    if "param.sample.file" not in df.columns or "param.sample.index" not in df.columns:
        return df
    tables: dict[str, pd.DataFrame | None] = {}
    values: dict = {}
    files, indices = df["param.sample.file"], df["param.sample.index"]
    for i, file, index in zip(df.index, files, indices, strict=True):
        try:
            row = int(index)
        except (TypeError, ValueError):
            continue
        if not isinstance(file, str) or not file:
            continue
        if file not in tables:
            try:
                tables[file] = pd.read_csv(file, index_col="sample")
            except (OSError, ValueError) as exc:
                tables[file] = None
                log.warning(
                    "cogov-sim-aggregate: cannot read the samples file %s (%s): runs.parquet "
                    "has its runs' sample.index but not their parameter values",
                    file,
                    exc,
                )
        table = tables[file]
        if table is not None and row in table.index:
            values[i] = table.loc[row].to_dict()
    if not values:
        return df
    sampled = pd.DataFrame.from_dict(values, orient="index").reindex(df.index)
    for key in sampled.columns:
        col = f"param.{key}"  # the sample's value wins, as in the run (apply_sample)
        df[col] = sampled[key] if col not in df.columns else sampled[key].combine_first(df[col])
    return df


def read_runs(sweep: Path) -> pd.DataFrame:
    """One row per run: ``run`` (its folder, relative to ``sweep``), ``scenario``, the
    parameters (``param.<key>``; a sample run's values too), seed, status, error and outcomes.

    With a manifest, one row per run it lists (status ``incomplete`` for one not run, or
    whose folder holds another sweep's run); without, one row per run folder."""
    sweep = Path(sweep)
    rows = []
    manifest = read_manifest(sweep)
    if manifest is not None:
        for i, (run, overrides) in enumerate(_owned(sweep, manifest)):
            entry = manifest["runs"][i]
            name = _name(sweep, run) if run is not None else str(entry.get("num", i))
            row: dict = {"run": name}
            _params(row, overrides)
            if run is None or not (run / ".hydra" / "overrides.yaml").exists():
                row.update(status="incomplete", error="not started")
            else:
                try:
                    found = _overrides(run)
                except (OSError, ValueError, yaml.YAMLError) as exc:
                    found = None
                    row.update(_unreadable(sweep, run / ".hydra" / "overrides.yaml", exc))
                if found is not None and _model_part(found) != _model_part(overrides):
                    row.update(
                        status="incomplete",
                        error="not run by this sweep yet (the folder holds an earlier "
                        "sweep's run with other overrides)",
                    )
                elif found is not None:
                    row.update(_result(sweep, run))
            rows.append(row)
    else:
        for run in _scan(sweep):
            row = {"run": _name(sweep, run)}
            try:
                _params(row, _overrides(run))
            except (OSError, ValueError, yaml.YAMLError) as exc:
                row.update(_unreadable(sweep, run / ".hydra" / "overrides.yaml", exc))
                rows.append(row)
                continue
            row.update(_result(sweep, run))
            rows.append(row)
    for row in rows:
        if "seed" not in row or row["seed"] is None:
            seed = row.get("param.seed")
            row["seed"] = int(seed) if isinstance(seed, (int, float)) else -1
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
    # after the scenario: a sample run's scenario stays its sample.index
    return _sample_values(df)


def series_bands(sweep: Path, runs: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per scenario and column: day-wise count, sum and sum of squares (streamed)."""
    import pyarrow.parquet as pq

    acc: dict[str, dict[str, list]] = defaultdict(dict)
    for r in runs[runs["status"] == "ok"].itertuples():
        path = sweep / r.run / "timeseries.parquet"
        if not path.exists():
            continue
        try:
            cols = [c for c in BAND_COLUMNS if c in pq.read_schema(path).names]
            table = pq.read_table(path, columns=cols)
        except (OSError, ValueError) as exc:  # pyarrow's errors are both
            log.warning("cogov-sim-aggregate: skipped unreadable %s: %s", _name(sweep, path), exc)
            continue
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
