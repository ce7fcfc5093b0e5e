"""Review (考核): handlers are scored and adapt their effort.

Every ``period_days`` each handler that closed issues in the period gets a
score ``w_c * on-time share + w_r * timeliness + w_s * outcome score`` (weights
normalised to sum 1; timeliness ``exp(-max(0, r - e) / e)``), and its effort
(the multiplier of its daily hours) becomes
``clip(1 + effort_gain * (target_score - score), 1 - max_change, 1 + max_change)``:
a handler below target works more hours, one above target fewer.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import IssueState
from cogov_sim.processes.feedback import timeliness


def review(model) -> None:
    rc, h, iss = model.cfg.review, model.handlers, model.issues
    ids = model.closed_today
    if ids.size:
        hd = iss.handler[ids]
        ok = hd >= 0
        ids, hd = ids[ok], hd[ok]
        score = model.scores_today[ok]  # the outcome scores feedback computed today
        resolved = iss.state[ids] == IssueState.RESOLVED
        on_time = resolved & (iss.t_close[ids] <= iss.deadline[ids])
        timely = np.where(resolved, timeliness(model, ids), 0.0)
        np.add.at(h.rev_closed, hd, 1.0)
        np.add.at(h.rev_on_time, hd, on_time)
        np.add.at(h.rev_timeliness, hd, timely)
        np.add.at(h.rev_score, hd, score)
    if (model.day + 1) % rc.period_days:
        return
    n = h.rev_closed
    has = n > 0
    wsum = rc.weight_closure + rc.weight_response + rc.weight_satisfaction
    if wsum <= 0:
        wsum = 1.0
    s = np.full(h.n, np.nan)
    s[has] = (
        rc.weight_closure * h.rev_on_time[has]
        + rc.weight_response * h.rev_timeliness[has]
        + rc.weight_satisfaction * h.rev_score[has]
    ) / (wsum * n[has])
    h.review_score = s
    eff = 1 + rc.effort_gain * (rc.target_score - s[has])
    h.effort[has] = np.clip(eff, 1 - rc.max_effort_change, 1 + rc.max_effort_change)
    for arr in (h.rev_closed, h.rev_on_time, h.rev_timeliness, h.rev_score):
        arr[:] = 0.0
