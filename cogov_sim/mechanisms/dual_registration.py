"""Dual registration (双报到).

Practice: party members register in the community where they live, and
workplace party organisations register in the community they are near; both
serve there: volunteer hours, handling small issues.

Rules in the model:
- A share ``register_share`` of resident party members register (drawn at
  setup; the residents' ``registered``); each adds ``hours_per_member_week / 7``
  hours a day to its community's party branch, and registered workplace
  organisations add ``unit_hours_per_day`` per community.
- The party branch (with its registered members) takes facility faults and
  safety hazards of severity up to ``small_threshold`` that would otherwise go
  to a department or the grid worker (disputes stay with trained handlers).
- Registered members take part more: their participation logit rises by
  ``participation_bonus``.
- Registered members are known to the community: in an emergency they can be
  mobilised (see ``emergency``).

Pattern: none reported as a number; expected effect: faster response and
more participation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.issues import IssueType
from cogov_sim.mechanisms._routing import take_small
from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.params import param

SMALL_TYPES = (IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD)


@dataclass
class DualRegistrationParams:
    """双报到: see :mod:`cogov_sim.mechanisms.dual_registration`."""

    register_share: float = param(
        0.8,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "share of resident party members who register",
        unit="share",
        slider=(0.0, 1.0, 0.05),
        label=("party members who register", "报到党员比例"),
    )
    hours_per_member_week: float = param(
        2.0,
        0.0,
        10000.0,
        "a non-negative number of hours",
        "service hours per registered member per week",
        unit="h",
        slider=(0.0, 8.0, 0.5),
        label=("hours per member per week", "每名党员每周服务小时"),
    )
    unit_hours_per_day: float = param(
        4.0,
        0.0,
        10000.0,
        "a non-negative number of hours",
        "hours of registered workplace party organisations",
        unit="h",
    )
    small_threshold: float = param(
        0.35,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "severity up to which the party branch takes an issue",
        unit="severity",
    )
    participation_bonus: float = param(
        0.5,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "logit bonus of registered members' participation",
        unit="logit",
    )


class DualRegistration(Mechanism):
    name = "dual_registration"
    title_zh = "双报到"
    title_en = "Dual registration"
    pattern = ""
    expected = (
        "More hours at community level for small faults and hazards: faster response; "
        "registered members take part more."
    )
    limitations = (
        "Registered members' skill is the party branch's; workplace organisations are a flat "
        "number of hours per community."
    )
    Params = DualRegistrationParams

    def setup(self, model) -> None:
        p, r, w = self.params, model.residents, model.world
        registered = r.party & (model.rng.random(model.n_households) < p.register_share)
        r.registered |= registered
        per_comm = np.bincount(w.community[registered], minlength=w.n_communities)
        model.party.hours += per_comm * p.hours_per_member_week / 7.0 + p.unit_hours_per_day
        r.participation_bonus = r.participation_bonus + p.participation_bonus * registered

    def route(self, model, ids, kind, target) -> None:
        take_small(model, ids, kind, target, SMALL_TYPES, self.params.small_threshold, "party")
