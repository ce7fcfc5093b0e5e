"""Scenario discovery: under which conditions does a mechanism fail?

``cogov-sim-explore discover`` samples the uncertainties of a space file (a
scrambled Sobol sequence from ``--seed``), runs, for every point and seed, the baseline and
the mechanism as one Hydra multirun (so any launcher works: local, joblib, SLURM,
Ray; ``--resume`` keeps finished runs), marks each point where the user's
condition holds (e.g. ``change < 0.10``: the mechanism raises the outcome by less
than 10 points, averaged over seeds) and runs PRIM (the Patient Rule Induction
Method of EMA Workbench) to find the boxes of the space where such points
concentrate.

Writes into ``--out``: ``samples.csv``, ``sweep/`` (the runs, with the usual
results table), ``scenarios.csv`` (each point: its values, baseline, treated,
change and whether the condition holds), ``boxes.csv`` (PRIM's peeling
trajectory: coverage, density, mass, restricted dimensions and every box's
limits), ``box.md`` (the chosen box in words), ``tradeoff.png`` (coverage against
density) and ``box.png`` (the chosen box's limits and the points in its two most
restricted dimensions).

Coverage is the share of all points of interest inside the box; density the
share of the box's points that are of interest. The chosen box is the one of
largest coverage whose density reaches ``--threshold``; when none does, the densest
box, and the report says that no box reached the threshold.
"""

from __future__ import annotations

import json
import operator
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.analysis.explore import ExploreError, check_names, merge_overrides
from cogov_sim.analysis.explore.report import save

QUANTITIES = ("change", "treated", "baseline", "relative")
OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_CONDITION = re.compile(r"^\s*(\w+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")


def parse_condition(text: str) -> tuple[str, str, float]:
    """``'change < 0.10'`` -> ('change', '<', 0.1); a clear error otherwise."""
    m = _CONDITION.match(text or "")
    if not m or m.group(1) not in QUANTITIES:
        raise ExploreError(
            f"cannot read the condition {text!r}: expected '<quantity> <op> <number>' with "
            f"quantity one of {', '.join(QUANTITIES)} and op one of <, <=, >, >= "
            "(e.g. 'change < 0.10')"
        )
    try:
        value = float(m.group(3))
    except ValueError:
        raise ExploreError(f"cannot read the number {m.group(3)!r} in {text!r}") from None
    return m.group(1), m.group(2), value


def sample_points(space, n: int, seed: int) -> pd.DataFrame:
    from cogov_sim.analysis.calibration.posterior import prior_points

    df = pd.DataFrame(prior_points(space, n, seed), columns=space.names)
    for p in space.parameters:
        if p.integer:
            df[p.name] = df[p.name].astype(int)
    df.index.name = "sample"
    return df


def sweep_command(
    out: Path,
    space,
    samples: int,
    seeds: int,
    mechanism: str,
    overrides: list[str],
    launcher: str | None,
    resume: bool,
) -> list[str]:
    """The sensitivity pipeline's sample sweep
    (:func:`cogov_sim.analysis.sensitivity.sweep_command`),
    each point run with and without ``mechanism``."""
    from dataclasses import replace

    from cogov_sim.analysis.sensitivity import sweep_command as sample_sweep

    extra = [f"mechanisms=[],[{mechanism}]"] + (["resume=true"] if resume else [])
    return sample_sweep(out, samples, seeds, replace(space, overrides=overrides), launcher, extra)


def _is_treated(value) -> bool:
    if isinstance(value, (list, tuple)):
        return len(value) > 0
    text = str(value).strip()
    return text not in ("[]", "", "nan", "None")


