"""Callbacks (回访): the loop closes with the resident.

A closed issue whose household is waiting for it (a case of its own, or a
matter it reported itself: the same households that complain, escalation) is
called back the next day, during working hours: always when it came in by the
12345 hotline (the hotline calls back every request), otherwise with the
callback desk's ``share`` (``callbacks.survey_share``, a third party's sample;
a closed-loop mechanism raises it). A call costs ``hours_per_call`` of the
community's party branch staff (0 unless a mechanism puts the community's own
desk on it), as far as its hours go; calls it cannot afford are not made.

The call hears the household (CALLBACK event, value 1 when satisfied: fixed
and the outcome score at least 0.5). A problem closed as resolved without
being fixed (a false closure) is reopened: the problem it left behind is
reported now (channel CALLBACK) instead of waiting for the household to
report it again. A case closed unresolved (not a dispute, which flares up by
its own rule, nor a light matter) comes back as a new reported case linked to
it: a repeat. (The desk's hours are booked on the day the call is chosen, the
day before it is made.) The survey's scores feed the review (Handlers.review).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import LIGHT_TYPES, Channel, EventKind, IssueState, IssueType
from cogov_sim.core.processes.discovery import report
from cogov_sim.core.processes.feedback import outcome_score, waiting_household
from cogov_sim.core.processes.occurrence import create_issues


class CallbackDesk:
    """Levers of the callbacks: ``share`` of the non-hotline closures called back,
    ``hours_per_call`` of party-branch staff per call."""

    def __init__(self, cfg):
        self.share = cfg.callbacks.survey_share
        self.hours_per_call = 0.0
        #: the issues to call back tomorrow
        self.pending = np.empty(0, dtype=np.int64)
        self.calls = 0
        self.reopened = 0


def choose(model) -> None:
    """End of day: which of today's closures will be called back (``today.surveyed``)."""
    today, iss, desk = model.today, model.issues, model.callbacks
    closed = today.closed
    if closed.size == 0:
        today.surveyed = np.zeros(0, dtype=bool)
        return
    hot = iss.channel[closed] == Channel.HOTLINE
    reported = iss.channel[closed] >= 0  # nobody calls back about an unreported problem
    p = np.where(hot, 1.0, desk.share) * (waiting_household(model, closed) & reported)
    picked = model.rng.random(closed.size) < p
    if desk.hours_per_call > 0:
        # the community desk's calls (not the hotline's) take party-branch hours
        own = picked & ~hot
        comm = iss.community[closed[own]]
        sl = model.handlers.slice("party")
        h = model.handlers
        free = np.maximum(h.cap_today[sl] - h.used_today[sl], 0.0)
        afford = np.floor(free / desk.hours_per_call + 1e-9).astype(np.int64)
        order = np.argsort(comm, kind="stable")
        c = comm[order]
        start = np.searchsorted(c, c)
        rank = np.arange(c.size) - start
        ok_sorted = rank < afford[c]
        ok = np.empty(c.size, dtype=bool)
        ok[order] = ok_sorted
        idx = np.flatnonzero(own)
        picked[idx[~ok]] = False
        made = comm[ok]
        h.used_today[sl] += np.bincount(made, minlength=free.size) * desk.hours_per_call
    today.surveyed = picked
    desk.pending = np.concatenate([desk.pending, closed[picked]])


def call_back(model) -> None:
    """Start of day: call back yesterday's chosen closures; reopen what is not fixed."""
    desk, iss, rng = model.callbacks, model.issues, model.rng
    ids = desk.pending
    desk.pending = np.empty(0, dtype=np.int64)
    if ids.size == 0:
        return
    t = np.maximum(iss.t_close[ids], model.day_start + 9.0 + rng.random(ids.size) * 8.0)
    st = iss.state[ids]
    fixed = (st == IssueState.RESOLVED) & ~iss.false_closure[ids]
    satisfied = fixed & (outcome_score(model, ids) >= 0.5)
    model.log_events(ids, EventKind.CALLBACK, t=t, value=satisfied.astype(np.float64))
    if model.counting:
        desk.calls += int(ids.size)
    # a false closure: the problem it left behind is reported now
    fake = ids[iss.false_closure[ids]]
    child = iss.child[fake].astype(np.int64)
    live = child >= 0
    child, t_c = child[live], t[iss.false_closure[ids]][live]
    child_latent = iss.state[child] == IssueState.LATENT
    child, t_c = child[child_latent], t_c[child_latent]
    # a case closed unresolved (not a dispute, not a criminal matter) comes back
    failed = (
        (st == IssueState.FAILED)
        & (iss.itype[ids] > IssueType.PROPERTY_DISPUTE)
        & ~np.isin(iss.itype[ids], [int(t) for t in LIGHT_TYPES])
    )
    again = ids[failed]
    t_a = t[failed]
    new = np.empty(0, dtype=np.int64)
    if again.size:
        new = create_issues(
            model,
            iss.itype[again],
            iss.hh[again].astype(np.int64),
            iss.severity[again],
            t_a,
            parent=again,
        )
    found = np.concatenate([child, new])
    if found.size:
        t_f = np.concatenate([t_c, t_a])
        ch = np.full(found.size, int(Channel.CALLBACK), dtype=np.int8)
        report(model, found, t_f, t_f, ch, np.ones(found.size, dtype=bool))
        if model.counting:
            desk.reopened += int(found.size)
