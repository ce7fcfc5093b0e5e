"""Emergency shock (应急) — a scenario, not a policy.

Practice: not a policy but a scenario: a surge of issues (a flood) for some
days; party-member volunteer teams and dual registration change how fast the
community responds.

Rules in the model:
- From day ``start_day`` for ``duration_days`` days (a flood), facility
  faults, safety hazards and service needs occur ``surge_factor`` times as
  often.
- Party-member volunteer teams respond: a share ``party_response_share`` of
  party-member households is mobilised (with dual registration on, its
  registered members too), each giving ``volunteer_hours_each`` hours a day
  to its community's party branch during the emergency; the teams take
  faults, hazards and service needs of severity up to ``max_severity`` that
  would otherwise go to a department or a grid worker, while they have hours.
- The outcome ``emergency_response_hours`` is the mean response time of issues
  that occurred during the emergency.

Pattern: none; expected effect: dual registration and household linkage make
the community respond faster to the surge.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import IssueType
from cogov_sim.mechanisms._routing import take_small
from cogov_sim.mechanisms.base import Mechanism

SURGE_TYPES = (IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD, IssueType.SERVICE_NEED)


class Emergency(Mechanism):
    name = "emergency"
    title_zh = "应急"
    title_en = "Emergency shock"
    pattern = ""
    expected = (
        "A surge of faults, hazards and needs for a few days; with dual registration and "
        "household linkage, volunteer teams respond faster."
    )
    limitations = (
        "The flood has no spatial footprint; mobilisation happens on the first day of the "
        "emergency."
    )

    def setup(self, model) -> None:
        p = self.params
        self.start, self.end = p.start_day, p.start_day + p.duration_days
        model.policy.emergency_window = (24.0 * self.start, 24.0 * self.end)
        self.base_rates = model.policy.rate_multiplier.copy()
        self.team_hours = None

    def _teams(self, model) -> np.ndarray:
        r, w, p = model.residents, model.world, self.params
        mobilised = r.party & (model.rng.random(model.n_households) < p.party_response_share)
        registered = getattr(r, "registered", None)
        if registered is not None:
            mobilised |= registered
        per = np.bincount(w.community[mobilised], minlength=w.n_communities)
        return per * p.volunteer_hours_each

    def active(self, model) -> bool:
        return self.start <= model.day < self.end

    def begin_step(self, model) -> None:
        pol, h = model.policy, model.handlers
        pol.rate_multiplier = self.base_rates.copy()
        if not self.active(model):
            return
        if self.team_hours is None:
            self.team_hours = self._teams(model)
        pol.rate_multiplier[list(SURGE_TYPES)] *= self.params.surge_factor
        s = h.slice("party")
        h.cap_today[s] += self.team_hours

    def route(self, model, ids, kind, target) -> None:
        if not self.active(model):
            return
        take_small(model, ids, kind, target, SURGE_TYPES, self.params.max_severity, "party")
