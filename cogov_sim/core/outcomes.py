"""Outcomes (brief section 7): per-step time series and per-run summary.

The run summary is computed by :func:`summarize` from the event log (its
columns, :meth:`cogov_sim.core.issues.EventLog.columns`, or a DataFrame of them) and a small
dict of final agent state (:func:`final_state`); nothing else. So every
outcome of a saved run can be recomputed from ``events.parquet`` and
``summary.json``'s state fields.

Definitions (t_end = 24 * steps hours):
- dispute_resolution_rate: disputes resolved / disputes closed (resolved,
  failed or escalated);
- closure_rate: issues resolved by their deadline / issues due (reported, with
  deadline <= t_end);
- response_hours_mean, response_hours_p90: report to resolution, resolved issues;
- department_response_hours: the same, issues resolved by line departments
  (where 12345 hotline complaints are sent);
- discovery_lag_hours: mean occurrence to discovery, discovered issues;
- *_per_1000: per 1,000 households per year (annualised by steps / 365);
- escalation_rate: hotline complaints and petitions per 1,000 households per year;
- repeat_complaint_rate: reported issues that drew two or more complaints or
  came back (a dispute closed unresolved that flared up again) / reported issues;
- grid_level_share: resolved issues resolved by a zone-level handler (resident,
  mediator, grid worker, property firm, NGO) / resolved issues;
- vulnerable_coverage: share of vulnerable households reached by a service in
  the last ``outcomes.coverage_days`` days at the end of the run (a home visit,
  a linked member's visit, or a need of theirs met): the service coverage of
  special groups; needs_met_share: their service needs resolved / those that
  occurred at least their deadline before t_end (was vulnerable_coverage);
- fairness_gap: closure from occurrence (every case that arose, reported or
  not, service needs included, fixed within its type's deadline) of other
  households minus that of vulnerable households; fairness_gap_by_type: the
  same gap within each case type, weighted by the vulnerable's cases (service
  needs, which only the vulnerable have, drop out); fairness_gap_response_hours:
  mean response of vulnerable minus others;
- mediation_success_rate: disputes settled / disputes closed by a mediating
  handler (mediation committee, NGO, grid worker, party branch, the parties
  themselves; not departments, nor the firm that is a party to a property
  dispute); mediation_session_success: successful sessions / sessions of those
  handlers on disputes;
- closure_rate_standardised, response_hours_standardised: closure and response
  of each case type, averaged with fixed weights (each type's expected share of
  cases at the configured rates), so that a change of mix does not move them;
- worker_reports_per_day: reports the grid workers collected (found on patrol)
  per worker per day; worker_events_per_day: matters they handled (attempts);
- hotline_requests_per_1000: residents' own reports to the 12345 hotline;
  complaints_light_share: complaints and petitions about light matters / all;
- callback_satisfaction, reopened_share: of the closed issues called back, the
  share satisfied and the share reopened (not fixed);
- decision_execution_rate: collective decisions carried out / taken;
- report_accuracy: accurate reports / reports, of reports made by the grid
  system (grid workers, platform, party members' visits);
  report_accuracy_all: the same over every report, residents' included;
- <window>_response_hours: for each named period a mechanism declares
  (``model.windows``, e.g. a flood), the mean response of resolved issues
  that occurred in it (NaN when none did);
- efficiency_index: weighted satisfaction, disposal (closure rate) and
  innovation (participation rate), weights normalised to sum 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cogov_sim.core import places
from cogov_sim.core.issues import (
    DISPUTES,
    LIGHT_TYPES,
    ZONE_LEVEL,
    Channel,
    EventKind,
    HandlerKind,
    IssueState,
    IssueType,
)
from cogov_sim.core.world import HOUSING_TYPES

TIMESERIES_KEYS = (
    "day",
    "open_issues",
    "occurred",
    "resolved_today",
    "dispute_resolution_rate",
    "closure_rate",
    "response_hours_mean",
    "participation_rate",
    "satisfaction_mean",
    "trust_mean",
    "property_satisfaction",
    "fee_collection_rate",
    "escalations",
    "criminal_escalations",
    "volunteer_hours",
    *(f"queue_{g}" for g in ("worker", "firm", "ngo", "party", "department", "mediator")),
    *(f"utilisation_{g}" for g in ("worker", "firm", "ngo", "party", "department", "mediator")),
)

#: Handler groups whose queue length and utilisation are observed.
QUEUE_GROUPS = ("worker", "firm", "ngo", "party", "department", "mediator")

_GROUP_NAMES = {
    "worker": "grid workers",
    "firm": "property firms",
    "ngo": "NGOs",
    "party": "party branches",
    "department": "line departments",
    "mediator": "mediators",
}

#: Meaning and unit of each column of ``timeseries.parquet`` (one row per day, at the
#: end of the day; rates are over the run so far). docs/outputs.md shows this table.
TIMESERIES_MEANING: dict[str, tuple[str, str]] = {
    "day": ("the simulated day, 0-based (the row before day 0 is not saved)", "days"),
    "open_issues": ("issues open (latent, reported or assigned)", "issues"),
    "occurred": ("issues that occurred today", "issues"),
    "resolved_today": ("issues resolved today", "issues"),
    "dispute_resolution_rate": ("disputes resolved / disputes closed, so far", "share"),
    "closure_rate": ("cases due so far that were resolved by their deadline", "share"),
    "response_hours_mean": ("mean report-to-resolution time of resolved cases", "hours"),
    "participation_rate": ("households who took part in the last window_days", "share"),
    "satisfaction_mean": ("mean satisfaction with local governance, 0-1", "0-1"),
    "trust_mean": ("mean trust in local institutions, 0-1", "0-1"),
    "property_satisfaction": ("mean property satisfaction of managed households", "0-1"),
    "fee_collection_rate": ("property fees paid / billed, so far", "share"),
    "escalations": ("hotline complaints and petitions so far", "per 1,000 households"),
    "criminal_escalations": ("disputes turned criminal so far", "per 1,000 households"),
    "volunteer_hours": ("volunteer hours given today", "hours"),
    **{
        f"queue_{g}": (f"issues waiting with {name} at the end of the day", "issues")
        for g, name in _GROUP_NAMES.items()
    },
    **{
        f"utilisation_{g}": (f"share of {name}' hours on duty used today", "share")
        for g, name in _GROUP_NAMES.items()
    },
}

SUMMARY_KEYS = (
    "dispute_resolution_rate",
    "closure_rate",
    "response_hours_mean",
    "response_hours_p90",
    "department_response_hours",
    "discovery_lag_hours",
    "closure_rate_all",
    "light_matters_per_1000",
    "hazards_discovered_per_1000",
    "mediation_days",
    "mediation_days_p50",
    "mediation_days_p90",
    "ngo_cost_per_need_met",
    "light_closure_rate",
    "light_response_hours",
    "light_discovery_lag_hours",
    "neighbour_disputes_per_1000",
    "property_disputes_per_1000",
    "criminal_escalations_per_1000",
    "participation_rate",
    "satisfaction_mean",
    "trust_mean",
    "escalation_rate",
    "repeat_complaint_rate",
    "grid_level_share",
    "vulnerable_coverage",
    "fairness_gap",
    "fairness_gap_reported",
    "fairness_gap_response_hours",
    "closure_from_occurrence",
    "closure_from_occurrence_vulnerable",
    "closure_from_occurrence_others",
    "service_need_met_rate",
    "discovery_lag_hours_vulnerable",
    "discovery_lag_hours_others",
    "undiscovered_share_vulnerable",
    "undiscovered_share_others",
    "hotspot_moran_i",
    "hotspot_p",
    "hotspot_persistence",
    "hotspot_prediction_accuracy",
    *(f"issues_per_1000_{h}" for h in HOUSING_TYPES),
    *(f"closure_from_occurrence_{h}" for h in HOUSING_TYPES),
    *(f"discovery_lag_hours_{h}" for h in HOUSING_TYPES),
    "property_satisfaction",
    "fee_collection_rate",
    "mediation_success_rate",
    "mediation_session_success",
    "closure_rate_standardised",
    "response_hours_standardised",
    "worker_reports_per_day",
    "hotline_requests_per_1000",
    "complaints_light_share",
    "callback_satisfaction",
    "reopened_share",
    "needs_met_share",
    "fairness_gap_by_type",
    "window_start_day",
    "decision_execution_rate",
    "report_accuracy",
    "report_accuracy_all",
    "cost_hours",
    "cost_funds",
    "cost_per_resolved_issue",
    "mechanism_funds",
    "worker_events_per_day",
    "efficiency_index",
    "issues_occurred",
    "issues_resolved",
    "issues_failed",
    "issues_escalated",
    "issues_open",
)

#: Outcomes that are shares, checked to lie in [0, 1].
RATE_KEYS = (
    "dispute_resolution_rate",
    "closure_rate",
    "participation_rate",
    "satisfaction_mean",
    "trust_mean",
    "repeat_complaint_rate",
    "grid_level_share",
    "vulnerable_coverage",
    "closure_from_occurrence",
    "closure_from_occurrence_vulnerable",
    "closure_from_occurrence_others",
    "service_need_met_rate",
    "undiscovered_share_vulnerable",
    "undiscovered_share_others",
    "hotspot_p",
    "hotspot_prediction_accuracy",
    *(f"closure_from_occurrence_{h}" for h in HOUSING_TYPES),
    "property_satisfaction",
    "fee_collection_rate",
    "mediation_success_rate",
    "mediation_session_success",
    "closure_rate_standardised",
    "complaints_light_share",
    "callback_satisfaction",
    "reopened_share",
    "needs_met_share",
    "decision_execution_rate",
    "report_accuracy",
    "report_accuracy_all",
    "efficiency_index",
)


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan


def step_observables(model) -> dict[str, float]:
    """Cheap per-step observables from the issue table and agent arrays."""
    iss, r = model.issues, model.residents
    # Over the cases only (light matters have outcomes of their own): a day costs
    # O(cases), not O(every issue so far).
    c = model.case_ids
    st = iss.state[c]
    k = iss.itype[c]
    now = model.day_end
    disp = k <= IssueType.PROPERTY_DISPUTE
    closed = st >= IssueState.RESOLVED
    resolved = st == IssueState.RESOLVED
    deadline = iss.deadline[c]
    t_close = iss.t_close[c]
    due = deadline <= now
    resp = (t_close - iss.t_report[c])[resolved]
    managed = model.firms.managed_idx
    hh = model.n_households
    return {
        "day": model.day,
        "open_issues": int(model.open_ids.size),
        "occurred": int(iss.n - model.today.issues_at_start),
        "resolved_today": int(
            np.count_nonzero(model.issues.state[model.today.closed] == IssueState.RESOLVED)
        ),
        "dispute_resolution_rate": _ratio(
            np.count_nonzero(disp & resolved), np.count_nonzero(disp & closed)
        ),
        "closure_rate": _ratio(
            np.count_nonzero(due & resolved & (t_close <= deadline)),
            np.count_nonzero(due),
        ),
        "response_hours_mean": float(resp.mean()) if resp.size else math.nan,
        "participation_rate": r.active_count / r.n,
        "satisfaction_mean": float(r.satisfaction.mean()),
        "trust_mean": float(r.trust.mean()),
        "property_satisfaction": (
            float(r.property_sat[managed].mean()) if managed.size else math.nan
        ),
        "fee_collection_rate": _ratio(model.firms.paid.sum(), model.firms.billed.sum()),
        "escalations": model.complaints_total / hh * 1000.0,
        "criminal_escalations": int(np.count_nonzero(st == IssueState.ESCALATED)) / hh * 1000.0,
        "volunteer_hours": float(model.volunteer_hours.sum()),
        **_queues(model),
    }


def _queues(model) -> dict[str, float]:
    """Issues waiting in each handler group's queue at the end of the day, and the share
    of the group's hours on duty used today."""
    h, iss = model.handlers, model.issues
    ids = model.open_ids
    waiting = ids[iss.state[ids] == IssueState.ASSIGNED]
    per_handler = np.bincount(iss.handler[waiting], minlength=h.n)
    out = {}
    for g in QUEUE_GROUPS:
        sl = h.slice(g)
        out[f"queue_{g}"] = int(per_handler[sl].sum())
        out[f"utilisation_{g}"] = _ratio(h.used_today[sl].sum(), h.cap_today[sl].sum())
    return out


