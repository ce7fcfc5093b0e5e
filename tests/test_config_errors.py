"""Bad input gets a clear error naming the key and allowed values, and no complete results."""

from __future__ import annotations

import pytest

from cogov_sim.core.checks import ConfigError
from cogov_sim.core.model import CoGovModel


def _assert_failed_cleanly(proc, out_dir, *needles):
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0, text
    for needle in needles:
        assert needle in text, f"{needle!r} not in output:\n{text}"
    assert not (out_dir / "summary.json").exists()
    assert not (out_dir / "timeseries.parquet").exists()
    assert not (out_dir / "events.parquet").exists()


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ("steps=abc", ["steps", "abc"]),
        ("world.width=0", ["invalid value for 'world.width': 0", "an integer in [3, 5000]"]),
        ("world.density=1.5", ["'world.density': 1.5", "a share in [0.01, 1]"]),
        (
            "issues.neighbour_dispute.rate=-0.1",
            ["'issues.neighbour_dispute.rate': -0.1", "a rate per household per year in [0, 365]"],
        ),
        ("workers.find_prob=1.5", ["'workers.find_prob': 1.5", "a probability or share in [0, 1]"]),
        ("no_such_key=1", ["no_such_key"]),
        ("+no_such_key=1", ["unknown configuration key 'no_such_key'", "mechanisms"]),
        ("world.no_such_field=3", ["world.no_such_field", "households_per_zone"]),
        (
            "mechanisms=[integrated_grid,nonsense]",
            ["'nonsense'", "integrated_grid, whistle_response, dual_registration", "emergency"],
        ),
        (
            "mechanism_params.smart_dispatch.detect_prob=1.5",
            ["'mechanism_params.smart_dispatch.detect_prob': 1.5", "[0, 1]"],
        ),
        (
            "mechanism_params.legal_mediators.hours_each_per_day=-2",
            [
                "'mechanism_params.legal_mediators.hours_each_per_day': -2",
                "a non-negative number of hours",
            ],
        ),
        (
            "mechanism_params.household_linkage.households_per_member=0",
            ["'mechanism_params.household_linkage.households_per_member': 0", "[1, 100]"],
        ),
        (
            "world.households_per_zone=5000",
            ["'world.households_per_zone': 5000", "at most the world's expected households"],
        ),
    ],
)
def test_bad_override_exits_nonzero_with_message_and_no_results(cli, tmp_path, override, needles):
    out = tmp_path / "run"
    proc = cli("world=classroom", "steps=5", override, f"hydra.run.dir={out}")
    _assert_failed_cleanly(proc, out, *needles)


def test_unreadable_config_file_is_reported(cli, tmp_path):
    bad = tmp_path / "conf"
    bad.mkdir()
    (bad / "broken.yaml").write_text("seed: [unclosed\n  steps: 3\n")
    out = tmp_path / "run"
    proc = cli("--config-dir", str(bad), "--config-name", "broken", f"hydra.run.dir={out}")
    _assert_failed_cleanly(proc, out, "broken")


def test_unknown_world_preset_lists_the_known_ones(cli, tmp_path):
    out = tmp_path / "run"
    proc = cli("world=village", f"hydra.run.dir={out}")
    _assert_failed_cleanly(
        proc, out, "'world': 'village'", "classroom, district, example_street, street"
    )
    assert proc.returncode == 2


def test_model_rejects_out_of_range_value_before_building():
    with pytest.raises(
        ConfigError, match=r"'escalation.hotline_prob': 2.0 \(allowed: a probability"
    ):
        CoGovModel(**{"escalation.hotline_prob": 2.0})


def test_model_rejects_unknown_key():
    with pytest.raises(ConfigError, match="unknown configuration key 'world.colour'"):
        CoGovModel(**{"world.colour": 3})


def test_model_rejects_wrong_type_naming_the_key():
    with pytest.raises(ConfigError, match="steps"):
        CoGovModel(steps="many")


