"""Feedback (反馈): how a closed issue's household judges its handling.

The residents' response (problems cost satisfaction while open; resolution
restores part of it) is :meth:`cogov_sim.core.actors.Residents.feel`.

- ``timeliness = exp(-max(0, r - e) / e)`` for response time ``r`` (report to
  close) against the expectation ``e = expected_hours_k`` of the issue type;
- the outcome score is ``0.5 + 0.5 * timeliness`` for a resolved issue, 0.1
  for an issue closed unresolved (a false closure included: the household
  knows), 0 for a criminal escalation. A closed property dispute moves property
  satisfaction toward it, and the review (考核) scores handlers with it.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import WAITING_CHANNELS, IssueState


def waiting_household(model, ids: np.ndarray) -> np.ndarray:
    """Whether a household waits for each issue: its own case, or a street matter it
    reported itself (nobody waits for what a worker found on patrol)."""
    iss = model.issues
    street = model.it_street_visible[iss.itype[ids].astype(np.int64)]
    return ~street | np.isin(iss.channel[ids], WAITING_CHANNELS)


def timeliness(model, ids: np.ndarray) -> np.ndarray:
    """``exp(-max(0, r - e) / e)``: response time ``r`` (report to close) against the
    expectation ``e`` of the issue type."""
    iss = model.issues
    e = model.it_expected[iss.itype[ids].astype(np.int64)]
    resp = np.nan_to_num(iss.t_close[ids] - iss.t_report[ids], nan=0.0)
    return np.exp(-np.maximum(0.0, resp - e) / e)


def outcome_score(model, ids: np.ndarray, timely: np.ndarray | None = None) -> np.ndarray:
    """The outcome score of closed issues ``ids`` (``timely``: their timeliness, if known)."""
    iss = model.issues
    st = iss.state[ids]
    fixed = (st == IssueState.RESOLVED) & ~iss.false_closure[ids]
    if timely is None:
        timely = timeliness(model, ids)
    score = np.where(fixed, 0.5 + 0.5 * timely, 0.1)
    return np.where(st == IssueState.ESCALATED, 0.0, score)
