"""Whistle and report (街乡吹哨、部门报到).

Practice: the street or community "whistles" a line department for an issue
beyond its powers, and the department must report (respond) within a
deadline, e.g. 24-48 hours, instead of days.

Rules in the model:
- Each day, after dispatch, the community's party branch whistles the
  department for issues newly assigned to a department with severity at least
  ``severity_threshold``, most severe first, at most ``whistles_per_day`` per
  community and as far as its hours allow (``party_hours_per_whistle`` each).
- The whistled department reports to the street (报到) out of its own hours:
  the whistled case comes before every unwhistled one in its queue (this
  street's and the other streets' cases), its start is drawn uniformly within
  ``response_deadline_hours`` of the report, and the wait from its site visit
  to its remedy is at most that deadline (the departments'
  ``committed_hours``: the whistle gathers the departments on site). Its
  other work waits longer.

Calibrated to pattern ``whistle_response_time`` (response to hotline
complaints 7 days -> 24 hours, Chaoyang district, Beijing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import EventKind, HandlerKind
from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import hours, param, share


@dataclass
class WhistleResponseParams:
    """街乡吹哨、部门报到: see :mod:`cogov_sim.core.mechanisms.whistle_response`."""

    response_deadline_hours: float = hours(
        24.0,
        "a whistled department starts within this",
        slider=(4, 168, 4),
        label=("department responds within (h)", "部门报到时限 (小时)"),
    )
    severity_threshold: float = share(0.0, "least severity of a whistled issue", unit="severity")
    whistles_per_day: int = param(
        10,
        0,
        100000,
        "an integer >= 0",
        "per community",
        unit="/day",
        slider=(0, 30, 1),
        label=("whistles per community per day", "每社区每日吹哨数"),
    )
    party_hours_per_whistle: float = hours(0.25, "party branch hours per whistle")


class WhistleResponse(Mechanism):
    name = "whistle_response"
    title_zh = "街乡吹哨、部门报到"
    title_en = "Whistle and report"
    pattern = "whistle_response_time"
    expected = (
        "Departments start within the deadline when whistled: department response time and "
        "overall response time fall; closure rate rises."
    )
    limitations = (
        "The department's other streets are a stream of cases in its queue, not streets of "
        "their own: what they lose to the whistle shows as the department's outside-case "
        "wait, not in their residents' satisfaction."
    )
    Params = WhistleResponseParams
    info = {
        "en": {
            "practice": (
                "When an issue is beyond its powers, the street or community 'whistles' the "
                "line department, which must report to the street and respond within a "
                "deadline, e.g. 24-48 hours, instead of days."
            ),
            "rule": (
                "Each day the community party branch whistles departments for newly assigned "
                "department cases, most severe first (up to 10 a day, as its hours allow). A "
                "whistled department takes the case before its other work, this street's and "
                "other streets', and starts it and its remedy within the deadline (24 h by "
                "default)."
            ),
            "look_for": (
                "Watch response time and on-time closure: both separate from the baseline "
                "within weeks. Cases that wait days for their department on the baseline map "
                "are taken up within a day or so on the treatment map. Try the deadline "
                "slider at 168 h."
            ),
            "pattern": (
                "Chaoyang district, Beijing: 'whistle and report' cut the response to 12345 "
                "hotline complaints from 7 days (168 h) to 24 hours. The model matches the "
                "size of the cut, not the levels: its departments are slower to begin with."
            ),
        },
        "zh": {
            "practice": (
                "街乡吹哨、部门报到：街道或社区遇到自身无权解决的问题，就向职能部门“吹哨”，"
                "部门须到街道“报到”，在时限（如 24–48 小时）内响应，而不是拖上好几天。"
            ),
            "rule": (
                "社区党委每天为新派给部门的案件吹哨，越严重越优先（每天最多 10 次，视党委"
                "工时而定）。被吹哨的部门把该案件排在其他工作（本街道和其他街道的案件）之前，"
                "并在时限内（默认 24 小时）到场并开始整改。"
            ),
            "look_for": (
                "看响应时间和按时办结率：几周内就与基线明显拉开。基线地图上要等部门好几天的"
                "案件，在启用机制的地图上一两天内就有人处理。可把“部门报到时限”滑块调到 "
                "168 小时试试。"
            ),
            "pattern": (
                "北京市朝阳区：“吹哨报到”使 12345 热线投诉的响应时间由 7 天（168 小时）"
                "缩短到 24 小时。模型再现的是缩短的幅度而非具体水平：模型中的部门起点更慢。"
            ),
        },
    }

    def setup(self, model) -> None:
        model.departments.committed_hours = self.params.response_deadline_hours

    def after_dispatch(self, model, ids: np.ndarray) -> None:
        p = self.params
        iss = model.issues
        cand = ids[
            (iss.handler_kind[ids] == HandlerKind.DEPARTMENT)
            & (iss.rseverity[ids] >= p.severity_threshold)
            & ~iss.whistled[ids]
        ]
        if cand.size == 0 or p.whistles_per_day == 0:
            return
        community = iss.community[cand]
        party = model.party.index(community)
        hours_left = model.party.hours_left(community)
        hours_each = p.party_hours_per_whistle
        # Most severe first within each community; rank within community.
        order = np.lexsort((-iss.rseverity[cand], party))
        cand, party, community = cand[order], party[order], community[order]
        starts = np.r_[0, np.flatnonzero(party[1:] != party[:-1]) + 1]
        rank = np.arange(cand.size) - np.repeat(starts, np.diff(np.r_[starts, cand.size]))
        afford = (
            np.floor(hours_left[order] / hours_each + 1e-9)
            if hours_each > 0
            else np.full(cand.size, np.inf)
        )
        ok = (rank < p.whistles_per_day) & (rank < afford)
        cand, party, community = cand[ok], party[ok], community[ok]
        if cand.size == 0:
            return
        model.party.spend_hours(community, hours_each)
        t_rep = iss.t_report[cand]
        limit = t_rep + model.rng.random(cand.size) * p.response_deadline_hours
        model.schedule(
            cand,
            t_available=np.minimum(iss.t_available[cand], np.maximum(limit, t_rep)),
            whistled=True,
        )
        model.log_events(
            cand, EventKind.WHISTLE, handler_kind=HandlerKind.PARTY_BRANCH, handler=party, t=t_rep
        )