def per_point(runs: pd.DataFrame, outcome: str, samples: pd.DataFrame) -> pd.DataFrame:
    """Baseline, treated, change and relative change per point, averaged over seeds."""
    ok = runs[runs["status"] == "ok"].copy()
    if "param.sample.index" not in ok.columns or "param.mechanisms" not in ok.columns:
        raise ExploreError("the sweep has no runs with sample.index and mechanisms")
    ok["point"] = ok["param.sample.index"].astype(int)
    ok["treated_run"] = ok["param.mechanisms"].map(_is_treated)
    seed_col = "seed" if "seed" in ok.columns else "param.seed"
    base = ok[~ok.treated_run].set_index(["point", seed_col])[outcome]
    trt = ok[ok.treated_run].set_index(["point", seed_col])[outcome]
    both = pd.concat({"baseline": base, "treated": trt}, axis=1).dropna()
    both["change"] = both.treated - both.baseline
    both["relative"] = both.treated / both.baseline.where(both.baseline != 0) - 1.0
    means = both.groupby(level="point").mean()
    means["seeds"] = both.groupby(level="point").size()
    missing = sorted(set(samples.index) - set(means.index))
    if missing:
        raise ExploreError(
            f"{len(missing)} of {len(samples)} points have no complete pair of runs "
            f"(first: {missing[:5]}); run again with --resume"
        )
    return samples.join(means)


def prim_boxes(x: pd.DataFrame, y: np.ndarray, threshold: float):
    """PRIM on ``x`` (numeric columns) and the boolean ``y``; the box object."""
    import logging
    import warnings

    with warnings.catch_warnings():  # "ipyparallel not installed": not used here
        warnings.simplefilter("ignore", UserWarning)
        from ema_workbench.analysis import prim

    logging.getLogger("EMA").setLevel(logging.WARNING)
    finder = prim.Prim(x.astype(float), y.astype(bool), threshold=threshold)
    return finder.find_box()


def trajectory_table(box, x: pd.DataFrame) -> pd.DataFrame:
    traj = box.peeling_trajectory.copy()
    rows = []
    for i, r in traj.iterrows():
        lims = box.box_lims[int(i)]
        row = {
            "box": int(i),
            "coverage": r["coverage"],
            "density": r["density"],
            "mass": r["mass"],
            "res_dim": int(r["res_dim"]),
        }
        for c in x.columns:
            row[f"{c}.low"] = float(lims.loc[0, c])
            row[f"{c}.high"] = float(lims.loc[1, c])
        rows.append(row)
    return pd.DataFrame(rows)


def choose(table: pd.DataFrame, threshold: float) -> int:
    ok = table[table.density >= threshold]
    if ok.empty:
        return int(table.density.idxmax())
    return int(ok.sort_values(["coverage", "density"], ascending=False).index[0])


def restricted(table: pd.DataFrame, i: int, x: pd.DataFrame) -> list[tuple[str, float, float]]:
    """The dimensions box ``i`` restricts, by how much of their range it cuts."""
    out = []
    for c in x.columns:
        lo, hi = table.loc[i, f"{c}.low"], table.loc[i, f"{c}.high"]
        full_lo, full_hi = float(x[c].min()), float(x[c].max())
        if lo > full_lo + 1e-12 or hi < full_hi - 1e-12:
            cut = 1.0 - (hi - lo) / (full_hi - full_lo) if full_hi > full_lo else 0.0
            out.append((c, float(lo), float(hi), cut))
    return [(c, lo, hi) for c, lo, hi, _ in sorted(out, key=lambda t: -t[3])]


