"""The validation list is reported beside the patterns, untuned, with honest verdicts."""

from __future__ import annotations

import math

import pytest
import yaml

from cogov_sim.analysis import holdout
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared" / "design" / "reported_figures.yaml"


def test_the_validation_list_mirrors_the_reported_one():
    items = holdout.load()
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not here")
    reported = yaml.safe_load(SHARED.read_text(encoding="utf-8"))["validation"]
    assert [h.id for h in items] == [r["id"] for r in reported]


def test_no_validation_item_is_a_pattern_or_constrains_a_parameter():
    from cogov_sim.analysis.patterns import load_patterns

    pats = load_patterns()
    assert not {h.id for h in holdout.load()} & {p.id for p in pats}


def _results(values_base, values_treated, mech="integrated_grid", key="closure_rate"):
    out = {}
    for s, (b, t) in enumerate(zip(values_base, values_treated, strict=True)):
        out[((), s)] = {key: b}
        out[((mech,), s)] = {key: t}
    return out


def test_verdicts_follow_the_reported_change_and_direction():
    item = holdout.Holdout("x", "integrated_grid", "closure_rate", "change", 0.11, "", "")
    seeds = list(range(5))
    near = _results([0.7, 0.71, 0.69, 0.7, 0.72], [0.81, 0.82, 0.8, 0.8, 0.83])
    far = _results([0.7, 0.71, 0.69, 0.7, 0.72], [0.95, 0.96, 0.94, 0.95, 0.97])
    wrong = _results([0.7, 0.71, 0.69, 0.7, 0.72], [0.6, 0.61, 0.59, 0.6, 0.62])
    assert holdout.evaluate([item], near, seeds).verdict[0] == "consistent"
    assert holdout.evaluate([item], far, seeds).verdict[0] == "direction only"
    assert holdout.evaluate([item], wrong, seeds).verdict[0] == "off"


def test_an_item_without_a_model_outcome_is_not_comparable():
    item = holdout.Holdout("y", "deliberation", None, "level", 0.962, "", "why")
    df = holdout.evaluate([item], {}, [0, 1])
    assert df.verdict[0] == "not comparable" and math.isnan(df.model[0])
