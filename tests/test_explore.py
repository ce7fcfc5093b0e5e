"""The exploration pipeline: calibration with uncertainty, effects with both
uncertainties, scenario discovery (PRIM) and packages under a budget."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov_sim.analysis.calibration.posterior import (
    CalibrationError,
    Posterior,
    Setup,
    Target,
    fit,
    prior_points,
    simulate,
    statistic,
)
from cogov_sim.analysis.explore import ExploreError, merge_overrides
from cogov_sim.analysis.explore.cli import main
from cogov_sim.analysis.explore.discover import (
    choose,
    parse_condition,
    prim_boxes,
    trajectory_table,
)
from cogov_sim.analysis.explore.effects import decompose, effect_row, run_effects
from cogov_sim.analysis.explore.optimise import load_levers, nondominated, run_optimise
from cogov_sim.analysis.space import Parameter, Space, SpaceError

TINY = {"world.name": "classroom", "world.width": 50, "world.height": 50, "steps": 20}


def _space(*params: tuple[str, float, float], overrides=("world=classroom", "steps=20")):
    return Space([Parameter(n, lo, hi) for n, lo, hi in params], ["closure_rate"], list(overrides))


# ------------------------------------------------------------------- effects
def test_variance_split_recovers_known_parameter_and_seed_components():
    rng = np.random.default_rng(7)
    draws, seeds = 400, 6
    mu = rng.normal(1.0, 2.0, size=draws)  # between-draw sd 2 -> variance 4
    d = mu[:, None] + rng.normal(0.0, 1.0, size=(draws, seeds))  # seed variance 1
    r = decompose(d)
    assert r["var_parameters"] == pytest.approx(4.0, rel=0.15)
    assert r["var_seed"] == pytest.approx(1.0, rel=0.1)
    row = effect_row(d)
    assert row["share_parameters"] == pytest.approx(0.8, abs=0.04)
    assert row["total_hi"] - row["total_lo"] > row["expected_hi"] - row["expected_lo"]
    assert row["expected_hi"] - row["expected_lo"] > row["ci_hi"] - row["ci_lo"]


def test_variance_split_gives_no_parameter_share_when_draws_do_not_matter():
    rng = np.random.default_rng(3)
    d = 0.2 + rng.normal(0.0, 0.05, size=(50, 8))
    row = effect_row(d)
    assert row["share_parameters"] < 0.1
    assert row["effect"] == pytest.approx(0.2, abs=0.01)


def test_effects_without_posterior_attribute_all_variance_to_seeds(tmp_path):
    table = run_effects(
        None,
        ["integrated_grid"],
        ["closure_rate"],
        draws=1,
        seeds=3,
        overrides=["world=classroom", "steps=30"],
        out=tmp_path,
        jobs=1,
        progress=False,
    )
    r = table.iloc[0]
    assert r.share_parameters == 0.0 and r.share_seed == 1.0
    assert r.effect > 0  # the integrated grid raises closure
    for name in ("effects.csv", "effects.md", "effects.png"):
        assert (tmp_path / name).stat().st_size > 0


def _posterior_folder(tmp_path, name, values, base) -> str:
    folder = tmp_path / "post"
    folder.mkdir()
    (folder / "calibration.json").write_text(
        json.dumps({"parameters": [{"name": name, "integer": False}], "base": base})
    )
    pd.DataFrame({name: values}).to_csv(folder / "posterior.csv", index=False)
    return str(folder)


def test_effects_with_posterior_draws_carry_parameter_uncertainty(tmp_path):
    # Draws that let the merged grid worker settle no issue or every issue at grid
    # level: the effect on the grid-level share differs between draws more than by seed.
    post = _posterior_folder(
        tmp_path,
        "mechanism_params.integrated_grid.small_threshold",
        [0.0, 1.0, 0.0, 1.0],
        {**TINY, "steps": 40},
    )
    table = run_effects(
        post,
        ["integrated_grid"],
        ["grid_level_share"],
        draws=4,
        seeds=3,
        overrides=[],
        out=tmp_path / "fx",
        jobs=1,
        progress=False,
    )
    r = table.iloc[0]
    # (since version 0.5 the baseline's mediation committees and firms are zone level
    # too, so the threshold moves less of the grid-level share than it did)
    assert r.share_parameters > 0.1
    assert r.expected_hi - r.expected_lo > r.ci_hi - r.ci_lo


def test_effects_names_an_unknown_mechanism_with_near_matches(tmp_path):
    with pytest.raises(
        ExploreError,
        match=r"unknown mechanism 'integrated_grd'; did you mean "
        r"integrated_grid",
    ):
        run_effects(None, ["integrated_grd"], ["closure_rate"], 1, 2, [], tmp_path)


def test_effects_cli_reports_a_bad_outcome_and_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["effects", "--outcomes", "closure_rat"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert (
        "cogov-sim-explore: error: unknown outcome 'closure_rat'; did you mean closure_rate" in err
    )


# --------------------------------------------------------------- calibration
def test_prior_points_are_a_prefix_so_a_calibration_can_grow():
    sp = _space(("workers.find_prob", 0.3, 0.7), ("residents.trust_mean", 0.4, 0.7))
    small, large = prior_points(sp, 16, seed=5), prior_points(sp, 40, seed=5)
    assert np.array_equal(small, large[:16])
    assert (large[:, 0] >= 0.3).all() and (large[:, 0] <= 0.7).all()
    assert not np.array_equal(prior_points(sp, 16, seed=6), small)


def test_statistic_is_a_change_a_level_or_a_relative_change():
    res = {(): {"closure_rate": 0.5}, ("integrated_grid",): {"closure_rate": 0.8}}
    mk = lambda kind: Target("t", "integrated_grid", "closure_rate", kind, 0.0)  # noqa: E731
    assert statistic(mk("change"), res) == pytest.approx(0.3)
    assert statistic(mk("level"), res) == pytest.approx(0.8)
    assert statistic(mk("relative"), res) == pytest.approx(0.6)


def test_simulations_resume_and_refuse_files_of_another_calibration(tmp_path, monkeypatch):
    sp = _space(("workers.find_prob", 0.3, 0.7), overrides=())
    theta = prior_points(sp, 2, seed=0)
    setup = Setup(space={"p": 1}, base=TINY, patterns=[], version="x", seed=0)
    first = simulate(tmp_path, setup, sp, theta, [()], jobs=1, progress=False)
    assert len(list((tmp_path / "simulations").glob("sim-*.json"))) == 2

    import cogov_sim.analysis.calibration.posterior as cal

    def no_runs(cases, *a, **k):
        assert not cases, "a finished simulation was run again"
        return []

    monkeypatch.setattr(cal, "run_cases", no_runs)
    again = simulate(tmp_path, setup, sp, theta, [()], jobs=1, progress=False)
    assert json.dumps(again, sort_keys=True) == json.dumps(first, sort_keys=True)
    other = Setup(space={"p": 1}, base=TINY, patterns=[], version="x", seed=1)
    with pytest.raises(CalibrationError, match=r"belongs to another calibration"):
        simulate(tmp_path, other, sp, theta, [()], jobs=1, progress=False)


def test_npe_posterior_concentrates_on_the_parameter_the_data_inform(tmp_path):
    # x = theta0 + noise; theta1 does not act: the posterior pins theta0 near the
    # observation and leaves theta1 near its prior.
    sp = _space(("workers.find_prob", 0.0, 1.0), ("residents.trust_mean", 0.0, 1.0))
    rng = np.random.default_rng(0)
    theta = rng.uniform(0, 1, size=(400, 2))
    x = np.column_stack([theta[:, 0] + rng.normal(0, 0.03, 400), rng.normal(0, 1, 400)])
    samples, info = fit(theta, x, np.array([0.3, 0.0]), sp, seed=0, draws=1000, out=tmp_path)
    assert abs(samples[:, 0].mean() - 0.3) < 0.05
    assert samples[:, 0].std() < 0.08  # prior sd is 0.29
    assert samples[:, 1].std() > 0.2
    assert info["simulations_used"] == 400
    again, _ = fit(theta, x, np.array([0.3, 0.0]), sp, seed=0, draws=1000)
    assert np.array_equal(samples, again)  # seeded: identical


def test_a_reported_value_outside_every_simulation_is_unreachable():
    from cogov_sim.analysis.calibration.posterior import reachable

    x = np.array([[0.1, 5.0], [0.3, 6.0], [np.nan, 7.0]])
    assert reachable(x, np.array([0.2, 9.0])).tolist() == [True, False]
    assert reachable(x, np.array([0.1, 5.0])).tolist() == [True, True]  # the ends count


def test_fixed_overrides_may_not_set_the_seed_or_the_mechanisms():
    from cogov_sim.analysis.calibration.posterior import check_base
    from cogov_sim.core.checks import ConfigError

    with pytest.raises(CalibrationError, match=r"'seed=' cannot be an override here"):
        check_base({**TINY, "seed": 3})
    with pytest.raises(CalibrationError, match=r"'mechanisms=' cannot be an override here"):
        check_base({**TINY, "mechanisms": ["triage"]})
    with pytest.raises(ConfigError, match=r"steps"):
        check_base({**TINY, "steps": -4})


def test_fit_refuses_too_few_defined_simulations():
    sp = _space(("workers.find_prob", 0.0, 1.0))
    theta = np.linspace(0, 1, 30)[:, None]
    x = np.full((30, 1), np.nan)
    x[:5, 0] = 1.0
    with pytest.raises(CalibrationError, match=r"only 5 of 30 simulations have every statistic"):
        fit(theta, x, np.array([1.0]), sp, seed=0, draws=10)


def test_posterior_folder_must_exist_with_a_clear_message(tmp_path):
    with pytest.raises(CalibrationError, match=r"is not a calibration folder"):
        Posterior.load(tmp_path)


@pytest.mark.slow
def test_calibrate_end_to_end_keeps_validation_out_of_the_fit(tmp_path):
    out = tmp_path / "cal"
    main(
        [
            "calibrate",
            "--simulations",
            "24",
            "--check-draws",
            "3",
            "--draws",
            "300",
            "--out",
            str(out),
            "--jobs",
            "2",
            "world=classroom",
            "steps=90",
        ]
    )
    meta = json.loads((out / "calibration.json").read_text())
    assert [t["id"] for t in meta["targets"]] == [
        p.id for p in __import__("cogov_sim.analysis.patterns", fromlist=["x"]).load_patterns()
    ]
    assert all(t["used_in_fit"] for t in meta["targets"])
    table = pd.read_csv(out / "predictive.csv")
    val_ids = set(table.loc[table.item == "validation", "id"])
    assert val_ids  # validation items are checked ...
    assert not val_ids & set(table.loc[table.used_in_fit, "id"])  # ... and never fitted
    post = Posterior.load(out)
    assert len(post.samples) == 300 and post.names == [p["name"] for p in meta["parameters"]]
    for name in ("posterior.png", "predictive.png", "predictive.md", "calibrated/median.yaml"):
        assert (out / name).stat().st_size > 0

    # The validation list does not touch the fit: other reported values, same posterior
    # (the saved simulations are reused: same setup).
    import shutil

    import yaml

    from cogov_sim.analysis.holdout import load

    other = tmp_path / "validation.yaml"
    items = yaml.safe_load(
        (Path(__import__("cogov_sim").__file__).parent / "data" / "validation.yaml").read_text()
    )
    for e in items["validation"]:
        e["reported"] = float(e["reported"]) * 3 + 1
    other.write_text(yaml.safe_dump(items))
    assert load(other)[0].reported != load()[0].reported
    out2 = tmp_path / "cal2"
    shutil.copytree(out / "simulations", out2 / "simulations")
    shutil.copy(out / "predictive.csv", out2 / "predictive.csv")  # an older check
    main(
        [
            "calibrate",
            "--simulations",
            "24",
            "--check-draws",
            "0",
            "--draws",
            "300",
            "--validation",
            str(other),
            "--out",
            str(out2),
            "world=classroom",
            "steps=90",
        ]
    )
    assert (out2 / "posterior.csv").read_bytes() == (out / "posterior.csv").read_bytes()
    assert not (out2 / "predictive.csv").exists()  # no check left from another posterior


# ------------------------------------------------------------------ discover
def test_condition_parsing_and_its_error_message():
    assert parse_condition("change < 0.10") == ("change", "<", 0.1)
    assert parse_condition("treated>=0.9") == ("treated", ">=", 0.9)
    with pytest.raises(ExploreError) as exc:
        parse_condition("effect < 0.1")
    assert str(exc.value) == (
        "cannot read the condition 'effect < 0.1': expected '<quantity> <op> <number>' with "
        "quantity one of change, treated, baseline, relative and op one of <, <=, >, >= "
        "(e.g. 'change < 0.10')"
    )


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(0, 1, size=(400, 3)), columns=["a", "b", "c"])
    y = ((x.a < 0.3) & (x.b > 0.5)).to_numpy()
    box = prim_boxes(x, y, threshold=0.8)
    traj = trajectory_table(box, x)
    i = choose(traj, 0.8)
    assert traj.loc[i, "density"] >= 0.8 and traj.loc[i, "coverage"] > 0.6
    assert traj.loc[i, "a.high"] == pytest.approx(0.3, abs=0.08)
    assert traj.loc[i, "b.low"] == pytest.approx(0.5, abs=0.08)
    assert traj.loc[i, "c.low"] < 0.1 and traj.loc[i, "c.high"] > 0.9  # c is left alone


@pytest.mark.slow
def test_discover_runs_a_hydra_sweep_pairs_runs_by_seed_and_reports_true_box_figures(tmp_path):
    from cogov_sim.analysis.explore.discover import run_discover
    from cogov_sim.results.sweep import read_runs

    kw = dict(
        samples=12, seeds=2, out=tmp_path, launcher="joblib", extra=["world=classroom", "steps=30"]
    )
    first = run_discover("space_posterior", "integrated_grid", "closure_rate", "change > -2", **kw)
    assert "every point of 12 meets" in first["message"]  # nothing to separate: said so
    table = pd.read_csv(tmp_path / "scenarios.csv", index_col="sample")
    assert len(table) == 12 and (table.seeds == 2).all()
    # the pairing: each point's baseline and treated means are those of its own runs
    runs = read_runs(tmp_path / "sweep")
    runs = runs[runs.status == "ok"]
    for point in (0, 7):
        mine = runs[runs["param.sample.index"].astype(int) == point]
        base = mine[mine["param.mechanisms"].astype(str).isin(["[]", ""])]
        assert len(mine) == 4 and len(base) == 2
        assert table.loc[point, "baseline"] == pytest.approx(base.closure_rate.mean())
    # a condition that splits the points (their median change): PRIM's box, recomputed
    cut = float(table.change.median())
    res = run_discover(
        "space_posterior", "integrated_grid", "closure_rate", f"change < {cut}", resume=True, **kw
    )
    assert res["boxes"] is not None
    y = table.change < cut
    r = res["boxes"].loc[res["chosen"]]
    inside = np.ones(len(table), dtype=bool)
    for c in table.columns[:7]:
        inside &= (table[c] >= r[f"{c}.low"]).to_numpy() & (table[c] <= r[f"{c}.high"]).to_numpy()
    assert r.coverage == pytest.approx((y & inside).sum() / y.sum())
    assert r.density == pytest.approx((y & inside).sum() / inside.sum())
    for name in ("boxes.csv", "box.md", "tradeoff.png", "box.png"):
        assert (tmp_path / name).stat().st_size > 0


# ------------------------------------------------------------------ optimise
def test_nondominated_keeps_exactly_the_pareto_front():
    # maximise column 0, minimise column 1 (cost); the last row is undefined
    s = np.array([[1, 5], [2, 6], [2, 4], [0.5, 7], [3, 9], [2.5, 8], [1, 3], [9, np.nan]])
    assert nondominated(s, ["max", "min"]).tolist() == [
        False,
        False,
        True,
        False,
        True,
        True,
        True,
        False,
    ]


def test_levers_file_errors_name_the_entry(tmp_path):
    bad = tmp_path / "levers.yaml"
    bad.write_text(
        "mechanisms: [integrated_grid]\nobjectives: {closure_rate: max}\nlevers:\n"
        "  - {name: mechanism_params.points_incentive.yuan_per_point, low: 0.1, high: 1.0,"
        " needs: points_incentive}\n"
    )
    with pytest.raises(
        SpaceError,
        match=r"'needs' must name one of the file's mechanisms, "
        r"not 'points_incentive'",
    ):
        load_levers(str(bad))
    bad.write_text("mechanisms: [integrated_grid]\nobjectives: {closure_rate: up}\n")
    with pytest.raises(SpaceError, match=r"direction must be max or min, not 'up'"):
        load_levers(str(bad))


def test_a_missing_levers_file_is_named_with_the_packaged_ones():
    with pytest.raises(SpaceError) as exc:
        load_levers("nope")
    assert str(exc.value) == (
        "no levers file 'nope': not a file, nor a packaged one (packaged: levers_default)"
    )


def test_default_levers_file_loads():
    spec = load_levers("levers_default")
    assert "integrated_grid" in spec.mechanisms and spec.objectives["fairness_gap"] == "min"


@pytest.mark.slow
def test_optimise_writes_a_front_of_undominated_packages_reproducibly(tmp_path):
    kw = dict(
        levers="levers_default",
        trials=6,
        seeds=1,
        draws=1,
        posterior=None,
        budget=5e6,
        prefer="closure_rate",
        robust="mean",
        seed=3,
        jobs=2,
        extra=["world=classroom", "steps=20"],
        population=3,
        progress=False,
    )
    a = run_optimise(out=tmp_path / "a", **kw)
    b = run_optimise(out=tmp_path / "b", **kw)
    pd.testing.assert_frame_equal(a["table"], b["table"])
    front, table = a["front"], a["table"]
    assert len(front) >= 1 and np.isfinite(front.extra_cost_yuan).all()
    assert (table.package == "(baseline)").sum() == 1  # doing nothing is a candidate
    # nothing tried dominates a package of the front
    names = ["closure_rate", "dispute_resolution_rate", "participation_rate"]
    for _, f in front.iterrows():
        better = (
            (table[names].ge(f[names]).all(axis=1))
            & (table.fairness_gap <= f.fairness_gap)
            & (table.extra_cost_yuan <= f.extra_cost_yuan)
        )
        strictly = table[names].gt(f[names]).any(axis=1) | (table.fairness_gap < f.fairness_gap)
        strictly |= table.extra_cost_yuan < f.extra_cost_yuan
        assert not (better & strictly).any()
    best = a["best"]
    if best is not None:
        within = front[front.extra_cost_yuan <= 5e6]
        assert best.extra_cost_yuan <= 5e6 and best.closure_rate == within.closure_rate.max()
    for name in ("trials.csv", "pareto.csv", "pareto.md", "pareto.png"):
        assert (tmp_path / "a" / name).stat().st_size > 0


# -------------------------------------------------------------------- misc
def test_merge_overrides_replaces_keys_of_the_same_name():
    assert merge_overrides(["world=street", "steps=365"], ["steps=30"]) == [
        "world=street",
        "steps=30",
    ]
    with pytest.raises(ExploreError, match=r"override 'steps' is not key=value"):
        merge_overrides([], ["steps"])


def test_a_finished_model_is_freed():
    # Mesa 3.3 keeps every model in Agent._ids; our agents count ids in a weak map,
    # so a sweep's worker does not grow by a model per run.
    from cogov_sim.core.model import CoGovModel

    m = CoGovModel(**{**TINY, "steps": 2}, seed=1)
    m.run()
    ref = weakref.ref(m)
    del m
    gc.collect()
    assert ref() is None


@pytest.mark.slow
def test_pattern_report_shows_posterior_predictive_intervals_beside_reported(tmp_path):
    from cogov_sim.analysis import holdout
    from cogov_sim.analysis.pattern_report import report
    from cogov_sim.analysis.patterns import load_patterns

    post = _posterior_folder(tmp_path, "workers.find_prob", [0.4, 0.5, 0.6], TINY)
    report(
        seeds=2,
        world="classroom",
        steps=30,
        jobs=2,
        out=tmp_path / "rep",
        progress=False,
        posterior=post,
        posterior_draws=3,
        decompose_seeds=0,
    )
    table = pd.read_csv(tmp_path / "rep" / "posterior_predictive.csv")
    n_val = sum(h.outcome is not None for h in holdout.load())
    assert len(table) == len(load_patterns()) + n_val
    assert (table.draws <= 3).all() and table.used_in_fit.sum() == len(load_patterns())
    assert (table.item == "validation").sum() == n_val
    text = (tmp_path / "rep" / "patterns.md").read_text()
    assert "**Posterior predictive** (3 draws" in text
