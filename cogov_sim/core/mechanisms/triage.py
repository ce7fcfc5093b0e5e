"""Issue triage (三事分流).

Practice: big matters to government, small matters to the community, private
matters to the parties themselves (with mediation). Without it everything
flows up to the departments, which are overloaded.

Rules in the model:
- Private matters: neighbour disputes of severity up to ``private_threshold``
  are settled by the parties themselves (a handler without an hour limit,
  skill ``self_skill``).
- Small matters: neighbour disputes, facility faults and safety hazards up to
  ``small_threshold`` go to the zone's grid worker; collective matters up to
  it to the community (party branch).
- Big matters go to the departments as before.

Pattern: none reported as a number; expected effect: more issues resolved at
grid level and faster response, as departments are relieved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import IssueType
from cogov_sim.core.mechanisms._routing import movable, reroute
from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import share


@dataclass
class TriageParams:
    """三事分流: see :mod:`cogov_sim.core.mechanisms.triage`."""

    private_threshold: float = share(
        0.2,
        "disputes up to this severity go to the parties",
        unit="severity",
        slider=(0.0, 0.5, 0.02),
        label=("private matters up to severity", "私事分流严重度上限"),
    )
    small_threshold: float = share(
        0.5,
        "issues up to this severity stay in the community",
        unit="severity",
        slider=(0.0, 1.0, 0.05),
        label=("small matters up to severity", "小事分流严重度上限"),
    )
    self_skill: float = share(
        0.6, "the parties settling it themselves, with mediation advice", unit=""
    )


class Triage(Mechanism):
    name = "triage"
    title_zh = "三事分流"
    title_en = "Issue triage"
    pattern = ""
    expected = (
        "Private matters stay with the parties, small ones with the grid: departments are "
        "relieved, grid-level share rises, response time falls."
    )
    limitations = (
        "The parties themselves have no hour limit and a single skill; mediation advice is "
        "folded into that skill."
    )
    Params = TriageParams
    info = {
        "en": {
            "practice": (
                "Big matters go to government, small matters to the community, private "
                "matters to the parties themselves (with mediation), so that not everything "
                "flows up to overloaded departments."
            ),
            "rule": (
                "Minor neighbour disputes are settled by the parties themselves; other "
                "disputes, faults and hazards below a severity threshold go to the zone's grid "
                "worker, small collective matters to the party branch. Only big matters still "
                "go to the departments."
            ),
            "look_for": (
                "Response time falls and on-time closure rises within weeks, as departments "
                "are relieved. Watch satisfaction and trust too: in the model they slip a "
                "little below the baseline over the months, a trade-off worth discussing."
            ),
            "pattern": (
                "Not calibrated to a reported figure. The model only checks the expected "
                "direction: a larger share of issues resolved at grid level."
            ),
        },
        "zh": {
            "practice": (
                "三事分流：大事政府办，小事社区办，私事自己办（辅以调解），避免所有事情都推给"
                "不堪重负的职能部门。"
            ),
            "rule": (
                "轻微的邻里纠纷由当事人自行协商解决；其余严重度不高的纠纷、设施故障和安全隐患"
                "交给本网格网格员，较小的公共事务交给社区党委；只有大事仍交给部门。"
            ),
            "look_for": (
                "部门负担减轻，响应时间几周内下降，按时办结率上升。也请留意满意度和信任：模型"
                "中它们在几个月里会略低于基线，这一取舍值得课堂讨论。"
            ),
            "pattern": ("未按试点数据校准。模型只检验预期方向：在网格层面解决的事件比例上升。"),
        },
    }

    def setup(self, model) -> None:
        model.parties.hours = np.inf
        model.parties.skill = self.params.self_skill

    def route(self, model, ids, kind, target) -> None:
        iss, p = model.issues, self.params
        k, sev = iss.rtype[ids], iss.rseverity[ids]
        free = movable(kind)
        private = free & (k == IssueType.NEIGHBOUR_DISPUTE) & (sev <= p.private_threshold)
        reroute(model, kind, target, private, "self", np.zeros(ids.size, dtype=np.int64))
        free = movable(kind)
        small = (
            free
            & np.isin(
                k, (IssueType.NEIGHBOUR_DISPUTE, IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD)
            )
            & (sev <= p.small_threshold)
        )
        reroute(model, kind, target, small, "worker", iss.zone[ids])
        collective = free & (k == IssueType.COLLECTIVE_MATTER) & (sev <= p.small_threshold)
        reroute(model, kind, target, collective, "party", iss.community[ids])
