"""Every option of every config group composes, validates and runs."""

from __future__ import annotations

import pytest

from cogov_sim.core.checks import validate
from cogov_sim.core.mechanisms import FULL_PACKAGE, MECHANISMS
from cogov_sim.core.model import CoGovModel
from cogov_sim.frontends.api import CONFIG_DIR, compose

WORLDS = sorted(p.stem for p in (CONFIG_DIR / "world").glob("*.yaml"))
PRESETS = sorted(p.stem for p in (CONFIG_DIR / "preset").glob("*.yaml"))


def test_config_groups_have_the_documented_options():
    assert WORLDS == ["classroom", "district", "example_street", "street"]
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
    assert "emergency" not in cfg.mechanisms and len(FULL_PACKAGE) == 15


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

    from cogov_sim.core.config import make_config
    from cogov_sim.frontends.cli import register_configs

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


def test_the_config_hash_reads_the_model_parameters_alone():
    """Run options (output, resume, sample, sweep) never change a run's hash; any model
    parameter does; no list of keys to skip is kept by hand."""
    from cogov_sim.core.config import MODEL_KEYS, Config, ModelConfig, make_config
    from cogov_sim.results.writing import config_hash

    run_options = {f for f in Config.__dataclass_fields__} - set(MODEL_KEYS)
    assert run_options == {"output", "sweep", "resume", "resume_any_version", "sample"}
    assert set(MODEL_KEYS) == set(ModelConfig.__dataclass_fields__)
    base = config_hash(make_config())
    assert config_hash(make_config(**{"output.figures": False, "resume": True})) == base
    assert config_hash(make_config(**{"sample.index": 3})) == base
    assert config_hash(make_config(seed=7)) != base
    assert config_hash(make_config(**{"workers.find_prob": 0.37})) != base


def test_world_presets_come_from_the_config_trees_world_group():
    import yaml

    from cogov_sim.core.config import WORLD_PRESETS
    from tests.conftest import ROOT

    files = sorted((ROOT / "configs" / "world").glob("*.yaml"))
    assert WORLD_PRESETS == {f.stem: yaml.safe_load(f.read_text()) for f in files}
    assert {"classroom", "street", "district"} <= set(WORLD_PRESETS)


def test_a_parameter_kind_derives_its_allowed_text_from_its_range():
    from cogov_sim.core.params import days, factor, hours, integer, share

    md = {name: f.metadata for name, f in {
        "s": share(0.5, "m"), "h": hours(2.0, "m", hi=24.0), "f": factor(1.0, "m", hi=10.0),
        "d": days(30, "m", lo=1, hi=365), "i": integer(3, 3, 5000, "m"),
    }.items()}  # fmt: skip
    assert (md["s"]["lo"], md["s"]["hi"], md["s"]["allowed"]) == (
        0.0, 1.0, "a probability or share in [0, 1]"
    )  # fmt: skip
    assert (md["h"]["hi"], md["h"]["allowed"], md["h"]["unit"]) == (
        24.0, "a non-negative number of hours", "h"
    )  # fmt: skip
    assert md["f"]["allowed"] == "a factor in [0, 10]"
    assert md["d"]["allowed"] == "an integer number of days in [1, 365]"
    assert md["i"]["allowed"] == "an integer in [3, 5000]"


def test_no_parameter_of_the_core_restates_a_range_that_a_kind_states():
    """A share, hours, factor, days, integer, yuan or wage is written with its kind
    (cogov_sim.core.params), so that its range is stated once."""
    import ast
    import re

    from tests.conftest import ROOT

    stock = re.compile(
        r"^(a (probability or )?share in \[0, 1\]|a non-negative number of hours|"
        r"a factor in \[0, [\d.]+\]|an integer (number of days )?in \[\d+, \d+\]( \(days\))?|"
        r"a non-negative amount of yuan|a non-negative wage \(yuan per hour\))$"
    )
    restated = []
    for path in sorted((ROOT / "cogov_sim" / "core").rglob("*.py")):
        if path.name == "params.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "param":
                allowed = node.args[3] if len(node.args) > 3 else None
                if isinstance(allowed, ast.Constant) and stock.match(str(allowed.value)):
                    restated.append(f"{path.name}:{node.lineno}: {allowed.value}")
    assert not restated, "use the parameter kinds of cogov_sim.core.params:\n" + "\n".join(restated)
