"""Invariants of the issue lifecycle, checked over random small configs (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cogov_sim.core import outcomes
from cogov_sim.core.issues import EventKind, IssueState
from cogov_sim.core.mechanisms import MECHANISMS
from cogov_sim.core.model import CoGovModel

TERMINAL = {int(s) for s in (IssueState.RESOLVED, IssueState.FAILED, IssueState.ESCALATED)}
NON_TRANSITIONS = {
    EventKind.DISCOVER,
    EventKind.ATTEMPT,
    EventKind.HOTLINE,
    EventKind.PETITION,
    EventKind.WHISTLE,
    EventKind.DECIDE,
    EventKind.VISIT,
    EventKind.CALLBACK,
}

configs = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "steps": st.integers(5, 80),
        "world.width": st.integers(8, 40),
        "world.height": st.integers(8, 40),
        "world.density": st.floats(0.3, 1.0),
        "world.households_per_zone": st.integers(10, 60),
        "world.zones_per_community": st.integers(1, 6),
        "world.compound_size": st.integers(2, 12),
        "world.housing_patch": st.integers(1, 5),
        "world.housing_mixing": st.floats(0.0, 1.0),
        "housing.commodity.managed": st.floats(0.0, 1.0),
        "housing.old_estate.managed": st.floats(0.0, 1.0),
        "issues.neighbour_dispute.rate": st.floats(0.0, 2.0),
        "issues.facility_fault.rate": st.floats(0.0, 2.0),
        "issues.property_dispute.rate": st.floats(0.0, 2.0),
        "issues.collective_matter.rate": st.floats(0.0, 0.5),
        "workers.hours_per_day": st.floats(2.0, 8.0),
        "departments.hours_per_day": st.floats(0.5, 20.0),
        "escalation.dispute_growth_per_day": st.floats(0.0, 0.05),
        "mechanisms": st.lists(st.sampled_from(sorted(MECHANISMS)), unique=True),
    }
)


def _with_shares(pair):
    base, weights = pair
    total = sum(weights)
    names = ("old_estate", "commodity", "rental", "urban_village")
    shares = {f"world.share_{n}": w / total for n, w in zip(names, weights, strict=True)}
    # the four shares must sum to 1: give the rounding to the last
    shares["world.share_urban_village"] = 1.0 - sum(
        v for k, v in shares.items() if k != "world.share_urban_village"
    )
    shares["world.share_urban_village"] = max(0.0, shares["world.share_urban_village"])
    return {**base, **shares}


configs = st.tuples(configs, st.tuples(*[st.floats(0.01, 1.0)] * 4)).map(_with_shares)


def _replay(events: pd.DataFrame) -> dict[int, int]:
    """Replay transitions per issue; assert each starts where the previous ended."""
    state: dict[int, int] = {}
    trans = events[~events["kind"].isin([int(k) for k in NON_TRANSITIONS])]
    for issue, frm, to, kind in zip(
        trans["issue"], trans["state_from"], trans["state_to"], trans["kind"], strict=True
    ):
        issue, frm, to = int(issue), int(frm), int(to)
        if kind == EventKind.OCCUR:
            assert issue not in state, f"issue {issue} occurred twice"
            assert frm == -1 and to == IssueState.LATENT
        else:
            assert state[issue] == frm, f"issue {issue}: transition from {frm}, was {state[issue]}"
            assert state[issue] not in TERMINAL, f"issue {issue} left a terminal state"
        state[issue] = to
    return state


def check_invariants(model: CoGovModel) -> None:
    iss = model.issues
    n = iss.n
    states = iss.state[:n]
    # Every issue is in exactly one, valid state.
    assert set(np.unique(states)).issubset({int(s) for s in IssueState})
    # The event log replays to the same states.
    ev = model.events.to_frame()
    replayed = _replay(ev)
    assert len(replayed) == n
    assert all(replayed[i] == states[i] for i in range(n))
    # Conservation: occurred = open + resolved + failed + escalated.
    counts = {s: int(np.count_nonzero(states == s)) for s in IssueState}
    assert sum(counts.values()) == n == int((ev["kind"] == EventKind.OCCUR).sum())
    # Event times: non-decreasing along each issue's lifecycle and within the run.
    occ = iss.t_occur[:n]
    rep = iss.t_report[:n]
    close = iss.t_close[:n]
    has_rep = ~np.isnan(rep)
    assert np.all(rep[has_rep] >= occ[has_rep])
    closed = ~np.isnan(close)
    assert np.all(close[closed] >= occ[closed])
    assert np.all(close[closed & has_rep] >= rep[closed & has_rep])
    assert np.all(states[closed] >= IssueState.RESOLVED)
    assert np.all(np.isnan(close[states <= IssueState.ASSIGNED]))
    # No handler spends more hours than it has, on any day or in total.
    h = model.handlers
    assert h.max_overrun <= 1e-9
    assert np.all(h.used_total <= h.cap_total + 1e-6)
    # Every rate is within [0, 1]; the summary equals its recomputation from the log.
    summary = model.summary()
    for key in outcomes.RATE_KEYS:
        v = summary[key]
        assert math.isnan(v) or 0.0 <= v <= 1.0, (key, v)
    # The summary counts the issues that arose in the outcome window (after the warm-up).
    assert summary["window_start_day"] == model.window_start
    in_window = iss.t_occur[:n] >= 24.0 * model.window_start
    n_win = int(np.count_nonzero(in_window))
    assert summary["issues_occurred"] == n_win
    assert (
        summary["issues_resolved"]
        + summary["issues_failed"]
        + summary["issues_escalated"]
        + summary["issues_open"]
    ) == n_win
    assert summary["issues_open"] == int(
        np.count_nonzero(in_window & (states <= IssueState.ASSIGNED))
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs)
def test_lifecycle_invariants_hold_for_random_small_configs(cfg):
    if (
        cfg["world.households_per_zone"]
        > cfg["world.width"] * cfg["world.height"] * cfg["world.density"]
    ):
        cfg["world.households_per_zone"] = 10
    model = CoGovModel(**cfg)
    model.run()
    check_invariants(model)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs, start=st.integers(0, 30))
def test_invariants_hold_with_every_mechanism_on_for_random_small_configs(cfg, start):
    if (
        cfg["world.households_per_zone"]
        > cfg["world.width"] * cfg["world.height"] * cfg["world.density"]
    ):
        cfg["world.households_per_zone"] = 10
    cfg["mechanisms"] = list(MECHANISMS)
    cfg["mechanism_params.emergency.start_day"] = start
    model = CoGovModel(**cfg)
    model.run()
    check_invariants(model)


def test_invariants_hold_at_classroom_scale_with_all_mechanisms():
    model = CoGovModel(
        **{"world.width": 50, "world.height": 50, "steps": 200, "mechanisms": sorted(MECHANISMS)}
    )
    model.run()
    check_invariants(model)
    assert model.issues.n > 100
