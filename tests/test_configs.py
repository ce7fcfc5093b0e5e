"""Every option of every config group composes, validates and runs."""

from __future__ import annotations

import pytest

from cogov_sim.api import CONFIG_DIR, compose
from cogov_sim.mechanisms import FULL_PACKAGE, MECHANISMS
from cogov_sim.model import CoGovModel
from cogov_sim.validation import validate

WORLDS = sorted(p.stem for p in (CONFIG_DIR / "world").glob("*.yaml"))
PRESETS = sorted(p.stem for p in (CONFIG_DIR / "preset").glob("*.yaml"))


def test_config_groups_have_the_documented_options():
    assert WORLDS == ["classroom", "district", "street"]
    assert {"none", "full_package", "emergency_baseline", "emergency_party"} <= set(PRESETS)


@pytest.mark.parametrize("world", WORLDS)
def test_every_world_option_composes_and_runs(world):
    cfg = compose([f"world={world}", "steps=3"])
    validate(cfg)
    assert cfg.world.name == world
    m = CoGovModel(cfg)
    m.run()
    assert m.day == 2


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_composes_and_runs_at_classroom_scale(preset):
    cfg = compose(["world=classroom", f"preset={preset}", "steps=10"])
    validate(cfg)
    assert set(cfg.mechanisms) <= set(MECHANISMS)
    m = CoGovModel(cfg)
    m.run()
    assert len(m.mechanisms) == len(cfg.mechanisms)


def test_full_package_preset_is_every_mechanism_but_the_emergency():
    cfg = compose(["preset=full_package"])
    assert list(cfg.mechanisms) == FULL_PACKAGE
    assert "emergency" not in cfg.mechanisms and len(FULL_PACKAGE) == 14


def test_mechanisms_override_wins_over_a_preset():
    cfg = compose(["preset=full_package", "mechanisms=[triage]"])
    assert list(cfg.mechanisms) == ["triage"]


EXPERIMENTS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_composes_with_a_fixed_sweep_folder_and_valid_sweep(name):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from cogov_sim.cli import register_configs
    from cogov_sim.config import make_config

    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base=None):
        cfg = hydra_compose("config", overrides=[f"+experiment={name}"], return_hydra_config=True)
    assert cfg.hydra.sweep.dir == f"multirun/{name}"
    text = (CONFIG_DIR / "experiment" / f"{name}.yaml").read_text()
    assert (
        f"+experiment={name}" in text.splitlines()[1] + text.splitlines()[2] + text.splitlines()[3]
    )
    params = cfg.hydra.sweeper.params
    assert "seed" in params
    parser = OverridesParser.create()
    for key, value in params.items():
        ov = parser.parse_overrides([f"{key}={value}"])[0]
        for v in ov.sweep_iterator() if ov.is_sweep_override() else [ov.value()]:
            if key == "mechanisms":
                assert set(v) <= set(MECHANISMS), v
    validate(make_config(cfg))
