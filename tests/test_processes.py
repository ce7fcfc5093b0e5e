"""Mechanisms work through processes (issue #29): cases take time, routing reads the
report, reviews stay within paid hours, callbacks close the loop, and every effect can
be decomposed by pathway."""

from __future__ import annotations

import numpy as np
import pytest

from cogov_sim.core.mechanisms.pathways import PATHWAYS
from cogov_sim.core.mechanisms.registry import builtin
from cogov_sim.core.model import CoGovModel
from tests.conftest import CLASSROOM
from tests.stats import paired_ci


def _street(seeds, **params):
    out = []
    for seed in seeds:
        m = CoGovModel(seed=seed, steps=240, **params)
        m.run()
        out.append(m.summary())
    return out


def test_mediated_disputes_take_days_not_hours():
    m = CoGovModel(seed=1, steps=240)
    m.run()
    s = m.summary()
    assert 3.0 < s["mediation_days_p50"] < 30.0, s["mediation_days_p50"]
    assert s["mediation_days_p90"] > s["mediation_days_p50"]


@pytest.mark.slow
def test_lower_report_accuracy_under_the_integrated_grid_slows_response():
    """Routing reads the report: wrong records go to the wrong handler and are sent
    back, so less accurate reports mean slower response even with one intake."""
    seeds = range(6)
    ig = {"mechanisms": ["integrated_grid"]}
    sharp = _street(seeds, **ig, **{"residents.resident_report_accuracy": 0.95})
    blunt = _street(seeds, **ig, **{"residents.resident_report_accuracy": 0.4})
    mean, lo, hi = paired_ci(
        [b["response_hours_mean"] for b in blunt], [s["response_hours_mean"] for s in sharp]
    )
    assert lo > 0, (mean, lo, hi)


def test_a_satisfaction_weighted_review_changes_care_per_case_not_paid_hours():
    key = "mechanism_params.performance_review."
    weights = {key + "weight_closure": 0.0, key + "weight_response": 0.0}
    weights[key + "weight_satisfaction"] = 1.0
    base = CoGovModel(**CLASSROOM, seed=3, steps=120)
    review = CoGovModel(
        **CLASSROOM, seed=3, steps=120, mechanisms=["performance_review"], **weights
    )
    base.run()
    review.run()
    h, b = review.handlers, base.handlers
    assert (h.effort == 1.0).all()
    assert h.thoroughness.max() > 0.0  # more care per case
    for g in ("department", "ngo", "party"):  # hours not set by fees or overtime
        sl = h.slice(g)
        assert np.allclose(h.paid_total[sl], b.paid_total[sl]), g


def test_callbacks_reopen_false_closures_and_the_closed_loop_calls_back_on_party_hours():
    gaming = {
        "mechanism_params.performance_review.weight_closure": 1.0,
        "mechanism_params.performance_review.weight_response": 0.0,
        "mechanism_params.performance_review.weight_satisfaction": 0.0,
    }
    plain = CoGovModel(**CLASSROOM, seed=2, steps=150, mechanisms=["performance_review"], **gaming)
    loop = CoGovModel(
        **CLASSROOM, seed=2, steps=150, mechanisms=["performance_review", "closed_loop"], **gaming
    )
    plain.run()
    loop.run()
    a, b = plain.summary(), loop.summary()
    assert b["reopened_share"] > 0
    assert loop.callbacks.calls > 2 * plain.callbacks.calls > 0
    assert b["utilisation_party"] > a["utilisation_party"]


@pytest.mark.slow
def test_decomposition_runs_on_every_built_in_mechanism_and_unused_pathways_get_zero():
    from cogov_sim.analysis.decompose import decompose
    from cogov_sim.core.mechanisms.base import Mechanism
    from cogov_sim.core.mechanisms.pathways import HOOKS, LEVERS

    params = {**CLASSROOM, "steps": 40}
    for name, cls in builtin().items():
        df = decompose([name], ["closure_rate"], [0, 1], params, jobs=2, progress=False)
        assert set(df["pathway"]) == {*PATHWAYS, "rest"}, name
        # a pathway whose levers the mechanism never touches and whose hooks it lacks
        # has a share of exactly 0 (the runs are identical)
        m = CoGovModel(**params, seed=0, mechanisms=[name])
        base = CoGovModel(**params, seed=0)
        for p in PATHWAYS:
            touched = any(
                not np.array_equal(
                    np.asarray(getattr(getattr(m, o), a)), np.asarray(getattr(getattr(base, o), a))
                )
                for o, a in LEVERS[p]
            )
            hooked = any(getattr(cls, h) is not getattr(Mechanism, h) for h in HOOKS.get(p, ()))
            dynamic = any(
                getattr(cls, h) is not getattr(Mechanism, h)
                for h in ("begin_step", "after_handle", "monthly")
            )
            if not (touched or hooked or dynamic):
                share = df.loc[df["pathway"] == p, "share"].iloc[0]
                assert share == 0.0, (name, p, share)


@pytest.mark.parametrize(
    ("mechanism", "pathway"),
    [("whistle_response", "money"), ("smart_dispatch", "hours"), ("smart_dispatch", "skill")],
)
def test_a_pathway_a_mechanism_does_not_use_changes_nothing(mechanism, pathway):
    """Even when the mechanism has daily hooks and the processes change the same levers
    (firms' hours bought by fees, their skill from quality), only what the mechanism
    changed is undone."""
    full = CoGovModel(**CLASSROOM, seed=4, steps=90, mechanisms=[mechanism])
    off = CoGovModel(**CLASSROOM, seed=4, steps=90, mechanisms=[mechanism], pathways_off=[pathway])
    full.run()
    off.run()
    a, b = full.summary(), off.summary()
    assert {k for k in a if a[k] != b[k] and not (a[k] != a[k] and b[k] != b[k])} == set()


def test_switching_off_hours_removes_the_integrated_grid_s_pooled_staff():
    off = CoGovModel(
        **CLASSROOM, seed=4, steps=10, mechanisms=["integrated_grid"], pathways_off=["hours"]
    )
    full = CoGovModel(**CLASSROOM, seed=4, steps=10, mechanisms=["integrated_grid"])
    base = CoGovModel(**CLASSROOM, seed=4, steps=10)
    sl = base.handlers.slice("worker")
    assert np.allclose(off.handlers.hours[sl], base.handlers.hours[sl])
    assert (full.handlers.hours[sl] > base.handlers.hours[sl]).all()
    assert off.departments.single_intake  # its routing stays on


def test_an_unknown_pathway_is_refused_with_the_known_ones():
    from cogov_sim.core.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        CoGovModel(**CLASSROOM, steps=2, pathways_off=["luck"])
    assert str(exc.value) == (
        "invalid value for 'pathways_off': 'luck' (allowed: pathways: " + ", ".join(PATHWAYS) + ")"
    )
