"""One results table at the end of every sweep, from any launcher.

A sweep folder holds one subfolder per run (Hydra's ``hydra.sweep.subdir``),
each with ``.hydra/overrides.yaml`` and either a complete ``summary.json``, an
``error.json`` (the run failed) or neither (killed, or still running), and a
``manifest.json`` of the runs the sweep owns (read alone when present).
:func:`aggregate` streams over those folders — one small JSON file and a few
time-series columns per run, never an event log — and writes into the sweep
folder:

- ``runs.parquet``: one row per run: every swept parameter and the seed,
  every summary outcome, status (ok / failed / incomplete), error, run folder;
- ``scenarios.csv``: per scenario (the overrides other than the seed) and
  outcome: runs, mean, 95% CI; the effect against the baseline scenario with
  its 95% CI (paired by seed where both have the seed, Welch otherwise);
- ``interactions.csv``: where a sweep has a pair of mechanisms and each alone,
  the pair's effect minus the sum of the single effects, with its CI;
- ``failures.csv``: the failed, incomplete and unreadable runs with their errors;
- figures: ``effects.png`` (effects with CI bars per outcome),
  ``timeseries.png`` (mean and 95% band per scenario over time) and, when the
  sweep varies one numeric parameter, ``dose_response.png``.

It runs automatically at the end of a multirun (:class:`AggregateCallback`)
and on any folder with ``cogov-sim-aggregate PATH``.

The package, by concept (the Hydra callback and the command that run it are front
ends: :mod:`cogov_sim.frontends.sweep`):

- :mod:`cogov_sim.results.sweep.manifest` — the sweep folder's lock and manifest;
- :mod:`cogov_sim.results.sweep.folders` — reading run folders: overrides, summaries,
  time series;
- :mod:`cogov_sim.results.sweep.tables` — the baseline, scenario effects, interactions;
- :mod:`cogov_sim.results.sweep.figures` — effects, time-series and dose-response figures;
- :mod:`cogov_sim.results.sweep.collect` — :func:`aggregate`, all of the above for one folder;

Every public name is importable from ``cogov_sim.results.sweep``.
"""

from __future__ import annotations

import importlib

# Imported on first use (PEP 562), so that a single run, which loads the sweep's Hydra
# callback, does not pay for pandas' tables, SciPy and matplotlib.
_WHERE = {
    "aggregate": "collect",
    "KEY_OUTCOMES": "figures",
    "dose_figure": "figures",
    "effects_figure": "figures",
    "timeseries_figure": "figures",
    "BAND_COLUMNS": "folders",
    "read_runs": "folders",
    "run_dirs": "folders",
    "dose_parameter": "tables",
    "interaction_table": "tables",
    "outcome_columns": "tables",
    "pick_baseline": "tables",
    "scenario_table": "tables",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
