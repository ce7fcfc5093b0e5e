"""Deliberation council (协商议事会 / 民生微实事).

Practice: collective matters (parking, lift installation, renovation) are
decided by residents' deliberation and vote instead of top-down: slower to
decide, better accepted and carried out.

Rules in the model:
- Collective matters go to the community's council (the party branch
  convenes it) instead of the housing department; a matter waits for the
  next meeting (every ``meeting_interval_days`` days, at 19:00) and takes
  ``hours_per_matter`` of the branch's hours.
- From the day a matter is put on the council's agenda until it is decided,
  the households within Chebyshev distance ``participants_radius`` of it are
  invited every day to take part (the residents' ``invited``: consultations,
  the meeting); whether they do is the participation rule's (an invitation
  adds ``participation.invitation`` to the logit).
- Nothing else: a decision is carried out with the acceptance of the affected
  households, which rises with the share of them who took part (see
  handling); how it changes their satisfaction is the feedback rule's.

Calibrated to pattern ``deliberation_execution`` (92% of resolutions carried
out, Nanjing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import HandlerKind, IssueState, IssueType
from cogov_sim.core.mechanisms._routing import reroute
from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import days, hours, param
from cogov_sim.core.world import households_within


@dataclass
class DeliberationParams:
    """协商议事会 / 民生微实事: see :mod:`cogov_sim.core.mechanisms.deliberation`."""

    meeting_interval_days: int = days(
        14,
        "the council meets every this many days",
        slider=(1, 60, 1),
        label=("council meets every (days)", "议事会间隔 (天)"),
    )
    hours_per_matter: float = hours(2.0, "party branch hours to prepare a matter")
    participants_radius: int = param(
        1,
        0,
        10,
        "an integer radius in [0, 10]",
        "households within this Chebyshev radius of a matter are invited",
        slider=(0, 3, 1),
        label=("invite households within (cells)", "邀请范围 (格)"),
    )


class Deliberation(Mechanism):
    name = "deliberation"
    title_zh = "协商议事会 / 民生微实事"
    title_en = "Deliberation council"
    pattern = "deliberation_execution"
    expected = (
        "Neighbours of a matter are invited and take part, so decisions are accepted and "
        "carried out more often, but decided later (at the next meeting)."
    )
    limitations = "The vote itself is not modelled; every matter reaching the council is decided."
    Params = DeliberationParams
    info = {
        "en": {
            "practice": (
                "Collective matters such as parking, lifts in old buildings or renovation are "
                "decided by residents' consultation and vote rather than from the top down: "
                "slower to decide, but better accepted and carried out."
            ),
            "rule": (
                "Collective matters go to the community's council, convened by the party "
                "branch every 14 days, instead of the housing department. While a matter "
                "waits, the households around it are invited to take part; a decision is "
                "carried out more often the more of them took part."
            ),
            "look_for": (
                "Watch the collective-matter markers ◆: they wait for the next council "
                "meeting, so response time does not fall and may rise. Participation rises a "
                "little around them. The calibrated outcome, decisions carried out, is not on "
                "the charts."
            ),
            "pattern": (
                "Nanjing's 'livelihood deliberation halls': residents' deliberation produced "
                "12,000 resolutions in a year (e.g. lifts in old estates), 92% of them "
                "carried out."
            ),
        },
        "zh": {
            "practice": (
                "协商议事会（民生微实事）：停车、老楼加装电梯、小区改造等公共事务由居民协商、"
                "表决决定，而不是自上而下决定：决策慢一些，但更被接受、更能落实。"
            ),
            "rule": (
                "公共事务不再交给住建部门，而是提交社区议事会，由社区党委召集，每 14 天开一次"
                "会。事项等待期间，周边住户会被邀请参与；参与的住户越多，决议越容易落实。"
            ),
            "look_for": (
                "留意公共事务标记◆：它们要等下一次议事会，所以响应时间不会下降，甚至可能上升。"
                "事项周边的参与略有增加。校准的指标（决议落实率）不在图表上。"
            ),
            "pattern": (
                "南京“民生议事堂”：一年内居民协商形成 12,000 项决议（如老旧小区加装电梯），"
                "落实率 92%。"
            ),
        },
    }

    def route(self, model, ids, kind, target) -> None:
        iss = model.issues
        mask = iss.rtype[ids] == IssueType.COLLECTIVE_MATTER
        reroute(model, kind, target, mask, "party", iss.community[ids])

    def after_dispatch(self, model, ids) -> None:
        iss, p = model.issues, self.params
        c = ids[
            (iss.rtype[ids] == IssueType.COLLECTIVE_MATTER)
            & (iss.handler_kind[ids] == HandlerKind.PARTY_BRANCH)
        ]
        if c.size == 0:
            return
        interval = 24.0 * p.meeting_interval_days
        t = iss.t_available[c]
        meeting = (np.floor(t / interval) + 1) * interval - 5.0  # 19:00 of the meeting day
        model.schedule(c, t_available=np.maximum(t, meeting), hours_needed=p.hours_per_matter)

    def begin_step(self, model) -> None:
        iss, p, w, r = model.issues, self.params, model.world, model.residents
        ids = model.open_ids
        pending = ids[
            (iss.rtype[ids] == IssueType.COLLECTIVE_MATTER)
            & (iss.handler_kind[ids] == HandlerKind.PARTY_BRANCH)
            & (iss.state[ids] == IssueState.ASSIGNED)
        ]
        if pending.size == 0:
            return
        near = households_within(w, iss.hh[pending], p.participants_radius)
        r.invited[near[near >= 0]] = True
