"""Global sensitivity analysis (SALib): Morris screening and Sobol indices.

The pipeline has three steps, each usable on its own:

1. **sample** — SALib draws the design over a parameter space file
   (:mod:`cogov_sim.analysis.space`) into ``OUT/samples.csv`` (one row per sample);
2. **run** — one Hydra multirun over ``sample.index`` (and seeds) evaluates
   every sample through any launcher (local, SLURM, Ray):
   ``cogov-sim -m sample.file=OUT/samples.csv sample.index='range(0,N)' ...``,
   into ``OUT/sweep`` with the usual results table;
3. **analyse** — outcomes are averaged over seeds per sample and SALib
   computes Morris ``mu_star`` (with its 95% CI) and ``sigma``, or Sobol
   first-order ``S1`` and total ``ST`` indices (with 95% CIs); written to
   ``OUT/indices.csv`` and ``OUT/indices.png`` (ranked bars per outcome).

``cogov-sim-sensitivity run`` does all three; ``sample`` and ``analyse`` split
them, e.g. to submit the sweep on a cluster in between.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.analysis.space import Space, SpaceError, load_space
from cogov_sim.analysis.space_files import resolve_space

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4


def sample(space: Space, method: str, n: int, seed: int = 0) -> np.ndarray:
    """The SALib design: Morris trajectories (``n`` of them) or Saltelli/Sobol (base ``n``)."""
    problem = space.problem()
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, N=n, num_levels=MORRIS_LEVELS, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, N=n, calc_second_order=False, seed=seed)
    raise SpaceError(f"unknown method {method!r} (known: {', '.join(METHODS)})")


def analyse(
    space: Space, method: str, X: np.ndarray, Y: dict[str, np.ndarray], seed: int = 0
) -> pd.DataFrame:
    """Sensitivity indices per outcome and parameter, with 95% confidence intervals."""
    problem = space.problem()
    rows = []
    for outcome, y in Y.items():
        y = np.asarray(y, dtype=float)
        if np.isnan(y).any():
            y = np.where(np.isnan(y), np.nanmean(y), y)
        if method == "morris":
            from SALib.analyze import morris

            r = morris.analyze(problem, X, y, num_levels=MORRIS_LEVELS, conf_level=0.95, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "mu_star": r["mu_star"][i],
                        "mu_star_conf": r["mu_star_conf"][i],
                        "mu": r["mu"][i],
                        "sigma": r["sigma"][i],
                    }
                )
        else:
            from SALib.analyze import sobol

            r = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "S1": r["S1"][i],
                        "S1_conf": r["S1_conf"][i],
                        "ST": r["ST"][i],
                        "ST_conf": r["ST_conf"][i],
                    }
                )
    return pd.DataFrame(rows)


def evaluate_function(
    space: Space, method: str, n: int, fn: Callable[[np.ndarray], dict], seed: int = 0
) -> pd.DataFrame:
    """Sample, evaluate ``fn(X) -> {outcome: y}`` in process and analyse (for known answers)."""
    X = sample(space, method, n, seed)
    return analyse(space, method, X, fn(X), seed)


def figure(table: pd.DataFrame, method: str, path: Path) -> None:
    """Ranked bars per outcome: mu_star (Morris) or ST and S1 (Sobol), with 95% CIs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))
    cols = min(3, len(outcomes))
    rows = math.ceil(len(outcomes) / cols)
    n_par = table["parameter"].nunique()
    fig, axes = plt.subplots(
        rows, cols, figsize=(5.2 * cols, 0.32 * n_par * rows + 1.8 * rows), squeeze=False
    )
    key = "mu_star" if method == "morris" else "ST"
    for ax, o in zip(axes.ravel(), outcomes, strict=False):
        g = table[table["outcome"] == o].sort_values(key)
        y = np.arange(len(g))
        ax.barh(
            y,
            g[key],
            xerr=g[f"{key}_conf"],
            color="#2166ac",
            capsize=3,
            label="μ*" if method == "morris" else "total (ST)",
        )
        if method == "sobol":
            ax.barh(
                y,
                g["S1"],
                xerr=g["S1_conf"],
                color="#f4a582",
                capsize=3,
                height=0.45,
                label="first order (S1)",
            )
        ax.set_yticks(y, g["parameter"], fontsize=7)
        ax.set_title(o, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="x", labelsize=7)
        ax.legend(fontsize=7, loc="lower right")
    for ax in axes.ravel()[len(outcomes) :]:
        ax.axis("off")
    title = (
        "Morris screening: μ* with 95% CI" if method == "morris" else "Sobol indices with 95% CIs"
    )
    fig.suptitle(f"cogov-sim sensitivity — {title}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ------------------------------------------------------------ file pipeline
def prepare(space: Space, method: str, n: int, out: Path, seeds: int, seed: int = 0) -> int:
    """Write ``samples.csv`` and ``analysis.json``; return the number of samples."""
    X = sample(space, method, n, seed)
    out.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(X, columns=space.names)
    for p in space.parameters:
        if p.integer:
            df[p.name] = df[p.name].round().astype(int)
    df.index.name = "sample"
    df.to_csv(out / "samples.csv")
    meta = {
        "method": method,
        "n": n,
        "samples": len(df),
        "seeds": seeds,
        "seed": seed,
        "space": space.path,
        "outcomes": space.outcomes,
        "overrides": space.overrides,
    }
    (out / "analysis.json").write_text(json.dumps(meta, indent=2) + "\n")
    return len(df)


def sweep_command(
    out: Path, samples: int, seeds: int, space: Space, launcher: str | None, extra: list[str]
) -> list[str]:
    out = out.resolve()
    seed_list = ",".join(str(s) for s in range(seeds))
    cmd = [
        sys.executable,
        "-m",
        "cogov_sim",
        "-m",
        f"sample.file={out / 'samples.csv'}",
        f"sample.index=range(0,{samples})",
        f"seed={seed_list}",
        f"hydra.sweep.dir={out / 'sweep'}",
        "output.figures=false",
        "output.events=false",
        "output.progress=false",
        *space.overrides,
    ]
    if launcher:
        cmd.append(f"hydra/launcher={launcher}")
    return cmd + list(extra)


def collect(out: Path, space: Space) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Samples and their seed-averaged outcomes from ``OUT/sweep``."""
    from cogov_sim.results.sweep import read_runs

    samples = pd.read_csv(out / "samples.csv", index_col="sample")
    runs = read_runs(out / "sweep")
    if runs.empty or "param.sample.index" not in runs.columns:
        raise SpaceError(f"no sample runs under {out / 'sweep'}")
    ok = runs[runs["status"] == "ok"]
    missing = sorted(set(samples.index) - set(ok["param.sample.index"].astype(int)))
    if missing:
        raise SpaceError(
            f"{len(missing)} samples have no complete run (first: {missing[:5]}); "
            "re-run the sweep with resume=true"
        )
    means = ok.groupby(ok["param.sample.index"].astype(int))[space.outcomes].mean()
    means = means.reindex(samples.index)
    X = samples[space.names].to_numpy(dtype=float)
    return X, {o: means[o].to_numpy() for o in space.outcomes}


def finish(out: Path, space: Space, method: str) -> pd.DataFrame:
    X, Y = collect(out, space)
    table = analyse(space, method, X, Y)
    table.to_csv(out / "indices.csv", index=False)
    figure(table, method, out / "indices.png")
    return table


def _print_table(table: pd.DataFrame, method: str) -> None:
    key = "mu_star" if method == "morris" else "ST"
    for o, g in table.groupby("outcome", sort=False):
        g = g.sort_values(key, ascending=False)
        parts = [
            f"{r.parameter} {getattr(r, key):.3g}±{getattr(r, key + '_conf'):.2g}"
            for r in g.itertuples()
        ]
        print(f"{o}: " + "; ".join(parts[:4]))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="cogov-sim-sensitivity", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    for name in ("run", "sample"):
        p = sub.add_parser(name)
        p.add_argument(
            "--space",
            default="analysis/space_default.yaml",
            help="parameter space: a file, or the name of a packaged space (space_default, "
            "space_calibration); default: %(default)s (the packaged copy outside a checkout)",
        )
        p.add_argument("--method", choices=METHODS, default="morris")
        p.add_argument(
            "--n",
            type=int,
            default=10,
            help="Morris trajectories, or the Sobol base sample size (a power of 2)",
        )
        p.add_argument("--seeds", type=int, default=1, help="seeds per sample (averaged)")
        p.add_argument("--out", default="sensitivity")
        p.add_argument("--launcher", default=None, help="hydra/launcher (default: local)")
        p.add_argument("extra", nargs="*", help="further Hydra overrides for every run")
    p = sub.add_parser("analyse")
    p.add_argument("--out", default="sensitivity")
    args = ap.parse_args(argv)
    try:
        out = Path(args.out)
        if args.command == "analyse":
            meta = json.loads((out / "analysis.json").read_text())
            space = load_space(resolve_space(meta["space"]))
            table = finish(out, space, meta["method"])
            _print_table(table, meta["method"])
            print(f"written: {out / 'indices.csv'}, {out / 'indices.png'}")
            return
        space = load_space(resolve_space(args.space))
        if args.n < 2:
            raise SpaceError(f"--n must be at least 2, not {args.n}")
        n = prepare(space, args.method, args.n, out, args.seeds)
        cmd = sweep_command(out, n, args.seeds, space, args.launcher, args.extra)
        if args.command == "sample":
            print(f"{n} samples written to {out / 'samples.csv'}; run them with:")
            print("cogov-sim " + " ".join(cmd[3:]))
            print(f"then: cogov-sim-sensitivity analyse --out {out}")
            return
        print(f"running {n} samples x {args.seeds} seeds ...", file=sys.stderr)
        subprocess.run(cmd, check=True)
        table = finish(out, space, args.method)
        _print_table(table, args.method)
        print(f"written: {out / 'indices.csv'}, {out / 'indices.png'}")
    except (SpaceError, OSError, subprocess.CalledProcessError) as exc:
        print(f"cogov-sim-sensitivity: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
