"""Rules of the issue loop: routing, transfers, whistles, escalation, hours."""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import LIGHT_TYPES, EventKind, HandlerKind, IssueState
from cogov_sim.core.model import CoGovModel
from tests.conftest import CLASSROOM


def _run(**kw):
    m = CoGovModel(**{**CLASSROOM, "steps": 150, "seed": 2, **kw})
    m.run()
    return m, m.events.to_frame()


def _transferred_accurate(ev) -> int:
    """Transfers of issues whose report was accurate (a silo's misroute, not a wrong
    record)."""
    accurate = set(ev.loc[(ev["kind"] == EventKind.DISCOVER) & (ev["value"] > 0.5), "issue"])
    tr = ev[ev["kind"] == EventKind.TRANSFER]
    return int(tr["issue"].isin(accurate).sum())


def test_siloed_governance_misroutes_accurate_reports_but_integrated_grid_does_not():
    """Silos send some accurate reports to the wrong department; one intake does not.
    Wrong records are transferred under both (the handler finds the type wrong)."""
    _, base = _run()
    _, integ = _run(mechanisms=["integrated_grid"])
    assert _transferred_accurate(base) > 0
    assert _transferred_accurate(integ) == 0
    assert (integ["kind"] == EventKind.TRANSFER).sum() > 0


def test_a_transferred_issue_waits_the_transfer_delay_before_dispatch():
    m, ev = _run(**{"departments.transfer_delay_hours": 48.0, "departments.drop_prob": 0.0})
    tr = ev[(ev["kind"] == EventKind.TRANSFER) & (ev["state_to"] == IssueState.REPORTED)]
    assert len(tr) > 0
    for issue, t in zip(tr["issue"], tr["t"], strict=True):
        later = ev[(ev["issue"] == issue) & (ev["kind"] == EventKind.ATTEMPT) & (ev["t"] > t)]
        if len(later):
            assert later["t"].min() >= t + 48.0 - 1e-9


def _first_attempt_hours(m, ev, ids):
    first = ev[ev["kind"] == EventKind.ATTEMPT].groupby("issue")["t"].min().reindex(ids).dropna()
    return first.to_numpy() - m.issues.t_report[first.index.to_numpy()]


def test_whistled_department_starts_within_the_deadline():
    slow = {"departments.response_delay_hours": 200.0}
    m, ev = _run(
        mechanisms=["whistle_response"],
        **{"mechanism_params.whistle_response.response_deadline_hours": 24.0, **slow},
    )
    iss = m.issues
    wh = np.flatnonzero(iss.whistled[: iss.n])
    assert wh.size > 20
    # Work may start at most 24 h after the report; the attempt ends within that
    # working day unless the department's queue is long.
    whistled = _first_attempt_hours(m, ev, wh)
    assert np.median(whistled) < 48.0
    b, bev = _run(**slow)
    assert b.issues.whistled.sum() == 0
    dept = np.flatnonzero(b.issues.handler_kind[: b.issues.n] == HandlerKind.DEPARTMENT)
    assert np.median(_first_attempt_hours(b, bev, dept)) > 100.0


def test_whistles_never_exceed_the_daily_limit_per_community():
    m, ev = _run(
        mechanisms=["whistle_response"], **{"mechanism_params.whistle_response.whistles_per_day": 1}
    )
    wh = ev[ev["kind"] == EventKind.WHISTLE]
    per_day = wh.groupby(["step", "handler"]).size()
    assert per_day.max() == 1


def test_unresolved_disputes_grow_into_criminal_matters_when_nobody_handles_them():
    m, ev = _run(
        **{
            "departments.hours_per_day": 0.0,
            "workers.hours_per_day": 2.0,
            "workers.patrol_hours": 2.0,
            "firms.fee_yuan_month": 0.0,
            "mediators.members_per_community": 0,
            "escalation.dispute_growth_per_day": 0.02,
        }
    )
    crim = ev[ev["kind"] == EventKind.CRIMINAL]
    assert len(crim) > 0
    assert set(crim["itype"]) <= {0, 1}
    assert (m.issues.state[: m.issues.n] == IssueState.ESCALATED).sum() == len(crim)


def test_open_issues_past_deadline_raise_hotline_complaints():
    """Slow departments: their cases pass the deadline and draw complaints (light
    matters are the grid workers', whose complaints do not depend on departments)."""
    _, slow = _run(**{"departments.response_delay_hours": 400.0})
    _, fast = _run(**{"departments.response_delay_hours": 5.0})

    def complaints(ev):
        comp = ev["kind"].isin([EventKind.HOTLINE, EventKind.PETITION])
        return int((comp & (ev["itype"] < min(LIGHT_TYPES))).sum())

    assert complaints(slow) > 2 * complaints(fast) > 0


def test_accurately_reported_property_disputes_go_to_the_firm_and_needs_to_the_ngo():
    """Dispatch reads the report: an accurate one reaches the type's handler; a wrong
    record reaches another handler first."""
    m, ev = _run()
    accurate = set(ev.loc[(ev["kind"] == EventKind.DISCOVER) & (ev["value"] > 0.5), "issue"])
    d = ev[ev["kind"] == EventKind.DISPATCH]
    right = d[d["issue"].isin(accurate)]
    prop = right[right["itype"] == 1]
    assert len(prop) > 0 and (prop["handler_kind"] == HandlerKind.PROPERTY_FIRM).all()
    need = right[right["itype"] == 4]
    assert len(need) > 0 and (need["handler_kind"] == HandlerKind.NGO).all()
    wrong = d[~d["issue"].isin(accurate) & (d["itype"] == 4)]
    assert len(wrong) > 0 and (wrong["handler_kind"] != HandlerKind.NGO).any()


def test_handlers_never_use_more_hours_than_they_have_each_day():
    m, _ = _run(mechanisms=["integrated_grid", "whistle_response", "red_property"])
    h = m.handlers
    assert h.max_overrun <= 1e-9
    assert np.all(h.used_total <= h.cap_total + 1e-6)
    assert h.used_total.sum() > 0
