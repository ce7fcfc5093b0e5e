"""Sweeps on SLURM (issue #15, items 2 and 5): a real single-node cluster from Debian's
slurm-wlm and munge, started by the test (tests/slurm_cluster.py), and the submitit
launchers' resume, which submits only the runs without complete results."""

from __future__ import annotations

import os
from collections import Counter

import pandas as pd
import pytest
import yaml

from cogov_sim.core.outcomes import SUMMARY_KEYS
from tests.conftest import ROOT, run_cli
from tests.slurm_cluster import single_node_slurm, slurm_available

SMOKE = ["+experiment=smoke", "steps=20"]
# The SLURM preset (configs/hydra/launcher/slurm.yaml) on the test cluster's partition;
# 1 GB per run, so that the node's modest RealMemory holds both of its cores' runs.
SLURM = ["hydra/launcher=slurm", "hydra.launcher.partition=test", "hydra.launcher.mem_gb=1"]
# hydra-submitit-launcher's local preset with cogov-sim's launcher class (hydra_plugins/).
SUBMITIT_LOCAL = [
    "hydra/launcher=submitit_local",
    "hydra.launcher._target_=hydra_plugins.cogov_sim_launcher.LocalLauncher",
]


@pytest.fixture
def slurm(tmp_path):
    reason = slurm_available()
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"SLURM tests must run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    with single_node_slurm(tmp_path / "cluster") as cluster:
        yield cluster


def _sweep(folder, *args, env=None):
    # 4 runs of 20 days take seconds; a sweep whose jobs cannot start would wait for ever.
    proc = run_cli(["-m", *SMOKE, *args, f"hydra.sweep.dir={folder}"], ROOT, env, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc


def _table(folder):
    df = pd.read_parquet(folder / "runs.parquet")
    return df.sort_values(["scenario", "seed"]).reset_index(drop=True)


def _array_tasks(cluster) -> list[int]:
    """Tasks per array job the cluster has seen, in order of submission."""
    out = cluster.run("squeue", "--states=all", "--noheader", "--format=%F %K")
    assert out.returncode == 0, out.stderr
    per_job = Counter(line.split()[0] for line in out.stdout.splitlines() if line.strip())
    return [per_job[job] for job in sorted(per_job, key=int)]


def _forget(folder, runs):
    """Delete the results of these runs (as if their jobs had been killed), keep the rest."""
    for num in runs:
        (folder / str(num) / "summary.json").unlink()
    return {p.parent.name: p.stat().st_mtime_ns for p in folder.glob("*/summary.json")}


@pytest.mark.slow
def test_a_sweep_on_a_real_slurm_cluster_gives_the_basic_launchers_results(tmp_path, slurm):
    on_slurm = tmp_path / "slurm"
    _sweep(on_slurm, *SLURM, env=slurm.env)
    assert _array_tasks(slurm) == [4]  # one array job of the 4 runs
    here = tmp_path / "basic"
    _sweep(here, "hydra/launcher=basic")
    cols = ["scenario", "seed", *SUMMARY_KEYS]
    runs = _table(on_slurm)
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    pd.testing.assert_frame_equal(runs[cols], _table(here)[cols])
    # Each run was a task of that array: SLURM's job id in Hydra's record of the run.
    ids = [
        yaml.safe_load((on_slurm / str(n) / ".hydra" / "hydra.yaml").read_text())["hydra"]["job"][
            "id"
        ]
        for n in range(4)
    ]
    assert len({i.split("_")[0] for i in ids}) == 1
    assert sorted(int(i.split("_")[1]) for i in ids) == [0, 1, 2, 3]


@pytest.mark.slow
def test_a_packed_slurm_sweep_runs_two_runs_per_task_and_gives_the_basic_launchers_results(
    tmp_path, slurm
):
    # Issue #32: runs_per_task runs share one array task (one Python start per task).
    packed = tmp_path / "packed"
    proc = _sweep(packed, *SLURM, "hydra.launcher.runs_per_task=2", env=slurm.env)
    assert _array_tasks(slurm) == [2]  # one array job of 2 tasks for the 4 runs
    assert "4 runs packed in 2 array tasks of up to 2" in proc.stdout + proc.stderr
    here = tmp_path / "basic"
    _sweep(here, "hydra/launcher=basic")
    cols = ["scenario", "seed", *SUMMARY_KEYS]
    runs = _table(packed)
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    pd.testing.assert_frame_equal(runs[cols], _table(here)[cols])
    # each run still wrote its own folder, with SLURM's task id in Hydra's record
    ids = {
        yaml.safe_load((packed / str(n) / ".hydra" / "hydra.yaml").read_text())["hydra"]["job"][
            "id"
        ]
        for n in range(4)
    }
    assert len(ids) == 2  # two tasks, two runs each


@pytest.mark.slow
def test_a_resumed_slurm_sweep_submits_only_the_runs_without_results(tmp_path, slurm):
    folder = tmp_path / "sw"
    _sweep(folder, *SLURM, env=slurm.env)
    kept = _forget(folder, [1, 2])
    again = _sweep(folder, *SLURM, "resume=true", env=slurm.env)
    assert _array_tasks(slurm) == [4, 2]  # the resubmission: an array of the 2 missing runs
    assert "resume: 2 of 4 runs complete, submitting 2" in again.stderr
    done = {p.parent.name: p.stat().st_mtime_ns for p in folder.glob("*/summary.json")}
    assert sorted(done) == ["0", "1", "2", "3"]
    assert {name: done[name] for name in kept} == kept  # finished runs were not run again
    runs = _table(folder)
    assert len(runs) == 4 and (runs["status"] == "ok").all()


@pytest.mark.slow
def test_a_resumed_submitit_sweep_submits_only_the_runs_without_results(tmp_path):
    folder = tmp_path / "sw"
    _sweep(folder, *SUBMITIT_LOCAL)
    jobs = set((folder / ".submitit").iterdir())
    kept = _forget(folder, [0, 3])
    again = _sweep(folder, *SUBMITIT_LOCAL, "resume=true")
    new_jobs = set((folder / ".submitit").iterdir()) - jobs
    assert len(new_jobs) == 2  # submitit's folder per submitted job: the 2 missing runs only
    assert again.stderr.count("cogov-sim: skipped") == 2
    submitted = again.stdout + again.stderr  # Hydra's log lines "#N : overrides"
    assert "#0 : " in submitted and "#3 : " in submitted  # under their own job numbers
    assert "#1 : " not in submitted and "#2 : " not in submitted
    done = {p.parent.name: p.stat().st_mtime_ns for p in folder.glob("*/summary.json")}
    assert sorted(done) == ["0", "1", "2", "3"]
    assert {name: done[name] for name in kept} == kept
    assert (_table(folder)["status"] == "ok").all()


@pytest.mark.slow
def test_a_resumed_submitit_sweep_with_every_run_complete_submits_nothing(tmp_path):
    folder = tmp_path / "sw"
    _sweep(folder, *SUBMITIT_LOCAL)
    jobs = set((folder / ".submitit").iterdir())
    again = _sweep(folder, *SUBMITIT_LOCAL, "resume=true")
    assert set((folder / ".submitit").iterdir()) == jobs
    assert "submitting 0" in again.stderr
    assert "cogov-sim sweep: 4/4 runs finished, 0 failed" in again.stderr
