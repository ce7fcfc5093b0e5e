"""What a class sees after each round: the street's outcomes and each role's own figures.

Plain numpy over a model (no UI): the same function measures the class's street and
its automatic baseline, so every figure can be shown against the baseline. A round's
figures are over the round's days, read at its end:

- ``closure_rate``: of the cases reported in the round, the share resolved by its end;
- ``response_hours`` (and a role's ``repair_hours``, ``need_response_hours``): the mean
  hours from report to resolution of the cases resolved in the round (failed and
  escalated closures are not responses);
- counts (issues found, matters settled), hours used and money: the round's own;
- states (satisfaction, trust, quality, open cases) at the round's end;
- ``participation``: residents who took part within the participation window
  (``participation.window_days``) before the round's end;
- ``cost_yuan``: paid hours at the outcome wages plus mechanisms' spending.

Each kind of role has a headline figure (:data:`HEADLINE`) for the leaderboard and
the debrief, and ``better`` says which way is better.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import LIGHT_TYPES, Channel, IssueState, IssueType

#: the street's outcomes on the console, and which way is better (+1 higher, -1 lower)
STREET = {
    "closure_rate": +1,
    "response_hours": -1,
    "satisfaction": +1,
    "participation": +1,
    "open_cases": -1,
    "cost_yuan": -1,
}

#: each kind of role's figures, and which way is better
ROLE = {
    "grid": {
        "found_by_workers": +1,
        "response_hours": -1,
        "open_cases": -1,
        "worker_utilisation": 0,
        "satisfaction": +1,
    },
    "secretary": {
        "participation": +1,
        "party_utilisation": 0,
        "collective_closed": +1,
        "trust": +1,
        "satisfaction": +1,
    },
    "firm": {
        "property_satisfaction": +1,
        "quality": +1,
        "fees_paid_share": +1,
        "firm_hours": +1,
        "repair_hours": -1,
        "margin_yuan": +1,
    },
    "ngo": {
        "needs_found": +1,
        "need_response_hours": -1,
        "ngo_utilisation": 0,
        "vulnerable_satisfaction": +1,
    },
    "office": {
        "satisfaction": +1,
        "response_hours": -1,
        "department_utilisation": 0,
        "cost_yuan": -1,
    },
}

#: the figure each kind of role is ranked by
HEADLINE = {
    "grid": "response_hours",
    "secretary": "participation",
    "firm": "property_satisfaction",
    "ngo": "need_response_hours",
    "office": "satisfaction",
}


class Tally:
    """The handlers' hours used and on duty and the firms' fees at the start of a round,
    so that a round's figures are the round's own."""

    def __init__(self, model):
        h = model.handlers
        self.used = h.used_total.copy()
        self.cap = h.cap_total.copy()
        self.paid_hours = h.paid_total.copy()
        self.billed = model.firms.billed.copy()
        self.fees = model.firms.paid.copy()
        self.h0 = model.day_end  # the round starts with the next day
        self.spent = model.ledger.total


def _mean(x) -> float:
    """The mean of the finite values of ``x`` (NaN when there are none)."""
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else float("nan")


def _share(used, cap) -> float:
    return float(used.sum() / cap.sum()) if cap.sum() > 0 else float("nan")


def round_figures(model, since: Tally, roles) -> dict:
    """``{"street": {...}, "<role id>": {...}}`` for the round that began at ``since``."""
    iss, r, h, w = model.issues, model.residents, model.handlers, model.world
    h0, h1 = since.h0, model.day_end
    n = iss.n
    itype = iss.itype[:n]
    case = itype < min(LIGHT_TYPES)
    t_close = iss.t_close[:n]
    state = iss.state[:n]
    terminal = state >= IssueState.RESOLVED
    resolved = state == IssueState.RESOLVED
    closed = case & resolved & (t_close >= h0) & (t_close < h1)  # resolved in the round
    reported = case & (iss.t_report[:n] >= h0) & (iss.t_report[:n] < h1)
    resp = t_close - iss.t_report[:n]
    open_ = case & (state > IssueState.LATENT) & ~terminal
    comm = iss.community[:n]
    used = h.used_total - since.used
    cap = h.cap_total - since.cap
    wage = _wages(model)
    cost = (
        float(((h.paid_total - since.paid_hours) * wage).sum()) + model.ledger.total - since.spent
    )
    recent = model.day - r.last_part < model.cfg.participation.window_days
    out = {
        "street": {
            "closure_rate": float((reported & resolved & (t_close < h1)).sum())
            / max(int(reported.sum()), 1),
            "response_hours": _mean(resp[closed]),
            "satisfaction": _mean(r.satisfaction),
            "participation": float(recent.mean()),
            "open_cases": int(open_.sum()),
            "cost_yuan": cost,
        }
    }
    found = (iss.t_discover[:n] >= h0) & (iss.t_discover[:n] < h1)
    for role in roles:
        c, kind = role.community, role.kind
        if kind == "grid":
            sl = h.slice("worker")
            z = w.zone_community == c
            mine = comm == c
            out[role.id] = {
                "found_by_workers": int((found & mine & (iss.channel[:n] == Channel.WORKER)).sum()),
                "response_hours": _mean(resp[closed & mine]),
                "open_cases": int((open_ & mine).sum()),
                "worker_utilisation": _share(used[sl][z], cap[sl][z]),
                "satisfaction": float(r.satisfaction[w.community == c].mean()),
            }
        elif kind == "secretary":
            sl = h.slice("party")
            homes = w.community == c
            coll = closed & (comm == c) & (itype == IssueType.COLLECTIVE_MATTER)
            out[role.id] = {
                "participation": float(recent[homes].mean()),
                "party_utilisation": _share(used[sl][c : c + 1], cap[sl][c : c + 1]),
                "collective_closed": int(coll.sum()),
                "trust": float(r.trust[homes].mean()),
                "satisfaction": float(r.satisfaction[homes].mean()),
            }
        elif kind == "firm":
            f, fi = role.owner, model.firms
            homes = fi.managed_idx[w.firm[fi.managed_idx] == f]
            mine = (iss.firm[:n] == f) & (iss.handler_kind[:n] == h.kind[h.index("firm", f)])
            billed = fi.billed[f] - since.billed[f]
            out[role.id] = {
                "property_satisfaction": _mean(r.property_sat[homes]),
                "quality": float(fi.quality[f]),
                "fees_paid_share": float((fi.paid[f] - since.fees[f]) / billed)
                if billed > 0
                else float("nan"),
                "firm_hours": float(fi.hours[f]),
                "repair_hours": _mean(resp[closed & mine]),
                "margin_yuan": float(
                    (fi.paid[f] - since.fees[f]) * model.cfg.firms.fee_yuan_month
                    - (h.paid_total - since.paid_hours)[h.slice("firm")][f]
                    * model.cfg.outcomes.wage_firm
                ),
            }
        elif kind == "ngo":
            sl = h.slice("ngo")
            need = (itype == IssueType.SERVICE_NEED) & (comm == c)
            vul = r.vulnerable_idx[w.community[r.vulnerable_idx] == c]
            out[role.id] = {
                "needs_found": int((found & need).sum()),
                "need_response_hours": _mean(resp[closed & need]),
                "ngo_utilisation": _share(used[sl][c : c + 1], cap[sl][c : c + 1]),
                "vulnerable_satisfaction": _mean(r.satisfaction[vul]),
            }
        else:
            sl = h.slice("department")
            out[role.id] = {
                "satisfaction": out["street"]["satisfaction"],
                "response_hours": out["street"]["response_hours"],
                "department_utilisation": _share(used[sl], cap[sl]),
                "cost_yuan": cost,
            }
    return out


def _wages(model) -> np.ndarray:
    """Each handler's wage per paid hour (its kind's outcome wage)."""
    oc, h = model.cfg.outcomes, model.handlers
    per = {
        "worker": oc.wage_worker,
        "firm": oc.wage_firm,
        "ngo": oc.wage_ngo,
        "party": oc.wage_party,
        "department": oc.wage_department,
    }
    wage = np.zeros(h.n)
    for g, v in per.items():
        wage[h.slice(g)] = v
    return wage * h.wage_factor


def gain(kind_figures: dict, key: str, value: float, baseline: float) -> float:
    """How much better ``value`` is than ``baseline`` for figure ``key`` (signed: positive
    is better), relative to the baseline; NaN when either is missing."""
    sign = kind_figures.get(key, 0) or 1
    if value is None or baseline is None:
        return float("nan")
    if not (np.isfinite(value) and np.isfinite(baseline)) or baseline == 0:
        return float("nan")
    return float(sign * (value - baseline) / abs(baseline))
