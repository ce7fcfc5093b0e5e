"""Sensitivity analysis and calibration, checked against known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from cogov_sim.analysis.calibration.point import calibrate, pattern_loss
from cogov_sim.analysis.patterns import evaluate, load_patterns
from cogov_sim.analysis.sensitivity import evaluate_function
from cogov_sim.analysis.sensitivity import main as sensitivity_main
from cogov_sim.analysis.space import Parameter, Space, SpaceError, load_space
from cogov_sim.core.checks import ConfigError
from cogov_sim.core.model import CoGovModel
from tests.conftest import ROOT

ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def _ishigami(X):
    return {"y": np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])}


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    space = Space([Parameter(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3)], ["y"])
    t = evaluate_function(space, "sobol", 2048, _ishigami)
    assert np.allclose(t["S1"], ISHIGAMI_S1, atol=0.06)
    assert np.allclose(t["ST"], ISHIGAMI_ST, atol=0.06)
    for i, row in t.iterrows():  # the analytic values lie inside the 95% CIs (or close)
        assert abs(row["ST"] - ISHIGAMI_ST[i]) <= max(row["ST_conf"], 0.03) + 0.02


def test_morris_elementary_effects_of_a_linear_function_are_its_coefficients():
    space = Space([Parameter(n, 0.0, 1.0) for n in ("a", "b", "c")], ["y"])
    t = evaluate_function(space, "morris", 20, lambda X: {"y": 3 * X[:, 0] - X[:, 1]})
    assert np.allclose(t["mu_star"], [3.0, 1.0, 0.0], atol=1e-9)
    assert np.allclose(t["sigma"], 0.0, atol=1e-9)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "workers.no_such", "low": 0, "high": 1}, "'workers.no_such': unknown"),
        (
            {"name": "workers.find_prob", "low": 0.8, "high": 0.2},
            "'workers.find_prob': low \\(0.8\\) must be below high \\(0.2\\)",
        ),
        ({"name": "world.name", "low": 0, "high": 1}, "'world.name': not a number"),
        (
            {"name": "workers.find_prob", "low": "a", "high": 1},
            "'workers.find_prob': 'low' must be a number",
        ),
        (
            {"name": "workers.find_prob", "low": 0.5, "high": 1.5},
            "'workers.find_prob': bound 1.5 is out of range",
        ),
    ],
)
def test_bad_parameter_space_entry_fails_naming_it(tmp_path, entry, message):
    f = tmp_path / "space.yaml"
    f.write_text(yaml.safe_dump({"parameters": [entry], "outcomes": ["closure_rate"]}))
    with pytest.raises(SpaceError, match=message):
        load_space(f)


def _space_file(tmp_path, entry):
    f = tmp_path / "space.yaml"
    f.write_text(yaml.safe_dump({"parameters": [entry], "outcomes": ["closure_rate"]}))
    return f


def test_a_range_that_leaves_the_default_out_fails_naming_file_parameter_range_and_default(
    tmp_path,
):
    # departments.response_delay_hours was 168 h; its default is now 4 h
    f = _space_file(
        tmp_path, {"name": "departments.response_delay_hours", "low": 72.0, "high": 240.0}
    )
    with pytest.raises(SpaceError) as exc:
        load_space(f)
    message = str(exc.value)
    assert str(f) in message
    assert "'departments.response_delay_hours'" in message
    assert "range [72, 240] h does not contain its default 4 h" in message
    assert "default_outside" in message


def test_a_range_may_leave_the_default_out_when_the_entry_says_why(tmp_path):
    entry = {
        "name": "departments.response_delay_hours",
        "low": 72.0,
        "high": 240.0,
        "default_outside": "departments as slow as before version 0.3 (168 h)",
    }
    space = load_space(_space_file(tmp_path, entry))
    assert space.problem()["bounds"] == [[72.0, 240.0]]
    for reason in ("", "  ", 3):
        with pytest.raises(SpaceError, match="'default_outside' must say why"):
            load_space(_space_file(tmp_path, {**entry, "default_outside": reason}))
    # a reason where the range contains the default is stale: refused
    inside = {**entry, "low": 2.0, "high": 8.0}
    with pytest.raises(SpaceError, match="contains the default 4 h: remove it"):
        load_space(_space_file(tmp_path, inside))


def test_the_default_checked_is_the_current_one_not_the_field_kinds():
    # issues.neighbour_dispute.difficulty: the field's kind says 1.0, the config sets 1.9
    from cogov_sim.analysis.space import parse_parameter

    e = {"name": "issues.neighbour_dispute.difficulty", "low": 0.5, "high": 1.5}
    with pytest.raises(SpaceError, match="does not contain its default 1.9"):
        parse_parameter(e, "f.yaml: parameter #1")
    assert parse_parameter({**e, "low": 1.4, "high": 2.4}, "f.yaml: parameter #1").high == 2.4


def test_a_range_outside_the_allowed_range_names_it(tmp_path):
    f = _space_file(tmp_path, {"name": "workers.find_prob", "low": -0.5, "high": 0.8})
    with pytest.raises(SpaceError, match=r"'workers.find_prob': bound -0.5 is out of range"):
        load_space(f)


def test_every_packaged_space_loads_with_its_ranges_around_the_defaults():
    from omegaconf import OmegaConf

    from cogov_sim.analysis.explore.optimise import load_levers
    from cogov_sim.analysis.space_files import spaces_dir
    from cogov_sim.core.config import default_config

    cfg = default_config()
    files = sorted(spaces_dir().glob("*.yaml"))
    assert {f.stem for f in files} >= {"space_default", "space_calibration", "space_posterior"}
    for f in files:
        if "levers" in yaml.safe_load(f.read_text()):
            params = [lever.parameter for lever in load_levers(str(f)).levers]
        else:
            params = load_space(f).parameters
        assert params, f
        for p in params:
            assert p.low <= OmegaConf.select(cfg, p.name) <= p.high, (f.name, p.name)


def test_the_space_shown_in_the_analysis_docs_loads(tmp_path):
    import re

    text = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(parameters:.*?)```", text, flags=re.S).group(1)
    f = tmp_path / "space.yaml"
    f.write_text(block)
    assert load_space(f).names


def test_default_space_file_is_valid():
    space = load_space(ROOT / "analysis" / "space_default.yaml")
    assert len(space.parameters) == 8 and "closure_rate" in space.outcomes


def test_small_morris_of_the_default_model_runs_through_a_sweep(tmp_path, capsys):
    out = tmp_path / "sens"
    sensitivity_main(["run", "--n", "2", "--out", str(out), "steps=60"])
    table = pd.read_csv(out / "indices.csv")
    space = load_space(ROOT / "analysis" / "space_default.yaml")
    assert len(table) == len(space.outcomes) * len(space.parameters)
    assert (table["mu_star"] >= 0).all() and table["mu_star_conf"].notna().all()
    assert (out / "indices.png").stat().st_size > 0
    runs = pd.read_parquet(out / "sweep" / "runs.parquet")
    assert len(runs) == 18 and (runs["status"] == "ok").all()
    # the participation intercept drives participation more than department skill does
    part = table[table["outcome"] == "participation_rate"].set_index("parameter")
    assert part.loc["participation.intercept", "mu_star"] > part.loc["departments.skill", "mu_star"]


def test_sample_index_outside_the_samples_file_is_rejected(tmp_path):
    from cogov_sim.core.config import make_config
    from cogov_sim.results.runfolder import apply_sample

    f = tmp_path / "samples.csv"
    pd.DataFrame({"workers.find_prob": [0.4, 0.6]}, index=pd.Index([0, 1], name="sample")).to_csv(f)
    cfg = apply_sample(make_config(None, **{"sample.file": str(f), "sample.index": 1}))
    assert cfg.workers.find_prob == 0.6
    with pytest.raises(ConfigError, match="sample.index"):
        apply_sample(make_config(None, **{"sample.file": str(f), "sample.index": 5}))


def test_pattern_loss_is_zero_at_the_reported_values(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(
        yaml.safe_dump(
            {
                "patterns": [
                    {
                        "id": "p",
                        "mechanism": "triage",
                        "outcome": "closure_rate",
                        "direction": "up",
                        "baseline": 0.5,
                        "treated": 0.7,
                    }
                ]
            }
        )
    )
    pats = load_patterns(f)
    res = {}
    for s in range(3):
        res[((), s)] = {"closure_rate": 0.5 + 0.01 * s}
        res[(("triage",), s)] = {"closure_rate": 0.7 + 0.01 * s}
    table = evaluate(pats, res, [0, 1, 2])
    assert pattern_loss(table, pats) == pytest.approx(0.0, abs=1e-12)
    res[(("triage",), 0)] = {"closure_rate": 0.6}
    assert pattern_loss(evaluate(pats, res, [0, 1, 2]), pats) > 0.01


@pytest.mark.slow
def test_calibration_recovers_a_parameter_from_patterns_the_model_generated(tmp_path):
    true_value = 0.6
    base, treated = [], []
    for s in range(3):
        for mech, acc in (([], base), (["points_incentive"], treated)):
            m = CoGovModel(
                **{
                    "world.width": 50,
                    "world.height": 50,
                    "steps": 120,
                    "seed": s,
                    "mechanisms": mech,
                    "mechanism_params.points_incentive.points_value": true_value,
                }
            )
            m.run()
            acc.append(m.summary()["participation_rate"])
    pfile = tmp_path / "patterns.yaml"
    pfile.write_text(
        yaml.safe_dump(
            {
                "patterns": [
                    {
                        "id": "generated",
                        "mechanism": "points_incentive",
                        "outcome": "participation_rate",
                        "direction": "up",
                        "baseline": float(np.mean(base)),
                        "treated": float(np.mean(treated)),
                    }
                ]
            }
        )
    )
    space = Space(
        [Parameter("mechanism_params.points_incentive.points_value", 0.1, 1.4)],
        ["participation_rate"],
        ["world=classroom", "steps=120"],
    )
    res = calibrate(
        space, load_patterns(pfile), trials=15, seeds=3, out=tmp_path / "cal", progress=False
    )
    best = res["best"]["mechanism_params.points_incentive.points_value"]
    assert abs(best - true_value) < 0.1, best
    written = yaml.safe_load((tmp_path / "cal" / "calibrated" / "best.yaml").read_text())
    assert written["mechanism_params"]["points_incentive"]["points_value"] == pytest.approx(best)
    assert (tmp_path / "cal" / "fit.md").read_text().count("| `generated` |") == 1


def test_calibration_jobs_can_share_one_study_through_a_storage(tmp_path):
    import optuna

    f = tmp_path / "p.yaml"
    f.write_text(
        yaml.safe_dump(
            {
                "patterns": [
                    {
                        "id": "p",
                        "mechanism": "points_incentive",
                        "outcome": "participation_rate",
                        "direction": "up",
                        "baseline": 0.2,
                        "treated": 0.4,
                    }
                ]
            }
        )
    )
    space = Space(
        [Parameter("mechanism_params.points_incentive.points_value", 0.1, 1.4)],
        ["participation_rate"],
        ["world=classroom", "steps=30"],
    )
    url = f"sqlite:///{tmp_path / 'study.db'}"
    for seed in (1, 2):  # as two cluster jobs would
        calibrate(
            space,
            load_patterns(f),
            trials=1,
            seeds=2,
            out=tmp_path / f"o{seed}",
            jobs=1,
            seed=seed,
            progress=False,
            storage=url,
            study_name="shared",
        )
    assert len(optuna.load_study(study_name="shared", storage=url).trials) == 2
