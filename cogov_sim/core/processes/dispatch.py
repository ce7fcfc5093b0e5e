"""Triage and dispatch (分流).

Reported issues whose queue time has come are routed to one handler each, on
what the report says (its recorded type ``rtype`` and severity ``rseverity``;
discovery), not on the truth:

- small issues -> the zone's grid worker: issues the worker found itself,
  within its silo's remit, with severity up to the workers' ``small_threshold``
  (the worker saw the problem: this decision is on what it saw); light matters
  (in its remit) however they were reported and whatever their severity;
- a neighbour dispute -> the community's people's mediation committee;
- a property dispute or facility fault in a managed compound -> the serving
  property firm;
- a service need -> the community's NGO;
- everything else -> the department owning the type (its silo) serving the
  issue's street.

Mechanisms then re-route issues (``route`` hook, in config order: merged
grids, issue sorting, mediators...). A report whose type is wrong is found out
by the handler that gets it (unless it is the worker who found the problem and
handles it itself): after ``departments.transfer_hours`` of its work the issue
goes back to dispatch with the record corrected, ``transfer_delay_hours`` later
(handling). Unless the departments have a single intake
(``model.departments.single_intake``), an accurate department-bound report
also goes to the wrong silo with probability ``misroute_prob`` (once per
issue), and a transferred issue is lost with ``drop_prob``.

Work can start after the handler's travel and scheduling delay: exponential
with the handler's mean (grid workers and party branches start at once). Then
the issue waits in its handler's queue (handling). Mechanisms may re-route
issues (``route`` hook) and act on the dispatched ones (``after_dispatch``
hook, e.g. whistling a department).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import (
    LIGHT_TYPES,
    Channel,
    EventKind,
    HandlerKind,
    IssueState,
    IssueType,
)


def due(model) -> np.ndarray:
    """The reported issues whose queue time comes today: today's dispatch."""
    iss = model.issues
    ids = model.open_ids
    return ids[(iss.state[ids] == IssueState.REPORTED) & (iss.t_available[ids] < model.day_end)]


def default_route(model, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The handler kind and handler index of each issue ``ids`` by the baseline's rules
    (the module docstring), read from the report: its recorded type and severity, except
    for the grid worker's own on-the-spot decision on what it found itself (it saw the
    problem); mechanisms may change both in their ``route`` hook."""
    iss, h = model.issues, model.handlers
    k = iss.rtype[ids].astype(np.int64)
    wk = model.workers
    own = iss.channel[ids] == Channel.WORKER
    k_true = iss.itype[ids].astype(np.int64)

    kind = np.full(ids.size, int(HandlerKind.DEPARTMENT), dtype=np.int8)
    dep = model.departments
    target = h.index("department", dep.owning(model.it_home[k], iss.community[ids]))

    small = wk.small_threshold  # a street-wide value or one per zone (a class's grid teams)
    if np.ndim(small):
        small = np.asarray(small)[iss.zone[ids]]
    to_worker = own & wk.in_remit[k_true] & (iss.severity[ids] <= small)
    # Light matters are the zone worker's however they were reported (自处置).
    light = np.where(own, k_true, k) >= min(LIGHT_TYPES)
    to_worker |= light & wk.in_remit[np.where(own, k_true, k)]
    kind[to_worker] = HandlerKind.GRID_WORKER
    target[to_worker] = h.index("worker", iss.zone[ids][to_worker])

    # A neighbour dispute the worker does not settle on the spot goes to the community's
    # people's mediation committee (when it has hours).
    med = model.mediators
    to_med = (k == IssueType.NEIGHBOUR_DISPUTE) & ~to_worker
    to_med &= med.hours[iss.community[ids]] > 0
    kind[to_med] = HandlerKind.MEDIATOR
    target[to_med] = h.index("mediator", iss.community[ids][to_med])

    # Inside a managed compound, property disputes and facility faults are the firm's.
    in_firm = iss.firm[ids] >= 0
    to_firm = ((k == IssueType.PROPERTY_DISPUTE) | (k == IssueType.FACILITY_FAULT)) & in_firm
    to_firm &= ~to_worker
    kind[to_firm] = HandlerKind.PROPERTY_FIRM
    target[to_firm] = h.index("firm", iss.firm[ids][to_firm])

    to_ngo = (k == IssueType.SERVICE_NEED) & ~to_worker
    kind[to_ngo] = HandlerKind.NGO
    target[to_ngo] = h.index("ngo", iss.community[ids][to_ngo])
    return kind, target


def assign(model, ids: np.ndarray, kind: np.ndarray, target: np.ndarray) -> None:
    """Send issues ``ids`` to their routed handlers: the wrong silo (traditional
    governance), the handler's delay, and the DISPATCH transition."""
    iss, h, rng, cfg = model.issues, model.handlers, model.rng, model.cfg
    dep = model.departments
    # Wrong silo (traditional governance only, once per issue).
    dc = cfg.departments
    is_dept = kind == HandlerKind.DEPARTMENT
    if not model.departments.single_intake:
        # an accurate report to the wrong silo (a wrong record is sent back anyway)
        p_mis = dc.misroute_prob * iss.accurate[ids]
        mis = is_dept & (iss.transfers[ids] == 0) & (rng.random(ids.size) < p_mis)
        if mis.any():
            home = target[mis] - h.offset["department"]
            target[mis] = h.index("department", dep.wrong_silo(home, rng))
            iss.misrouted[ids[mis]] = True

    # A wrong record (the report's type is not the problem's) is found out by whoever
    # gets it, unless it is the worker who saw the problem itself (handling).
    wrong = iss.rtype[ids] != iss.itype[ids]
    to_worker = kind == HandlerKind.GRID_WORKER
    handled_by_finder = to_worker & ((iss.channel[ids] == Channel.WORKER) | model.workers.all_round)
    iss.misrouted[ids[wrong & ~handled_by_finder]] = True

    mean_delay = h.delay[target]
    delay = np.where(mean_delay > 0, rng.exponential(1.0, ids.size) * mean_delay, 0.0)
    iss.t_available[ids] = iss.t_available[ids] + delay
    iss.handler[ids] = target
    iss.handler_kind[ids] = kind
    iss.hours_spent[ids] = 0.0
    # a department case starts with a site visit (handling)
    iss.stage[ids] = kind == HandlerKind.DEPARTMENT
    model.transition(ids, IssueState.ASSIGNED, EventKind.DISPATCH, iss.t_report[ids])