def window_start(cfg) -> int:
    """The first day outcomes count: ``outcomes.warmup_days`` when the run is at least
    twice that long; a shorter run (a class, a test) counts from day 0."""
    w = int(cfg.outcomes.warmup_days)
    return w if cfg.steps >= 2 * w else 0


def _coverage(model) -> float:
    """Share of vulnerable households reached by a service (a visit, or a need of theirs
    met) in the last ``outcomes.coverage_days`` days."""
    r = model.residents
    v = r.vulnerable_idx
    if v.size == 0:
        return math.nan
    recent = model.day - r.last_served[v] < model.cfg.outcomes.coverage_days
    return float(np.mean(recent))


def _type_weights(model) -> np.ndarray:
    """Each issue type's expected share of cases at the configured rates (eligible
    households times rate, by housing type)."""
    w = model.world
    n_by = np.bincount(w.housing, minlength=len(HOUSING_TYPES)).astype(np.float64)
    managed = np.bincount(w.housing[model.firms.managed_idx], minlength=n_by.size)
    vul = np.bincount(w.housing[model.residents.vulnerable_idx], minlength=n_by.size)
    elig = np.tile(n_by[:, None], (1, model.it_rate.size))
    elig[:, IssueType.PROPERTY_DISPUTE] = managed
    elig[:, IssueType.SERVICE_NEED] = vul
    expected = (elig * model.it_housing_factor).sum(axis=0) * model.it_rate
    total = expected[: int(min(LIGHT_TYPES))].sum()
    return expected / total if total > 0 else expected


