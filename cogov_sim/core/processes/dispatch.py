"""Triage and dispatch (分流).

Reported issues whose queue time has come are routed to one handler each:

- a property dispute in a managed compound -> the serving property firm;
- a service need -> the community's NGO;
- small issues -> the zone's grid worker: issues the worker found itself,
  within its silo's remit, with severity up to the workers' ``small_threshold``;
  light matters (in its remit) however they were reported and whatever their
  severity;
- everything else -> the department owning the type (its silo) in the
  issue's street.

Mechanisms then re-route issues (``route`` hook, in config order: an
merged grids, issue sorting, mediators...). Unless the departments have a single
intake (``model.departments.single_intake``), a department-bound report goes
to the wrong silo with probability
``misroute_prob + misroute_inaccurate * (report inaccurate)`` (once per issue);
the wrong department finds out after ``transfer_hours`` of work and transfers
it back to the queue (see handling).

Work can start after the handler's travel and scheduling delay: exponential
with the handler's mean (grid workers and party branches start at once). Then
the issue waits in its handler's queue: a department works this street's
cases only on its rota days (see :class:`cogov_sim.core.actors.Departments`).
Mechanisms may re-route issues (``route`` hook) and act on the dispatched ones
(``after_dispatch`` hook, e.g. whistling a department).
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
    (the module docstring); mechanisms may change both in their ``route`` hook."""
    iss, h = model.issues, model.handlers
    k = iss.itype[ids].astype(np.int64)
    sev = iss.severity[ids]
    wk = model.workers

    kind = np.full(ids.size, int(HandlerKind.DEPARTMENT), dtype=np.int8)
    dep = model.departments
    target = h.index("department", dep.owning(model.it_home[k], iss.community[ids]))

    to_worker = (iss.channel[ids] == Channel.WORKER) & wk.in_remit[k] & (sev <= wk.small_threshold)
    # Light matters are the zone worker's however they were reported (自处置).
    to_worker |= (k >= min(LIGHT_TYPES)) & wk.in_remit[k]
    kind[to_worker] = HandlerKind.GRID_WORKER
    target[to_worker] = h.index("worker", iss.zone[ids][to_worker])

    to_firm = (k == IssueType.PROPERTY_DISPUTE) & (iss.firm[ids] >= 0)
    kind[to_firm] = HandlerKind.PROPERTY_FIRM
    target[to_firm] = h.index("firm", iss.firm[ids][to_firm])

    to_ngo = k == IssueType.SERVICE_NEED
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
        p_mis = dc.misroute_prob + dc.misroute_inaccurate * (~iss.accurate[ids])
        mis = is_dept & (iss.transfers[ids] == 0) & (rng.random(ids.size) < p_mis)
        if mis.any():
            home = target[mis] - h.offset["department"]
            target[mis] = h.index("department", dep.wrong_silo(home, rng))
            iss.misrouted[ids[mis]] = True

    mean_delay = h.delay[target]
    delay = np.where(mean_delay > 0, rng.exponential(1.0, ids.size) * mean_delay, 0.0)
    iss.t_available[ids] = iss.t_available[ids] + delay
    iss.handler[ids] = target
    iss.handler_kind[ids] = kind
    iss.hours_spent[ids] = 0.0
    model.transition(ids, IssueState.ASSIGNED, EventKind.DISPATCH, iss.t_report[ids])
