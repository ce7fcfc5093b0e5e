"""Party member household linkage (党员联户).

Practice: each party member is linked to 5-10 nearby households and checks on
them, which finds the needs of vulnerable residents early.

Rules in the model:
- At setup each zone's party members are linked to
  ``households_per_member`` households each, as far as they go: the zone's
  vulnerable households first (the special groups the practice targets), then
  the others, each group in lattice order (so a member's households are near
  each other).
- Each day a linked household is visited with probability
  ``visits_per_week / 7``; a visit adds ``residents.contact_trust`` to its
  trust and finds each of its latent issues with probability ``find_prob``
  (at a time in 09:00-19:00 after the issue occurred), reported through the
  grid with accuracy ``report_accuracy`` (channel PARTY).

Calibrated to pattern ``household_linkage_coverage`` (coverage of vulnerable
groups' needs 76% -> 99%, Tianxin district, Changsha).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import Channel
from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.processes.discovery import report


class HouseholdLinkage(Mechanism):
    name = "household_linkage"
    title_zh = "党员联户"
    title_en = "Party member household linkage"
    pattern = "household_linkage_coverage"
    expected = (
        "Latent needs of vulnerable households are found early: vulnerable coverage rises, "
        "discovery lag falls, trust rises with visits."
    )
    limitations = (
        "Linkage is static (set at the start) and limited to the zone's party members; visits"
        " do not cost members' time elsewhere."
    )

    def setup(self, model) -> None:
        w, r, k = model.world, model.residents, self.params.households_per_member
        linked = np.zeros(model.n_households, dtype=bool)
        for z in range(w.n_zones):
            hh = w.zone_order[w.zone_start[z] : w.zone_start[z + 1]]
            members = int(r.party[hh].sum())
            # zone_order keeps the lattice (row-major) order within a zone
            hh = np.concatenate([hh[r.vulnerable[hh]], hh[~r.vulnerable[hh]]])
            linked[hh[: members * k]] = True
        self.linked = np.flatnonzero(linked)
        r.linked = linked
        self.visited = np.zeros(model.n_households, dtype=bool)

    def begin_step(self, model) -> None:
        p = self.params
        self.visited[:] = False
        hit = model.rng.random(self.linked.size) < p.visits_per_week / 7.0
        v = self.linked[hit]
        self.visited[v] = True
        r = model.residents
        r.trust[v] = np.minimum(1.0, r.trust[v] + model.cfg.residents.contact_trust)

    def discover(self, model, ids) -> None:
        iss, rng, p = model.issues, model.rng, self.params
        ids = ids[self.visited[iss.hh[ids]]]
        if ids.size == 0:
            return
        t_visit = model.day_start + 9.0 + rng.random(ids.size) * 10.0
        found = (t_visit > iss.t_occur[ids]) & (rng.random(ids.size) < p.find_prob)
        ids, t_visit = ids[found], t_visit[found]
        if ids.size == 0:
            return
        accurate = rng.random(ids.size) < p.report_accuracy
        channel = np.full(ids.size, int(Channel.PARTY), dtype=np.int8)
        report(model, ids, t_visit, t_visit + rng.random(ids.size) * 2.0, channel, accurate)