def final_state(model) -> dict[str, float]:
    """The agent state that the summary needs besides the event log."""
    r, cfg, h = model.residents, model.cfg, model.handlers
    managed = model.firms.managed_idx
    oc = cfg.outcomes
    wage = {
        HandlerKind.GRID_WORKER: oc.wage_worker,
        HandlerKind.DEPARTMENT: oc.wage_department,
        HandlerKind.PROPERTY_FIRM: oc.wage_firm,
        HandlerKind.NGO: oc.wage_ngo,
        HandlerKind.PARTY_BRANCH: oc.wage_party,
    }
    paid_hours = h.paid_total * h.wage_factor  # on duty, used or not
    funds = float(sum(paid_hours[h.kind == k].sum() * w for k, w in wage.items()))
    ngo_funds = float(paid_hours[h.kind == HandlerKind.NGO].sum() * oc.wage_ngo)
    return {
        "n_households": int(model.n_households),
        "steps": int(model.day + 1),
        # a run stopped before its warm-up ended counts from day 0 (its hours and fees
        # were not booked: their outcomes are NaN)
        "window_start_day": int(model.window_start if model.day + 1 > model.window_start else 0),
        "vulnerable_coverage": _coverage(model),
        "type_weights": [float(x) for x in _type_weights(model)],
        "participation_rate": float(
            np.mean(model.day - r.last_part < cfg.participation.window_days)
        ),
        "satisfaction_mean": float(r.satisfaction.mean()),
        "trust_mean": float(r.trust.mean()),
        "property_satisfaction": (
            float(r.property_sat[managed].mean()) if managed.size else math.nan
        ),
        "fees_billed": float(model.firms.billed.sum()),
        "fees_paid": float(model.firms.paid.sum()),
        "cost_hours": float(h.paid_total.sum()),
        "hours_used": float(h.used_total[h.kind != HandlerKind.RESIDENT_SELF].sum()),
        "mechanism_funds": model.ledger.total,
        "ngo_funds": ngo_funds,
        "n_workers": float(model.workers.staff.sum()),
        "utilisation": {
            g: _ratio(h.used_total[h.slice(g)].sum(), h.cap_total[h.slice(g)].sum())
            for g in QUEUE_GROUPS
        },
        "cost_funds": funds + model.ledger.total,
        "windows": {name: [float(a), float(b)] for name, (a, b) in model.windows.items()},
        "weight_satisfaction": oc.weight_satisfaction,
        "weight_disposal": oc.weight_disposal,
        "weight_innovation": oc.weight_innovation,
        "seed": int(cfg.seed),
        "zone_shape": (
            [int(x) for x in model.world.zone_shape] if model.world.zone_shape else None
        ),
        **_file_world_state(model.world),
        "deadline_hours": [float(x) for x in model.it_deadline],
        "need_standard_hours": float(oc.need_standard_hours),
        "hotspot_permutations": int(oc.hotspot_permutations),
        "households_by_housing": [
            int(x) for x in np.bincount(model.world.housing, minlength=len(HOUSING_TYPES))
        ],
    }


