"""Handling (处置).

Each handler has ``hours * effort + extra`` hours today, less what it
already spent (patrol, whistles). Its available assigned issues are served by
priority: severity plus 0.5 per hotline complaint and 1 if whistled, then by
report time. An issue is finished today when the handler's hours reach its
remaining hours; the first unfinished one gets the rest of the day's hours.

A finished attempt:
- of a misrouted issue is a transfer: lost with probability
  ``departments.drop_prob`` (FAILED), otherwise back to the queue after
  ``transfer_delay_hours``;
- otherwise fails with probability ``(1 - skill) * (0.5 + severity) * difficulty_k``
  (so skill is the success rate at severity 0.5 of a type of difficulty 1).
  A collective matter's success is a decision, carried out with probability
  ``sigmoid(acceptance_intercept + acceptance_participation * s)``, where ``s``
  is the share of the households within ``acceptance_radius`` of the matter
  who took part in community activity in the last ``window_days``: residents
  accept (and carry out) what they took part in; a decision not
  carried out closes the matter as FAILED. A failed attempt reopens the issue
  after ``reopen_delay_hours``, or closes it as FAILED after ``max_attempts``.

Review gaming: when the review's weight on closure is a share ``c`` of all
weights above ``review.gaming_threshold``, a failed attempt is instead closed
as resolved (a false closure) with probability
``gaming_max * (c - threshold) / (1 - threshold)``; the unfixed problem comes
back at once as a new issue of the same type and household, linked to it,
with severity raised by ``escalation.recur_severity_step``.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import EventKind, IssueState, IssueType
from cogov_sim.core.processes.occurrence import create_issues
from cogov_sim.core.world import households_within


def handle(model) -> None:
    iss, h, rng, cfg = model.issues, model.handlers, model.rng, model.cfg
    ids = model.open_ids
    ids = ids[(iss.state[ids] == IssueState.ASSIGNED) & (iss.t_available[ids] < model.day_end)]
    if ids.size == 0:
        return
    hd = iss.handler[ids].astype(np.int64)
    prio = iss.severity[ids] + 0.5 * iss.complaints[ids] + 1.0 * iss.whistled[ids]
    order = np.lexsort((iss.t_report[ids], -prio, hd))
    ids, hd = ids[order], hd[order]
    need = np.where(iss.misrouted[ids], cfg.departments.transfer_hours, iss.hours_needed[ids])
    rem = np.maximum(need - iss.hours_spent[ids], 0.0)
    cs_all = np.cumsum(rem)
    starts = np.r_[0, np.flatnonzero(hd[1:] != hd[:-1]) + 1]
    gid = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, ids.size]))
    before = cs_all - rem - (cs_all[starts] - rem[starts])[gid]  # hours queued ahead today
    left = np.maximum(h.cap_today - h.used_today, 0.0)[hd]
    work = np.clip(left - before, 0.0, rem)
    done = work >= rem - 1e-9
    np.add.at(h.used_today, hd, work)
    iss.hours_spent[ids] += work

    fin = ids[done]
    if fin.size == 0:
        return
    # A handler's teams work in parallel (a department's rota day brings several).
    t_start = np.maximum(
        iss.t_available[fin], model.day_start + 8.0 + before[done] / h.teams[hd[done]]
    )
    t_done = t_start + rem[done]
    mis = iss.misrouted[fin]
    _transfer(model, fin[mis], t_done[mis])
    fin, t_done = fin[~mis], t_done[~mis]
    if fin.size == 0:
        return
    k = iss.itype[fin]
    p_fail = (1 - h.skill[iss.handler[fin]]) * (0.5 + iss.severity[fin]) * model.it_difficulty[k]
    p = 1.0 - p_fail
    success = rng.random(fin.size) < np.clip(p, 0.0, 1.0)
    model.log_events(fin, EventKind.ATTEMPT, t=t_done, value=success.astype(np.float64))

    collective = success & (k == IssueType.COLLECTIVE_MATTER)
    if collective.any():
        cid = fin[collective]
        p_exec = acceptance(model, iss.hh[cid])
        executed = rng.random(cid.size) < p_exec
        model.log_events(
            cid, EventKind.DECIDE, t=t_done[collective], value=executed.astype(np.float64)
        )
        success[collective] = executed
        # A decision not carried out ends the matter.
        bad = np.flatnonzero(collective)[~executed]
        model.transition(fin[bad], IssueState.FAILED, EventKind.FAIL, t_done[bad])
        keep = np.ones(fin.size, dtype=bool)
        keep[bad] = False
        fin, t_done, success = fin[keep], t_done[keep], success[keep]

    model.transition(fin[success], IssueState.RESOLVED, EventKind.RESOLVE, t_done[success])
    failed, t_f = fin[~success], t_done[~success]
    failed, t_f = _game_review(model, failed, t_f)
    iss.attempts[failed] += 1
    final = iss.attempts[failed] >= cfg.issues.max_attempts
    model.transition(failed[final], IssueState.FAILED, EventKind.FAIL, t_f[final])
    again, t_a = failed[~final], t_f[~final]
    iss.hours_spent[again] = 0.0
    iss.t_available[again] = t_a + cfg.issues.reopen_delay_hours
    model.transition(again, IssueState.ASSIGNED, EventKind.REOPEN, t_a)


def acceptance(model, hh: np.ndarray) -> np.ndarray:
    """Probability that collective decisions on matters at households ``hh`` are carried
    out: logistic in the share of affected households who took part recently."""
    pc = model.cfg.party
    share = participation_near(model, hh, pc.acceptance_radius)
    z = pc.acceptance_intercept + pc.acceptance_participation * share
    return 1.0 / (1.0 + np.exp(-z))


def participation_near(model, hh: np.ndarray, radius: int) -> np.ndarray:
    """Share of the households within Chebyshev ``radius`` of each of ``hh`` (themselves
    included) who took part in community activity in the last ``window_days``."""
    recent = (model.day - model.residents.last_part) < model.cfg.participation.window_days
    near = households_within(model.world, hh, radius)
    has = near >= 0
    took = np.where(has, recent[np.maximum(near, 0)], False).sum(axis=1)
    return took / np.maximum(has.sum(axis=1), 1.0)


def gaming_prob(review) -> float:
    """Probability that a failed attempt is closed as resolved to meet a closure target
    (``review``: the review rule in force, :class:`cogov_sim.core.actors.ReviewRule`)."""
    share = review.closure_share
    if share <= review.gaming_threshold:
        return 0.0
    return review.gaming_max * (share - review.gaming_threshold) / (1 - review.gaming_threshold)


def _game_review(model, failed, t_f):
    """False closures: close some failed attempts as resolved; the problem comes back."""
    g = gaming_prob(model.handlers.review_rule)
    if g <= 0 or failed.size == 0:
        return failed, t_f
    iss = model.issues
    fake = model.rng.random(failed.size) < g
    ids, t = failed[fake], t_f[fake]
    iss.false_closure[ids] = True
    model.transition(ids, IssueState.RESOLVED, EventKind.RESOLVE, t, value=1.0)
    step = model.cfg.escalation.recur_severity_step
    create_issues(
        model,
        iss.itype[ids],
        iss.hh[ids].astype(np.int64),
        np.minimum(1.0, iss.severity[ids] + step),
        t,
        parent=ids,
    )
    return failed[~fake], t_f[~fake]


def _transfer(model, ids, t) -> None:
    if ids.size == 0:
        return
    iss, dc, rng = model.issues, model.cfg.departments, model.rng
    lost = rng.random(ids.size) < dc.drop_prob
    model.transition(ids[lost], IssueState.FAILED, EventKind.TRANSFER, t[lost])
    back, tb = ids[~lost], t[~lost]
    iss.misrouted[ids] = False
    iss.transfers[ids] += 1
    iss.hours_spent[back] = 0.0
    iss.t_available[back] = tb + dc.transfer_delay_hours
    model.transition(back, IssueState.REPORTED, EventKind.TRANSFER, tb)
