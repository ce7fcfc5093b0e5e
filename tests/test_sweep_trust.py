"""Sweeps and runs you can trust at scale (issue #15): a folder of its own for every run,
one sweep per folder, a manifest of the runs a sweep owns, no stale or aborted tables,
resume that notices another version, exit codes, a memory check, logs, shell completion."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cogov_sim.core.config import make_config
from cogov_sim.core.errors import ConfigError
from cogov_sim.frontends.sweep import aggregate
from cogov_sim.frontends.sweep import main as aggregate_main
from tests.conftest import ROOT, run_cli

UNIQUE = re.compile(r"\d\d-\d\d-\d\d-[0-9a-f]{6}$")  # time plus a random suffix
FAST = ["world=classroom", "steps=2", "output.figures=false", "output.events=false"]
SWEEP = ["-m", "hydra/launcher=basic", *FAST, "seed=0,1"]


@pytest.fixture(scope="module")
def done_sweep(tmp_path_factory):
    """A finished sweep of two runs (seeds 0 and 1), to copy and tamper with."""
    out = tmp_path_factory.mktemp("sweeps") / "base"
    proc = run_cli([*SWEEP, f"hydra.sweep.dir={out}"], ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture
def sweep_copy(done_sweep, tmp_path):
    out = tmp_path / "sweep"
    shutil.copytree(done_sweep, out)
    return out


# ------------------------------------------------------------------ 1. unique folders
def test_two_runs_started_together_get_folders_of_their_own(tmp_path):
    env = dict(os.environ)
    env.pop("HYDRA_FULL_ERROR", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cogov_sim", *FAST, "output.table=false", f"seed={seed}"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for seed in (1, 2)
    ]
    folders = {}
    for seed, proc in zip((1, 2), procs, strict=True):
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr[-2000:]
        printed = re.search(r"^results: (.+)$", stdout, re.M).group(1)
        folders[seed] = Path(printed)
    assert folders[1] != folders[2]
    for seed, folder in folders.items():
        assert UNIQUE.search(folder.name), folder
        assert folder.parent.parent == tmp_path / "outputs"
        # the printed folder is the run's own: its overrides and its summary
        assert f"seed={seed}" in (folder / ".hydra" / "overrides.yaml").read_text()
        assert json.loads((folder / "summary.json").read_text())["seed"] == seed


def test_a_sweep_into_a_folder_in_use_stops_and_names_the_other_process(tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": "then"}
    holder["command"] = "cogov-sim -m the other sweep"
    (out / ".cogov.lock").write_text(json.dumps(holder))
    proc = run_cli([*SWEEP, f"hydra.sweep.dir={out}"], ROOT)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"sweep folder {out} is in use by another sweep" in proc.stderr
    assert f"process {os.getpid()} on {socket.gethostname()}" in proc.stderr
    assert "the other sweep" in proc.stderr
    assert not (out / "0").exists() and not (out / "runs.parquet").exists()
    assert json.loads((out / ".cogov.lock").read_text()) == holder  # still theirs


def test_the_lock_of_a_dead_process_is_taken_over_and_released_at_the_end(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    out = tmp_path / "stale"
    out.mkdir()
    lock = {"pid": gone.pid, "host": socket.gethostname(), "started": "then", "command": "x"}
    (out / ".cogov.lock").write_text(json.dumps(lock))
    proc = run_cli([*SWEEP, f"hydra.sweep.dir={out}"], ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"left by process {gone.pid}, which is gone" in proc.stderr
    assert not (out / ".cogov.lock").exists()
    assert len(pd.read_parquet(out / "runs.parquet")) == 2


# ------------------------------------------------------------------ 2. manifest
def test_the_manifest_lists_the_runs_the_sweep_owns(done_sweep):
    manifest = json.loads((done_sweep / "manifest.json").read_text())
    runs = manifest["runs"]
    assert [r["num"] for r in runs] == [0, 1] and [r["dir"] for r in runs] == ["0", "1"]
    assert [r["overrides"][-1] for r in runs] == ["seed=0", "seed=1"]
    for r in runs:
        on_disk = (done_sweep / r["dir"] / ".hydra" / "overrides.yaml").read_text()
        assert all(o in on_disk for o in r["overrides"])


def test_a_smaller_sweep_into_the_same_folder_aggregates_only_its_own_runs(tmp_path):
    out = tmp_path / "fixed"
    first = run_cli(
        ["-m", "hydra/launcher=basic", *FAST, "seed=0,1,2", f"hydra.sweep.dir={out}"], ROOT
    )
    assert first.returncode == 0, first.stderr[-2000:]
    (out / "interactions.csv").write_text("pair,outcome\nold,old\n")  # an old table
    again = run_cli([*SWEEP[:-1], "seed=5,0", f"hydra.sweep.dir={out}"], ROOT)
    assert again.returncode == 0, again.stderr[-2000:]
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(runs["seed"]) == [0, 5]  # not seed 0 twice, not seeds 1 and 2
    assert (runs["status"] == "ok").all()
    assert not (out / "interactions.csv").exists()
    assert (out / "2" / "summary.json").exists()  # the old run is left, just not counted


def test_a_folder_holding_another_sweeps_run_counts_as_not_run(sweep_copy):
    manifest = json.loads((sweep_copy / "manifest.json").read_text())
    manifest["runs"][1]["overrides"][-1] = "seed=7"  # as if killed before run 1 started
    (sweep_copy / "manifest.json").write_text(json.dumps(manifest))
    report = aggregate(sweep_copy, quiet=True)
    assert report == {**report, "runs": 2, "ok": 1, "incomplete": 1}
    runs = pd.read_parquet(sweep_copy / "runs.parquet").set_index("run")
    assert runs.loc["1", "seed"] == 7 and "earlier sweep" in runs.loc["1", "error"]


def test_unreadable_files_are_listed_by_name_not_fatal(sweep_copy, capsys):
    (sweep_copy / "0" / "summary.json").write_text('{"outcomes": {"closure_rate": 0.')
    (sweep_copy / "1" / ".hydra" / "overrides.yaml").write_text("- seed=1\n- [unclosed\n")
    with pytest.raises(SystemExit) as exc:
        aggregate_main([str(sweep_copy), "--no-figures"])
    assert exc.value.code == 1  # tables written, but not every run is complete
    err = capsys.readouterr().err
    assert "0/2 runs ok" in err and "2 unreadable" in err
    assert "unreadable 0/summary.json" in err
    assert "unreadable 1/.hydra/overrides.yaml" in err
    failures = pd.read_csv(sweep_copy / "failures.csv")
    assert set(failures["status"]) == {"unreadable"} and len(failures) == 2
    # without a manifest (an older sweep folder) too
    (sweep_copy / "manifest.json").unlink()
    report = aggregate(sweep_copy, quiet=True, figures=False)
    assert report == {**report, "runs": 2, "unreadable": 2}


def test_a_failed_aggregation_leaves_no_stale_table(sweep_copy):
    assert (sweep_copy / "scenarios.csv").exists()
    (sweep_copy / "runs.parquet").write_text("stale")
    with pytest.raises(ValueError, match="baseline scenario"):
        aggregate(sweep_copy, baseline="mechanisms=[triage]", quiet=True)
    assert not (sweep_copy / "scenarios.csv").exists()
    assert len(pd.read_parquet(sweep_copy / "runs.parquet")) == 2  # fresh, not stale
    assert (sweep_copy / "failures.csv").exists()
    assert not list(sweep_copy.glob(".*.tmp-*"))


def test_resume_reruns_results_of_another_version_unless_told_otherwise(sweep_copy):
    summary = sweep_copy / "0" / "summary.json"
    data = json.loads(summary.read_text())
    data["version"] = "0.0.1"
    summary.write_text(json.dumps(data))
    keep = (sweep_copy / "1" / "summary.json").stat().st_mtime_ns
    proc = run_cli([*SWEEP, f"hydra.sweep.dir={sweep_copy}", "resume=true"], ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "re-running" in proc.stderr and "cogov-sim 0.0.1" in proc.stderr
    assert json.loads(summary.read_text())["version"] != "0.0.1"  # ran again
    assert (sweep_copy / "1" / "summary.json").stat().st_mtime_ns == keep  # skipped
    data = json.loads(summary.read_text())
    data["git_revision"] = "0" * 40
    summary.write_text(json.dumps(data))
    proc = run_cli(
        [*SWEEP, f"hydra.sweep.dir={sweep_copy}", "resume=true", "resume_any_version=true"], ROOT
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr.count("skipped") == 2
    assert json.loads(summary.read_text())["git_revision"] == "0" * 40


# ------------------------------------------------------------------ 3. exit codes
def test_a_sweep_with_a_failed_run_exits_nonzero_with_a_summary_line(tmp_path):
    proc = run_cli(["-m", *FAST, "world.density=0.8,1.5"], tmp_path)  # the default launcher
    assert proc.returncode == 1, proc.stderr[-3000:]
    line = re.search(r"^cogov-sim sweep: 1 of 2 runs failed; see (.+)$", proc.stderr, re.M)
    assert line, proc.stderr[-3000:]
    failures = tmp_path / line.group(1)
    folder = failures.parent
    assert UNIQUE.search(folder.name) and folder.parent.parent == tmp_path / "multirun"
    listed = pd.read_csv(failures)
    assert list(listed["status"]) == ["failed"] and "world.density" in listed["error"][0]
    assert (folder / "0" / "summary.json").exists()  # the jobs wrote into the sweep's folder
    assert not (folder / ".cogov.lock").exists()


# ------------------------------------------------------------------ 4. memory
def test_a_world_that_cannot_fit_is_refused_at_once_with_the_estimate(monkeypatch):
    from cogov_sim.core import checks as validation

    monkeypatch.setattr(validation, "_available_memory", lambda: 8 * 2**30)
    cfg = make_config(**{"world.width": 5000, "world.height": 5000})
    t0 = time.perf_counter()
    with pytest.raises(ConfigError) as err:
        validation.validate(cfg)
    assert time.perf_counter() - t0 < 0.5
    msg = str(err.value)
    assert "'world.width': 5000" in msg and "21,250,000 households" in msg
    assert f"{validation.memory_estimate(cfg) / 2**30:.1f} GB" in msg
    assert "8.0 GB are available" in msg
    validation.validate(make_config(**{"world.width": 345, "world.height": 345}))


def test_the_memory_estimate_grows_with_households_and_days():
    from cogov_sim.core.checks import memory_estimate

    def est(w, steps=365):
        return memory_estimate(make_config(**{"world.width": w, "world.height": w, "steps": steps}))

    street, district = est(110), est(345)
    assert 300 * 2**20 < street < 440 * 2**20  # measured peak: 342 MB (version 0.5)
    assert 950 * 2**20 < district < 1150 * 2**20  # measured peak: 1,060 MB (version 0.5)
    assert est(345, 1460) > district and est(2500, 1) > 3 * 2**30  # measured: 3.2 GB
    assert 5.8 * 2**30 < est(1085) < 7.5 * 2**30  # a city of a million: 6.3 GB measured
    assert math.isfinite(est(5000, 100000))


def test_the_command_refuses_a_run_larger_than_any_machine(cli, tmp_path):
    out = tmp_path / "run"
    # 850 thousand households for 274 years: an estimated 80 GB of events
    args = ["world.width=1000", "world.height=1000", "steps=100000", f"hydra.run.dir={out}"]
    proc = cli(*args)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "'world.width': 1000" in proc.stderr and "GB are available" in proc.stderr
    assert not (out / "summary.json").exists()


# ------------------------------------------------------------------ 6. logging, completion
def test_a_runs_log_file_holds_its_messages_and_the_console_is_unchanged(cli, tmp_path):
    out = tmp_path / "run"
    proc = cli(*FAST, "output.table=false", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"results: {out}" in proc.stdout.splitlines()
    assert "cogov-sim: day 2/2" in proc.stderr.splitlines()  # bare lines, as before
    log = (out / "cogov-sim.log").read_text()
    assert "[cogov_sim.frontends.api][INFO] - cogov-sim: day 2/2" in log
    assert f"[cogov_sim.results.writing][INFO] - results: {out}" in log


def test_a_sweeps_run_logs_hold_the_progress_lines(done_sweep):
    log = (done_sweep / "1" / "cogov-sim.log").read_text()
    assert "cogov-sim sweep: 2/2 runs finished, 0 failed" in log


def test_shell_completion_installs_and_completes(cli):
    proc = cli("--shell-completion", "install=bash")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "hydra_bash_completion" in proc.stdout
    proc = cli("-sc", "query=bash", env={"COMP_LINE": "cogov-sim world=cl"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "world=classroom" in proc.stdout


def _processes_of_sweep(sweep_pid: int) -> list[int]:
    """Processes (other than the sweep's own) that are its children (the local
    launcher's forked workers) or whose environment names the sweep (workers started
    by exec, as joblib's are)."""
    mark = f"COGOV_SIM_SWEEP_PID={sweep_pid}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == sweep_pid:
            continue
        try:
            status = (entry / "status").read_text()
            parent = int(status.split("PPid:")[1].split()[0])
            if parent == sweep_pid or mark in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):  # gone, or not ours to read
            continue
    return found


