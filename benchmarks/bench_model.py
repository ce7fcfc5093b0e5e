"""Speed and memory of cogov-sim, with Mesa's Schelling model as the yardstick.

Prints a table and writes ``benchmarks/results/bench.json``. Each cogov-sim
case runs in a fresh single-threaded subprocess (numeric libraries limited to
one thread), so that its peak memory (max RSS) is its own; Mesa's bundled
Schelling model (100 x 100, radius 2) runs in this process.

Cases (households x days, default mechanism package off / on):
- 1k, 10k and 100k households over 100 days;
- the default street scenario (about 10k households, 365 days);
- a district (about 100k households, 365 days).
The "package" is the full policy package (``preset=full_package``: every
mechanism but the emergency scenario).

Usage:
    python benchmarks/bench_model.py            # everything (about 1-2 minutes)
    python benchmarks/bench_model.py --quick    # skip the 100k cases
    python benchmarks/bench_model.py --city     # also a city of a million households
                                                # x 365 days, once (about 2 minutes, 7 GB)

At the end it prints the speed targets (issue #12) against what was measured.

Each case runs ``--repeat`` times (default 3) and the fastest run is reported,
the usual way to filter out noise from other load on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"1k": 35, "10k": 110, "100k": 345}  # lattice side at density 0.85

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from cogov_sim.core.mechanisms import FULL_PACKAGE
from cogov_sim.core.model import CoGovModel
args = json.loads(sys.argv[1])
mech = list(FULL_PACKAGE) if args["package"] else []
t_import = time.perf_counter() - t0
t0 = time.perf_counter()
m = CoGovModel(**{"world.width": args["side"], "world.height": args["side"],
                  "steps": args["days"], "seed": 1, "mechanisms": mech})
t_build = time.perf_counter() - t0
t0 = time.perf_counter()
m.run()
t_run = time.perf_counter() - t0
peak_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
s = m.summary()
t_sum = time.perf_counter() - t0
print(json.dumps({"households": m.n_households, "build_s": t_build, "run_s": t_run,
                  "summary_s": t_sum, "import_s": t_import, "peak_run_mb": peak_run,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "issues": s["issues_occurred"], "events": int(m.events.n)}))
"""


def run_case(side: int, days: int, package: bool) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    arg = json.dumps({"side": side, "days": days, "package": package})
    out = subprocess.run(
        [sys.executable, "-c", CHILD, arg],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res.update(days=days, package=package)
    res["total_s"] = res["build_s"] + res["run_s"] + res["summary_s"]
    res["resident_steps_per_s"] = res["households"] * days / res["run_s"]
    res["events_per_s"] = res["events"] / res["run_s"]
    return res


def schelling_agent_steps_per_s(steps: int = 20) -> float:
    from mesa.examples.basic.schelling.model import Schelling

    model = Schelling(width=100, height=100, radius=2, seed=1)
    n = len(model.agents)
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    return n * steps / (time.perf_counter() - t0)


def help_seconds() -> float:
    exe = Path(sys.executable).with_name("cogov-sim")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "cogov_sim", "--help"]
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t0


def print_targets(rows: list[dict]) -> None:
    """The speed targets of issue #12 (realistic flow), each against its measurement."""

    def case(name, package=False):
        return next((r for r in rows if r["case"] == name and r["package"] == package), None)

    checks = []
    street, district, city = case("street x 365 d"), case("district x 365 d"), case("city x 365 d")
    if street:
        checks.append(("street x 365 d, model time", street["run_s"], "<=", 2.0, "s"))
    if district:
        checks.append(("district x 365 d, model time", district["run_s"], "<=", 20.0, "s"))
        checks.append(
            ("district x 365 d, peak memory", district["peak_mb"] / 1024, "<=", 2.0, "GB")
        )
        checks.append(
            (
                "lifecycle events per second (district)",
                district["events_per_s"] / 1e6,
                ">=",
                1.0,
                "million",
            )
        )
    if city:
        checks.append(("city x 365 d, run time", city["total_s"] / 60, "<=", 5.0, "min"))
        checks.append(("city x 365 d, peak memory", city["peak_mb"] / 1024, "<=", 8.0, "GB"))
    if not checks:
        return
    print("\ntargets (issue #12, default mechanisms off):")
    for label, got, op, target, unit in checks:
        ok = got <= target if op == "<=" else got >= target
        verdict = "met    " if ok else "NOT MET"
        print(f"  {verdict}  {label}: {got:.2f} {unit} (target {op} {target} {unit})")


