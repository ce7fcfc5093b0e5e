"""Exploring the policy space: calibration with uncertainty, effects with both
uncertainties, scenario discovery and policy packages under a budget.

- :mod:`cogov_sim.analysis.explore.runs` — many runs in parallel (spawn-safe), in order;
- :mod:`cogov_sim.analysis.calibration.posterior` — a posterior over the shared parameters,
  jointly from every pattern (``sbi`` NPE), and its posterior predictive check;
- :mod:`cogov_sim.analysis.explore.effects` — mechanism effects whose intervals include
  parameter uncertainty (posterior draws) and seed noise, with the share of each;
- :mod:`cogov_sim.analysis.explore.discover` — PRIM (EMA Workbench) on a sweep run through
  the usual Hydra launchers;
- :mod:`cogov_sim.analysis.explore.optimise` — NSGA-II (optuna) over mechanisms and levers
  against the model's own yearly cost, robust over seeds and posterior draws;
- :mod:`cogov_sim.analysis.explore.cli` — the ``cogov-sim-explore`` command.

The heavy libraries (torch, sbi, ema_workbench) are imported only by the step that
needs them; they come with the ``explore`` extra.
"""


class ExploreError(ValueError):
    """A bad argument or input of an exploration command; the message says which."""


def merge_overrides(base: list[str], extra: list[str]) -> list[str]:
    """``base`` overrides with those of ``extra`` replacing the ones of the same key."""
    keys = {e.partition("=")[0].lstrip("+") for e in extra}
    for e in extra:
        if "=" not in e:
            raise ExploreError(f"override {e!r} is not key=value")
    return [b for b in base if b.partition("=")[0].lstrip("+") not in keys] + list(extra)


def check_names(mechanisms, outcomes) -> None:
    """Every mechanism and outcome exists; else the name and its near matches."""
    import difflib

    from cogov_sim.core.mechanisms.registry import known
    from cogov_sim.core.outcomes import SUMMARY_KEYS

    names = known()
    for m in mechanisms:
        if m not in names:
            near = difflib.get_close_matches(m, list(names), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise ExploreError(f"unknown mechanism {m!r}{hint}")
    for o in outcomes:
        if o not in SUMMARY_KEYS:
            near = difflib.get_close_matches(o, list(SUMMARY_KEYS), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise ExploreError(f"unknown outcome {o!r}{hint}")
