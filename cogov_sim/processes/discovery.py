"""Discovery and report (发现, 上报).

Each day, for every undiscovered (LATENT) issue:

- its severity grows by ``issues.worsen_per_day``;
- the household reports it with probability
  ``self_report_k * (floor + (1 - floor) * trust) * report_boost``
  (times ``vulnerable_report_factor`` for a vulnerable household's service need),
  at a uniform time after it occurred;
- the zone's grid worker patrols ``patrol_hours * cells_per_patrol_hour``
  households of the zone drawn uniformly, in working hours (08:00 onwards),
  and finds an issue in a patrolled cell with probability
  ``find_prob * coverage`` (coverage 1 for types in the worker's silo remit
  or under an integrated grid, ``silo_coverage`` otherwise);
- the earlier finder reports it. A worker's report is accurate (type and
  location right) with probability ``workers.report_accuracy`` and reaches
  the queue after a uniform delay of up to ``report_delay_hours``; a
  resident's is accurate with ``residents.resident_report_accuracy`` within
  one hour.

A service need still undiscovered ``need_lapse_days`` after it occurred lapses:
it closes unmet (FAILED). Mechanisms' ``discover`` hooks may then find more of
the remaining latent issues (platform sensors, party members' visits).

Reported issues get a deadline ``t_report + deadline_hours_k``.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import Channel, EventKind, IssueState, IssueType


def patrol(model) -> np.ndarray:
    """Draw today's patrolled households of every zone; return their indices.

    A share ``policy.patrol_uniform_share`` of each worker's visits is drawn
    uniformly from the zone's households; mechanisms' ``patrol_targets`` hooks
    place the rest (e.g. risk grading).
    """
    w, wc, rng = model.world, model.cfg.workers, model.rng
    per_zone = int(round(wc.patrol_hours * wc.cells_per_patrol_hour))
    if per_zone <= 0:
        return np.empty(0, dtype=np.int64)
    uniform = int(round(per_zone * model.policy.patrol_uniform_share))
    size = np.diff(w.zone_start)
    zones = np.flatnonzero(size > 0)
    u = rng.random((zones.size, uniform))
    pos = w.zone_start[zones][:, None] + (u * size[zones][:, None]).astype(np.int64)
    hh = w.zone_order[pos.ravel()].astype(np.int64)
    for m in model.mechanisms:
        extra = m.patrol_targets(model, per_zone - uniform)
        if extra is not None and extra.size:
            hh = np.concatenate([hh, extra.astype(np.int64)])
    model.residents.last_patrol[hh] = model.day
    return hh


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


def discover(model) -> None:
    cfg, r, rng, iss = model.cfg, model.residents, model.rng, model.issues
    patrolled = patrol(model)
    model.patrolled_today = patrolled
    ids = model.open_ids
    ids = ids[iss.state[ids] == IssueState.LATENT]
    ids = lapse_needs(model, ids)
    if ids.size == 0:
        return
    iss.severity[ids] = np.minimum(1.0, iss.severity[ids] + cfg.issues.worsen_per_day)
    k = iss.itype[ids].astype(np.int64)
    hh = iss.hh[ids]
    d0, d1 = model.day_start, model.day_end
    t_occ = iss.t_occur[ids]
    n = ids.size

    rc = cfg.residents
    p_res = model.it_self_report[k] * (
        rc.report_trust_floor + (1 - rc.report_trust_floor) * r.trust[hh]
    )
    p_res = p_res * model.policy.report_boost
    p_res = np.where(
        iss.vulnerable[ids] & (k == IssueType.SERVICE_NEED),
        p_res * rc.vulnerable_report_factor,
        p_res,
    )
    start = np.maximum(t_occ, d0)
    t_res = start + rng.random(n) * (d1 - start)
    found_res = rng.random(n) < np.clip(p_res, 0, 1)

    wc = cfg.workers
    cov = np.where(
        model.policy.integrated | model.it_in_remit[k], 1.0, model.policy.worker_coverage
    )
    t_pat = d0 + 8.0 + rng.random(n) * max(wc.patrol_hours, 1e-9)
    found_w = (
        (r.last_patrol[hh] == model.day) & (t_pat > t_occ) & (rng.random(n) < wc.find_prob * cov)
    )

    t_w = np.where(found_w, t_pat, np.inf)
    t_r = np.where(found_res, t_res, np.inf)
    found = found_w | found_res
    if not found.any():
        for m in model.mechanisms:
            m.discover(model, ids)
            ids = ids[iss.state[ids] == IssueState.LATENT]
        return
    by_worker = t_w <= t_r
    sel = ids[found]
    bw = by_worker[found]
    t_disc = np.minimum(t_w, t_r)[found]
    acc_p = np.where(bw, wc.report_accuracy, rc.resident_report_accuracy)
    accurate = rng.random(sel.size) < acc_p
    delay = rng.random(sel.size) * np.where(bw, wc.report_delay_hours, 1.0)
    channel = np.where(bw, int(Channel.WORKER), int(Channel.RESIDENT)).astype(np.int8)
    report(model, sel, t_disc, t_disc + delay, channel, accurate)
    rest = ids[~found]
    for m in model.mechanisms:
        if rest.size == 0:
            break
        m.discover(model, rest)
        rest = rest[iss.state[rest] == IssueState.LATENT]


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
