"""Party member household linkage (党员联户).

Practice: each party member is linked to 5-10 nearby households and checks on
them, which finds the needs of vulnerable residents early.

Rules in the model:
- At setup, each zone's party members are linked to
  ``households_per_member`` households each of their zone, vulnerable
  households first (in lattice order).
- Each day a linked household is visited with probability
  ``visits_per_week / 7`` (between 09:00 and 19:00); the visit is a contact
  (the residents' ``contacted``: trust rises as with any visit, see feedback).
- A visit finds each latent issue of the visited household that occurred
  before it with probability ``find_prob``; the member reports it within two
  hours, accurately with probability ``report_accuracy`` (channel PARTY).

Calibrated to pattern ``household_linkage_coverage`` (coverage of special
groups 76% -> 99%, Tianxin, Changsha).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import Channel
from cogov_sim.core.mechanisms.base import Mechanism, Sightings
from cogov_sim.core.params import param, share


@dataclass
class HouseholdLinkageParams:
    """党员联户: see :mod:`cogov_sim.core.mechanisms.household_linkage`."""

    households_per_member: int = param(
        8,
        1,
        100,
        "an integer number of households in [1, 100]",
        "households linked to each party member (5-10)",
        slider=(1, 20, 1),
        label=("households per party member", "每名党员联系户数"),
    )
    visits_per_week: float = param(
        1.0,
        0.0,
        7.0,
        "visits per week in [0, 7]",
        "visits to each linked household",
        slider=(0.0, 7.0, 0.5),
        label=("visits per household per week", "每户每周走访次数"),
    )
    find_prob: float = share(0.9, "a visit finds a latent issue of the household")
    report_accuracy: float = share(0.95, "a party member's report is accurate")


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
    Params = HouseholdLinkageParams
    info = {
        "en": {
            "practice": (
                "Each party member is linked to 5-10 nearby households and checks on them "
                "regularly, so that the needs of vulnerable residents are found early."
            ),
            "rule": (
                "Each party member is linked to 8 households of their zone, vulnerable ones "
                "first, and visits each about once a week. A visit finds most hidden problems "
                "of that household and reports them within two hours; it also counts as a "
                "contact, which builds trust in the model's feedback rule."
            ),
            "look_for": (
                "Colour residents by trust: linked households gain a little. Fewer hollow "
                "markers linger at vulnerable households. The charts move little: the "
                "calibrated outcome, coverage of vulnerable residents' needs, is not among "
                "them."
            ),
            "pattern": (
                "Tianxin district, Changsha: linking each party member to 5-10 households "
                "raised service coverage of special (vulnerable) groups from 76% to 99%."
            ),
        },
        "zh": {
            "practice": (
                "党员联户：每名党员联系 5–10 户邻近居民并定期走访，及早发现困难群体的需求。"
            ),
            "rule": (
                "每名党员联系本网格内 8 户，困难户优先，约每周走访一次。走访能发现该户大部分"
                "尚未上报的问题，并在两小时内上报；走访也算一次联系，在模型的反馈规则中会"
                "提升信任。"
            ),
            "look_for": (
                "按“信任”着色：被联系的住户信任略有上升。困难户处的空心标记较少长期存在。"
                "五张图表变化不大：校准的指标（困难群体需求覆盖率）不在其中。"
            ),
            "pattern": (
                "长沙市天心区：每名党员联系 5–10 户后，特殊群体服务覆盖率由 76% 升至 99%。"
            ),
        },
    }

    def setup(self, model) -> None:
        w, r, k = model.world, model.residents, self.params.households_per_member
        linked = np.zeros(model.n_households, dtype=bool)
        for z in range(w.n_zones):
            hh = w.zone_order[w.zone_start[z] : w.zone_start[z + 1]]
            members = int(r.party[hh].sum())
            # zone_order keeps the lattice (row-major) order within a zone
            hh = np.concatenate([hh[r.vulnerable[hh]], hh[~r.vulnerable[hh]]])
            linked[hh[: members * k]] = True
        #: the linked households
        self.linked = np.flatnonzero(linked)
        self.visited = np.zeros(model.n_households, dtype=bool)

    def begin_step(self, model) -> None:
        self.visited[:] = False
        hit = model.rng.random(self.linked.size) < self.params.visits_per_week / 7.0
        v = self.linked[hit]
        self.visited[v] = True
        model.residents.contacted[v] = True

    def discover(self, model, ids) -> Sightings | None:
        iss, rng, p = model.issues, model.rng, self.params
        ids = ids[self.visited[iss.hh[ids]]]
        if ids.size == 0:
            return None
        t_visit = model.day_start + 9.0 + rng.random(ids.size) * 10.0
        found = (t_visit > iss.t_occur[ids]) & (rng.random(ids.size) < p.find_prob)
        ids, t_visit = ids[found], t_visit[found]
        if ids.size == 0:
            return None
        accurate = rng.random(ids.size) < p.report_accuracy
        t_report = t_visit + rng.random(ids.size) * 2.0
        return Sightings(ids, t_visit, t_report, Channel.PARTY, accurate)
