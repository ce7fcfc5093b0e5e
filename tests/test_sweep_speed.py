"""Sweeps at the speed of the model (issue #32): Hydra's work around each job done once
per sweep with the same results, the local launcher's forked workers, packed SLURM
tasks and Ray's long-lived workers giving the basic launcher's table."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from omegaconf import OmegaConf

from cogov_sim.core.outcomes import SUMMARY_KEYS
from tests.conftest import ROOT, run_cli

SMOKE = ["+experiment=smoke", "steps=20"]
COLS = ["scenario", "seed", *SUMMARY_KEYS]

#: jobs of one sweep: value overrides of one shape, group choices, an added group, lists
JOBS = [
    ["seed=0", "world.density=0.8"],
    ["seed=1", "world.density=0.9"],
    ["seed=2", "world=classroom", "world.density=0.7"],
    ["seed=3", "world=classroom", "world.density=0.5"],
    ["seed=4", "mechanisms=[integrated_grid,red_property]", "world.density=0.8"],
    ["seed=5", "mechanisms=[whistle_response]", "world.density=0.6"],
    ["+experiment=smoke", "seed=7"],
    ["+experiment=smoke", "seed=8"],
    ["seed=9", "world.density=0.8", "preset=full_package"],
    # dict values merge into what is there: each job's into the defaults, not the last job's
    ["seed=10", "mechanism_params.red_property={oversight:0.5}"],
    ["seed=11", "mechanism_params.red_property={service_level:3.0}"],
    ["seed=12", "housing.commodity={managed:0.9}", "world.compounds=''"],
    ["seed=13", "housing.commodity={dispute_factor:2.0}", "world.compounds=x.csv"],
    # a key added to the config: composed by Hydra, whole
    ["seed=15", "world.density=0.7", "+extra_note=hello"],
]


@pytest.fixture
def loader_and_master():
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode

    from cogov_sim.frontends.hydra_setup import (
        CONFIG_MODULE,
        register_configs,
        register_launchers,
    )
    from cogov_sim.frontends.sweep import fast_hydra

    register_configs([])
    register_launchers()
    fast_hydra.uninstall()
    with initialize_config_module(config_module=CONFIG_MODULE, version_base=None):
        loader = GlobalHydra.instance().config_loader()
        master = loader.load_configuration(
            "config",
            overrides=["hydra/launcher=basic", "seed=0,1", "world.density=0.8"],
            run_mode=RunMode.MULTIRUN,
        )
        yield loader, master
    fast_hydra.uninstall()


def test_a_sweeps_jobs_composed_through_the_cache_equal_hydras_own_composition(
    loader_and_master,
):
    from cogov_sim.frontends.sweep import fast_hydra

    loader, master = loader_and_master
    hydra_own = [loader.load_sweep_config(master, job) for job in JOBS]
    fast_hydra.install()
    for _ in range(2):  # the first of each shape composed by Hydra, the rest from a copy
        for job, ref in zip(JOBS, hydra_own, strict=True):
            got = loader.load_sweep_config(master, job)
            assert OmegaConf.to_container(got) == OmegaConf.to_container(ref), job
            assert list(got.hydra.overrides.task) == job
            assert got.hydra.job.override_dirname == ref.hydra.job.override_dirname
    # a job's copy is its own: changing it changes no later job
    a = loader.load_sweep_config(master, JOBS[1])
    a.world.density = 0.1
    assert loader.load_sweep_config(master, JOBS[1]).world.density == 0.9


def test_the_records_of_a_job_are_written_as_omegaconf_writes_them(loader_and_master):
    from cogov_sim.frontends.sweep.fast_hydra import to_yaml

    loader, master = loader_and_master
    for job in JOBS:
        cfg = loader.load_sweep_config(master, job)
        for node in (cfg, cfg.hydra, cfg.hydra.overrides.task):
            assert to_yaml(node) == OmegaConf.to_yaml(node)


def test_a_bad_value_in_a_sweep_is_refused_before_any_run_starts(loader_and_master):
    from hydra.errors import ConfigCompositionException
    from hydra.plugins.sweeper import Sweeper

    from cogov_sim.frontends.sweep import fast_hydra

    loader, master = loader_and_master
    fast_hydra.install()
    loader.load_sweep_config(master, ["seed=0", "world.density=0.8"])  # the shape is kept

    class _Sweeper:  # what Hydra's sweepers hold when they check a batch
        hydra_context = None
        config_loader = loader
        config = master

    batch = [["seed=0", "world.density=0.8"], ["seed=1", "world.density=abc"]]
    with pytest.raises(ConfigCompositionException, match="world.density"):
        Sweeper.validate_batch_is_legal(_Sweeper(), batch)
    # dict values are checked on a fresh copy each, and a good batch passes
    good = [["mechanism_params.red_property={oversight:0.5}"], ["seed=3"]]
    Sweeper.validate_batch_is_legal(_Sweeper(), good)
    bad = [*good, ["mechanism_params.red_property={oversight:abc}"]]
    with pytest.raises(ConfigCompositionException, match="oversight"):
        Sweeper.validate_batch_is_legal(_Sweeper(), bad)
    # and what the launch composes afterwards is Hydra's own
    got = loader.load_sweep_config(master, ["mechanism_params.red_property={service_level:3.0}"])
    assert got.mechanism_params.red_property.oversight == 1.0


def test_the_local_launchers_forked_workers_give_the_basic_launchers_table(tmp_path):
    tables = {}
    for name, launcher in (("basic", "basic"), ("local", "local"), ("joblib", "joblib")):
        out = tmp_path / name
        proc = run_cli(["-m", *SMOKE, f"hydra/launcher={launcher}", f"hydra.sweep.dir={out}"], ROOT)
        assert proc.returncode == 0, proc.stderr[-3000:]
        df = pd.read_parquet(out / "runs.parquet")
        tables[name] = df.sort_values(["scenario", "seed"]).reset_index(drop=True)[COLS]
    pd.testing.assert_frame_equal(tables["local"], tables["basic"])
    pd.testing.assert_frame_equal(tables["joblib"], tables["basic"])
    # each run of the forked workers has Hydra's records, as with any launcher
    hydra_yaml = OmegaConf.load(tmp_path / "local" / "2" / ".hydra" / "hydra.yaml")
    assert hydra_yaml.hydra.job.num == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_that_dies_fails_only_its_run_and_the_table_is_still_written(tmp_path, workers):
    out = tmp_path / "crash"
    args = [
        "-m",
        "world=classroom",
        "steps=5",
        "seed=0,1,2,3",
        "mechanisms=[tests.sweep_crash:DieOnSeedOne]",  # seed 1 kills its process
        f"hydra.launcher.n_jobs={workers}",
        f"hydra.sweep.dir={out}",
    ]
    proc = run_cli(args, ROOT, timeout=240)
    assert proc.returncode == 1, proc.stderr[-3000:]  # the sweep says runs failed
    runs = pd.read_parquet(out / "runs.parquet").sort_values("seed")
    # the run whose process died failed; the runs beside it (stopped with the broken
    # pool) and those queued behind it ran in a new pool
    assert runs["status"].tolist() == ["ok", "failed", "ok", "ok"]
    assert "its worker process died" in runs["error"].iloc[1]
    assert "run 1 lost: its worker process died" in proc.stdout + proc.stderr
    assert "4/4 runs finished, 1 failed" in proc.stderr  # the progress counts it
    # resumed: only the failed run runs again (and fails again)
    again = run_cli([*args, "resume=true"], ROOT, timeout=240)
    assert again.returncode == 1, again.stderr[-3000:]
    assert again.stderr.count("skipped") == 3


def test_runs_per_task_must_be_a_whole_number_of_at_least_one():
    from hydra_plugins.cogov_sim_launcher import LocalLauncher

    for bad in (0, -2, 1.5, True, "4"):
        with pytest.raises(ValueError) as exc:
            LocalLauncher(runs_per_task=bad, submitit_folder="x")
        assert str(exc.value).startswith("hydra.launcher.runs_per_task must be a whole number")


@pytest.mark.slow
def test_packed_submitit_tasks_give_the_basic_launchers_table_and_resume(tmp_path):
    args = ["-m", "world=classroom", "steps=15", "seed=range(0,5)"]
    ref = tmp_path / "basic"
    proc = run_cli([*args, "hydra/launcher=basic", f"hydra.sweep.dir={ref}"], ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    packed = tmp_path / "packed"
    launcher = ["hydra/launcher=cogov_submitit_local", "hydra.launcher.runs_per_task=2"]
    proc = run_cli([*args, *launcher, f"hydra.sweep.dir={packed}"], ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "5 runs packed in 3 array tasks of up to 2" in proc.stdout + proc.stderr
    tasks = {p.parent.name for p in (packed / ".submitit").rglob("*_result.pkl")}
    assert len(tasks) == 3  # three tasks ran the five runs

    def table(folder):
        df = pd.read_parquet(folder / "runs.parquet")
        return df.sort_values("seed").reset_index(drop=True)[COLS]

    pd.testing.assert_frame_equal(table(packed), table(ref))
    (packed / "3" / "summary.json").unlink()  # as if its task had been killed
    again = run_cli([*args, *launcher, "resume=true", f"hydra.sweep.dir={packed}"], ROOT)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "resume: 4 of 5 runs complete, submitting 1" in again.stdout + again.stderr
    pd.testing.assert_frame_equal(table(packed), table(ref))


def test_a_model_only_process_imports_neither_hydra_nor_the_app_nor_mesas_extras():
    code = (
        "import sys; import cogov_sim.core.model as m; "
        "from cogov_sim.core.config import make_config; "
        "model = m.CoGovModel(make_config({'world': {'name': 'classroom'}, 'steps': 2})); "
        "model.run(2); "
        "print(sorted(n for n in ('hydra', 'matplotlib', 'scipy.spatial', 'networkx', "
        "'mesa.batchrunner', 'mesa.experimental', 'cogov_sim.frontends', "
        "'cogov_sim.analysis', 'solara') if n in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_mesa_completes_itself_when_another_part_of_it_is_asked_for():
    code = (
        "import cogov_sim.core.model, mesa, sys; "
        "assert 'mesa.batchrunner' not in sys.modules; "
        "print(mesa.__version__ == __import__('importlib.metadata').metadata.version('mesa'), "
        "callable(mesa.batch_run), mesa.Model is cogov_sim.core.model.CoGovModel.__mro__[1])"
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True True True"


@pytest.mark.slow
def test_a_packed_task_that_dies_fails_its_unfinished_runs_only(tmp_path):
    """One submitit task of four runs, killed (as by SLURM at its time limit) once its
    first run has finished: that run keeps its results, the three others are failed
    with the reason, and the results table is written."""
    import signal
    import time

    out = tmp_path / "packed_crash"
    cmd = [
        sys.executable, "-m", "cogov_sim", "-m", "world=street", "steps=400",
        "seed=0,1,2,3", "output.figures=false", "hydra/launcher=cogov_submitit_local",
        "hydra.launcher.runs_per_task=4", f"hydra.sweep.dir={out}",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 180
        while not (out / "0" / "summary.json").exists():
            assert time.monotonic() < deadline and proc.poll() is None, "no run finished"
            time.sleep(0.1)
        # submitit's local executor names a task's folder by the id of a process whose
        # child runs the task
        (task,) = [int(p.name) for p in (out / ".submitit").iterdir() if p.name.isdigit()]
        for child in _children(task):
            os.kill(child, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, stdout[-2000:] + stderr[-3000:]
    runs = pd.read_parquet(out / "runs.parquet").sort_values("seed")
    assert runs["status"].tolist() == ["ok", "failed", "failed", "failed"]
    for error in runs["error"].iloc[1:]:
        assert "its task failed or ended before the run finished" in error


def _children(pid: int) -> list[int]:
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if int(status.split("PPid:")[1].split()[0]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_ctrl_c_stops_a_local_sweep_and_its_workers_at_once(tmp_path):
    """Ctrl-C (SIGINT) in the sweep's process: its forked workers ignore it, the sweep
    stops them and every run not yet started; nothing runs on into the folder."""
    import signal
    import time

    out = tmp_path / "interrupted"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cogov_sim", "-m", "world=street", "seed=range(0,8)",
         "output.figures=false", f"hydra.sweep.dir={out}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # as from a terminal: pytest-xdist's workers ignore SIGINT, and a child inherits
        # that (Python then installs no KeyboardInterrupt handler)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("*/summary.json")):
            assert time.monotonic() < deadline and proc.poll() is None, "no run finished"
            time.sleep(0.1)
        workers = _children(proc.pid)
        assert workers, "the sweep has no workers"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
        time.sleep(0.5)
        alive = [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
        assert alive == [], f"workers still running after Ctrl-C: {alive}"
        assert len(list(out.glob("*/summary.json"))) < 8  # the rest never ran
    finally:
        if proc.poll() is None:
            proc.kill()
