"""The Python API's errors are the command line's: one ConfigError naming the key, the
value and what is allowed; values of any text reach the config intact; undefined outcomes
are NaN; the caller's Hydra state is left alone; compose is thread-safe (issue #15)."""

from __future__ import annotations

import math
import threading

import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser

from cogov_sim import CoGovModel, simulate
from cogov_sim.core.errors import ConfigError
from cogov_sim.frontends.api import _fmt, compose


def test_a_bad_type_through_simulate_is_a_config_error_naming_key_value_and_range():
    with pytest.raises(ConfigError) as err:
        simulate(["world=classroom"], steps="abc")
    assert err.value.key == "steps"
    assert str(err.value) == (
        "invalid value for 'steps': 'abc' (allowed: an integer number of days in [1, 100000])"
    )


@pytest.mark.parametrize(
    ("call", "needles"),
    [
        (lambda: simulate(["nosuchkey=1"]), ["unknown configuration key 'nosuchkey'", "seed"]),
        (lambda: simulate(["world.widht=40"]), ["'world.widht'", "did you mean 'width'"]),
        (lambda: simulate(**{"world.widht": 40}), ["'world.widht'", "did you mean 'width'"]),
        (
            lambda: simulate(["world=villa"]),
            ["'world': 'villa'", "classroom, district, example_street, street"],
        ),
        (lambda: simulate(["output.figures=[1,2]"]), ["'output.figures'", "true or false"]),
        (lambda: simulate(mechanisms="triage"), ["'mechanisms'", "integrated_grid"]),
        (lambda: simulate(["seed=[1"]), ["invalid configuration", "[1"]),
    ],
)
def test_simulate_raises_config_errors_never_hydra_exceptions(call, needles):
    with pytest.raises(ConfigError) as err:
        call()
    for needle in needles:
        assert needle in str(err.value)


def test_cli_simulate_and_the_model_give_the_same_error(cli, tmp_path):
    with pytest.raises(ConfigError) as api:
        simulate(["world=classroom"], steps="abc")
    proc = cli("world=classroom", "steps=abc", f"hydra.run.dir={tmp_path / 'run'}")
    assert proc.returncode == 2
    assert f"cogov-sim: error: {api.value}" in proc.stderr
    # unknown keys: the same message, nearest keys first, from all three
    with pytest.raises(ConfigError) as model:
        CoGovModel(**{"world.widht": 3})
    with pytest.raises(ConfigError) as api:
        simulate(**{"world.widht": 3})
    assert str(model.value) == str(api.value)


@pytest.mark.parametrize(
    "value",
    ["/data/a,b [1]/samples.csv", "it's", "x'y", "c:\\path\\", "a\\'b", "{k: v}", "", "true", "1"],
)
def test_fmt_quotes_any_text_for_hydras_grammar(value):
    parsed = OverridesParser.create().parse_overrides([f"k={_fmt(value)}"])[0]
    assert parsed.value() == value


def test_fmt_keeps_numbers_lists_and_switches():
    assert _fmt(3) == "3" and _fmt(0.5) == "0.5" and _fmt(1e-5) == "1e-05"
    assert _fmt(True) == "true" and _fmt(None) == "null"
    assert _fmt(["triage", "red_property"]) == "['triage','red_property']"
    parsed = OverridesParser.create().parse_overrides([f"k={_fmt(['a,b', 2, False])}"])[0]
    assert parsed.value() == ["a,b", 2, False]


def test_a_sample_file_in_a_folder_with_a_comma_and_brackets(tmp_path):
    folder = tmp_path / "runs, v2 [draft]"
    folder.mkdir()
    samples = folder / "samples.csv"
    samples.write_text("sample,world.density\n0,0.5\n")
    out = simulate(
        ["world=classroom"], steps=2, seed=1, **{"sample.file": str(samples), "sample.index": 0}
    )
    assert 1000 < out["n_households"] < 1500  # 50 * 50 * 0.5 = 1250 expected
    assert compose(**{"sweep.baseline": "mechanisms=[a,b]"}).sweep.baseline == "mechanisms=[a,b]"


def test_undefined_outcomes_are_nan_never_none():
    out = simulate(["world=classroom"], steps=1, seed=0)
    assert not [k for k, v in out.items() if v is None]
    assert math.isnan(out["response_hours_mean"])  # nothing closed on day one


def test_simulate_leaves_the_callers_hydra_state_alone():
    from hydra import compose as hydra_compose
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra

    with initialize_config_module(config_module="cogov_sim.conf", version_base=None):
        mine = GlobalHydra.instance()
        cfg = compose(["world=classroom"], seed=5)
        assert cfg.seed == 5
        assert GlobalHydra.instance() is mine and mine.is_initialized()
        assert hydra_compose(config_name="config", overrides=["seed=9"]).seed == 9
    assert not GlobalHydra.instance().is_initialized()
    compose(seed=1)
    assert not GlobalHydra.instance().is_initialized()


def test_compose_is_thread_safe():
    results, errors = {}, []

    def work(seed):
        try:
            for _ in range(3):
                results.setdefault(seed, set()).add(compose(["world=classroom"], seed=seed).seed)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results == {s: {s} for s in range(6)}
