"""The plain Python API: simulate() and run() need no Hydra knowledge."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cogov_sim import simulate
from cogov_sim.core.checks import ConfigError
from cogov_sim.core.outcomes import SUMMARY_KEYS


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


def test_values_set_on_a_cached_composition_equal_hydras_composition():
    from omegaconf import OmegaConf

    from cogov_sim.frontends.api import _compose_values, compose

    cases = [
        (["world=classroom"], {"steps": 5, "seed": 3}),
        (["world=classroom", "mechanisms=[triage]"], {"workers.find_prob": 0.4}),
        ([], {"mechanisms": ["integrated_grid", "smart_dispatch"], "steps": 7}),
        (["world=classroom"], {"mechanism_params.triage.self_skill": 0.5, "world.width": 40}),
        (["world=classroom"], {"sample.file": "a,b=[c].csv", "sample.index": 2}),
        (["world=classroom"], {"world": "street", "steps": 3}),  # a group choice goes to Hydra
    ]
    for overrides, params in cases:
        fast = OmegaConf.to_container(_compose_values(overrides, dict(params)))
        slow = OmegaConf.to_container(compose(overrides, **params))
        assert fast == slow, (overrides, params)


def test_compose_hands_out_copies_of_its_cache():
    from cogov_sim.frontends.api import compose

    first = compose(["world=classroom"])
    first.steps = 2
    first.workers.find_prob = 0.01
    again = compose(["world=classroom"])
    assert again.steps == 365 and again.workers.find_prob == 0.5


def test_simulate_through_the_fast_path_gives_the_command_lines_errors():
    with pytest.raises(ConfigError, match=r"invalid value for 'steps': 'many'"):
        simulate(["world=classroom"], steps="many")
    with pytest.raises(ConfigError, match=r"did you mean 'find_prob'"):
        simulate(["world=classroom"], **{"workers.find_prb": 0.3})


def test_a_single_run_without_figures_loads_no_scipy_stats_matplotlib_or_sweep_tables(tmp_path):
    # Start-up (issue #15, item 6): a run pays only for what it uses. scipy.stats (~0.9 s)
    # served only the summary's two statistics; the sweep package loaded its tables and
    # figures for the callback of every run, multirun or not.
    code = (
        "import sys; from cogov_sim.frontends.cli import main; "
        "sys.argv = ['cogov-sim', 'world=classroom', 'steps=3', 'output.figures=false', "
        f"'hydra.run.dir={tmp_path}/run']; main(); "
        "bad = sorted(m for m in sys.modules if m in ('scipy.stats', 'matplotlib', "
        "'cogov_sim.results.sweep.collect', 'cogov_sim.results.sweep.figures', "
        "'cogov_sim.results.stats')); "
        "print('LOADED', bad)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "LOADED []" in r.stdout, r.stdout[-500:]
    assert (tmp_path / "run" / "summary.json").exists()


def test_mesa_batch_run_returns_the_day_before_the_last_as_the_readme_says():
    """Mesa 3.3's batch_run reads row model.steps - 1 of a data collector whose first
    row is the initial state: its last row is the end of day steps - 2."""
    import mesa

    from cogov_sim import CoGovModel

    params = {"seed": [1], "steps": [12], "world.width": [20], "world.height": [20]}
    rows = mesa.batch_run(
        CoGovModel, parameters=params, iterations=1, number_processes=1,
        data_collection_period=-1, display_progress=False,
    )  # fmt: skip
    m = CoGovModel(seed=1, steps=12, **{"world.width": 20, "world.height": 20})
    m.run()
    ts = m.timeseries()
    assert (rows[-1]["Step"], rows[-1]["day"]) == (11, 10)
    assert rows[-1]["open_issues"] == ts.iloc[-2]["open_issues"]
    assert ts.iloc[-1]["day"] == 11


def test_a_world_preset_can_be_named_wherever_a_world_is_named():
    from cogov_sim import CoGovModel, ConfigError

    assert CoGovModel(world="classroom", steps=1).world.width == 50
    one, listed = simulate("world=classroom", steps=2), simulate(["world=classroom"], steps=2)
    assert one["n_households"] == listed["n_households"] == 2114
    with pytest.raises(ConfigError) as exc:
        CoGovModel(world="village")
    assert str(exc.value) == (
        "invalid value for 'world': 'village' (allowed: a world preset (classroom, district, "
        "example_street, street) or a mapping of world keys)"
    )


def test_a_preset_name_as_the_worlds_label_alone_is_refused_not_built_at_another_size(cli):
    from cogov_sim import CoGovModel, ConfigError

    with pytest.raises(ConfigError, match="world=classroom on the command line"):
        CoGovModel(**{"world.name": "classroom"})
    assert CoGovModel(**{"world.name": "classroom", "world.width": 30, "world.height": 30})
    proc = cli("world.name=classroom", "steps=2")
    assert proc.returncode == 2
    assert "world=classroom on the command line" in proc.stderr


def test_simulate_says_what_overrides_are_when_given_something_else():
    with pytest.raises(TypeError) as exc:
        simulate(5)
    assert str(exc.value).startswith(
        "overrides are Hydra override strings, e.g. ['world=classroom', 'seed=3'] (or one "
        "string), not 5"
    )


def test_a_write_to_a_resident_agent_is_refused_and_the_model_keeps_its_value():
    from cogov_sim import CoGovModel

    m = CoGovModel(**{"world.width": 20, "world.height": 20, "steps": 2})
    m.run()
    agent = m.resident_agent(3)
    before = m.residents.satisfaction[3]
    with pytest.raises(AttributeError) as exc:
        agent.satisfaction = 0.1
    assert str(exc.value).startswith(
        "Resident.satisfaction is a read-only view onto model.residents.satisfaction[3]"
    )
    assert m.residents.satisfaction[3] == before == agent.satisfaction