def _file_world_state(world) -> dict:
    """A world from files: its zones' contiguity (for Moran's I) and where it lies (the
    projection, the ids of its compounds, grids and communities, the files' digests)."""
    src = world.source
    if src is None:
        return {}
    i, j = world.zone_pairs
    return {
        "n_zones": int(world.n_zones),
        "zone_pairs": [i.tolist(), j.tolist()],
        "world_source": {
            "cell_metres": float(src.cell_metres),
            "origin": [float(v) for v in src.origin],
            "coordinates": src.coordinates,
            "projection_centre": (
                [float(v) for v in src.projection_centre] if src.projection_centre else None
            ),
            "compound_ids": list(src.compound_ids),
            "grid_ids": list(src.grid_ids),
            "community_ids": list(src.community_ids),
            "defaults": list(src.defaults),
            "digests": dict(src.digests),
        },
    }


def issue_place(model) -> dict[str, np.ndarray]:
    """Where each issue (by id) arose: its zone and its household's housing type."""
    n = model.issues.n
    return {
        "zone": model.issues.zone[:n],
        "housing": model.world.housing[model.issues.hh[:n]],
    }


def _columns(events) -> dict[str, np.ndarray]:
    """The event log as plain arrays: from a DataFrame of the log's columns
    (``EventLog.to_frame()``) or a mapping of columns (``EventLog.columns()``, views
    without a copy). A saved ``events.parquet`` names its codes; the file's reader,
    :func:`cogov_sim.results.events.recompute_outcomes`, decodes it first."""
    if isinstance(events, pd.DataFrame):
        if "t_hours" in events.columns:
            raise ValueError(
                "this is a saved events.parquet, whose codes are names: recompute its "
                "outcomes with cogov_sim.results.events.recompute_outcomes(events, state)"
            )
        return {c: events[c].to_numpy() for c in events.columns}
    return {c: np.asarray(v) for c, v in events.items()}


#: Rows of the event log handled at a time when rebuilding issues: bounds the
#: temporary arrays (a city's log has tens of millions of rows).
_CHUNK = 1 << 22


def _per_issue(reduce, fill, issue, mask, pos, n) -> np.ndarray:
    """Per issue (``pos`` maps issue id -> result row, -1 for none), ``reduce`` (np.minimum
    or np.maximum) of the log rows selected by ``mask`` that belong to it; ``fill`` where
    none does. Done in chunks of rows, so memory stays small."""
    out = np.full(n, fill, dtype=np.int64)
    for a in range(0, issue.shape[0], _CHUNK):
        if mask is None:
            rows = np.arange(min(_CHUNK, issue.shape[0] - a))
        else:
            rows = np.flatnonzero(mask[a : a + _CHUNK])
        p = pos[issue[a + rows]]
        ok = p >= 0
        reduce.at(out, p[ok], rows[ok] + a)
    return out


def _first_row(issue, mask, pos, n) -> np.ndarray:
    """Per issue, its first row (in log order) among those selected by ``mask``; -1 if none."""
    big = np.iinfo(np.int64).max
    out = _per_issue(np.minimum, big, issue, mask, pos, n)
    out[out == big] = -1
    return out


def _last_row(issue, mask, pos, n) -> np.ndarray:
    """Per issue, its last row among those selected by ``mask`` (every row if None)."""
    return _per_issue(np.maximum, -1, issue, mask, pos, n)


def _pick(values: np.ndarray, row: np.ndarray, fill=np.nan) -> np.ndarray:
    out = np.full(row.shape[0], fill, dtype=np.float64)
    ok = row >= 0
    out[ok] = values[row[ok]]
    return out


