"""Sweeps: one results table from any launcher, failures listed, resume without repeats."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cogov_sim.core.outcomes import SUMMARY_KEYS
from cogov_sim.frontends.sweep import aggregate, interaction_table, main
from tests.conftest import ROOT, run_cli

SMOKE = ["+experiment=smoke", "steps=20"]
#: Held by the tests that start Ray: `ray stop --force` (the head test's clean-up) stops
#: every Ray on the machine, a local Ray of another xdist worker's test included.
RAY_LOCK = Path(tempfile.gettempdir()) / "cogov-sim-ray-tests.lock"


def _sweep(tmp_path, name, *args, env=None, returncode=0):
    out = tmp_path / name
    proc = run_cli(["-m", *args, f"hydra.sweep.dir={out}"], ROOT, env)
    assert proc.returncode == returncode, proc.stderr[-3000:]
    return out, proc


def _table(folder):
    df = pd.read_parquet(folder / "runs.parquet")
    return df.sort_values(["scenario", "seed"]).reset_index(drop=True)


def test_multirun_ends_with_runs_table_scenarios_and_figures(tmp_path):
    out, proc = _sweep(tmp_path, "sw", *SMOKE)
    runs = _table(out)
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert set(runs["scenario"]) == {"mechanisms=[]", "mechanisms=[integrated_grid]"}
    assert sorted(runs["seed"]) == [0, 0, 1, 1]
    assert set(SUMMARY_KEYS) <= set(runs.columns)
    sc = pd.read_csv(out / "scenarios.csv")
    treated = sc[
        (sc["scenario"] == "mechanisms=[integrated_grid]") & (sc["outcome"] == "closure_rate")
    ].iloc[0]
    base = sc[(sc["scenario"] == "mechanisms=[]") & (sc["outcome"] == "closure_rate")].iloc[0]
    assert treated["effect"] == pytest.approx(treated["mean"] - base["mean"])
    assert treated["effect_lo"] <= treated["effect"] <= treated["effect_hi"]
    for fig in ("effects.png", "timeseries.png"):
        assert (out / fig).stat().st_size > 0
    assert "runs finished" in proc.stderr  # progress while the sweep runs
    assert "left, about" in proc.stderr  # with the runs left and the time to go
    lines = (out / "progress.log").read_text().splitlines()
    assert len(lines) == 4 and lines[-1].endswith("cogov-sim sweep: 4/4 runs finished, 0 failed")


def test_failed_run_does_not_stop_the_sweep_and_is_listed_with_its_error(tmp_path):
    out, proc = _sweep(
        tmp_path,
        "fail",
        "world=classroom",
        "steps=10",
        "world.density=0.8,1.5",
        "seed=0,1",
        returncode=1,  # the sweep goes on, and then says that runs failed
    )
    runs = _table(out)
    assert len(runs) == 4
    failed = runs[runs["status"] == "failed"]
    assert len(failed) == 2 and (runs["status"] == "ok").sum() == 2
    assert all("world.density" in e for e in failed["error"])
    listed = pd.read_csv(out / "failures.csv")
    assert len(listed) == 2 and set(listed["status"]) == {"failed"}
    assert "failed" in proc.stderr
    assert f"cogov-sim sweep: 2 of 4 runs failed; see {out / 'failures.csv'}" in proc.stderr


def test_aggregate_lists_incomplete_runs_and_never_drops_them(tmp_path):
    out, _ = _sweep(tmp_path, "inc", *SMOKE)
    (out / "3" / "summary.json").unlink()  # as if killed before the end
    report = aggregate(out, quiet=True)
    assert report == {**report, "runs": 4, "ok": 3, "incomplete": 1}
    runs = pd.read_parquet(out / "runs.parquet")
    assert (runs["status"] == "incomplete").sum() == 1


@pytest.mark.slow
def test_killed_then_resumed_sweep_has_each_run_exactly_once(tmp_path):
    out = tmp_path / "resume"
    args = [
        sys.executable,
        "-m",
        "cogov_sim",
        "-m",
        "hydra/launcher=basic",
        "world=classroom",
        "steps=200",
        "mechanisms=[],[triage]",
        "seed=0,1,2",
        f"hydra.sweep.dir={out}",
    ]
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    deadline = time.time() + 240
    while time.time() < deadline and len(list(out.glob("*/summary.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/summary.json")}
    assert 2 <= len(first) < 6
    again = run_cli(args[3:] + ["resume=true"], ROOT)
    assert again.returncode == 0, again.stderr[-2000:]
    done = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/summary.json")}
    assert sorted(done) == [str(i) for i in range(6)]
    for name, mtime in first.items():
        assert done[name] == mtime, f"run {name} ran again"
    assert again.stderr.count("skipped") == len(first)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 6 and (runs["status"] == "ok").all()
    assert not list(out.glob("*/.*.tmp-*"))


@pytest.mark.slow
def test_every_launcher_gives_the_same_results_table(tmp_path):
    cols = ["scenario", "seed", *SUMMARY_KEYS]
    ref = _table(_sweep(tmp_path, "basic", *SMOKE, "hydra/launcher=basic")[0])[cols]
    joblib = _table(_sweep(tmp_path, "joblib", *SMOKE)[0])[cols]
    submitit = _table(_sweep(tmp_path, "submitit", *SMOKE, "hydra/launcher=submitit_local")[0])
    env = {"RAY_AUTH_MODE": "disabled"}
    from filelock import FileLock

    with FileLock(RAY_LOCK):
        ray = _table(
            _sweep(
                tmp_path,
                "ray",
                *SMOKE,
                "hydra/launcher=ray_cluster",
                "hydra.launcher.ray.init.num_cpus=2",
                env=env,
            )[0]
        )
    for other in (joblib, submitit[cols], ray[cols]):
        pd.testing.assert_frame_equal(other, ref)


def _doc_block(lang: str, index: int = 0) -> str:
    import re

    text = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)[index]


def test_a_sweeps_runs_join_their_event_logs_in_one_statement_as_the_docs_show(tmp_path):
    out, _ = _sweep(tmp_path, "db", *SMOKE)
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(runs["run"]) == ["0", "1", "2", "3"]  # the run folders' names
    expected = {}  # what each run's log holds, counted run by run
    for _, r in runs.iterrows():
        summary = json.loads((out / r["run"] / "summary.json").read_text())
        assert summary["seed"] == r["seed"]
        assert (
            str(summary["mechanisms"]).replace("'", "").replace(" ", "") == (r["param.mechanisms"])
        )
        ev = pd.read_parquet(out / r["run"] / "events.parquet", columns=["kind"])
        for kind, n in ev["kind"].value_counts().items():
            if n:
                key = (r["param.mechanisms"], r["seed"], kind)
                expected[key] = expected.get(key, 0) + int(n)
    # the pandas statement of docs/outputs.md
    code = _doc_block("python", index=-1).replace('Path("multirun/smoke")', f"Path({str(out)!r})")
    ns: dict = {}
    exec(code, ns)
    assert {k: int(v) for k, v in ns["counts"].items()} == expected
    assert ns["events"]["param.mechanisms"].notna().all()


def test_a_sweeps_runs_join_their_event_logs_in_duckdb_as_the_docs_show(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out, _ = _sweep(tmp_path, "db", *SMOKE)
    query = _doc_block("sql").replace("multirun/smoke", str(out))
    rows = duckdb.sql(query).fetchall()
    runs = pd.read_parquet(out / "runs.parquet")
    expected = []
    for _, r in runs.iterrows():
        ev = pd.read_parquet(out / r["run"] / "events.parquet", columns=["kind"])
        mech, seed = r["param.mechanisms"], r["seed"]
        expected += [(mech, seed, k, int(n)) for k, n in ev["kind"].value_counts().items() if n]
    assert sorted(rows) == sorted(expected)
    assert len({(m, s) for m, s, _, _ in rows}) == 4  # every run joined


def test_a_sample_sweeps_runs_table_has_each_runs_parameter_values(tmp_path):
    from cogov_sim.results.sweep import read_runs

    samples = tmp_path / "samples.csv"
    pd.DataFrame(
        {"workers.find_prob": [0.35, 0.65], "departments.response_delay_hours": [2.5, 7.5]},
        index=pd.Index([0, 1], name="sample"),
    ).to_csv(samples)
    sweep = tmp_path / "sweep"
    for num, (index, seed) in enumerate([(0, 0), (1, 0), (0, 1), (1, 1)]):
        run = sweep / str(num)
        (run / ".hydra").mkdir(parents=True)
        (run / ".hydra" / "overrides.yaml").write_text(
            f"- sample.file={samples}\n- sample.index={index}\n- seed={seed}\n- steps=30\n"
        )
        outcome = {"closure_rate": 0.5 + index / 10}
        (run / "summary.json").write_text(json.dumps({"seed": seed, "outcomes": outcome}))
        pd.DataFrame({"day": [0]}).to_parquet(run / "timeseries.parquet")
    runs = read_runs(sweep).set_index("run")
    assert list(runs["param.sample.index"]) == [0, 1, 0, 1]
    assert list(runs["param.workers.find_prob"]) == [0.35, 0.65, 0.35, 0.65]
    assert list(runs["param.departments.response_delay_hours"]) == [2.5, 7.5, 2.5, 7.5]
    assert list(runs["scenario"]) == ["sample.index=0", "sample.index=1"] * 2
    aggregate(sweep, quiet=True, figures=False)
    written = pd.read_parquet(sweep / "runs.parquet")
    assert list(written["param.workers.find_prob"]) == [0.35, 0.65, 0.35, 0.65]


def test_an_unreadable_samples_file_is_named_and_the_runs_still_listed(tmp_path, caplog):
    from cogov_sim.results.sweep import read_runs

    run = tmp_path / "sweep" / "0"
    (run / ".hydra").mkdir(parents=True)
    (run / ".hydra" / "overrides.yaml").write_text(
        f"- sample.file={tmp_path / 'gone.csv'}\n- sample.index=0\n"
    )
    (run / "summary.json").write_text(json.dumps({"seed": 0, "outcomes": {}}))
    pd.DataFrame({"day": [0]}).to_parquet(run / "timeseries.parquet")
    with caplog.at_level("WARNING"):
        runs = read_runs(tmp_path / "sweep")
    assert list(runs["run"]) == ["0"] and runs["status"].item() == "ok"
    assert "gone.csv" in caplog.text and "not their parameter values" in caplog.text


def test_interaction_is_pair_effect_minus_single_effects():
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(6):
        noise = rng.normal(0, 0.01)
        for mech, value in (("[]", 0.5), ("[a]", 0.6), ("[b]", 0.55), ("[a,b]", 0.75)):
            rows.append(
                {
                    "scenario": f"mechanisms={mech}",
                    "seed": seed,
                    "status": "ok",
                    "closure_rate": value + noise,
                }
            )
    inter = interaction_table(pd.DataFrame(rows), "mechanisms=[]")
    row = inter[inter["outcome"] == "closure_rate"].iloc[0]
    assert row["pair"] == "a+b"
    assert row["interaction"] == pytest.approx(0.1)
    assert row["kind"] == "synergy"


def test_aggregate_command_reports_a_missing_folder(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / "nope")])
    assert exc.value.code == 2
    assert "no sweep folder" in capsys.readouterr().err


def test_aggregate_rejects_a_baseline_that_is_not_in_the_sweep(tmp_path):
    out, _ = _sweep(tmp_path, "sw", *SMOKE)
    with pytest.raises(ValueError, match="baseline scenario 'mechanisms=\\[triage\\]'"):
        aggregate(out, baseline="mechanisms=[triage]", quiet=True)
    summary = json.loads((out / "0" / "summary.json").read_text())
    assert not math.isnan(summary["outcomes"]["closure_rate"])


def test_the_package_keeps_every_public_name_and_the_config_names_its_callback():
    import yaml
    from hydra.utils import get_class

    import cogov_sim.frontends.sweep as sweep

    # the public names of the former module cogov_sim/frontends/sweep.py
    public = {
        "AggregateCallback",
        "BAND_COLUMNS",
        "KEY_OUTCOMES",
        "aggregate",
        "dose_figure",
        "dose_parameter",
        "effects_figure",
        "interaction_table",
        "main",
        "outcome_columns",
        "pick_baseline",
        "read_runs",
        "run_dirs",
        "scenario_table",
        "timeseries_figure",
    }
    assert public <= set(sweep.__all__)
    assert all(hasattr(sweep, name) for name in sweep.__all__)
    config = yaml.safe_load((ROOT / "configs" / "config.yaml").read_text())
    target = config["hydra"]["callbacks"]["aggregate"]["_target_"]
    assert get_class(target) is sweep.AggregateCallback


def test_python_dash_m_cogov_sim_sweep_is_the_aggregate_command(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cogov_sim.frontends.sweep", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert proc.returncode == 2 and "no sweep folder" in proc.stderr


@pytest.mark.slow
def test_the_ray_cluster_preset_runs_a_sweep_on_a_running_ray_head(tmp_path):
    # Issue #15, item 5: hydra-ray-launcher set object_store_memory, which
    # ray.init(address=...) refuses when joining a running cluster.
    from filelock import FileLock

    with FileLock(RAY_LOCK):
        _sweep_on_a_ray_head(tmp_path)


def _sweep_on_a_ray_head(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ray = str(Path(sys.executable).with_name("ray"))
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    # The head's own session folder, short: Ray's socket paths must stay under 108 bytes.
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")
    start = subprocess.run(
        [
            ray,
            "start",
            "--head",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            f"--temp-dir={temp}",
            "--disable-usage-stats",
            "--node-ip-address=127.0.0.1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    try:
        assert start.returncode == 0, start.stdout[-2000:] + start.stderr[-2000:]
        out, proc = _sweep(
            tmp_path,
            "ray_head",
            *SMOKE,
            "hydra/launcher=ray_cluster",
            f"hydra.launcher.ray.init.address=127.0.0.1:{port}",
            env={"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"},
        )
        runs = _table(out)
        assert len(runs) == 4 and (runs["status"] == "ok").all()
        assert "must not be provided" not in proc.stderr
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, env=env, timeout=120)
        shutil.rmtree(temp, ignore_errors=True)


def test_progress_lines_give_runs_left_and_an_estimate_of_the_time_to_go():
    from cogov_sim.frontends.sweep.callback import progress_line

    assert progress_line(12, 1, 48, 1000.0, 1060.0) == (
        "cogov-sim sweep: 12/48 runs finished, 1 failed, 36 left, about 3 min 0 s to go"
    )
    assert (
        progress_line(48, 0, 48, 1000.0, 1200.0) == "cogov-sim sweep: 48/48 runs finished, 0 failed"
    )
    assert progress_line(3, 0, 0, None, 5.0) == "cogov-sim sweep: 3 runs finished, 0 failed"


def test_the_markdown_table_of_a_sweep_gives_means_effects_and_their_intervals():
    from cogov_sim.results.sweep.tables import scenario_markdown

    nan = float("nan")
    table = pd.DataFrame(
        [
            ["mechanisms=[]", "closure_rate", 5, 0.7, 0.68, 0.72, "mechanisms=[]", nan, nan, nan],
            ["mechanisms=[x]", "closure_rate", 5, 0.9, 0.88, 0.92, "mechanisms=[]", 0.2, 0.17,
             0.23],
            ["mechanisms=[x]", "cost_funds", 5, 123456.0, nan, nan, "mechanisms=[]", nan, nan, nan],
        ],
        columns=["scenario", "outcome", "runs", "mean", "ci_lo", "ci_hi", "baseline", "effect",
                 "effect_lo", "effect_hi"],
    )  # fmt: skip
    text = scenario_markdown(table, ("closure_rate",))
    assert "| `mechanisms=[]` | `closure_rate` | 5 | 0.7 [0.68, 0.72] | – |" in text
    assert "| `mechanisms=[x]` | `closure_rate` | 5 | 0.9 [0.88, 0.92] | 0.2 [0.17, 0.23] |" in text
    assert "cost_funds" not in text
