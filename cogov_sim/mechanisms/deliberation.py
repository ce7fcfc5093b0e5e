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

from cogov_sim.issues import HandlerKind, IssueState, IssueType
from cogov_sim.mechanisms._routing import reroute
from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.params import param
from cogov_sim.world import households_within


@dataclass
class DeliberationParams:
    """协商议事会 / 民生微实事: see :mod:`cogov_sim.mechanisms.deliberation`."""

    meeting_interval_days: int = param(
        14,
        1,
        10000,
        "an integer number of days in [1, 10000]",
        "the council meets every this many days",
        unit="days",
        slider=(1, 60, 1),
        label=("council meets every (days)", "议事会间隔 (天)"),
    )
    hours_per_matter: float = param(
        2.0,
        0.0,
        10000.0,
        "a non-negative number of hours",
        "party branch hours to prepare a matter",
        unit="h",
    )
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

    def route(self, model, ids, kind, target) -> None:
        iss = model.issues
        mask = iss.itype[ids] == IssueType.COLLECTIVE_MATTER
        reroute(model, kind, target, mask, "party", iss.community[ids])

    def after_dispatch(self, model, ids) -> None:
        iss, p = model.issues, self.params
        c = ids[
            (iss.itype[ids] == IssueType.COLLECTIVE_MATTER)
            & (iss.handler_kind[ids] == HandlerKind.PARTY_BRANCH)
        ]
        if c.size == 0:
            return
        interval = 24.0 * p.meeting_interval_days
        t = iss.t_available[c]
        meeting = (np.floor(t / interval) + 1) * interval - 5.0  # 19:00 of the meeting day
        iss.t_available[c] = np.maximum(t, meeting)
        iss.hours_needed[c] = p.hours_per_matter

    def begin_step(self, model) -> None:
        iss, p, w, r = model.issues, self.params, model.world, model.residents
        ids = model.open_ids
        pending = ids[
            (iss.itype[ids] == IssueType.COLLECTIVE_MATTER)
            & (iss.handler_kind[ids] == HandlerKind.PARTY_BRANCH)
            & (iss.state[ids] == IssueState.ASSIGNED)
        ]
        if pending.size == 0:
            return
        near = households_within(w, iss.hh[pending], p.participants_radius)
        r.invited[near[near >= 0]] = True
