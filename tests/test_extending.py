"""A mechanism that lives outside cogov_sim/ works everywhere a built-in one does:
named by import path, or installed with an entry point (examples/life_circle)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "life_circle"
SPEC = "cogov_life_circle:LifeCircle"


@pytest.fixture
def on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    yield
    sys.modules.pop("cogov_life_circle", None)


def test_a_mechanism_named_by_import_path_runs_through_simulate(on_path):
    from cogov_sim import simulate

    base = simulate(["world=classroom"], steps=60, seed=4)
    out = simulate(
        ["world=classroom", f"mechanisms=[{SPEC}]"],
        steps=60,
        seed=4,
        **{"mechanism_params.life_circle.stations_per_community": 3},
    )
    # What it costs is counted: 3 stations x communities x 300 yuan x 60 days, and the
    # stations' staff hours (3 x 6 h a day per community, paid at the NGO wage; the
    # review's effort factor moves them a little).
    from cogov_sim.core.model import CoGovModel

    m = CoGovModel(**{"world.width": 50, "world.height": 50})
    n_comm = m.world.n_communities
    stations = 3 * n_comm * 300.0 * 60
    wages = 3 * 6.0 * n_comm * 60 * m.cfg.outcomes.wage_ngo
    assert out["cost_funds"] - base["cost_funds"] == pytest.approx(stations + wages, rel=0.15)
    assert out["mechanism_funds"] - base["mechanism_funds"] == pytest.approx(stations)
    assert out["closure_rate"] != base["closure_rate"]


def test_an_import_path_mechanism_params_are_validated_from_its_own_fields(on_path):
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.model import CoGovModel

    with pytest.raises(ConfigError) as exc:
        CoGovModel(
            **{"mechanisms": [SPEC], "mechanism_params.life_circle.stations_per_community": 99}
        )
    assert str(exc.value) == (
        "invalid value for 'mechanism_params.life_circle.stations_per_community': 99 "
        "(allowed: an integer in [0, 50])"
    )


@pytest.fixture
def by_path_only(tmp_path, monkeypatch):
    """The example as a module that no entry point registers (``life_circle`` may be: the
    in-tree build of the ``installed`` fixture leaves metadata beside it), under a name of
    its own; its import path."""
    source = (EXAMPLE / "cogov_life_circle" / "__init__.py").read_text()
    assert 'name = "life_circle"' in source
    module = tmp_path / "life_circle_by_path.py"
    module.write_text(source.replace('name = "life_circle"', 'name = "lc_by_path"'))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "life_circle_by_path:LifeCircle"
    sys.modules.pop("life_circle_by_path", None)


def test_an_import_path_mechanism_is_switched_on_in_the_app_with_its_sliders_and_info(
    by_path_only,
):
    from urllib.parse import parse_qs

    from cogov_sim.frontends.viz.labels import mechanism_label, mechanism_sliders
    from cogov_sim.frontends.viz.mechanism_info import mechanism_info
    from cogov_sim.frontends.viz.session import ClassroomRun, Settings

    spec = by_path_only
    dotted = "mechanism_params.lc_by_path.delay_factor"
    s = Settings(size=30).replace(f"mechanism:{spec}", True)
    assert s.mechanisms == (spec,)
    assert [k.dotted for k in mechanism_sliders(spec)] == [
        "mechanism_params.lc_by_path.stations_per_community",
        dotted,
    ]
    assert mechanism_label(spec, "zh") == "十五分钟生活圈"
    assert mechanism_info(spec, "en")["rule"].startswith("More NGO hours")
    assert s.param(dotted) == 0.5  # its own default
    s = s.replace(dotted, 0.3)
    # The address keeps it, and a reload restores it.
    query = s.to_query()
    assert query == f"mechanisms={spec}&size=30&lc_by_path.delay_factor=0.3"
    assert Settings.from_query(parse_qs(query)) == (s, [])
    run = ClassroomRun(s)  # the baseline has no section for it: built without its params
    assert run.step(2) == 2
    assert run.treatment.mechanisms.get("lc_by_path").params.delay_factor == 0.3
    assert list(run.baseline.cfg.mechanisms) == []
    # Switched off, its parameters go too (a config would have no section for them).
    assert s.replace(f"mechanism:{spec}", False).params == ()


def test_a_bad_import_path_names_the_problem_and_the_known_mechanisms():
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.model import CoGovModel

    with pytest.raises(ConfigError) as exc:
        CoGovModel(mechanisms=["no_such_pkg.flood:Drill"])
    msg = str(exc.value)
    assert "no_such_pkg.flood:Drill (No module named 'no_such_pkg')" in msg
    assert "integrated_grid, whistle_response" in msg and "import paths" in msg


def test_a_class_that_is_not_a_mechanism_is_refused():
    from cogov_sim.core.errors import ConfigError
    from cogov_sim.core.model import CoGovModel

    with pytest.raises(ConfigError, match="a subclass of cogov_sim.core.mechanisms.Mechanism"):
        CoGovModel(mechanisms=["collections:OrderedDict"])


@pytest.fixture(scope="module")
def installed(life_circle_site):
    """The example package installed (with its entry point) into a folder of its own."""
    return life_circle_site


@pytest.mark.slow
def test_an_installed_plugin_runs_from_the_command_line_by_its_name(installed, tmp_path):
    _, env = installed
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cogov_sim",
            "world=classroom",
            "steps=20",
            "mechanisms=[life_circle]",
            "mechanism_params.life_circle.stations_per_community=4",
            "output.figures=false",
            "output.progress=false",
            f"hydra.run.dir={out}",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["mechanisms"] == ["life_circle"]
    assert summary["config"]["mechanism_params"]["life_circle"]["stations_per_community"] == 4
    help_text = subprocess.run(
        [sys.executable, "-m", "cogov_sim", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "life_circle" in help_text


@pytest.mark.slow
def test_an_installed_plugin_appears_in_the_app_with_its_sliders(installed):
    _, env = installed
    code = (
        "from cogov_sim.frontends.viz.session import Settings\n"
        "from cogov_sim.frontends.viz.labels import KEY_PARAMS, mechanism_label\n"
        "s = Settings().replace('mechanism:life_circle', True)\n"
        "s = s.replace('mechanism_params.life_circle.stations_per_community', 5)\n"
        "cfg = s.config()\n"
        "print(list(cfg.mechanisms), cfg.mechanism_params.life_circle.stations_per_community)\n"
        "print([k.key for k in KEY_PARAMS['life_circle']], mechanism_label('life_circle', 'zh'))\n"
        "from cogov_sim import simulate\n"
        "print(simulate(['world=classroom', 'mechanisms=[life_circle]'], steps=5)['steps'])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "['life_circle'] 5"
    assert lines[1] == "['stations_per_community', 'delay_factor'] 十五分钟生活圈"
    assert lines[2] == "5"