def tradeoff_figure(
    table: pd.DataFrame, chosen: int, threshold: float, path: Path, source: Path | None = None
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    sc = ax.scatter(table.coverage, table.density, c=table.res_dim, cmap="viridis", s=22)
    ax.plot(
        table.coverage[chosen],
        table.density[chosen],
        "o",
        ms=12,
        mfc="none",
        mec="#D55E00",
        mew=2,
        label=f"chosen box {chosen}",
    )
    ax.axhline(threshold, color="#999999", ls="--", lw=1, label=f"threshold {threshold:g}")
    ax.set_xlabel("coverage (share of the cases of interest inside the box)")
    ax.set_ylabel("density (share of the box that is of interest)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    fig.colorbar(sc, ax=ax, label="restricted dimensions")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title("PRIM peeling trajectory", fontsize=10)
    fig.tight_layout()
    save(fig, path, *([source] if source else []))
    plt.close(fig)


def box_figure(
    points: pd.DataFrame, names: list[str], dims, label: str, path: Path, *sources: Path
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10.5, 4.2))
    ys = np.arange(len(names))[::-1]
    box = {c: (lo, hi) for c, lo, hi in dims}
    for y, c in zip(ys, names, strict=True):
        lo_full, hi_full = points[c].min(), points[c].max()
        lo, hi = box.get(c, (lo_full, hi_full))
        span = hi_full - lo_full if hi_full > lo_full else 1.0
        a1.hlines(y, 0, 1, color="#DDDDDD", lw=8)
        a1.hlines(
            y,
            (lo - lo_full) / span,
            (hi - lo_full) / span,
            color="#0072B2" if c in box else "#BBBBBB",
            lw=8,
        )
        if c in box:
            a1.annotate(f"{lo:.3g} – {hi:.3g}", (1.02, y), fontsize=7, va="center")
    a1.set_yticks(ys)
    a1.set_yticklabels(names, fontsize=7)
    a1.set_xlim(0, 1.35)
    a1.set_xticks([0, 0.5, 1])
    a1.set_xlabel("position within the sampled range")
    a1.set_title("the chosen box (blue: restricted)", fontsize=9)
    interest = points["of_interest"].astype(bool)
    if len(dims) >= 2:
        cx, cy = dims[0][0], dims[1][0]
    elif len(dims) == 1:
        cx = dims[0][0]
        cy = next(c for c in names if c != cx) if len(names) > 1 else cx
    else:
        cx, cy = names[0], names[min(1, len(names) - 1)]
    a2.scatter(
        points.loc[~interest, cx],
        points.loc[~interest, cy],
        s=14,
        c="#BBBBBB",
        label="not of interest",
    )
    a2.scatter(points.loc[interest, cx], points.loc[interest, cy], s=16, c="#D55E00", label=label)
    xlo, xhi = box.get(cx, (points[cx].min(), points[cx].max()))
    ylo, yhi = box.get(cy, (points[cy].min(), points[cy].max()))
    a2.add_patch(Rectangle((xlo, ylo), xhi - xlo, yhi - ylo, fill=False, ec="#0072B2", lw=2))
    a2.set_xlabel(cx, fontsize=8)
    a2.set_ylabel(cy, fontsize=8)
    a2.legend(fontsize=7, loc="best")
    a2.set_title("points in the two most restricted dimensions", fontsize=9)
    fig.tight_layout()
    save(fig, path, *sources)
    plt.close(fig)


def run_discover(
    space: str,
    mechanism: str,
    outcome: str,
    condition: str,
    samples: int,
    seeds: int,
    out: Path,
    launcher: str | None = None,
    posterior: str | None = None,
    threshold: float = 0.8,
    seed: int = 0,
    extra: list[str] | None = None,
    resume: bool = False,
    run: bool = True,
) -> dict:
    from cogov_sim.analysis.space import load_space
    from cogov_sim.analysis.space_files import resolve_space
    from cogov_sim.results.sweep import read_runs

    quantity, op, value = parse_condition(condition)
    check_names([mechanism], [outcome])
    if samples < 10:
        raise ExploreError(f"--samples must be at least 10, not {samples}")
    if seeds < 1:
        raise ExploreError(f"--seeds must be at least 1, not {seeds}")
    if not 0 < threshold <= 1:
        raise ExploreError(f"--threshold must be in (0, 1], not {threshold:g}")
    sp = load_space(resolve_space(space))
    overrides = list(sp.overrides)
    if posterior:
        from cogov_sim.analysis.calibration.posterior import Posterior

        post = Posterior.load(posterior)
        fixed = {k: v for k, v in post.median().items() if k not in sp.names}
        overrides += [f"{k}={v}" for k, v in fixed.items()]
    overrides = merge_overrides(overrides, list(extra or []))
    out.mkdir(parents=True, exist_ok=True)
    points = sample_points(sp, samples, seed)
    sample_file = out / "samples.csv"
    if resume and sample_file.is_file():
        old = pd.read_csv(sample_file, index_col="sample")
        if old.shape != points.shape or not np.allclose(old.to_numpy(), points.to_numpy()):
            raise ExploreError(
                f"--resume: {sample_file} holds other points (another space, --samples or "
                "--seed); use a new --out"
            )
    points.to_csv(sample_file)
    meta = {
        "space": sp.path,
        "mechanism": mechanism,
        "outcome": outcome,
        "condition": condition,
        "samples": samples,
        "seeds": seeds,
        "seed": seed,
        "threshold": threshold,
        "overrides": overrides,
        "posterior": posterior,
    }
    (out / "discover.json").write_text(json.dumps(meta, indent=2) + "\n")
    if run:
        cmd = sweep_command(out, sp, samples, seeds, mechanism, overrides, launcher, resume)
        print(
            f"cogov-sim-explore: {samples} points x {seeds} seeds x 2 scenarios "
            f"= {2 * samples * seeds} runs",
            file=sys.stderr,
            flush=True,
        )
        done = subprocess.run(cmd)
        if done.returncode != 0:
            raise ExploreError(
                f"the sweep exited with code {done.returncode} (see {out / 'sweep'}/"
                "failures.csv); finish it with --resume"
            )
    table = per_point(read_runs(out / "sweep"), outcome, points)
    table["of_interest"] = OPERATORS[op](table[quantity], value)
    table.to_csv(out / "scenarios.csv")
    y = table["of_interest"].to_numpy(dtype=bool)
    n_interest = int(y.sum())
    label = f"{quantity} of {outcome} {op} {value:g}"
    if n_interest == 0 or n_interest == len(y):
        what = "no point" if n_interest == 0 else "every point"
        msg = (
            f"{what} of {len(y)} meets '{condition}' ({mechanism}, {outcome}): "
            "nothing for PRIM to separate; widen the space or change the condition"
        )
        (out / "box.md").write_text(msg + "\n")
        return {"message": msg, "table": table, "boxes": None}
    box = prim_boxes(table[sp.names], y, threshold)
    traj = trajectory_table(box, table[sp.names])
    traj.to_csv(out / "boxes.csv", index=False)
    chosen = choose(traj, threshold)
    dims = restricted(traj, chosen, table[sp.names])
    r = traj.loc[chosen]
    reached = bool(r.density >= threshold)
    why = (
        f"largest coverage with density >= {threshold:g}"
        if reached
        else f"no box reached density {threshold:g}: the densest one"
    )
    lines = [
        f"Condition: {mechanism}'s {label} (mean over {seeds} seed{'s' * (seeds > 1)}), in "
        f"{n_interest} of {len(y)} points ({n_interest / len(y):.0%}).",
        "",
        f"Chosen box {chosen} ({why}): coverage "
        f"{r.coverage:.0%}, density {r.density:.0%}, mass {r.mass:.0%}.",
        "",
        "| uncertainty | box | sampled range |",
        "|---|---|---|",
    ]
    for c, lo, hi in dims:
        lines.append(
            f"| `{c}` | {lo:.4g} – {hi:.4g} | {table[c].min():.4g} – {table[c].max():.4g} |"
        )
    if not dims:
        lines.append("| (none: the box is the whole space) | | |")
    (out / "box.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tradeoff_figure(traj, chosen, threshold, out / "tradeoff.png", out / "boxes.csv")
    box_figure(
        table, sp.names, dims, label, out / "box.png", out / "scenarios.csv", out / "boxes.csv"
    )
    where = "; ".join(f"{c} in [{lo:.3g}, {hi:.3g}]" for c, lo, hi in dims) or "everywhere"
    msg = (
        f"{n_interest}/{len(y)} points meet '{condition}'; box {chosen}: {where} "
        f"(coverage {r.coverage:.0%}, density {r.density:.0%}"
        + ("" if reached else f"; no box reached the threshold {threshold:g}")
        + ")"
    )
    return {"message": msg, "table": table, "boxes": traj, "chosen": chosen}
