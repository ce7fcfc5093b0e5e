"""Aggregating a large sweep: time and peak memory on a synthetic 1,000-run folder.

Builds a sweep folder of N runs (default 1,000) by copying one real run's
``summary.json`` and ``timeseries.parquet`` (365 days) with varied outcomes,
10 scenarios x 100 seeds, then times ``cogov-sim-aggregate`` on it in a fresh
process and reports its peak memory (max RSS).

    python benchmarks/bench_aggregate.py [--runs 1000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def make_sweep(folder: Path, runs: int) -> None:
    from cogov_sim.frontends.api import compose, run

    template = folder / "_template"
    cfg = compose(["world=classroom", "output.figures=false", "output.progress=false"])
    run(cfg, template)
    summary = json.loads((template / "summary.json").read_text())
    ts = pd.read_parquet(template / "timeseries.parquet")
    rng = np.random.default_rng(0)
    mechs = [
        "[]",
        "[integrated_grid]",
        "[whistle_response]",
        "[red_property]",
        "[triage]",
        "[deliberation]",
        "[smart_dispatch]",
        "[legal_mediators]",
        "[risk_grading]",
        "[points_incentive]",
    ]
    for i in range(runs):
        d = folder / str(i)
        (d / ".hydra").mkdir(parents=True)
        mech, seed = mechs[i % len(mechs)], i // len(mechs)
        (d / ".hydra" / "overrides.yaml").write_text(f"- mechanisms={mech}\n- seed={seed}\n")
        s = dict(summary)
        s["seed"] = seed
        s["outcomes"] = {
            k: (v * (1 + rng.normal(0, 0.05)) if isinstance(v, float) else v)
            for k, v in summary["outcomes"].items()
        }
        (d / "summary.json").write_text(json.dumps(s))
        ts2 = ts.copy()
        ts2["closure_rate"] = ts2["closure_rate"] * (1 + rng.normal(0, 0.02))
        ts2.to_parquet(d / "timeseries.parquet", index=False)
    import shutil

    shutil.rmtree(template)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sweep"
        t0 = time.perf_counter()
        make_sweep(folder, args.runs)
        print(f"built a synthetic sweep of {args.runs} runs in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cogov_sim.frontends.sweep", str(folder)],
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = len(pd.read_parquet(folder / "runs.parquet"))
    print(
        f"aggregated {rows} runs in {wall:.1f} s, peak memory {peak:.0f} MB "
        "(process start-up included)"
    )


if __name__ == "__main__":
    main()
