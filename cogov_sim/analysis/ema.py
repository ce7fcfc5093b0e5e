"""An EMA Workbench connector: the model as an ``ema_workbench`` model, ready to explore.

:func:`make_model` builds an :class:`ema_workbench.Model` (one run per experiment) or,
with ``replications > 1``, an :class:`ema_workbench.ReplicatorModel` (several seeds per
experiment, outcomes averaged) from a parameter-space file (:mod:`cogov_sim.analysis.space`):

- **uncertainties**: one ``RealParameter`` / ``IntegerParameter`` per parameter of the
  space, over its ``[low, high]``;
- **levers**: one ``BooleanParameter`` per mechanism (every known policy mechanism by
  default), on or off; a *scenario* mechanism (``scenario = True``, e.g. ``emergency``,
  a flood) named in ``mechanisms`` is a condition, not a choice, and becomes a Boolean
  *uncertainty* instead;
- **outcomes**: one ``ScalarOutcome`` per outcome of the space (or of ``outcomes``),
  each a key of :data:`cogov_sim.core.outcomes.SUMMARY_KEYS`, with the direction of
  :data:`DIRECTIONS` (``MAXIMIZE``, ``MINIMIZE``, else ``INFO``);
- **constants**: the space's fixed ``overrides`` and those given to :func:`make_model`
  (``world=classroom`` expands to ``world.name``, ``world.width``, ``world.height``), the
  mechanisms they switch on (``mechanisms=[...]``, always on, not levers) and, for a
  ``Model``, the ``seed`` (0 unless an override sets it). An override of a space
  parameter fixes it: it is no longer an uncertainty.

Names. EMA Workbench 3 requires every name to be a Python identifier, so a dotted
config key is named with ``__`` for each dot (``workers.find_prob`` ->
``workers__find_prob``, :func:`ema_name`; back with :func:`config_key`), and the lever
of a mechanism is ``mechanism__<name>`` (:func:`lever_name`). These are the columns of
the experiments table.

Undefined outcomes. An outcome the run cannot compute (no dispute closed, no vulnerable
resident's need due...) comes back as NaN, never None: EMA Workbench aborts the whole
batch on a None. A ``ReplicatorModel`` averages the replications' values with
:func:`nanmean` (``np.nanmean`` over the seeds that define it; NaN, without a warning,
when none does).

Parallel runs. The model's function is :func:`run_experiment` (bound with
:func:`functools.partial` to the order of the mechanism switches), a module-level
function: it pickles, so ``MultiprocessingEvaluator`` works from a script or a notebook,
also under the 'spawn' start method that Mesa sets. In a script, start the evaluator
under ``if __name__ == "__main__":``. Needs the ``explore`` extra
(``pip install 'cogov-sim[explore]'``).

Example::

    from ema_workbench import MultiprocessingEvaluator, perform_experiments

    from cogov_sim.analysis.ema import make_model

    model = make_model(
        "space_default",
        overrides=["world=classroom", "steps=30"],
        mechanisms=["integrated_grid", "smart_dispatch"],
    )
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=20, policies=4, evaluator=evaluator
        )
    experiments["workers__find_prob"], outcomes["closure_rate"]  # aligned arrays

See ``docs/ema.md``.
"""

from __future__ import annotations

import difflib
import math
import os
import warnings
from collections.abc import Iterable, Sequence
from functools import partial

import numpy as np

with warnings.catch_warnings():
    # EMA Workbench warns on import when the optional ipyparallel is missing; that
    # evaluator is not used here.
    warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
    try:
        from ema_workbench import (
            BooleanParameter,
            Constant,
            IntegerParameter,
            Model,
            RealParameter,
            ReplicatorModel,
            ScalarOutcome,
        )
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "cogov_sim.analysis.ema needs EMA Workbench: pip install 'cogov-sim[explore]'"
        ) from exc

from cogov_sim.analysis.calibration.point import overrides_to_params
from cogov_sim.analysis.space import Parameter, load_space
from cogov_sim.analysis.space_files import resolve_space
from cogov_sim.core.outcomes import RATE_KEYS, SUMMARY_KEYS
from cogov_sim.core.world import HOUSING_TYPES

