"""Feedback (反馈): the outcome score of a closed issue, as its household judges it.

The residents' response to it is :meth:`cogov_sim.actors.Residents.feel`.


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

from cogov_sim.issues import IssueState


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