def test_model_and_simulate_give_the_same_error_for_a_wrong_type():
    from cogov_sim import simulate

    with pytest.raises(ConfigError) as by_model:
        CoGovModel(steps="many")
    with pytest.raises(ConfigError) as by_simulate:
        simulate(["world=classroom"], steps="many")
    assert (
        str(by_model.value)
        == str(by_simulate.value)
        == ("invalid value for 'steps': 'many' (allowed: an integer number of days in [1, 100000])")
    )


def test_unknown_mechanism_message_lists_known_mechanisms():
    with pytest.raises(ConfigError) as err:
        CoGovModel(mechanisms=["smart_grid"])
    msg = str(err.value)
    assert "'smart_grid'" in msg
    for name in ("integrated_grid", "whistle_response", "red_property"):
        assert name in msg


def test_patrol_hours_above_worker_hours_is_rejected():
    with pytest.raises(ConfigError, match="workers.patrol_hours"):
        CoGovModel(**{"workers.patrol_hours": 9.0, "workers.hours_per_day": 4.0})


@pytest.mark.parametrize(
    ("override", "says"),
    [
        ("seed=１２", "it has full-width characters: type them as ASCII (seed=12)"),
        ("mechanisms=[,]", "a list is written [a,b], with no empty item (mechanisms=[] for none)"),
        ("world.name=网格街道", "quote a value with spaces, commas, brackets or non-ASCII letters"),
        ("world=village", "invalid value for 'world': 'village' (allowed: one of classroom, "),
        ("preset=nope", "invalid value for 'preset': 'nope' (allowed: one of "),
        ("world.households_per_zone=5000", "at most the world's expected households"),
        ("world.density=0.001", "invalid value for 'world.density': 0.001"),
    ],
)
def test_a_bad_single_run_config_exits_2_and_writes_nothing(cli, tmp_path, override, says):
    """Syntax, group options, ranges and cross-key checks alike: exit 2 with the key, what
    is allowed and how to write it, before Hydra makes the run's folder."""
    out = tmp_path / "run"
    proc = cli("world=classroom", "steps=2", override, f"hydra.run.dir={out}")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert says in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_help_piped_into_a_closed_pipe_ends_quietly(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        f"{sys.executable} -m cogov_sim --help | head -n 2",
        shell=True, capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.stdout.startswith("cogov-sim: agent-based simulator")
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr


def test_a_world_beyond_a_virtual_memory_limit_is_refused_before_it_is_built():
    """`ulimit -v` was ignored: the check read only free memory, and the run died with a
    MemoryError while reserving its tables."""
    import resource
    import subprocess
    import sys

    code = (
        "from cogov_sim import CoGovModel, ConfigError\n"
        "try:\n    CoGovModel(world='district', steps=3650)\n"
        "except ConfigError as e:\n    print(e)\n"
    )

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    proc = subprocess.run(
        [sys.executable, "-c", code], preexec_fn=limit, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert "a limit on virtual memory (ulimit -v) leaves" in proc.stdout, proc.stderr[-1500:]


@pytest.mark.parametrize(
    "argv",
    [
        ["-m", "world=classroom,street", "steps=2"],
        ["-m", "world=choice(classroom,street)"],
        ["-m", "preset=full_package,none"],
        ["-cd", "my_configs", "-m", "+experiment=dose_patrol"],
        ["--config-dir=my_configs", "world=village"],
        ["hydra.searchpath=[file://my_configs]", "+experiment=mine"],
    ],
    ids=["group sweep", "choice", "preset sweep", "own experiment", "own world", "searchpath"],
)
def test_the_precheck_leaves_group_sweeps_and_the_users_own_configs_to_hydra(argv):
    """A review found these refused by the group check (they worked before it)."""
    from cogov_sim.frontends.cli import _check_groups, precheck

    args = [a for a in argv if "=" in a and not a.startswith("-")]
    if not any(a.startswith(("-cd", "--config-dir", "hydra.searchpath")) for a in argv):
        _check_groups(args)  # sweeps and functions over options pass
    else:
        assert precheck(argv) is None
