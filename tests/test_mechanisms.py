"""Each mechanism moves its target outcome in the direction of its reported pattern.

Over 20 paired seeds at classroom scale (same seed = same world and residents),
the 95% confidence interval of the mechanism-minus-baseline difference must
exclude zero on the side the pattern in ``patterns.yaml`` reports.
"""

from __future__ import annotations

import pytest

from cogov_sim.model import CoGovModel
from tests.conftest import CLASSROOM
from tests.stats import paired_ci

SEEDS = range(20)


def _summaries(mechanisms):
    out = []
    for seed in SEEDS:
        m = CoGovModel(**CLASSROOM, seed=seed, mechanisms=mechanisms)
        m.run()
        out.append(m.summary())
    return out


@pytest.fixture(scope="module")
def baseline():
    return _summaries([])


def _effect(baseline, mechanism, outcome):
    treated = _summaries([mechanism])
    return paired_ci([t[outcome] for t in treated], [b[outcome] for b in baseline])


@pytest.mark.slow
def test_integrated_grid_raises_closure_rate(baseline):
    mean, lo, hi = _effect(baseline, "integrated_grid", "closure_rate")
    assert lo > 0, (mean, lo, hi)


@pytest.mark.slow
def test_integrated_grid_raises_share_resolved_at_grid_level(baseline):
    mean, lo, hi = _effect(baseline, "integrated_grid", "grid_level_share")
    assert lo > 0, (mean, lo, hi)


@pytest.mark.slow
def test_whistle_response_cuts_mean_response_time(baseline):
    mean, lo, hi = _effect(baseline, "whistle_response", "response_hours_mean")
    assert hi < 0, (mean, lo, hi)


@pytest.mark.slow
def test_red_property_raises_property_satisfaction(baseline):
    mean, lo, hi = _effect(baseline, "red_property", "property_satisfaction")
    assert lo > 0, (mean, lo, hi)


@pytest.mark.slow
def test_red_property_raises_fee_collection(baseline):
    mean, lo, hi = _effect(baseline, "red_property", "fee_collection_rate")
    assert lo > 0, (mean, lo, hi)


@pytest.mark.slow
def test_red_property_lowers_property_disputes(baseline):
    mean, lo, hi = _effect(baseline, "red_property", "property_disputes_per_1000")
    assert hi < 0, (mean, lo, hi)
