"""Sweeps as a front end: the Hydra callback that writes one results table at the end
of every multirun (:class:`AggregateCallback`), the ``cogov-sim-aggregate`` command
(:func:`main`) and a resumed sweep's split into finished and missing runs
(:mod:`~cogov_sim.frontends.sweep.resume`).

What the table holds and how it is made is :mod:`cogov_sim.results.sweep`; its
public names are importable from here too.
"""

from __future__ import annotations

import importlib

# Imported on first use (PEP 562), so that a single run, which loads this package for
# its Hydra callback, does not pay for pandas' tables, SciPy and matplotlib.
_WHERE = {
    "AggregateCallback": "callback",
    "main": "cli",
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
        where = _WHERE[name]
        package = __name__ if where in ("callback", "cli") else "cogov_sim.results.sweep"
        value = getattr(importlib.import_module(f"{package}.{where}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
