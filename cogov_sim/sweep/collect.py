"""One sweep folder in, its results table, statistics and figures out (:func:`aggregate`)."""

from __future__ import annotations

import sys
from pathlib import Path

from cogov_sim.sweep.figures import dose_figure, effects_figure, timeseries_figure
from cogov_sim.sweep.folders import read_runs, series_bands
from cogov_sim.sweep.tables import dose_parameter, interaction_table, pick_baseline, scenario_table


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    tmp.replace(path)


def aggregate(
    sweep: str | Path, baseline: str | None = None, figures: bool = True, quiet: bool = False
) -> dict:
    """Build the results table and figures of a sweep folder; return a short report."""
    sweep = Path(sweep)
    if not sweep.is_dir():
        raise FileNotFoundError(f"no sweep folder at {sweep}")
    runs = read_runs(sweep)
    if runs.empty:
        raise FileNotFoundError(f"no runs (folders with .hydra/overrides.yaml) under {sweep}")
    scenarios = list(dict.fromkeys(runs["scenario"]))
    base = pick_baseline(runs, baseline)
    table = scenario_table(runs, base)
    inter = interaction_table(runs, base)
    failures = runs[runs["status"] != "ok"][["run", "scenario", "seed", "status", "error"]]
    _atomic(sweep / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    _atomic(sweep / "scenarios.csv", lambda p: table.to_csv(p, index=False))
    _atomic(sweep / "failures.csv", lambda p: failures.to_csv(p, index=False))
    if not inter.empty:
        _atomic(sweep / "interactions.csv", lambda p: inter.to_csv(p, index=False))
    dose = dose_parameter(runs)
    if figures and (runs["status"] == "ok").any():
        if base is not None:
            effects_figure(table, sweep / "effects.png")
        if len(scenarios) <= 20:  # more lines than that are unreadable
            timeseries_figure(series_bands(sweep, runs), sweep / "timeseries.png")
        if dose:
            dose_figure(runs, dose, sweep / "dose_response.png")
    n_ok = int((runs["status"] == "ok").sum())
    report = {
        "runs": len(runs),
        "ok": n_ok,
        "failed": int((runs["status"] == "failed").sum()),
        "incomplete": int((runs["status"] == "incomplete").sum()),
        "scenarios": len(scenarios),
        "baseline": base,
        "dose_parameter": dose,
        "folder": str(sweep),
    }
    if not quiet:
        print(
            f"cogov-sim-aggregate: {n_ok}/{len(runs)} runs ok, {report['failed']} failed, "
            f"{report['incomplete']} incomplete; {len(scenarios)} scenarios; baseline: "
            f"{base or 'none'}; written to {sweep}",
            file=sys.stderr,
        )
        for f in failures.itertuples():
            print(
                f"  {f.status}: {f.run} ({f.scenario}, seed {f.seed}): {f.error}", file=sys.stderr
            )
    return report
