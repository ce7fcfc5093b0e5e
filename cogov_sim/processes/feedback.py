"""Feedback (反馈): satisfaction and trust.

When an issue closes, its household's satisfaction moves toward an outcome
score at ``satisfaction_rate``, and each Moore neighbour's at
``neighbour_rate``. The score is ``0.5 + 0.5 * exp(-max(0, r - e) / e)`` for a
resolved issue with response time ``r`` (report to resolution) and expectation
``e = expected_hours_k``; 0.1 for an issue closed unresolved (a false closure
included: the household knows); 0 for a criminal
escalation. A closed property dispute moves property satisfaction the same way.

Every day satisfaction drifts back to the household's baseline at
``satisfaction_drift``; trust moves toward satisfaction at ``trust_rate`` and
rises by ``contact_trust`` for each visit (patrol, party member's call).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import IssueState, IssueType


def timeliness(model, ids: np.ndarray) -> np.ndarray:
    """``exp(-max(0, r - e) / e)``: response time ``r`` (report to close) against the
    expectation ``e`` of the issue type."""
    iss = model.issues
    e = model.it_expected[iss.itype[ids].astype(np.int64)]
    resp = np.nan_to_num(iss.t_close[ids] - iss.t_report[ids], nan=0.0)
    return np.exp(-np.maximum(0.0, resp - e) / e)


def outcome_score(model, ids: np.ndarray) -> np.ndarray:
    iss = model.issues
    st = iss.state[ids]
    fixed = (st == IssueState.RESOLVED) & ~iss.false_closure[ids]
    score = np.where(fixed, 0.5 + 0.5 * timeliness(model, ids), 0.1)
    return np.where(st == IssueState.ESCALATED, 0.0, score)


def feedback(model) -> None:
    r, rc, iss, w = model.residents, model.cfg.residents, model.issues, model.world
    sat = r.satisfaction
    sat += rc.satisfaction_drift * (r.sat_base - sat)
    ids = model.closed_today
    model.scores_today = outcome_score(model, ids)  # aligned with closed_today; review reads it
    if ids.size:
        score = model.scores_today
        hh = iss.hh[ids]
        np.add.at(sat, hh, rc.satisfaction_rate * (score - sat[hh]))
        nb = w.neighbours[hh]
        valid = nb >= 0
        nbh = nb[valid]
        sc = np.broadcast_to(score[:, None], nb.shape)[valid]
        np.add.at(sat, nbh, rc.neighbour_rate * (sc - sat[nbh]))
        prop = iss.itype[ids] == IssueType.PROPERTY_DISPUTE
        if prop.any():
            ph = hh[prop]
            ps = r.property_sat
            ok = ~np.isnan(ps[ph])
            np.add.at(ps, ph[ok], rc.satisfaction_rate * (score[prop][ok] - ps[ph[ok]]))
    np.clip(sat, 0.0, 1.0, out=sat)
    r.trust += rc.trust_rate * (sat - r.trust)
    visited = model.patrolled_today
    if visited.size:
        np.add.at(r.trust, visited, rc.contact_trust)
    np.clip(r.trust, 0.0, 1.0, out=r.trust)
