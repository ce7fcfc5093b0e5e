"""A fixed scenario's summary is pinned, so an optimisation that changes results is caught.

If a change of model behaviour is intended, regenerate the pin and say so in the
commit (and in docs/ODD.md):

    COGOV_UPDATE_PINNED=1 python -m pytest tests/test_pinned.py
"""

from __future__ import annotations

import json
import math
import os

import pytest

from cogov_sim.core.model import CoGovModel
from tests.conftest import ROOT

PIN = ROOT / "tests" / "data" / "pinned_summary.json"
SCENARIO = {
    "world.width": 50,
    "world.height": 50,
    "steps": 120,
    "seed": 123,
    "mechanisms": ["integrated_grid", "whistle_response", "red_property"],
}


def _summary() -> dict:
    m = CoGovModel(**SCENARIO)
    m.run()
    return {
        k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in m.summary().items()
    }


def test_fixed_scenario_summary_matches_the_pinned_values():
    got = _summary()
    if os.environ.get("COGOV_UPDATE_PINNED") == "1":
        PIN.write_text(json.dumps({"scenario": SCENARIO, "summary": got}, indent=2) + "\n")
    pinned = json.loads(PIN.read_text())
    assert pinned["scenario"] == SCENARIO
    assert set(got) == set(pinned["summary"])
    for key, value in pinned["summary"].items():
        if value is None:
            assert got[key] is None, key
        else:
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