def issue_arrays(events, place: dict | None = None) -> dict[str, np.ndarray]:
    """One entry per issue (in order of occurrence), rebuilt from the event log: arrays
    ``issue, itype, vulnerable, t_occur, severity0, parent, t_discover, accurate, channel,
    t_report, deadline, state, t_close, handler_kind, complaints`` (floats NaN where an
    issue has no such event). The log's columns are read, never copied as a frame, so a
    city's log of tens of millions of events is summarised in a few hundred MB."""
    ev = _columns(events)
    kind, issue = ev["kind"], ev["issue"]
    occ = np.flatnonzero(kind == EventKind.OCCUR)
    ids = issue[occ].astype(np.int64)
    n = ids.shape[0]
    pos = np.full(int(issue.max()) + 1 if issue.size else 0, -1, dtype=np.int64)
    pos[ids] = np.arange(n)

    out = {
        "issue": ids,
        "itype": ev["itype"][occ].astype(np.int64),
        "vulnerable": ev["vulnerable"][occ].astype(bool),
        "t_occur": ev["t"][occ].astype(np.float64),
        "severity0": ev["value"][occ].astype(np.float64),
        "parent": ev["parent"][occ].astype(np.int64),
    }
    disc = _first_row(issue, kind == EventKind.DISCOVER, pos, n)
    out["t_discover"] = _pick(ev["t"], disc)
    out["accurate"] = _pick(ev["value"], disc)
    out["channel"] = _pick(ev["channel"], disc)
    rep = _first_row(issue, kind == EventKind.REPORT, pos, n)
    out["t_report"] = _pick(ev["t"], rep)
    out["deadline"] = _pick(ev["value"], rep)
    st_to = ev["state_to"]
    terminal = (
        (st_to == IssueState.RESOLVED)
        | (st_to == IssueState.FAILED)
        | (st_to == IssueState.ESCALATED)
    )
    term = _last_row(issue, terminal, pos, n)
    res = _last_row(issue, kind == EventKind.RESOLVE, pos, n)
    # closed as resolved to meet a target, not fixed (RESOLVE rows' value 1)
    out["false_closure"] = _pick(ev["value"], res, fill=0.0) > 0.5
    out["t_close"] = _pick(ev["t"], term)
    out["handler_kind"] = _pick(ev["handler_kind"], term)
    # Current state: the last terminal transition, else (an issue never closed) the last
    # event's state; only the rows of such issues are searched for their last one.
    never = term < 0
    last = np.full(n, -1, dtype=np.int64)
    if never.any():
        open_id = np.zeros(pos.shape[0], dtype=bool)
        open_id[ids[never]] = True
        last = _last_row(issue, open_id[issue], pos, n)
    row = np.where(term >= 0, term, last)
    out["state"] = np.where(row >= 0, st_to[np.maximum(row, 0)], -1).astype(np.int64)
    comp = pos[issue[(kind == EventKind.HOTLINE) | (kind == EventKind.PETITION)]]
    out["complaints"] = np.bincount(comp[comp >= 0], minlength=n).astype(np.int64)
    for key in ("zone", "housing"):
        if place is not None and key in place:
            out[key] = np.asarray(place[key])[ids].astype(np.int64)
        elif key in ev:
            out[key] = np.asarray(ev[key])[occ].astype(np.int64)
    return out


def issue_frame(events, place: dict | None = None) -> pd.DataFrame:
    """:func:`issue_arrays` as a DataFrame indexed by issue id."""
    arr = issue_arrays(events, place)
    return pd.DataFrame({k: v for k, v in arr.items() if k != "issue"}, index=arr["issue"])


def _within_deadline(df, state, t_end):
    """Per issue: old enough to judge (its type's deadline from occurrence has passed by
    the end of the run) and fixed within that deadline of arising (a false closure,
    closed as resolved without being fixed, is not fixed)."""
    dl = np.asarray(state.get("deadline_hours") or [np.nan] * 7, dtype=np.float64)[df["itype"]]
    due = df["t_occur"] + dl <= t_end
    fixed = (df["state"] == IssueState.RESOLVED) & ~df["false_closure"]
    met = fixed & (df["t_close"] <= df["t_occur"] + dl)
    return due, met


def _from_occurrence(df, state, t_end, due, met, case, vul, resolved, t_close, lag_all) -> dict:
    """Outcomes counted from problems as they arise, reported or not (ODD 7.10)."""
    it = df["itype"]
    out = {
        "closure_from_occurrence": _ratio(
            np.count_nonzero(case & due & met), np.count_nonzero(case & due)
        ),
        "closure_from_occurrence_vulnerable": _ratio(
            np.count_nonzero(case & due & met & vul), np.count_nonzero(case & due & vul)
        ),
        "closure_from_occurrence_others": _ratio(
            np.count_nonzero(case & due & met & ~vul), np.count_nonzero(case & due & ~vul)
        ),
    }
    # Within each case type, others' share minus the vulnerable's, weighted by the
    # vulnerable households' problems of that type (direct standardisation).
    gaps, weights = [], []
    for k in range(int(min(LIGHT_TYPES))):
        sel = case & due & (it == k)
        nv, no = np.count_nonzero(sel & vul), np.count_nonzero(sel & ~vul)
        if nv and no:
            rv = np.count_nonzero(sel & vul & met) / nv
            ro = np.count_nonzero(sel & ~vul & met) / no
            gaps.append(ro - rv)
            weights.append(nv)
    out["fairness_gap_by_type"] = float(np.average(gaps, weights=weights)) if weights else math.nan
    out["fairness_gap"] = (
        out["closure_from_occurrence_others"] - out["closure_from_occurrence_vulnerable"]
    )
    need = (it == IssueType.SERVICE_NEED) & vul
    std = float(state.get("need_standard_hours", math.nan))
    need_due = need & (df["t_occur"] + std <= t_end)
    need_met = need_due & resolved & ~df["false_closure"] & (t_close <= df["t_occur"] + std)
    out["service_need_met_rate"] = _ratio(np.count_nonzero(need_met), np.count_nonzero(need_due))
    found = ~np.isnan(lag_all)
    for name, g in (("vulnerable", vul), ("others", ~vul)):
        lag = lag_all[case & g & found]
        out[f"discovery_lag_hours_{name}"] = float(lag.mean()) if lag.size else math.nan
        out[f"undiscovered_share_{name}"] = _ratio(
            np.count_nonzero(case & g & due & ~found), np.count_nonzero(case & g & due)
        )
    return out