def scaling_figure(rows: list[dict], path: Path, schelling: float) -> None:
    """Run time against households (100-day runs), log-log, with a linear reference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for package, style in ((False, "o-"), (True, "s--")):
        pts = sorted(
            (r["households"], r["run_s"])
            for r in rows
            if r["days"] == 100 and r["package"] == package
        )
        if pts:
            x, y = zip(*pts, strict=True)
            ax.loglog(x, y, style, label=f"cogov-sim, package {'on' if package else 'off'}")
    pts = sorted((r["households"], r["run_s"]) for r in rows if r["days"] == 100)
    if pts:
        x0, y0 = pts[-1]
        xs = [pts[0][0], x0]
        ax.loglog(xs, [y0 * x / x0 for x in xs], ":", color="grey", label="linear in households")
        ax.loglog(
            xs,
            [x * 100 / schelling for x in xs],
            "-.",
            color="#b2182b",
            label="Mesa Schelling rate (agent-steps/s)",
        )
    ax.set_xlabel("households")
    ax.set_ylabel("run time for 100 days (s)")
    ax.set_title("cogov-sim scaling (one core)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 100k-household cases")
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs per case; the fastest is reported (default 3)"
    )
    ap.add_argument(
        "--city",
        action="store_true",
        help="also run a city (1,085 x 1,085 cells, a million households) x 365 days, once",
    )
    ap.add_argument("--out", default=str(HERE / "results" / "bench.json"))
    ap.add_argument(
        "--figure",
        default=str(HERE / "results" / "scaling.png"),
        help="where to write the log-log scaling figure",
    )
    args = ap.parse_args()

    cases = []
    for label, side in SIZES.items():
        if args.quick and label == "100k":
            continue
        for package in (False, True):
            cases.append((f"{label} x 100 d", side, 100, package))
    cases.append(("street x 365 d", SIZES["10k"], 365, False))
    cases.append(("street x 365 d", SIZES["10k"], 365, True))
    if not args.quick:
        cases.append(("district x 365 d", SIZES["100k"], 365, False))
        cases.append(("district x 365 d", SIZES["100k"], 365, True))

    if args.city:
        cases.append(("city x 365 d", 1085, 365, False))

    rows = []
    for name, side, days, package in cases:
        print(
            f"running {name}, package {'on' if package else 'off'} ...", file=sys.stderr, flush=True
        )
        repeat = 1 if name.startswith("city") else max(1, args.repeat)
        runs = [run_case(side, days, package) for _ in range(repeat)]
        r = min(runs, key=lambda x: x["run_s"])
        r["peak_mb"] = max(x["peak_mb"] for x in runs)
        r["repeats"] = len(runs)
        r["case"] = name
        rows.append(r)

    print("running Mesa's Schelling (100x100, radius 2) ...", file=sys.stderr, flush=True)
    schelling = schelling_agent_steps_per_s()
    help_s = help_seconds()

    header = (
        f"{'case':<18}{'package':>8}{'households':>11}{'build s':>9}{'run s':>8}"
        f"{'total s':>9}{'res-steps/s':>13}{'x Schelling':>12}{'peak MB':>9}"
        f"{'issues':>11}{'events/s':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['case']:<18}{'on' if r['package'] else 'off':>8}{r['households']:>11,}"
            f"{r['build_s']:>9.2f}{r['run_s']:>8.2f}{r['total_s']:>9.2f}"
            f"{r['resident_steps_per_s']:>13,.0f}{r['resident_steps_per_s'] / schelling:>12.0f}"
            f"{r['peak_mb']:>9.0f}{r['issues']:>11,}{r['events_per_s']:>11,.0f}"
        )
    print(f"\nMesa Schelling 100x100 radius 2: {schelling:,.0f} agent-steps/s (same process)")
    print(f"cogov-sim --help: {help_s:.2f} s")
    per = {
        r["households"]: r["run_s"] / (r["households"] * r["days"])
        for r in rows
        if r["days"] == 100 and not r["package"]
    }
    if len(per) >= 2:
        ks = sorted(per)
        print(
            f"cost per resident-step, largest / 10k-ish: "
            f"{per[ks[-1]] / per[ks[min(1, len(ks) - 1)]]:.2f}"
        )

    print_targets(rows)
    scaling_figure(rows, Path(args.figure), schelling)
    print(f"figure: {args.figure}")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
        },
        "schelling_agent_steps_per_s": schelling,
        "help_seconds": help_s,
        "cases": rows,
    }
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
