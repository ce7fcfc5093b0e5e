"""Discovery and report (发现, 上报).

Each day, for every undiscovered (LATENT) issue:

- its severity grows by ``issues.worsen_per_day``;
- the household reports it with probability
  ``self_report_k * (floor + (1 - floor) * trust) * report_factor``
  (times ``vulnerable_report_factor`` for a vulnerable household's service need),
  at a uniform time after it occurred;
- the zone's grid worker patrols (:meth:`cogov_sim.core.actors.GridWorkers.patrol`)
  in working hours (08:00 onwards) and finds an issue in a patrolled cell with
  probability ``find_prob * coverage_k`` (coverage 1 for types in the
  worker's silo remit, ``silo_coverage`` otherwise, unless a mechanism changes it);
- the earlier finder reports it. A worker's report is accurate (type and
  location right) with the probability its training, tools, workload and the
  issue's type give (:meth:`cogov_sim.core.actors.GridWorkers.report_accuracy`) and reaches
  the queue after a uniform delay of up to ``report_delay_hours`` (both are
  fields of the grid workers' set); a
  resident's is accurate with ``residents.resident_report_accuracy`` within
  one hour.

A service need still undiscovered ``need_lapse_days`` after it occurred lapses:
it closes unmet (FAILED). Mechanisms' ``discover`` hooks may then find more of
the remaining latent issues (platform sensors, party members' visits): each
returns what its actors found (:class:`cogov_sim.core.mechanisms.base.Sightings`),
and this process reports it.

Reported issues get a deadline ``t_report + deadline_hours_k``. A report
records a type and a severity (``rtype``, ``rseverity``): the true type when
accurate, another type at random when not; the severity with a normal error
(sd 0.05, four times that when the report is wrong). Dispatch, handlers and
mechanisms route on the record, not on the truth (dispatch).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import Channel, EventKind, IssueState, IssueType

#: a home visitor's report (social worker, party branch staff) is right this often
VISIT_ACCURACY = 0.95
#: the spread of a reporter's judgement of severity (an inaccurate report: four times it)
REPORT_SEVERITY_SD = 0.05


def lapse_needs(model, ids: np.ndarray) -> np.ndarray:
    """Undiscovered service needs older than ``need_lapse_days`` close unmet; return the rest."""
    iss = model.issues
    limit = model.cfg.issues.need_lapse_days * 24.0
    old = (iss.itype[ids] == IssueType.SERVICE_NEED) & (model.day_end - iss.t_occur[ids] >= limit)
    gone = ids[old]
    if gone.size:
        t = np.maximum(iss.t_occur[gone] + limit, model.day_start)
        model.transition(gone, IssueState.FAILED, EventKind.FAIL, t)
    return ids[~old]


def discover(model) -> np.ndarray:
    """Residents and today's patrols find latent issues and report them; return the
    issues still latent (for the mechanisms' own actors to look at)."""
    cfg, r, rng, iss, wk = model.cfg, model.residents, model.rng, model.issues, model.workers
    ids = model.open_ids
    ids = ids[iss.state[ids] == IssueState.LATENT]
    ids = lapse_needs(model, ids)
    if ids.size == 0:
        return ids
    iss.severity[ids] = np.minimum(1.0, iss.severity[ids] + cfg.issues.worsen_per_day)
    k = iss.itype[ids].astype(np.int64)
    hh = iss.hh[ids]
    d0, d1 = model.day_start, model.day_end
    t_occ = iss.t_occur[ids]
    n = ids.size

    rc = cfg.residents
    p_res = r.report_propensity(
        cfg,
        model.it_self_report[k],
        hh,
        iss.vulnerable[ids] & (k == IssueType.SERVICE_NEED),
    )
    start = np.maximum(t_occ, d0)
    t_res = start + rng.random(n) * (d1 - start)
    found_res = rng.random(n) < np.clip(p_res, 0, 1)

    cov = wk.coverage[k]
    patrol = wk.patrol_hours  # street-wide, or per zone (a class's grid teams)
    patrol = np.asarray(patrol)[iss.zone[ids]] if np.ndim(patrol) else max(patrol, 1e-9)
    t_pat = d0 + 8.0 + rng.random(n) * np.maximum(patrol, 1e-9)
    in_view = np.where(
        model.it_street_visible[k], wk.seen_today[hh], r.last_patrol[hh] == model.day
    )
    found_w = in_view & (t_pat > t_occ) & (rng.random(n) < wk.find_prob * cov)

    # home visits (NGO and party rounds) in the day's working hours
    t_v = np.full(n, np.inf)
    today = model.today
    if today.visited.size:
        vis = np.full(model.n_households, -1, dtype=np.int8)
        vis[today.visited] = today.visit_channel
        ch_v = vis[hh]
        p_v = np.where(
            ch_v == Channel.NGO,
            cfg.ngos.visit_find_prob,
            np.where(ch_v == Channel.PARTY, cfg.party.visit_find_prob, 0.0),
        )
        t_visit = d0 + 9.0 + rng.random(n) * 8.0
        found_v = (ch_v >= 0) & (t_visit > t_occ) & (rng.random(n) < p_v)
        t_v = np.where(found_v, t_visit, np.inf)
    else:
        ch_v = None

    t_w = np.where(found_w, t_pat, np.inf)
    t_r = np.where(found_res, t_res, np.inf)
    t_first = np.minimum(np.minimum(t_w, t_r), t_v)
    found = np.isfinite(t_first)
    if found.any():
        sel = ids[found]
        t_disc = t_first[found]
        bw = (t_w <= t_first)[found]
        bv = ~bw & (t_v <= t_first)[found]
        br = ~bw & ~bv
        # a resident's own report goes to the 12345 hotline or to the community
        hot = br & (rng.random(sel.size) < rc.hotline_share)
        channel = np.full(sel.size, int(Channel.RESIDENT), dtype=np.int8)
        channel[bw] = int(Channel.WORKER)
        channel[hot] = int(Channel.HOTLINE)
        if ch_v is not None:
            channel[bv] = ch_v[found][bv]
        acc_p = np.where(
            bw,
            wk.report_accuracy(iss.itype[sel].astype(np.int64), iss.zone[sel]),
            np.where(bv, VISIT_ACCURACY, r.report_accuracy),
        )
        accurate = rng.random(sel.size) < acc_p
        delay = rng.random(sel.size) * np.where(bw, wk.report_delay_hours, 1.0)
        report(model, sel, t_disc, t_disc + delay, channel, accurate)
        ids = ids[~found]
    return ids


def report_sightings(model, s) -> None:
    """Report what a mechanism's actors found (:class:`Sightings`)."""
    channel = np.full(len(s.ids), int(s.channel), dtype=np.int8)
    report(model, s.ids, s.t_found, s.t_report, channel, np.asarray(s.accurate, dtype=bool))


def report(model, ids, t_disc, t_rep, channel, accurate) -> None:
    """Discovered issues ``ids`` enter the queue (LATENT -> REPORTED)."""
    iss = model.issues
    iss.t_discover[ids] = t_disc
    iss.t_report[ids] = t_rep
    iss.t_available[ids] = t_rep
    iss.channel[ids] = channel
    iss.accurate[ids] = accurate
    # What the report says: the right type when accurate, another type at random when
    # not; the severity as the reporter judged it (a wider guess when the report is wrong).
    rng = model.rng
    true = iss.itype[ids].astype(np.int64)
    n_types = model.it_rate.shape[0]
    wrong = (true + 1 + rng.integers(0, n_types - 1, ids.size)) % n_types
    iss.rtype[ids] = np.where(accurate, true, wrong)
    sd = np.where(accurate, REPORT_SEVERITY_SD, 4 * REPORT_SEVERITY_SD)
    iss.rseverity[ids] = np.clip(iss.severity[ids] + rng.normal(0.0, 1.0, ids.size) * sd, 0, 1)
    dl = t_rep + model.it_deadline[iss.rtype[ids].astype(np.int64)]  # the record's type
    iss.deadline[ids] = dl
    iss.next_check[ids] = dl
    model.log_events(
        ids, EventKind.DISCOVER, t=t_disc, channel=channel, value=accurate.astype(np.float64)
    )
    model.transition(ids, IssueState.REPORTED, EventKind.REPORT, t_rep, channel=channel, value=dl)
