"""Sweep throughput: the local parallel launcher (joblib) against the sequential one.

Runs the same sweep of 8 runs (street scale, 4 years each: about 5 s a run
here) with ``hydra/launcher=basic`` and with the default local launcher, and
prints runs per minute of each and their ratio.

    python benchmarks/bench_sweep.py [--runs 8] [--steps 1460]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sweep(launcher: str, runs: int, steps: int, folder: Path) -> float:
    seeds = ",".join(str(i) for i in range(runs))
    cmd = [
        sys.executable,
        "-m",
        "cogov_sim",
        "-m",
        f"hydra/launcher={launcher}",
        f"steps={steps}",
        f"seed={seeds}",
        "output.figures=false",
        "output.events=false",
        f"hydra.sweep.dir={folder}",
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--steps", type=int, default=1460)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seq = sweep("basic", args.runs, args.steps, Path(tmp) / "basic")
        walls = [
            json.loads(p.read_text())["wall_seconds"]
            for p in (Path(tmp) / "basic").glob("*/summary.json")
        ]
        par = sweep("local", args.runs, args.steps, Path(tmp) / "local")
    per_run = sum(walls) / len(walls)
    print(f"{args.runs} runs of {per_run:.1f} s each (street scale, {args.steps} days)")
    print(f"sequential (basic launcher): {seq:6.1f} s  {args.runs / seq * 60:6.1f} runs/min")
    print(f"parallel   (joblib, local):  {par:6.1f} s  {args.runs / par * 60:6.1f} runs/min")
    print(f"speed-up: {seq / par:.2f}x")


if __name__ == "__main__":
    main()
