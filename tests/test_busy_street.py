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
    added = (60.0 - m.cfg.ngos.hours_per_day) * m.ngos.n * m.cfg.steps
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
def test_whistling_speeds_departments_only_through_the_staff_they_send():
    """Departments work this street's cases on a rota; a whistle makes the department
    send staff that day (capacity). Without those hours the whistle only reorders the
    department's queue, and its response time does not fall."""
    base = _runs()
    whistle = _runs(["whistle_response"])
    no_staff = _runs(
        ["whistle_response"],
        **{"mechanism_params.whistle_response.department_hours_per_whistle": 0.0},
    )
    assert _diff(whistle, base, "department_response_hours")[2] < -50.0
    mean, lo, hi = _diff(no_staff, base, "department_response_hours")
    assert lo > -25.0, (mean, lo, hi)  # no sizeable gain without the capacity


def test_departments_work_the_street_on_their_rota_days_only():
    from cogov_sim.core.issues import EventKind, HandlerKind

    m = CoGovModel(**CLASSROOM, steps=60, seed=3)
    m.run()
    ev = m.events.to_frame()
    att = ev[(ev["kind"] == EventKind.ATTEMPT) & (ev["handler_kind"] == HandlerKind.DEPARTMENT)]
    dept = att["handler"].to_numpy() - m.handlers.offset["department"]
    day = att["step"].to_numpy()
    d = m.departments
    assert len(att) > 0
    assert ((day - d.visit_offset[dept]) % d.visit_interval[dept] == 0).all()


def test_every_street_has_its_own_departments_so_a_district_is_as_busy_as_a_street():
    """Departments' staff scale with streets (街道): a district of ten streets has ten
    sets of silos, each case goes to its own street's silo (a misrouted one to another
    silo of the same street), and a department's load is the same as in one street."""
    import numpy as np

    from cogov_sim.core.issues import EventKind, HandlerKind

    street = CoGovModel(**{"world.width": 110, "world.height": 110, "steps": 90, "seed": 3})
    district = CoGovModel(**{"world.width": 345, "world.height": 345, "steps": 90, "seed": 3})
    assert street.world.n_streets == 1 and street.departments.n == 7
    assert district.world.n_streets == 10 and district.departments.n == 70
    for m in (street, district):
        m.run()
    ev = district.events.columns()
    rows = (ev["kind"] == EventKind.DISPATCH) & (ev["handler_kind"] == HandlerKind.DEPARTMENT)
    dept = ev["handler"][rows] - district.handlers.offset["department"]
    community = district.issues.community[ev["issue"][rows]]
    assert rows.sum() > 1000
    assert np.array_equal(dept // 7, district.world.community_street[community])
    a, b = street.summary(), district.summary()
    assert b["utilisation_department"] == pytest.approx(a["utilisation_department"], rel=0.25)
    assert b["department_response_hours"] == pytest.approx(a["department_response_hours"], rel=0.25)