__all__ = [
    "DIRECTIONS",
    "LEVER_PREFIX",
    "config_key",
    "ema_name",
    "lever_name",
    "make_model",
    "nanmean",
    "outcome_kind",
    "run_experiment",
]

#: What stands for a dot of a config key in an EMA name.
SEP = "__"
#: The prefix of a mechanism's on/off switch (a lever, or for a scenario an uncertainty).
LEVER_PREFIX = "mechanism" + SEP

_MAX, _MIN = ScalarOutcome.MAXIMIZE, ScalarOutcome.MINIMIZE

#: The direction of each run outcome (``ScalarOutcome.MAXIMIZE``: better higher,
#: ``MINIMIZE``: better lower). Outcomes not listed are ``INFO``: counts and
#: incidences that describe the street more than they judge the policy (issues
#: occurring, disputes per 1,000, hotspot statistics, workload).
DIRECTIONS: dict[str, int] = {
    # resolution and closure: better higher
    "dispute_resolution_rate": _MAX,
    "closure_rate": _MAX,
    "closure_rate_all": _MAX,
    "light_closure_rate": _MAX,
    "closure_from_occurrence": _MAX,
    "closure_from_occurrence_vulnerable": _MAX,
    "closure_from_occurrence_others": _MAX,
    **{f"closure_from_occurrence_{h}": _MAX for h in HOUSING_TYPES},
    "service_need_met_rate": _MAX,
    "vulnerable_coverage": _MAX,
    "mediation_success_rate": _MAX,
    "decision_execution_rate": _MAX,
    # small matters settled in the grid (小事不出网格)
    "grid_level_share": _MAX,
    # residents
    "participation_rate": _MAX,
    "satisfaction_mean": _MAX,
    "trust_mean": _MAX,
    "property_satisfaction": _MAX,
    "fee_collection_rate": _MAX,
    # information
    "report_accuracy": _MAX,
    "report_accuracy_all": _MAX,
    "efficiency_index": _MAX,
    # time: better lower
    "response_hours_mean": _MIN,
    "response_hours_p90": _MIN,
    "department_response_hours": _MIN,
    "discovery_lag_hours": _MIN,
    "light_response_hours": _MIN,
    "light_discovery_lag_hours": _MIN,
    "discovery_lag_hours_vulnerable": _MIN,
    "discovery_lag_hours_others": _MIN,
    **{f"discovery_lag_hours_{h}": _MIN for h in HOUSING_TYPES},
    "mediation_days": _MIN,
    # issues left undiscovered, escalated, repeated or failed
    "undiscovered_share_vulnerable": _MIN,
    "undiscovered_share_others": _MIN,
    "escalation_rate": _MIN,
    "repeat_complaint_rate": _MIN,
    "criminal_escalations_per_1000": _MIN,
    "issues_failed": _MIN,
    "issues_escalated": _MIN,
    # gaps between vulnerable residents and the others (positive: vulnerable worse off)
    "fairness_gap": _MIN,
    "fairness_gap_reported": _MIN,
    "fairness_gap_response_hours": _MIN,
    # costs
    "cost_hours": _MIN,
    "cost_funds": _MIN,
    "cost_per_resolved_issue": _MIN,
    "mechanism_funds": _MIN,
    "ngo_cost_per_need_met": _MIN,
}


def outcome_kind(name: str) -> int:
    """The ``ScalarOutcome`` kind of outcome ``name``: its :data:`DIRECTIONS`, else INFO."""
    return DIRECTIONS.get(name, ScalarOutcome.INFO)


def ema_name(key: str) -> str:
    """The EMA name of a dotted config key: ``workers.find_prob`` -> ``workers__find_prob``."""
    return key.replace(".", SEP)


def config_key(name: str) -> str:
    """The dotted config key of an EMA name: ``workers__find_prob`` -> ``workers.find_prob``."""
    return name.replace(SEP, ".")


def lever_name(mechanism: str) -> str:
    """The EMA name of a mechanism's switch: ``triage`` -> ``mechanism__triage``."""
    return LEVER_PREFIX + mechanism