def _standardised(df, due, on_time, resolved, t_close, t_rep, weights):
    """Closure and mean response of each case type, averaged with fixed ``weights``
    (one per issue type; light matters and types with no case are left out)."""
    it = df["itype"]
    close, resp, wc, wr = [], [], [], []
    for k in range(int(min(LIGHT_TYPES))):
        if k >= weights.size or weights[k] <= 0:
            continue
        sel = it == k
        n_due = np.count_nonzero(sel & due)
        if n_due:
            close.append(np.count_nonzero(sel & due & on_time) / n_due)
            wc.append(weights[k])
        r = (t_close - t_rep)[sel & resolved]
        if r.size:
            resp.append(float(r.mean()))
            wr.append(weights[k])
    c = float(np.average(close, weights=wc)) if wc else math.nan
    r = float(np.average(resp, weights=wr)) if wr else math.nan
    return c, r


def _places(df, state, per1000, due, met, case, lag_all, t0: float = 0.0) -> dict:
    """Hot spots (Moran's I of issues per zone, persistence between quarters) and
    outcomes by housing type (ODD 7.10)."""
    nan = math.nan
    out = {
        "hotspot_moran_i": nan,
        "hotspot_p": nan,
        "hotspot_persistence": nan,
        "hotspot_prediction_accuracy": nan,
    }
    for h in HOUSING_TYPES:
        for key in ("issues_per_1000", "closure_from_occurrence", "discovery_lag_hours"):
            out[f"{key}_{h}"] = nan
    shape = state.get("zone_shape")
    pairs = state.get("zone_pairs")
    if "zone" in df and (shape or pairs):
        perms, seed = int(state.get("hotspot_permutations", 999)), int(state.get("seed", 0))
        if shape:
            rows, cols = int(shape[0]), int(shape[1])
            n_zones = rows * cols
            counts = np.bincount(df["zone"], minlength=n_zones)
            m = places.moran(counts, rows, cols, permutations=perms, seed=seed)
        else:  # a world from files: zones of any shape, contiguity from the lattice
            n_zones = int(state["n_zones"])
            counts = np.bincount(df["zone"], minlength=n_zones)
            i, j = (np.asarray(a, dtype=np.int64) for a in pairs)
            m = places.moran_pairs(counts, i, j, permutations=perms, seed=seed)
        out["hotspot_moran_i"], out["hotspot_p"] = m["I"], m["p_sim"]
        days = int(state["steps"] - state.get("window_start_day", 0))
        out["hotspot_persistence"] = places.persistence(
            df["zone"], df["t_occur"] - t0, n_zones, days
        )
        disp = np.isin(df["itype"], [int(d) for d in DISPUTES])
        out["hotspot_prediction_accuracy"] = places.prediction_accuracy(
            df["zone"][disp],
            df["t_occur"][disp] - t0,
            df["t_discover"][disp] - t0,
            n_zones,
            days,
        )
    by = state.get("households_by_housing")
    if "housing" in df and by:
        n_hh = state["n_households"]
        found = ~np.isnan(lag_all)
        for code, h in enumerate(HOUSING_TYPES):
            at = df["housing"] == code
            if by[code]:
                out[f"issues_per_1000_{h}"] = np.count_nonzero(at) * per1000 * n_hh / by[code]
            out[f"closure_from_occurrence_{h}"] = _ratio(
                np.count_nonzero(at & case & due & met), np.count_nonzero(at & case & due)
            )
            lag = lag_all[at & case & found]
            out[f"discovery_lag_hours_{h}"] = float(lag.mean()) if lag.size else nan
    return out


