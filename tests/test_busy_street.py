"""The street is as busy as the reported ones: light matters fill grid workers' days,
queues form, problems cost residents, and idle staff are paid."""

from __future__ import annotations

import pytest

from cogov_sim.core.model import CoGovModel
from tests.conftest import CLASSROOM
from tests.stats import paired_ci

SEEDS = range(10)


def _runs(mechanisms=(), **params):
    out = []
    for seed in SEEDS:
        m = CoGovModel(**CLASSROOM, seed=seed, mechanisms=list(mechanisms), **params)
        m.run()
        out.append(m.summary())
    return out


def _diff(a, b, key):
    return paired_ci([x[key] for x in a], [y[key] for y in b])


def test_default_street_grid_workers_handle_8_to_27_events_a_day():
    """Reported: 8-15 (Kunshan) and 18-27 (Chaoyang) events per grid worker per day."""
    m = CoGovModel(seed=1)
    m.run()
    s = m.summary()
    assert 8.0 <= s["worker_events_per_day"] <= 27.0, s["worker_events_per_day"]
    ts = m.timeseries()
    assert ts["queue_worker"].iloc[30:].mean() > 0  # work waits for the worker
    assert 0.7 <= s["utilisation_worker"] <= 1.0  # busy, not idle
    assert s["light_matters_per_1000"] > 20 * s["neighbour_disputes_per_1000"]


@pytest.mark.slow
def test_more_problems_make_residents_less_satisfied():
    base = _runs()
    busy = _runs(**{"issues.urban_matter.rate": 21.0})
    mean, lo, hi = _diff(busy, base, "satisfaction_mean")
    assert hi < 0, (mean, lo, hi)


@pytest.mark.slow
def test_idle_staff_are_paid():
    """Tenfold NGO hours leave NGOs mostly idle but are paid for: cost_hours rises by
    (nearly) the hours added on duty."""
    base = _runs()
    more = _runs(**{"ngos.hours_per_day": 60.0})
    m = CoGovModel(**CLASSROOM)
    counted = m.cfg.steps - m.window_start  # hours are counted after the warm-up
    added = (60.0 - m.cfg.ngos.hours_per_day) * m.ngos.n * counted
    mean, lo, hi = _diff(more, base, "cost_hours")
    assert lo > 0.75 * added, (mean, lo, hi, added)
    assert _diff(more, base, "utilisation_ngo")[2] < 0


@pytest.mark.slow
def test_integrated_grid_speeds_light_matters_only_through_its_pooled_hours():
    """The effect comes through the worker's queue: with the merged grids' pooled hours
    light matters are answered sooner; without them the cases the integrated grid routes
    to the worker lengthen its queue and light matters wait longer."""
    base = _runs()
    pooled = _runs(["integrated_grid"])
    unpooled = _runs(
        ["integrated_grid"], **{"mechanism_params.integrated_grid.worker_hours_factor": 1.0}
    )
    assert _diff(pooled, base, "light_response_hours")[2] < 0
    assert _diff(unpooled, base, "light_response_hours")[1] > 0
    assert _diff(unpooled, base, "utilisation_worker")[1] > 0


@pytest.mark.slow
def test_a_whistle_s_deadline_sets_how_soon_the_department_responds():
    """The whistle adds no hours: the department takes whistled cases first out of its
    own queue and keeps their waits within the deadline, so a 24-hour deadline gives a
    faster department response than a 72-hour one."""
    key = "mechanism_params.whistle_response.response_deadline_hours"
    fast = _runs(["whistle_response"], **{key: 24.0})
    slow = _runs(["whistle_response"], **{key: 72.0})
    mean, lo, hi = _diff(fast, slow, "department_response_hours")
    assert hi < 0, (mean, lo, hi)


def test_departments_share_their_hours_with_the_other_streets_cases_every_day():
    """No rota: a department works every day from one queue that holds this street's
    cases and the cases of the streets outside the model; switching the outside
    streets off leaves its hours mostly idle."""
    import numpy as np

    from cogov_sim.core.issues import EventKind, HandlerKind

    m = CoGovModel(**{"steps": 120, "seed": 3})
    assert (m.departments.outside_streets == 9).all()
    sl = m.handlers.slice("department")
    worked = []
    for _ in range(120):
        m.step()
        worked.append(m.handlers.used_today[sl] > 0)
    # every department works (uses hours) on almost every day, not one day in eleven
    assert np.mean(worked[10:]) > 0.9
    ev = m.events.to_frame()
    att = ev[(ev["kind"] == EventKind.ATTEMPT) & (ev["handler_kind"] == HandlerKind.DEPARTMENT)]
    assert len(att) > 0
    assert m.departments.out_done.sum() > 20 * m.departments.n
    quiet = CoGovModel(**{"steps": 120, "seed": 3, "departments.other_cases_per_day": 0.0})
    quiet.run()
    a, b = m.summary(), quiet.summary()
    assert b["utilisation_department"] < 0.5 * a["utilisation_department"]


@pytest.mark.slow
def test_a_district_s_streets_share_one_team_per_silo_with_no_outside_streets():
    """A team serves ``streets_per_team`` streets: in a district of ten modelled streets
    the seven teams serve all of them and nothing arrives from outside, so a
    department is busy with the district's own cases alone (less than with nine outside
    streets, whose rate also carries matters the model has no type for)."""
    import numpy as np

    from cogov_sim.core.issues import EventKind, HandlerKind

    street = CoGovModel(**{"world.width": 110, "world.height": 110, "steps": 150, "seed": 3})
    district = CoGovModel(**{"world.width": 345, "world.height": 345, "steps": 150, "seed": 3})
    assert street.world.n_streets == 1 and street.departments.n == 7
    assert district.world.n_streets == 10 and district.departments.n == 7
    assert (district.departments.outside_streets == 0).all()
    for m in (street, district):
        m.run()
    ev = district.events.columns()
    rows = (ev["kind"] == EventKind.DISPATCH) & (ev["handler_kind"] == HandlerKind.DEPARTMENT)
    assert rows.sum() > 1000
    # every street's cases reach the one team of their silo (a misroute: another silo)
    community = district.issues.community[ev["issue"][rows]]
    assert len(np.unique(district.world.community_street[community])) == 10
    a, b = street.summary(), district.summary()
    assert 0.3 <= b["utilisation_department"] < a["utilisation_department"]
