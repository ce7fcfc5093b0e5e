"""One sweep folder in, its results table, statistics and figures out (:func:`aggregate`)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cogov_sim.results.sweep.figures import dose_figure, effects_figure, timeseries_figure
from cogov_sim.results.sweep.folders import read_runs, series_bands
from cogov_sim.results.sweep.tables import (
    dose_parameter,
    interaction_table,
    pick_baseline,
    scenario_table,
)

log = logging.getLogger(__name__)

#: Everything :func:`aggregate` writes into a sweep folder. All are removed before it
#: writes anew, so that no table or figure of an earlier aggregation survives a failed one.
OUTPUTS = (
    "runs.parquet",
    "failures.csv",
    "scenarios.csv",
    "interactions.csv",
    "effects.png",
    "timeseries.png",
    "dose_response.png",
)
FAILURE_COLUMNS = ["run", "scenario", "seed", "status", "error"]


def _atomic(path: Path, write) -> None:
    """Write ``path`` through a temporary name (same suffix, this process's) and a rename."""
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        write(tmp)
        if tmp.exists():  # a figure with nothing to draw writes nothing
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def clear_outputs(sweep: str | Path) -> None:
    """Remove the tables and figures of an earlier aggregation of ``sweep``."""
    for name in OUTPUTS:
        (Path(sweep) / name).unlink(missing_ok=True)


def aggregate(
    sweep: str | Path,
    baseline: str | None = None,
    figures: bool = True,
    quiet: bool = False,
    runs=None,
) -> dict:
    """Build the results table and figures of a sweep folder; return a short report.

    ``runs.parquet`` and ``failures.csv`` are written first, so the list of runs and
    failures exists even when the statistics fail (a bad ``baseline``, say). Messages go
    to the ``cogov_sim.results.sweep.collect`` logger (the commands show them on the console).

    Args:
        sweep: the sweep folder.
        baseline: overrides of the baseline scenario, e.g. ``"mechanisms=[]"``.
        figures: draw the figures.
        quiet: log nothing.
        runs: the table :func:`~cogov_sim.results.sweep.folders.read_runs` made of this folder,
            when the caller has it already.
    """
    sweep = Path(sweep)
    if not sweep.is_dir():
        raise FileNotFoundError(f"no sweep folder at {sweep}")
    if runs is None:
        runs = read_runs(sweep)
    clear_outputs(sweep)
    if runs.empty:
        raise FileNotFoundError(f"no runs (folders with .hydra/overrides.yaml) under {sweep}")
    scenarios = list(dict.fromkeys(runs["scenario"]))
    failures = runs[runs["status"] != "ok"][FAILURE_COLUMNS]
    _atomic(sweep / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    _atomic(sweep / "failures.csv", lambda p: failures.to_csv(p, index=False))
    counts = runs["status"].value_counts()
    n_ok = int(counts.get("ok", 0))
    report = {
        "runs": len(runs),
        "ok": n_ok,
        "failed": int(counts.get("failed", 0)),
        "incomplete": int(counts.get("incomplete", 0)),
        "unreadable": int(counts.get("unreadable", 0)),
        "scenarios": len(scenarios),
        "baseline": None,
        "dose_parameter": None,
        "folder": str(sweep),
    }
    try:
        base, bad_baseline = pick_baseline(runs, baseline), None
    except ValueError as exc:
        base, bad_baseline = None, exc
    if not quiet:
        unreadable = f", {report['unreadable']} unreadable" if report["unreadable"] else ""
        log.info(
            "cogov-sim-aggregate: %d/%d runs ok, %d failed, %d incomplete%s; %d scenarios; "
            "baseline: %s; written to %s",
            n_ok,
            len(runs),
            report["failed"],
            report["incomplete"],
            unreadable,
            len(scenarios),
            base or "none",
            sweep,
        )
        for f in failures.itertuples():
            log.info("  %s: %s (%s, seed %s): %s", f.status, f.run, f.scenario, f.seed, f.error)
    if bad_baseline is not None:
        raise bad_baseline
    table = scenario_table(runs, base)
    inter = interaction_table(runs, base)
    _atomic(sweep / "scenarios.csv", lambda p: table.to_csv(p, index=False))
    if not inter.empty:
        _atomic(sweep / "interactions.csv", lambda p: inter.to_csv(p, index=False))
    dose = dose_parameter(runs)
    if figures and n_ok:
        if base is not None:
            _atomic(sweep / "effects.png", lambda p: effects_figure(table, p))
        if len(scenarios) <= 20:  # more lines than that are unreadable
            bands = series_bands(sweep, runs)
            _atomic(sweep / "timeseries.png", lambda p: timeseries_figure(bands, p))
        if dose:
            _atomic(sweep / "dose_response.png", lambda p: dose_figure(runs, dose, p))
    report.update(baseline=base, dose_parameter=dose)
    return report