def nanmean(values) -> float:
    """The mean of the values that are not NaN; NaN (without a warning) if none is."""
    a = np.asarray(values, dtype=float)
    ok = ~np.isnan(a)
    return float(a[ok].mean()) if ok.any() else math.nan


def _as_float(value) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _plain(value):
    """A numpy scalar as the Python number the config expects."""
    return value.item() if isinstance(value, np.generic) else value


def run_experiment(*, switches: Sequence[tuple[str, str]] = (), **kwargs) -> dict[str, float]:
    """Run the model once; every outcome of its summary as a float (NaN if undefined).

    The model's function (what EMA Workbench calls with each experiment). ``kwargs``
    are the experiment: EMA names of config keys (``workers__find_prob=0.5``,
    ``world__name="classroom"``), mechanism switches (``mechanism__triage=True``),
    ``mechanisms`` (switched on in every run) and ``seed`` (default 0).

    Args:
        switches: ``(EMA name, mechanism)`` of each switch, in the order the switched-on
            mechanisms are applied (after ``mechanisms``); a switch not listed is
            applied after these, by name.

    Returns:
        Every key of :data:`cogov_sim.core.outcomes.SUMMARY_KEYS` and every other number of
        the run's summary, as a float: NaN where the run leaves it undefined.
    """
    from cogov_sim.core.model import CoGovModel

    mechanisms = [str(m) for m in kwargs.pop("mechanisms", None) or ()]
    seed = int(kwargs.pop("seed", 0))
    on: dict[str, bool] = {}
    params: dict = {}
    for name, value in kwargs.items():
        if name.startswith(LEVER_PREFIX):
            on[name] = bool(value)
        else:
            params[config_key(name)] = _plain(value)
    order = dict(switches)
    for name in sorted(set(on) - set(order)):
        order[name] = name[len(LEVER_PREFIX) :]
    mechanisms += [spec for name, spec in order.items() if on.get(name)]
    model = CoGovModel(**params, seed=seed, mechanisms=mechanisms)
    model.run()
    summary = model.summary()
    out = {k: _as_float(summary.get(k)) for k in SUMMARY_KEYS}
    for k, v in summary.items():
        if k not in out and isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
            out[k] = float(v)
    return out


