"""Sweep throughput: how close each launcher comes to the model's own speed.

Runs the same sweep (``--runs`` street-years by default: street scale, 365 days,
events and figures off, seeds 0..N-1) with each launcher, as a user would type it,
and prints for each: wall time of the whole command (Python's start, composing,
every run, writing, the results table), runs per minute, and the share of the ideal:

    share = runs x model-only time / wall time / workers

*Model-only time* is a run's model built and run (``model_seconds`` in its
``summary.json``), without composing, validating, summarising or writing. Two
figures are printed: against each run's model time in that very sweep (the time lost
outside the model: the target of issue #32) and against the model time of the
sequential sweep, where no other process shares the machine (what two runs side by
side also lose to each other on this machine, which no launcher can win back). For
SLURM it also prints how long the scheduler took to start the array after its
submission, and the share with that wait taken out (the cluster's, not cogov-sim's).

Launchers:

- ``basic``: Hydra's sequential launcher (1 worker);
- ``local``: the default ``-m`` launcher, one forked worker per core;
- ``slurm`` and ``slurm_packed``: the SLURM preset on a throwaway single-node cluster
  (``tests/slurm_cluster.py``: needs root and Debian's slurm-wlm and munge; a first
  untimed job warms it up), one run per array task and ``--runs-per-task`` runs per
  task (default: runs / cores);
- ``ray``: the Ray preset on a local Ray head started beforehand (as on a cluster,
  where the head is running already), with its long-lived workers.

    python benchmarks/bench_sweep.py                      # 48 street-years, every launcher
    python benchmarks/bench_sweep.py --launchers basic,local --runs 24

Writes ``benchmarks/results/bench_sweep.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHERS = ("basic", "local", "slurm", "slurm_packed", "ray")


def _sweep(args: list[str], folder: Path, env: dict | None = None) -> tuple[float, float]:
    """Run the sweep; its wall time and its start (``time.time()``)."""
    cmd = [sys.executable, "-m", "cogov_sim", "-m", *args, f"hydra.sweep.dir={folder}"]
    start = time.time()
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({' '.join(cmd)}):\n{proc.stderr[-3000:]}")
    return wall, start


def _phases(folder: Path, start: float, wall: float) -> tuple[float, float]:
    """Seconds from the command's start to its first run's start (the run folder's
    ``.hydra/overrides.yaml``), and from its last run's end (``summary.json``) to the
    command's end: the time no run is running."""
    begun = min(p.stat().st_mtime for p in folder.glob("*/.hydra/overrides.yaml"))
    ended = max(p.stat().st_mtime for p in folder.glob("*/summary.json"))
    return begun - start, start + wall - ended


def _cycle_seconds(folder: Path) -> float | None:
    """A sequential sweep's seconds from one run's end to the next one's (the median
    gap between their ``summary.json`` files): one run with all its overhead."""
    import statistics

    ends = sorted(p.stat().st_mtime_ns for p in folder.glob("*/summary.json"))
    gaps = [(b - a) / 1e9 for a, b in zip(ends, ends[1:], strict=False)]
    return statistics.median(gaps) if gaps else None


def _queue_seconds(folder: Path) -> float | None:
    """SLURM: seconds from the array's submission (submitit's ``*_submitted.pkl``) to its
    first task's start (submitit's "Starting with JobEnvironment" log line, written once
    Python and submitit have loaded in the task): the scheduler's share of the wait."""
    import datetime as dt
    import re

    submitted = [p.stat().st_mtime for p in folder.glob(".submitit/*/*_submitted.pkl")]
    starts = []
    for log in folder.glob(".submitit/*/*_log.out"):
        text = log.read_text(errors="replace")
        m = re.search(r"\((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\) - Starting", text)
        if m:
            when = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f")
            starts.append(when.timestamp())
    if not submitted or not starts:
        return None
    return min(starts) - min(submitted)


def _model_seconds(folder: Path) -> list[float]:
    import pandas as pd

    runs = pd.read_parquet(folder / "runs.parquet")
    if not (runs["status"] == "ok").all():
        raise SystemExit(f"some runs of {folder} did not finish: {runs['status'].tolist()}")
    return runs["model_seconds"].astype(float).tolist()


@contextlib.contextmanager
def _slurm(tmp: Path):
    sys.path.insert(0, str(ROOT))
    from tests.slurm_cluster import single_node_slurm, slurm_available

    reason = slurm_available()
    if reason:
        yield None, reason
        return
    with single_node_slurm(tmp / "cluster") as cluster:
        # a first job, untimed: a fresh cluster's first start takes seconds more
        warm = cluster.run(
            "sbatch",
            "--wait",
            f"--partition={cluster.partition}",
            "--output=/dev/null",
            "--wrap=true",
            timeout=120,
        )
        if warm.returncode != 0:
            yield None, f"the test cluster cannot run a job: {warm.stderr[-500:]}"
            return
        yield cluster, ""