def _alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (not zombies)."""
    left = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            left.append(pid)
    return left


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_sweep_killed_with_kill_9_leaves_no_worker_behind(tmp_path):
    """Two local workers (forked) busy with long runs; the sweep's main process gets
    SIGKILL; within seconds neither worker is left (joblib's ran on for 13 minutes)."""
    import signal

    sweep = tmp_path / "sweep"
    env = {k: v for k, v in os.environ.items() if k != "COGOV_SIM_SWEEP_PID"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cogov_sim", "-m", "hydra/launcher=local",
         "hydra.launcher.n_jobs=2", "world=street", "steps=5000", "seed=1,2",
         "output.figures=false", "output.events=false", "output.progress=false",
         f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    left: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # both runs started in their workers
            started = list(sweep.glob("*/.hydra/config.yaml"))
            if len(started) == 2 and len(_processes_of_sweep(proc.pid)) >= 2:
                break
            assert proc.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.2)
        else:
            pytest.fail("the sweep's two runs did not start within 120 s")
        time.sleep(1.0)  # the runs are under way
        assert proc.poll() is None
        workers = _processes_of_sweep(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _alive(workers):
            time.sleep(0.2)
        left = _alive(workers)
        assert left == [], f"processes of the killed sweep still running: {left}"
    finally:
        for pid in _processes_of_sweep(proc.pid) + left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if proc.poll() is None:
            proc.kill()


def test_only_a_direct_child_of_the_sweep_watches_it(monkeypatch):
    from cogov_sim.frontends.sweep import lifeline

    monkeypatch.setattr(lifeline, "_watching", False)
    monkeypatch.setenv(lifeline.SWEEP_PID, str(os.getpid()))
    assert lifeline.watch_sweep() is False  # the sweep's own process
    monkeypatch.setenv(lifeline.SWEEP_PID, str(os.getppid() + 100000))
    assert lifeline.watch_sweep() is False  # another parent: a scheduler's job
    monkeypatch.delenv(lifeline.SWEEP_PID)
    assert lifeline.watch_sweep() is False  # not in a sweep


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_a_run_with_a_truncated_time_series_is_unreadable_not_ok(sweep_copy, capsys):
    _truncate(sweep_copy / "1" / "timeseries.parquet")
    report = aggregate(sweep_copy, quiet=True, figures=False)
    assert report == {**report, "runs": 2, "ok": 1, "unreadable": 1}
    failures = pd.read_csv(sweep_copy / "failures.csv")
    assert list(failures["status"]) == ["unreadable"]
    assert failures["error"][0].startswith("unreadable 1/timeseries.parquet: ")


def test_resume_runs_again_a_run_whose_time_series_is_truncated(tmp_path):
    out = tmp_path / "sweep"
    first = run_cli([*SWEEP, f"hydra.sweep.dir={out}"], ROOT)
    assert first.returncode == 0, first.stderr[-2000:]
    _truncate(out / "1" / "timeseries.parquet")
    again = run_cli([*SWEEP, "resume=true", f"hydra.sweep.dir={out}"], ROOT)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "re-running" in again.stderr and "its timeseries.parquet: " in again.stderr
    assert len(pd.read_parquet(out / "1" / "timeseries.parquet")) == 2  # whole again


def test_a_failure_that_cannot_be_recorded_on_a_full_disk_does_not_stop_the_sweep(
    tmp_path, monkeypatch, caplog
):
    import errno

    from cogov_sim.frontends import cli

    def full(self, *args, **kwargs):
        with open(self, "w") as fh:  # leaves a 0-byte file, as a full disk does
            fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    cli._write_error(str(tmp_path), RuntimeError("the model failed"))
    assert not (tmp_path / "error.json").exists()
    assert "cannot record the failure" in caplog.text


def test_a_run_over_an_earlier_one_never_leaves_the_old_summary_beside_new_files(tmp_path):
    from cogov_sim.results.writing import AtomicWriter

    (tmp_path / "summary.json").write_text('{"old": true}')
    w = AtomicWriter(tmp_path)
    w.write("timeseries.parquet", lambda p: pd.DataFrame({"day": [0]}).to_parquet(p))
    w.write("summary.json", lambda p: p.write_text('{"new": true}'))

    real_replace = os.replace

    def killed_before_summary(src, dst):
        if Path(dst).name == "summary.json":
            raise KeyboardInterrupt  # killed between the renames
        real_replace(src, dst)

    import unittest.mock

    with unittest.mock.patch("os.replace", killed_before_summary):
        with pytest.raises(KeyboardInterrupt):
            w.commit()
    assert (tmp_path / "timeseries.parquet").exists()
    assert not (tmp_path / "summary.json").exists()  # incomplete, not old-beside-new


def test_a_data_file_written_unreadable_fails_the_run_before_it_counts(tmp_path):
    from cogov_sim.results.writing import AtomicWriter

    w = AtomicWriter(tmp_path)
    w.write("timeseries.parquet", lambda p: p.write_bytes(b"PAR1 not really"))
    with pytest.raises(OSError, match="timeseries.parquet was written unreadable"):
        w.check()


def test_a_summary_with_a_non_numeric_outcome_is_unreadable_not_a_crash(sweep_copy):
    path = sweep_copy / "0" / "summary.json"
    data = json.loads(path.read_text())
    data["outcomes"]["closure_rate"] = "high"
    path.write_text(json.dumps(data))
    report = aggregate(sweep_copy, quiet=True, figures=False)
    assert report == {**report, "runs": 2, "ok": 1, "unreadable": 1}
    failures = pd.read_csv(sweep_copy / "failures.csv")
    assert "outcome 'closure_rate' is not a number: 'high'" in failures["error"][0]


def test_a_run_without_an_event_log_leaves_no_earlier_one_beside_its_summary(tmp_path):
    """A rerun with output.events=false kept the earlier run's events.parquet (found by
    a review): a folder's files all belong to its summary."""
    from cogov_sim.frontends.api import compose, run

    run(compose(["world=classroom", "steps=3"]), tmp_path)
    assert (tmp_path / "events.parquet").exists() and (tmp_path / "map.png").exists()
    run(compose(["world=classroom", "steps=3", "output.events=false", "output.figures=false"]),
        tmp_path)  # fmt: skip
    assert (tmp_path / "summary.json").exists() and (tmp_path / "timeseries.parquet").exists()
    assert not (tmp_path / "events.parquet").exists()
    assert not (tmp_path / "map.png").exists() and not (tmp_path / "outcomes.png").exists()