def _check_outcomes(names: Iterable[str]) -> list[str]:
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("no outcomes: name at least one of cogov_sim.core.outcomes.SUMMARY_KEYS")
    seen = set()
    for name in names:
        if name not in SUMMARY_KEYS:
            near = difflib.get_close_matches(str(name), SUMMARY_KEYS, n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise ValueError(
                f"unknown outcome {name!r}: not a run outcome "
                f"(cogov_sim.core.outcomes.SUMMARY_KEYS){hint}"
            )
        if name in seen:
            raise ValueError(f"outcome {name!r} listed twice")
        seen.add(name)
    return names


def _check_name(key: str) -> str:
    name = ema_name(key)
    if not name.isidentifier() or config_key(name) != key:
        raise ValueError(
            f"parameter {key!r} cannot be named in EMA Workbench: a config key must be "
            "dotted identifiers without '__'"
        )
    return name


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _switches(mechanisms, always: list[str]) -> list[tuple[str, str, bool]]:
    """``(EMA name, mechanism spec, is a scenario)`` of each mechanism switch."""
    from cogov_sim.core.mechanisms.registry import known, resolve

    fixed = {resolve(m).name for m in always}
    if mechanisms is None:
        specs = [n for n, cls in known().items() if not cls.scenario and n not in fixed]
    else:
        specs = _as_list(mechanisms)
    out, seen = [], set()
    for spec in specs:
        cls = resolve(spec)
        if cls.name in fixed:
            raise ValueError(
                f"mechanism {spec!r} is switched on by the overrides (mechanisms=[...]): "
                "it cannot also be a lever"
            )
        if cls.name in seen:
            raise ValueError(f"mechanism {spec!r} listed twice")
        seen.add(cls.name)
        out.append((lever_name(cls.name), spec, bool(cls.scenario)))
    return out


def _order(switches: list[tuple[str, str, bool]]) -> tuple[tuple[str, str], ...]:
    return tuple((n, spec) for n, spec, _ in switches)


def _uncertainty(p: Parameter, name: str):
    if p.integer:
        return IntegerParameter(name, int(round(p.low)), int(round(p.high)))
    return RealParameter(name, float(p.low), float(p.high))


def make_model(
    space: str | os.PathLike = "space_default",
    *,
    mechanisms: Iterable[str] | None = None,
    outcomes: Iterable[str] | None = None,
    replications: int = 1,
    overrides: Iterable[str] | None = None,
    name: str = "cogovsim",
) -> Model | ReplicatorModel:
    """An EMA Workbench model of cogov-sim over a parameter space.

    Args:
        space: a parameter-space file, or the name of a packaged one
            (``space_default``, ``space_calibration``).
        mechanisms: the mechanisms that get a switch (a lever; for a scenario mechanism
            an uncertainty), by name or ``package.module:Class``; default: every known
            mechanism that is a policy, except those the overrides switch on.
        outcomes: the outcomes (keys of :data:`cogov_sim.core.outcomes.SUMMARY_KEYS`);
            default: the space's.
        replications: runs per experiment, seeds ``0 .. replications - 1``; above 1 the
            model is a ``ReplicatorModel`` and each outcome the :func:`nanmean` of them.
        overrides: fixed ``key=value`` overrides after the space's own (the same form:
            ``world=classroom``, ``steps=30``, ``mechanisms=[triage]``, ``seed=3``).
        name: the model's name (letters and digits: EMA Workbench requires it).

    Returns:
        A ``Model`` (``replications == 1``) or a ``ReplicatorModel``.

    Raises:
        ValueError: an unknown outcome (the message suggests near names), a
            mechanism listed twice or also switched on by the overrides, a ``seed``
            override with replications, a bad name or replications below 1;
            :class:`cogov_sim.analysis.space.SpaceError` and
            :class:`cogov_sim.core.errors.ConfigError`
            (both ``ValueError``) for a bad space, override or mechanism.
    """
    from cogov_sim.core.checks import validate
    from cogov_sim.core.config import make_config

    if not isinstance(name, str) or not name.isalnum():
        raise ValueError(f"model name {name!r}: EMA Workbench needs letters and digits only")
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications must be an integer >= 1, not {replications!r}")
    sp = load_space(resolve_space(space))
    fixed = overrides_to_params([*sp.overrides, *_as_list(overrides)])
    always = _as_list(fixed.pop("mechanisms", None))
    seed = fixed.pop("seed", None)
    if seed is not None and replications > 1:
        raise ValueError(
            f"a seed override (seed={seed}) with replications={replications}: each "
            "replication has its own seed (0, 1, ...)"
        )
    wanted = _check_outcomes(sp.outcomes if outcomes is None else outcomes)
    switches = _switches(mechanisms, always)
    varied = [p for p in sp.parameters if p.name not in fixed]
    # Fail now, not in the first experiment: the constants with every switch on.
    validate(make_config(None, **fixed, mechanisms=always + [spec for _, spec, _ in switches]))

    if replications == 1:
        model = Model(name, function=partial(run_experiment, switches=_order(switches)))
    else:
        model = ReplicatorModel(name, function=partial(run_experiment, switches=_order(switches)))
        model.replications = [{"seed": i} for i in range(replications)]
    model.uncertainties = [_uncertainty(p, _check_name(p.name)) for p in varied] + [
        BooleanParameter(n, default=False) for n, _, scenario in switches if scenario
    ]
    model.levers = [
        BooleanParameter(n, default=False) for n, _, scenario in switches if not scenario
    ]
    constants = [Constant(_check_name(k), v) for k, v in fixed.items()]
    if always:
        constants.append(Constant("mechanisms", tuple(always)))
    if replications == 1:
        constants.append(Constant("seed", int(seed or 0)))
    model.constants = constants
    aggregate = nanmean if replications > 1 else None
    model.outcomes = [
        ScalarOutcome(
            o,
            kind=outcome_kind(o),
            function=aggregate,
            expected_range=(0.0, 1.0) if o in RATE_KEYS else None,
        )
        for o in wanted
    ]
    return model