def summarize(events, state: dict, place: dict | None = None) -> dict[str, float]:
    """Run outcomes from the event log (columns or a saved frame), the final agent state
    and, for a model's own log, where each issue arose (:func:`issue_place`; a saved log
    carries it)."""
    n_hh = state["n_households"]
    steps = state["steps"]
    start = int(state.get("window_start_day", 0))
    t_end = 24.0 * steps
    t0 = 24.0 * start
    years = (steps - start) / 365.0
    per1000 = 1000.0 / n_hh / years
    ev = _columns(events)
    df = issue_arrays(ev, place)
    if start > 0:
        # the outcome window: issues that arose after the warm-up, events within it
        keep = df["t_occur"] >= t0
        df = {k: v[keep] for k, v in df.items()}
        rows = ev["t"] >= t0
        ev = {k: ev[k][rows] for k in ("kind", "itype", "handler_kind", "value")}
    st = df["state"]
    it = df["itype"]
    resolved = st == IssueState.RESOLVED
    closed = st >= IssueState.RESOLVED
    disp = np.isin(it, [int(d) for d in DISPUTES])
    t_rep = df["t_report"]
    reported = ~np.isnan(t_rep)
    deadline = df["deadline"]
    t_close = df["t_close"]
    due = reported & (deadline <= t_end)
    on_time = resolved & (t_close <= deadline)
    vul = df["vulnerable"]
    light = np.isin(it, [int(t) for t in LIGHT_TYPES])
    case = ~light  # registered cases (流转事件); light matters are handled on the spot
    resp = (t_close - t_rep)[resolved & case]
    resp_light = (t_close - t_rep)[resolved & light]

    need = it == IssueType.SERVICE_NEED
    dl_need = np.nan
    need_due = need & vul
    if need.any():
        # deadline_hours of the type, from any reported need (same for all of a type)
        d = (deadline - t_rep)[need & reported]
        dl_need = float(np.nanmedian(d)) if d.size else 72.0
        need_due = need & vul & (df["t_occur"] + dl_need <= t_end)

    def closure(mask):
        return _ratio(np.count_nonzero(mask & due & on_time), np.count_nonzero(mask & due))

    ekind, eitype, ehk = ev["kind"], ev["itype"], ev["handler_kind"]
    attempt = ekind == EventKind.ATTEMPT
    att = attempt & np.isin(eitype, [int(d) for d in DISPUTES]) & (ehk != HandlerKind.PROPERTY_FIRM)
    att_value = ev["value"][att]
    channel = df["channel"]
    grid_system = np.isin(channel, [int(Channel.WORKER), int(Channel.PLATFORM), int(Channel.PARTY)])
    dec_value = ev["value"][ekind == EventKind.DECIDE]
    worker_attempts = int(np.count_nonzero(attempt & (ehk == HandlerKind.GRID_WORKER)))
    comp = df["complaints"]
    parent = df["parent"]
    came_back = np.isin(df["issue"], parent[parent >= 0])
    hk = df["handler_kind"]
    lag_all = df["t_discover"] - df["t_occur"]
    lag = lag_all[case & ~np.isnan(lag_all)]
    lag_light = lag_all[light & ~np.isnan(lag_all)]
    resp_v = (t_close - t_rep)[resolved & vul & case]
    resp_o = (t_close - t_rep)[resolved & ~vul & case]

    window_response = {}
    t_occ = df["t_occur"]
    for name, (w0, w1) in (state.get("windows") or {}).items():
        in_w = resolved & case & (t_occ >= w0) & (t_occ < w1)
        w_resp = (t_close - t_rep)[in_w]
        window_response[f"{name}_response_hours"] = (
            float(w_resp.mean()) if w_resp.size else math.nan
        )

    dept = resolved & case & (hk == HandlerKind.DEPARTMENT)
    mediated = (
        resolved
        & (it == IssueType.NEIGHBOUR_DISPUTE)
        & np.isin(
            hk, [int(HandlerKind.MEDIATOR), int(HandlerKind.NGO), int(HandlerKind.RESIDENT_SELF)]
        )
    )
    dept_resp = (t_close - t_rep)[dept]
    weights = np.asarray(state.get("type_weights") or [], dtype=np.float64)
    std_close, std_resp = _standardised(df, due, on_time, resolved, t_close, t_rep, weights)
    cb_rows = ekind == EventKind.CALLBACK
    cb_value = ev["value"][cb_rows]
    # disputes closed by a mediating handler (not the department, not the firm that is
    # a party to a property dispute): settled or not
    mediating = (
        disp
        & closed
        & np.isin(
            hk,
            [
                int(HandlerKind.MEDIATOR),
                int(HandlerKind.NGO),
                int(HandlerKind.RESIDENT_SELF),
                int(HandlerKind.GRID_WORKER),
                int(HandlerKind.PARTY_BRANCH),
            ],
        )
        & (st != IssueState.ESCALATED)
    )

    out = {
        "department_response_hours": float(dept_resp.mean()) if dept_resp.size else math.nan,
        **window_response,
        "dispute_resolution_rate": _ratio(
            np.count_nonzero(disp & resolved), np.count_nonzero(disp & closed)
        ),
        "closure_rate": closure(case),
        "closure_rate_all": closure(np.ones_like(resolved)),
        "response_hours_mean": float(resp.mean()) if resp.size else math.nan,
        "response_hours_p90": float(np.percentile(resp, 90)) if resp.size else math.nan,
        "discovery_lag_hours": float(lag.mean()) if len(lag) else math.nan,
        "light_matters_per_1000": np.count_nonzero(light) * per1000,
        "hazards_discovered_per_1000": np.count_nonzero(
            (it == IssueType.SAFETY_HAZARD) & ~np.isnan(df["t_discover"])
        )
        * per1000,
        "mediation_days": (
            float(np.mean((t_close - t_rep)[mediated]) / 24.0) if mediated.any() else math.nan
        ),
        "mediation_days_p50": (
            float(np.median((t_close - t_rep)[mediated]) / 24.0) if mediated.any() else math.nan
        ),
        "mediation_days_p90": (
            float(np.percentile((t_close - t_rep)[mediated], 90) / 24.0)
            if mediated.any()
            else math.nan
        ),
        "ngo_cost_per_need_met": _ratio(
            state.get("ngo_funds", math.nan), np.count_nonzero(need & resolved)
        ),
        "light_closure_rate": closure(light),
        "light_response_hours": float(resp_light.mean()) if resp_light.size else math.nan,
        "light_discovery_lag_hours": float(lag_light.mean()) if lag_light.size else math.nan,
        "neighbour_disputes_per_1000": np.count_nonzero(it == IssueType.NEIGHBOUR_DISPUTE)
        * per1000,
        "property_disputes_per_1000": np.count_nonzero(it == IssueType.PROPERTY_DISPUTE) * per1000,
        "criminal_escalations_per_1000": np.count_nonzero(st == IssueState.ESCALATED) * per1000,
        "participation_rate": state["participation_rate"],
        "satisfaction_mean": state["satisfaction_mean"],
        "trust_mean": state["trust_mean"],
        "escalation_rate": float(comp.sum()) * per1000,
        "repeat_complaint_rate": _ratio(
            np.count_nonzero(case & reported & ((comp >= 2) | came_back)),
            np.count_nonzero(case & reported),
        ),
        "grid_level_share": _ratio(
            np.count_nonzero(case & resolved & np.isin(hk, [int(z) for z in ZONE_LEVEL])),
            np.count_nonzero(case & resolved),
        ),
        "vulnerable_coverage": state.get("vulnerable_coverage", math.nan),
        "fairness_gap_reported": closure(case & ~vul) - closure(case & vul),
        "fairness_gap_response_hours": (
            float(resp_v.mean() - resp_o.mean()) if resp_v.size and resp_o.size else math.nan
        ),
        "property_satisfaction": state["property_satisfaction"],
        "fee_collection_rate": _ratio(state["fees_paid"], state["fees_billed"]),
        "mediation_success_rate": _ratio(
            np.count_nonzero(mediating & resolved & ~df["false_closure"]),
            np.count_nonzero(mediating),
        ),
        "mediation_session_success": float(att_value.mean()) if att_value.size else math.nan,
        "closure_rate_standardised": std_close,
        "response_hours_standardised": std_resp,
        "worker_reports_per_day": _ratio(
            np.count_nonzero(channel == int(Channel.WORKER)),
            state.get("n_workers", math.nan) * (steps - start),
        ),
        "callback_satisfaction": float(cb_value.mean()) if cb_value.size else math.nan,
        "reopened_share": _ratio(
            np.count_nonzero(channel == int(Channel.CALLBACK)), float(cb_value.size)
        ),
        "needs_met_share": _ratio(
            np.count_nonzero(need_due & resolved), np.count_nonzero(need_due)
        ),
        "hotline_requests_per_1000": np.count_nonzero(channel == int(Channel.HOTLINE)) * per1000,
        "complaints_light_share": _ratio(float(comp[light].sum()), float(comp.sum())),
        "decision_execution_rate": float(dec_value.mean()) if dec_value.size else math.nan,
        "report_accuracy": float(np.nanmean(df["accurate"][grid_system & case]))
        if (grid_system & case).any()
        else math.nan,
        "report_accuracy_all": float(np.nanmean(df["accurate"]))
        if (~np.isnan(df["accurate"])).any()
        else math.nan,
        "cost_hours": state["cost_hours"],
        "cost_funds": state["cost_funds"],
        "cost_per_resolved_issue": _ratio(state["cost_funds"], np.count_nonzero(resolved)),
        "mechanism_funds": state.get("mechanism_funds", math.nan),
        "worker_events_per_day": _ratio(
            worker_attempts, state.get("n_workers", math.nan) * (steps - start)
        ),
        **{f"utilisation_{g}": v for g, v in (state.get("utilisation") or {}).items()},
        "issues_occurred": int(df["issue"].shape[0]),
        "issues_resolved": int(np.count_nonzero(resolved)),
        "issues_failed": int(np.count_nonzero(st == IssueState.FAILED)),
        "issues_escalated": int(np.count_nonzero(st == IssueState.ESCALATED)),
        "issues_open": int(np.count_nonzero(~closed)),
    }
    occ_due, occ_met = _within_deadline(df, state, t_end)
    out.update(
        _from_occurrence(df, state, t_end, occ_due, occ_met, case, vul, resolved, t_close, lag_all)
    )
    out.update(_places(df, state, per1000, occ_due, occ_met, case, lag_all, t0))
    ws, wd, wi = (
        state["weight_satisfaction"],
        state["weight_disposal"],
        state["weight_innovation"],
    )
    tot = ws + wd + wi
    cr = out["closure_rate"]
    out["efficiency_index"] = (
        ws * out["satisfaction_mean"]
        + wd * (0.0 if math.isnan(cr) else cr)
        + wi * out["participation_rate"]
    ) / tot
    out["n_households"] = n_hh
    out["steps"] = steps
    out["window_start_day"] = start
    return {k: (float(v) if not isinstance(v, int) else v) for k, v in out.items()}
