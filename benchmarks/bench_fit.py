"""Your own street's tools on the shipped example street: how long each step takes.

    python benchmarks/bench_fit.py [--seeds 8] [--jobs 2] [--simulations 0]

Prints wall seconds of:

- building the world from its files (30 compounds, 6,902 households; best of 3);
- reading the year's work-order log (10,301 rows) against it (best of 3);
- one model run as the fit report makes it (the 90-day warm-up and the log's 365 days);
- the fit report with ``--seeds`` runs on ``--jobs`` processes (figures included);
- with ``--simulations N`` (N > 0), a calibration of N simulations and its two checks
  (the documented run, ``docs/own_street.md``, used 160: about 8 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "cogov_sim" / "data" / "example_street"
WORLD = {
    "world.name": "example_street",
    "world.compounds": "pkg:example_street/compounds.geojson",
    "world.staffing": "pkg:example_street/staffing.csv",
}


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--simulations", type=int, default=0)
    args = ap.parse_args()

    from cogov_sim.analysis.fit import report as rp
    from cogov_sim.analysis.fit.orders import load_mapping, read_orders

    build, model = best(lambda: rp.world_model(WORLD))
    world = model.world
    print(f"world from files: {build:6.2f} s  ({world.n:,} households, {world.n_zones} grids)")
    mapping = load_mapping(DATA / "mapping.yaml")
    read, orders = best(lambda: read_orders(DATA / "work_orders.csv", mapping, world))
    print(f"read the log:     {read:6.2f} s  ({orders.rows:,} rows, {len(orders.frame):,} used)")
    types = sorted(set(orders.frame["type"]))
    weekday = int(orders.start.weekday())
    job = (WORLD, 0, orders.days, mapping.channel_codes, weekday, types, orders.roles)
    one, _ = best(lambda: rp._simulate(job), repeat=1)
    print(f"one model run:    {one:6.2f} s  (90 + {orders.days} days)")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rp.report(WORLD, orders, mapping, Path(tmp) / "fit", seeds=args.seeds, jobs=args.jobs)
        rep = time.perf_counter() - t0
        print(f"fit report:       {rep:6.2f} s  ({args.seeds} seeds, {args.jobs} processes)")
        if args.simulations > 0:
            from cogov_sim.analysis.fit.calibrate import calibrate

            t0 = time.perf_counter()
            res = calibrate(
                WORLD, orders, mapping, Path(tmp) / "cal", simulations=args.simulations,
                jobs=args.jobs, check_seeds=args.seeds,
            )  # fmt: skip
            cal = time.perf_counter() - t0
            fitted = res["comparison"].set_index("statistics").loc["fitted"]
            print(
                f"calibration:      {cal:6.1f} s  ({args.simulations} simulations; distance "
                f"{fitted['uncalibrated']:.3f} -> {fitted['calibrated']:.3f})"
            )


if __name__ == "__main__":
    main()
