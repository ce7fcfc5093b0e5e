"""Dual registration (双报到).

Practice: party members register in the community where they live, and
workplace party organisations register in the community they are near; both
serve there: volunteer hours, handling small issues.

Rules in the model:
- A share ``register_share`` of resident party members register (drawn at
  setup); each adds ``hours_per_member_week / 7`` hours a day to its
  community's party branch, and registered workplace organisations add
  ``unit_hours_per_day`` per community.
- The party branch (with its registered members) takes facility faults and
  safety hazards of severity up to ``small_threshold`` that would otherwise go
  to a department or the grid worker (disputes stay with trained handlers).
- Registered members take part more: their participation logit rises by
  ``participation_bonus``.
- In an emergency, registered members form the volunteer teams (see
  ``emergency``).

Pattern: none reported as a number; expected effect: faster response and
more participation.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import IssueType
from cogov_sim.mechanisms._routing import take_small
from cogov_sim.mechanisms.base import Mechanism

SMALL_TYPES = (IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD)


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

    def setup(self, model) -> None:
        p, r, w, h = self.params, model.residents, model.world, model.handlers
        registered = r.party & (model.rng.random(model.n_households) < p.register_share)
        r.registered = registered
        per_comm = np.bincount(w.community[registered], minlength=w.n_communities)
        s = h.slice("party")
        h.hours[s] += per_comm * p.hours_per_member_week / 7.0 + p.unit_hours_per_day
        model.policy.logit_bonus = model.policy.logit_bonus + p.participation_bonus * registered

    def route(self, model, ids, kind, target) -> None:
        take_small(model, ids, kind, target, SMALL_TYPES, self.params.small_threshold, "party")
