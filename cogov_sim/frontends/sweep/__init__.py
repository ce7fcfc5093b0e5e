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
_OWN = {"AggregateCallback": "callback", "main": "cli"}


def _results():
    return importlib.import_module("cogov_sim.results.sweep")


def __getattr__(name: str):
    if name in _OWN:
        value = getattr(importlib.import_module(f"{__name__}.{_OWN[name]}"), name)
    elif name in _results().__all__:
        value = getattr(_results(), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_OWN) | set(_results().__all__))


__all__ = sorted({*_OWN, *_results().__all__})
