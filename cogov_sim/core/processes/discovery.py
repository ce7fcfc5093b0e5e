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

Reported issues get a deadline ``t_report + deadline_hours_k``.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import Channel, EventKind, IssueState, IssueType


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
    t_pat = d0 + 8.0 + rng.random(n) * max(wk.patrol_hours, 1e-9)
    in_view = np.where(
        model.it_street_visible[k], wk.seen_today[hh], r.last_patrol[hh] == model.day
    )
    found_w = in_view & (t_pat > t_occ) & (rng.random(n) < wk.find_prob * cov)

    t_w = np.where(found_w, t_pat, np.inf)
    t_r = np.where(found_res, t_res, np.inf)
    found = found_w | found_res
    if found.any():
        by_worker = t_w <= t_r
        sel = ids[found]
        bw = by_worker[found]
        t_disc = np.minimum(t_w, t_r)[found]
        acc_p = np.where(
            bw,
            wk.report_accuracy(iss.itype[sel].astype(np.int64), iss.zone[sel]),
            rc.resident_report_accuracy,
        )
        accurate = rng.random(sel.size) < acc_p
        delay = rng.random(sel.size) * np.where(bw, wk.report_delay_hours, 1.0)
        channel = np.where(bw, int(Channel.WORKER), int(Channel.RESIDENT)).astype(np.int8)
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
    dl = t_rep + model.it_deadline[iss.itype[ids].astype(np.int64)]
    iss.deadline[ids] = dl
    iss.next_check[ids] = dl
    model.log_events(
        ids, EventKind.DISCOVER, t=t_disc, channel=channel, value=accurate.astype(np.float64)
    )
    model.transition(ids, IssueState.REPORTED, EventKind.REPORT, t_rep, channel=channel, value=dl)
