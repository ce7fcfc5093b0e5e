"""The plain Python API: simulate() and run() need no Hydra knowledge."""

from __future__ import annotations

import pytest

from cogov_sim import simulate
from cogov_sim.outcomes import SUMMARY_KEYS
from cogov_sim.validation import ConfigError


def test_simulate_accepts_dotted_params_and_returns_outcomes_with_run_size():
    out = simulate(**{"world.width": 40, "world.height": 30, "seed": 3, "steps": 20})
    assert set(SUMMARY_KEYS) <= set(out)
    assert out["steps"] == 20
    assert 700 < out["n_households"] < 1300  # 40 * 30 * 0.85 = 1020 expected
    assert all(isinstance(v, (int, float)) for v in out.values())  # undefined: NaN


def test_simulate_accepts_hydra_overrides_and_mechanism_lists():
    a = simulate(["world=classroom", "steps=30"], seed=1)
    b = simulate(["world=classroom", "steps=30"], seed=1, mechanisms=["integrated_grid"])
    assert a["n_households"] == b["n_households"]  # same seed, same world
    assert a != b


def test_simulate_is_deterministic_for_a_seed():
    kw = {"world.width": 30, "world.height": 30, "steps": 30, "seed": 11}
    assert simulate(**kw) == simulate(**kw)


def test_simulate_rejects_bad_values_with_the_key_named():
    with pytest.raises(ConfigError, match="world.density"):
        simulate(**{"world.density": 2.0, "steps": 5})
