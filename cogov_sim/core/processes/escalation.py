"""Escalation: complaints and the civil-to-criminal path (民转刑).

- A reported, still open issue whose deadline (or a further multiple of it)
  has passed triggers a complaint with probability ``hotline_prob`` from the
  household waiting for it: the household of a case, or of a matter seen from
  the street only when it reported it itself (nobody waits for what a worker
  found on patrol). The complaint goes to the
  12345 hotline, or a petition (信访) once the household has complained
  ``petition_after`` times. Either way the next check is one deadline later,
  the complainant's satisfaction drops by ``complaint_penalty`` and the
  issue's handling priority rises.
- A dispute closed unresolved today (failed, or lost in transfer) flares up
  again with probability ``recur_prob``: a new LATENT issue of the same type
  and household at the same time, linked to its parent, with the parent's
  severity plus ``recur_severity_step``.
- An open dispute (neighbour or property, discovered or not) grows in
  severity by ``dispute_growth_per_day * (1 - literacy_damping * legal literacy)``
  per day; at ``criminal_threshold`` it becomes a criminal matter: ESCALATED.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import EventKind, IssueState, IssueType
from cogov_sim.core.processes.feedback import waiting_household
from cogov_sim.core.processes.occurrence import create_issues


def escalate(model) -> None:
    iss, cfg, rng, r = model.issues, model.cfg, model.rng, model.residents
    ec = cfg.escalation
    ids = model.open_ids
    st = iss.state[ids]
    ids_open = ids[st <= IssueState.ASSIGNED]
    due = ids_open[
        (iss.state[ids_open] >= IssueState.REPORTED) & (iss.next_check[ids_open] <= model.day_end)
    ]
    # Who complains: the household of a case it lives with; for a matter seen from the
    # street, only a resident who reported it (nobody waits for a worker's find).
    if due.size:
        waiting = waiting_household(model, due)
        quiet = due[~waiting]
        iss.next_check[quiet] = np.inf
        due = due[waiting]
    if due.size:
        t_chk = iss.next_check[due]
        k = iss.itype[due].astype(np.int64)
        iss.next_check[due] = t_chk + model.it_deadline[k]
        comp = due[rng.random(due.size) < ec.hotline_prob]
        t_c = iss.next_check[comp] - model.it_deadline[iss.itype[comp].astype(np.int64)]
        iss.complaints[comp] += 1
        petition = iss.complaints[comp] > ec.petition_after
        model.log_events(comp[~petition], EventKind.HOTLINE, t=t_c[~petition])
        model.log_events(comp[petition], EventKind.PETITION, t=t_c[petition])
        model.today.complaints = comp
        model.complaints_total += int(comp.size)
        hh = iss.hh[comp]
        np.subtract.at(r.satisfaction, hh, cfg.residents.complaint_penalty)
        np.clip(r.satisfaction, 0.0, 1.0, out=r.satisfaction)

    closed = model.today.closed
    failed = closed[
        (iss.state[closed] == IssueState.FAILED) & (iss.itype[closed] <= IssueType.PROPERTY_DISPUTE)
    ]
    if failed.size:
        again = failed[rng.random(failed.size) < ec.recur_prob]
        if again.size:
            create_issues(
                model,
                iss.itype[again],
                iss.hh[again].astype(np.int64),
                np.minimum(1.0, iss.severity[again] + ec.recur_severity_step),
                iss.t_close[again],
                parent=again,
            )

    disp = ids_open[iss.itype[ids_open] <= IssueType.PROPERTY_DISPUTE]
    if disp.size:
        lit = r.literacy[iss.hh[disp]]
        iss.severity[disp] = np.minimum(
            1.0, iss.severity[disp] + ec.dispute_growth_per_day * (1 - ec.literacy_damping * lit)
        )
        crim = disp[iss.severity[disp] >= ec.criminal_threshold]
        if crim.size:
            t = model.day_start + rng.random(crim.size) * 24.0
            t = np.maximum(t, np.nan_to_num(iss.t_occur[crim]))
            t = np.maximum(t, np.nan_to_num(iss.t_report[crim], nan=-np.inf))
            model.transition(crim, IssueState.ESCALATED, EventKind.CRIMINAL, t)