@contextlib.contextmanager
def _ray_head(cpus: int):
    ray = shutil.which("ray", path=str(Path(sys.executable).parent))
    if ray is None:
        yield None, "ray is not installed"
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # Ray's socket paths stay short
    start = subprocess.run(
        [
            ray,
            "start",
            "--head",
            f"--port={port}",
            f"--num-cpus={cpus}",
            "--include-dashboard=false",
            f"--temp-dir={temp}",
            "--disable-usage-stats",
            "--node-ip-address=127.0.0.1",
        ],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    try:
        if start.returncode != 0:
            yield None, f"ray start failed: {start.stderr[-500:]}"
        else:
            yield f"127.0.0.1:{port}", ""
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, env=env)
        shutil.rmtree(temp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=48)
    ap.add_argument("--steps", type=int, default=365)
    ap.add_argument("--launchers", default=",".join(LAUNCHERS))
    ap.add_argument("--runs-per-task", type=int, default=None)
    args = ap.parse_args()
    launchers = [name.strip() for name in args.launchers.split(",") if name.strip()]
    unknown = sorted(set(launchers) - set(LAUNCHERS))
    if unknown:
        ap.error(f"unknown launcher(s) {', '.join(unknown)}; known: {', '.join(LAUNCHERS)}")
    cores = os.cpu_count() or 1
    per_task = args.runs_per_task or max(1, -(-args.runs // cores))
    common = [
        f"steps={args.steps}",
        "seed=range(0," + str(args.runs) + ")",
        "output.figures=false",
        "output.events=false",
    ]
    rows: list[dict] = []
    reference: float | None = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        stack = contextlib.ExitStack()
        with stack:
            for name in launchers:
                env = None
                if name == "basic":
                    extra, workers = ["hydra/launcher=basic"], 1
                elif name == "local":
                    extra, workers = ["hydra/launcher=local"], cores
                elif name.startswith("slurm"):
                    cluster, why = stack.enter_context(_slurm(tmp))
                    if cluster is None:
                        print(f"{name}: skipped ({why})")
                        continue
                    extra = [
                        "hydra/launcher=slurm",
                        f"hydra.launcher.partition={cluster.partition}",
                        "hydra.launcher.mem_gb=1",
                        "hydra.launcher.runs_per_task="
                        + str(per_task if name.endswith("packed") else 1),
                    ]
                    env, workers = cluster.env, cores
                else:
                    address, why = stack.enter_context(_ray_head(cores))
                    if address is None:
                        print(f"{name}: skipped ({why})")
                        continue
                    extra = [
                        "hydra/launcher=ray_cluster",
                        f"hydra.launcher.ray.init.address={address}",
                    ]
                    env = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
                    workers = cores
                folder = tmp / name
                print(f"{name}: {args.runs} runs ...", file=sys.stderr, flush=True)
                wall, started = _sweep([*common, *extra], folder, env)
                model = _model_seconds(folder)
                first, tail = _phases(folder, started, wall)
                mean = sum(model) / len(model)
                if name == "basic":
                    reference = mean
                    cycle = _cycle_seconds(folder)
                    overhead = None if cycle is None else cycle / mean - 1
                row = {
                    "launcher": name,
                    "workers": workers,
                    "runs": len(model),
                    "wall_s": round(wall, 2),
                    "runs_per_min": round(len(model) / wall * 60, 1),
                    "model_s_mean": round(mean, 3),
                    "share": round(sum(model) / wall / workers, 3),
                    "until_first_run_s": round(first, 2),
                    "after_last_run_s": round(tail, 2),
                }
                if reference is not None:
                    row["share_vs_alone"] = round(len(model) * reference / wall / workers, 3)
                if name == "basic" and cycle is not None:
                    row["cycle_s"] = round(cycle, 3)
                    row["overhead"] = round(overhead, 3)
                if name == "slurm_packed":
                    row["runs_per_task"] = per_task
                if name.startswith("slurm"):
                    queue = _queue_seconds(folder)
                    if queue is not None:
                        row["queue_s"] = round(queue, 2)
                        # the same share, the scheduler's wait for the array taken out
                        row["share_without_queue"] = round(sum(model) / (wall - queue) / workers, 3)
                rows.append(row)
    for r in rows:
        if "queue_s" in r:
            print(
                f"{r['launcher']}: the scheduler started the array {r['queue_s']:.2f} s after "
                f"its submission; without that wait the share is {r['share_without_queue']:.0%}"
            )
    overheads = [r for r in rows if "overhead" in r]
    if overheads:
        r = overheads[0]
        print(
            f"\nsequential: a run every {r['cycle_s']:.3f} s for {r['model_s_mean']:.3f} s "
            f"of model time: {r['overhead']:.1%} outside the model (target <= 10%)"
        )
    print(
        f"\n{args.runs} street-years ({args.steps} days, events and figures off), "
        f"{cores} cores, {platform.processor() or platform.machine()}"
    )
    head = f"{'launcher':<14}{'workers':>8}{'wall s':>9}{'runs/min':>10}{'model s':>9}"
    print(head + f"{'share':>8}{'vs alone':>10}{'start s':>9}{'tail s':>8}")
    for r in rows:
        alone = r.get("share_vs_alone")
        print(
            f"{r['launcher']:<14}{r['workers']:>8}{r['wall_s']:>9.1f}{r['runs_per_min']:>10.1f}"
            f"{r['model_s_mean']:>9.3f}{r['share']:>8.0%}"
            + (f"{alone:>10.0%}" if alone is not None else f"{'':>10}")
            + f"{r['until_first_run_s']:>9.2f}{r['after_last_run_s']:>8.2f}"
        )
    out = ROOT / "benchmarks" / "results" / "bench_sweep.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": args.runs, "steps": args.steps, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
