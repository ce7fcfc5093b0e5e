"""Participation in community activity (volunteering, deliberation, patrols).

Each day a resident takes part with probability ``sigmoid(z)``,
``z = intercept + civic * (c - 0.29) + trust * (t - 0.55) + neighbours * (s - 0.19)
+ incentive * v - time_cost * tc + party_member * p``,
with civic propensity ``c``, trust ``t``, the share ``s`` of Moore neighbours
who took part in the last ``window_days``, incentive value ``v`` (0 without a
points scheme), time cost ``tc`` (0 by default), party membership ``p`` and a
mechanism's bonus (``policy.logit_bonus``, 0 by default).
Each activity earns ``policy.points_per_activity`` points (0 without a points
scheme) and adds ``hours_per_activity`` to the community's volunteer pool;
the party branch can use ``party.volunteer_share`` of it the next day (and
the NGO a share set by a mechanism, 0 by default). Participation raises local
cohesion, which lowers neighbour disputes (see occurrence).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.world import neighbour_share


def participate(model) -> None:
    pc, r, w, rng = model.cfg.participation, model.residents, model.world, model.rng
    day = model.day
    s = neighbour_share(w, day - r.last_part < pc.window_days)
    z = (
        pc.intercept
        + pc.civic * (r.civic - 0.29)
        + pc.trust * (r.trust - 0.55)
        + pc.neighbours * (s - 0.19)
        + pc.incentive * model.policy.incentive_value
        + model.policy.logit_bonus
        - pc.time_cost * model.policy.time_cost
        + pc.party_member * r.party
    )
    p = 1.0 / (1.0 + np.exp(-z))
    took = np.flatnonzero(rng.random(model.n_households) < p)
    r.last_part[took] = day
    r.points[took] += model.policy.points_per_activity
    model.participations_total += took.size
    hours = np.bincount(w.community[took], minlength=w.n_communities) * pc.hours_per_activity
    model.volunteer_hours = hours
    model.volunteer_hours_total += float(hours.sum())
    h = model.handlers
    h.extra[h.slice("party")] = model.policy.party_volunteer_share * hours
    h.extra[h.slice("ngo")] = model.policy.ngo_volunteer_share * hours
