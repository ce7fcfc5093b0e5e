"""The pathways a mechanism's effect can come through, and how to switch one off.

A mechanism acts on the model only through levers and hooks (base.py). Each
lever and hook belongs to one pathway:

- ``hours``: handlers' hours on duty, effort, volunteer hours, overtime, and
  hours added during the run (``add_staff_hours``, ``add_volunteer_hours``);
- ``information``: discovery and reporting — patrols, find probability,
  coverage, training and tools of the reporters, report delays, residents'
  reporting and its accuracy, home visits' rates and contacts, callbacks; the ``discover``
  and ``patrol_targets`` hooks;
- ``routing``: who gets an issue and when it can start — one intake, the
  departments' commitment and waits, handlers' scheduling delays, the severity
  up to which grid workers keep their own finds; the ``route`` and
  ``after_dispatch`` hooks;
- ``behaviour``: residents' behaviour — incentives, points, invitations,
  registration, legal literacy, the service level owners hold a firm to;
- ``money``: funds that buy service — a firm's fees returned by oversight,
  wages paid from other funds;
- ``skill``: handlers' skill, an all-round worker's competence for every type.

With ``pathways_off`` (a config key) the model undoes, after every phase of
hooks (setup, begin_step, discover, route...), whatever the mechanisms changed
in the levers of the pathways switched off (the processes' own changes, such as
a firm's hours bought by its fees, stay), skips those pathways' hooks and
refuses hours added during the run. A mechanism's route to a handler with no
hours on duty falls back to the baseline's route (the model's rule, with or
without pathways).
``cogov-sim-explore decompose`` runs a mechanism with each pathway off in turn
and reports each pathway's share of the effect.
"""

from __future__ import annotations

import numpy as np

PATHWAYS = ("hours", "information", "routing", "behaviour", "money", "skill")

#: the levers of each pathway: (actor set or store on the model, attribute)
LEVERS: dict[str, tuple[tuple[str, str], ...]] = {
    "hours": (
        ("handlers", "hours"),
        ("handlers", "extra"),
        ("handlers", "effort"),
        ("handlers", "volunteer_share"),
        ("workers", "hours_per_day"),
        ("workers", "staff_factor"),
        ("workers", "overtime_share"),
        ("callbacks", "hours_per_call"),
    ),
    "information": (
        ("workers", "find_prob"),
        ("workers", "coverage"),
        ("workers", "training"),
        ("workers", "tools"),
        ("workers", "report_delay_hours"),
        ("workers", "patrol_hours"),
        ("workers", "cells_per_patrol_hour"),
        ("workers", "uniform_patrol_share"),
        ("party", "visits_per_household_year"),
        ("ngos", "visits_per_household_month"),
        ("residents", "report_factor"),
        ("residents", "report_accuracy"),
        ("residents", "contacted"),
        ("callbacks", "share"),
    ),
    "routing": (
        ("departments", "single_intake"),
        ("departments", "committed_hours"),
        ("departments", "remedy_lag_hours"),
        ("departments", "transfer_delay_hours"),
        ("handlers", "delay"),
        ("workers", "small_threshold"),
    ),
    "behaviour": (
        ("residents", "incentive_value"),
        ("residents", "points_per_activity"),
        ("residents", "participation_bonus"),
        ("residents", "time_cost"),
        ("residents", "invited"),
        ("residents", "registered"),
        ("residents", "literacy"),
        ("firms", "service_level"),
    ),
    "money": (
        ("firms", "oversight"),
        ("handlers", "wage_factor"),
    ),
    "skill": (
        ("handlers", "skill"),
        ("workers", "skill_level"),
        ("workers", "all_round"),
    ),
}

#: the hooks of each pathway, skipped when it is off
HOOKS: dict[str, tuple[str, ...]] = {
    "information": ("discover", "patrol_targets"),
    "routing": ("route", "after_dispatch"),
}


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def snapshot(model, pathways) -> list[tuple[object, str, object]]:
    """The current values of the levers of ``pathways``: (owner, attribute, value)."""
    out = []
    for p in pathways:
        for owner_name, attr in LEVERS[p]:
            owner = getattr(model, owner_name)
            out.append((owner, attr, _copy(getattr(owner, attr))))
    return out


def restore(saved) -> None:
    """Put the levers of a :func:`snapshot` back (arrays in place)."""
    for owner, attr, value in saved:
        current = getattr(owner, attr)
        if isinstance(current, np.ndarray) and isinstance(value, np.ndarray):
            current[...] = value
        else:
            setattr(owner, attr, _copy(value))
