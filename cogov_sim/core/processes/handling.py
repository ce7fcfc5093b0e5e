"""Handling (处置).

Each handler has ``hours * effort + extra`` hours today, less what it
already spent (patrol, routine service, visits, organising). Its available
assigned issues, and for a department the outside streets' cases, are served
by priority: whistled cases first, then the reported severity plus 0.5 when a
resident waits for it (its own report to the community or the hotline, or a
callback's reopening) and 0.5 per complaint; then by report time. An issue is
finished today when the handler's hours reach its remaining hours (its hours
times ``1 + thoroughness``, the review's lean); the first unfinished one gets
the rest of the day's hours.

A finished piece of work:
- on a wrongly recorded or misrouted issue is a transfer: the handler corrects
  the record after ``departments.transfer_hours``; lost with probability
  ``departments.drop_prob`` unless there is a single intake (FAILED),
  otherwise back to dispatch after the departments' ``transfer_delay_hours``
  (at most their ``committed_hours`` when whistled);
- a department's site visit (``stage`` 1): the remedy can start after an
  exponential wait of mean ``remedy_lag_hours`` (when whistled, no later than
  ``committed_hours`` after the report, if the visit came before that) and
  queues again (VISIT);
- otherwise an attempt, which fails with probability ``(1 - skill) * (0.5 +
  severity) * difficulty_k * (1 - thoroughness)``; an intractable dispute
  (drawn when it arose) always fails. A collective matter's success is a
  decision, carried out with probability ``sigmoid(acceptance_intercept +
  acceptance_participation * s)``, where ``s`` is the share of the households
  within ``acceptance_radius`` of the matter who took part in community
  activity in the last ``window_days``: residents accept (and carry out) what
  they took part in; a decision not carried out closes the matter as FAILED.
  A failed attempt is tried again after the handler's ``retry_delay``
  (``issues.reopen_delay_hours``; a dispute in mediation meets again after
  ``mediators.session_interval_days``), or closes as FAILED (referred on)
  after ``max_attempts``.

Review gaming: when the review's weight on closure is a share ``c`` of all
weights above ``review.gaming_threshold``, a failed attempt is instead closed
as resolved (a false closure) with probability
``gaming_max * (c - threshold) / (1 - threshold)``; the unfixed problem stays
as a new latent issue of the same type and household, linked to it
(``child``), with severity raised by ``escalation.recur_severity_step``: the
household has to report it again, unless a callback finds it first.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import (
    WAITING_CHANNELS,
    EventKind,
    HandlerKind,
    IssueState,
    IssueType,
)
from cogov_sim.core.processes.occurrence import create_issues
from cogov_sim.core.world import households_within

#: handlers that settle disputes by mediation, in sessions (not departments, not firms)
MEDIATING = (
    int(HandlerKind.MEDIATOR),
    int(HandlerKind.NGO),
    int(HandlerKind.PARTY_BRANCH),
    int(HandlerKind.RESIDENT_SELF),
)


def handle(model) -> None:
    iss, h, rng, cfg = model.issues, model.handlers, model.rng, model.cfg
    dep = model.departments
    ids = model.open_ids
    ids = ids[(iss.state[ids] == IssueState.ASSIGNED) & (iss.t_available[ids] < model.day_end)]
    n_out = dep.out_rem.size
    if ids.size == 0 and n_out == 0:
        h.backlog[:] = 0.0
        return
    # This world's cases and the outside streets' cases (departments only) in one queue
    # per handler: by priority, then by report (arrival) time.
    hd = np.concatenate([iss.handler[ids].astype(np.int64), dep.out_handler])
    # priority: the reported severity, a resident waiting (their own report or a
    # callback's, a complaint), a whistle (whistled cases come first in any case)
    waiting = np.isin(iss.channel[ids], WAITING_CHANNELS)
    prio = np.concatenate(
        [
            iss.rseverity[ids] + 0.5 * waiting + 0.5 * iss.complaints[ids],
            dep.out_prio,
        ]
    )
    t_in = np.concatenate([iss.t_report[ids], dep.out_t])
    need = np.where(
        iss.misrouted[ids],
        cfg.departments.transfer_hours,
        np.where(
            iss.stage[ids] > 0,
            cfg.departments.visit_hours,
            iss.hours_needed[ids] * (1.0 + h.thoroughness[iss.handler[ids]]),
        ),
    )
    rem = np.concatenate([np.maximum(need - iss.hours_spent[ids], 0.0), dep.out_rem])
    own = np.concatenate([np.ones(ids.size, dtype=bool), np.zeros(n_out, dtype=bool)])
    whistled = np.concatenate([iss.whistled[ids], np.zeros(dep.out_rem.size, dtype=bool)])
    order = np.lexsort((t_in, -prio, ~whistled, hd))  # whistled cases first, then priority
    hd, rem, own = hd[order], rem[order], own[order]
    pos = order  # position in the unsorted arrays (own cases first, then outside ones)
    cs_all = np.cumsum(rem)
    starts = np.r_[0, np.flatnonzero(hd[1:] != hd[:-1]) + 1]
    gid = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, hd.size]))
    before = cs_all - rem - (cs_all[starts] - rem[starts])[gid]  # hours queued ahead today
    left = np.maximum(h.cap_today - h.used_today, 0.0)[hd]
    work = np.clip(left - before, 0.0, rem)
    done = work >= rem - 1e-9
    np.add.at(h.used_today, hd, work)
    # work waiting at the end of the day, per handler (overtime reads it tomorrow)
    h.backlog[:] = np.bincount(hd, weights=rem - work, minlength=h.n)
    t_start_all = model.day_start + 8.0 + before / h.teams[hd]
    # the outside streets' cases: their share of the work, and those finished
    out_pos = pos[~own] - ids.size
    out_work = np.zeros(n_out)
    out_work[out_pos] = work[~own]
    out_done = np.full(n_out, np.nan)
    fin_out = done[~own]
    t_out = np.maximum(t_in[order], t_start_all) + rem  # not before the case arrived
    out_done[out_pos[fin_out]] = t_out[~own][fin_out]
    dep.take_outside(out_work, out_done)

    mine = own
    ids = ids[pos[mine]]
    work, done, rem, before = work[mine], done[mine], rem[mine], before[mine]
    hd = hd[mine]
    iss.hours_spent[ids] += work

    fin = ids[done]
    if fin.size == 0:
        return
    t_start = np.maximum(iss.t_available[fin], t_start_all[mine][done])
    t_done = t_start + rem[done]
    mis = iss.misrouted[fin]
    _transfer(model, fin[mis], t_done[mis])
    fin, t_done = fin[~mis], t_done[~mis]
    # A department's site visit done: the remedy can start remedy_lag_days later.
    visit = iss.stage[fin] > 0
    if visit.any():
        vid, tv = fin[visit], t_done[visit]
        iss.stage[vid] = 0
        iss.hours_spent[vid] = 0.0
        lag = rng.exponential(1.0, vid.size) * dep.remedy_lag_hours
        # a whistled case's remedy starts within the deadline of its report, if it can
        due = np.maximum(iss.t_report[vid] + dep.committed_hours - tv, 0.0)
        lag = np.where(iss.whistled[vid], np.minimum(lag, due), lag)
        iss.t_available[vid] = tv + lag
        model.log_events(vid, EventKind.VISIT, t=tv)
        fin, t_done = fin[~visit], t_done[~visit]
    if fin.size == 0:
        return
    k = iss.itype[fin]
    hf = iss.handler[fin]
    p_fail = (1 - h.skill[hf]) * (0.5 + iss.severity[fin]) * model.it_difficulty[k]
    p_fail = p_fail * (1.0 - h.thoroughness[hf])
    p = 1.0 - p_fail
    # an intractable dispute cannot be settled by anyone (it ends referred on)
    success = (rng.random(fin.size) < np.clip(p, 0.0, 1.0)) & iss.tractable[fin]
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
    # a dispute in mediation meets again after the sessions' interval, whoever mediates
    hk = iss.handler_kind[again]
    session = (iss.itype[again] <= IssueType.PROPERTY_DISPUTE) & np.isin(hk, MEDIATING)
    wait = np.where(
        session, 24.0 * cfg.mediators.session_interval_days, h.retry_delay[iss.handler[again]]
    )
    iss.t_available[again] = t_a + wait
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
    left = create_issues(
        model,
        iss.itype[ids],
        iss.hh[ids].astype(np.int64),
        np.minimum(1.0, iss.severity[ids] + step),
        t,
        parent=ids,
    )
    iss.child[ids] = left  # a callback finds it (callbacks)
    return failed[~fake], t_f[~fake]


def _transfer(model, ids, t) -> None:
    if ids.size == 0:
        return
    iss, dc, rng = model.issues, model.cfg.departments, model.rng
    # the handler corrects the record; only a traditional intake loses cases in transfer
    iss.rtype[ids] = iss.itype[ids]
    iss.rseverity[ids] = iss.severity[ids]
    p_drop = 0.0 if model.departments.single_intake else dc.drop_prob
    lost = rng.random(ids.size) < p_drop
    model.transition(ids[lost], IssueState.FAILED, EventKind.TRANSFER, t[lost])
    back, tb = ids[~lost], t[~lost]
    iss.misrouted[ids] = False
    iss.transfers[ids] += 1
    iss.hours_spent[back] = 0.0
    dep = model.departments
    wait = np.where(
        iss.whistled[back],
        min(dep.transfer_delay_hours, dep.committed_hours),
        dep.transfer_delay_hours,
    )
    iss.t_available[back] = tb + wait
    model.transition(back, IssueState.REPORTED, EventKind.TRANSFER, tb)
