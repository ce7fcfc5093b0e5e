"""Policy packages under a budget: a multi-objective search over mechanisms and levers.

``cogov-sim-explore optimise`` searches the packages a levers file allows (each
mechanism on or off; numeric levers of the mechanisms that are on) with NSGA-II
(optuna's ``NSGAIISampler``, seeded), against the objectives of the file
(e.g. closure rate, dispute resolution, fairness gap, participation) and the
package's **yearly cost**, which is not an input: it is the model's own
``cost_funds`` (wages of the hours handlers worked plus what mechanisms spent)
minus the baseline's in the same seed and parameters, scaled to 365 days.

Every package is judged on the same ``draws x seeds`` pairs (posterior draws,
when a calibration folder is given, else the defaults; seeds per draw), so two
packages are compared under the same conditions. ``--robust mean`` scores each
objective by its mean over the pairs; ``--robust p10`` by its 10th percentile
for an objective to maximise (90th for one to minimise): the package that does
well in the worse conditions too. Trials are asked for a generation at a time,
and a generation's runs go to the worker processes together.

Writes into ``--out``: ``trials.csv`` (every package, its scores, mean and spread),
``pareto.csv`` / ``pareto.md`` (the non-dominated packages), ``pareto.png`` (each
objective against the cost, the front marked, the best package within budget
starred) and ``best.yaml`` (that package as config overrides).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cogov_sim.analysis.explore import ExploreError, check_names, merge_overrides
from cogov_sim.analysis.explore.report import save
from cogov_sim.analysis.explore.runs import Case, run_cases
from cogov_sim.analysis.listfile import read_list_file
from cogov_sim.analysis.space import Parameter, SpaceError, parse_parameter

DIRECTIONS = ("max", "min")


@dataclass
class Lever:
    parameter: Parameter
    needs: str


@dataclass
class Levers:
    mechanisms: list[str]
    levers: list[Lever]
    objectives: dict[str, str]
    overrides: list[str] = field(default_factory=list)
    path: str = ""


def load_levers(arg: str) -> Levers:
    """A levers file (a path, or the name of a packaged one such as ``levers_default``)."""
    from cogov_sim.analysis.space_files import resolve_space

    try:
        path = resolve_space(arg)
    except SpaceError:
        from cogov_sim.analysis.space_files import spaces_dir

        packaged = sorted(p.stem for p in spaces_dir().glob("levers_*.yaml"))
        raise SpaceError(
            f"no levers file {str(arg)!r}: not a file, nor a packaged one "
            f"(packaged: {', '.join(packaged)})"
        ) from None
    path, data, names = read_list_file(path, "mechanisms", "levers file", SpaceError)
    mechanisms = [str(m) for m in names]
    objectives = data.get("objectives") or {}
    if not isinstance(objectives, dict) or not objectives:
        raise SpaceError(f"{path}: expected 'objectives:' as outcome: max | min")
    for o, d in objectives.items():
        if d not in DIRECTIONS:
            raise SpaceError(f"{path}: objective {o!r}: direction must be max or min, not {d!r}")
    try:
        check_names(mechanisms, list(objectives))
    except ExploreError as exc:
        raise SpaceError(f"{path}: {exc}") from None
    levers = []
    for i, e in enumerate(data.get("levers") or []):
        par = parse_parameter(e, f"{path}: lever #{i + 1}")
        needs = e.get("needs")
        if needs not in mechanisms:
            raise SpaceError(
                f"{path}: lever '{par.name}': 'needs' must name one of the file's mechanisms, "
                f"not {needs!r}"
            )
        levers.append(Lever(par, needs))
    return Levers(
        mechanisms,
        levers,
        dict(objectives),
        [str(x) for x in data.get("overrides") or []],
        str(path),
    )


def robust_value(values: np.ndarray, direction: str, robust: str) -> float:
    v = values[np.isfinite(values)]
    if v.size == 0:
        return math.nan
    if robust == "mean":
        return float(v.mean())
    return float(np.quantile(v, 0.10 if direction == "max" else 0.90))


def nondominated(scores: np.ndarray, senses: list[str]) -> np.ndarray:
    """Mask of the rows of ``scores`` no other row dominates (``senses``: max / min)."""
    s = np.where(np.array(senses) == "max", -scores, scores)  # all to minimise
    ok = np.isfinite(s).all(axis=1)
    front = np.zeros(len(s), dtype=bool)
    for i in np.flatnonzero(ok):
        others = s[ok]
        dominated = np.any(np.all(others <= s[i], axis=1) & np.any(others < s[i], axis=1))
        front[i] = not dominated
    return front


def run_optimise(
    levers: str,
    trials: int,
    seeds: int,
    draws: int,
    posterior: str | None,
    budget: float | None,
    prefer: str,
    robust: str,
    out: Path,
    seed: int = 0,
    jobs: int | None = None,
    extra: list[str] | None = None,
    population: int | None = None,
    progress: bool = True,
) -> dict:
    import optuna

    from cogov_sim.analysis.calibration.point import overrides_to_params
    from cogov_sim.analysis.calibration.posterior import Posterior, check_base
    from cogov_sim.analysis.explore.effects import warn_posterior_overrides

    spec = load_levers(levers)
    if prefer not in spec.objectives:
        raise ExploreError(
            f"--prefer {prefer!r} is not an objective of {spec.path} "
            f"(objectives: {', '.join(spec.objectives)})"
        )
    if trials < 2 or seeds < 1:
        raise ExploreError("need --trials >= 2 and --seeds >= 1")
    overrides = merge_overrides(spec.overrides, list(extra or []))
    if posterior:
        post = Posterior.load(posterior)
        if draws < 1:
            raise ExploreError(f"--draws must be at least 1, not {draws}")
        points = post.draws(draws)
        fixed = overrides_to_params(overrides)
        warn_posterior_overrides(post, fixed)
        base = {**post.base, **fixed}
    else:
        points = [{}]
        base = overrides_to_params(overrides)
    check_base(base)
    if budget is not None and not math.isfinite(budget):
        raise ExploreError(f"--budget must be a number of yuan, not {budget}")
    steps = int(base.get("steps", 365))
    per_year = 365.0 / steps
    pairs = [(j, s) for j in range(len(points)) for s in range(seeds)]

    def seed_of(j: int, s: int) -> int:
        return j * seeds + s

    # the baseline of every pair, once
    base_cases = [Case.make((), seed_of(j, s), {**base, **points[j]}) for j, s in pairs]
    baselines = run_cases(base_cases, jobs, label="baselines", progress=progress)

    names = list(spec.objectives)
    senses = [spec.objectives[o] for o in names]
    directions = ["maximize" if d == "max" else "minimize" for d in senses] + ["minimize"]
    population = population or max(4, min(16, trials // 3))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        directions=directions,
        sampler=optuna.samplers.NSGAIISampler(population_size=population, seed=seed),
    )
    records: list[dict] = []
    done = 0
    while done < trials:
        batch = [study.ask() for _ in range(min(population, trials - done))]
        packages = []
        for trial in batch:
            on = [
                m for m in spec.mechanisms if trial.suggest_categorical(f"use.{m}", [False, True])
            ]
            knobs = {}
            for lv in spec.levers:
                if lv.needs in on:
                    p = lv.parameter
                    knobs[p.name] = (
                        trial.suggest_int(p.name, int(p.low), int(p.high))
                        if p.integer
                        else trial.suggest_float(p.name, p.low, p.high)
                    )
            packages.append((tuple(on), knobs))
        cases = [
            Case.make(on, seed_of(j, s), {**base, **points[j], **knobs})
            for on, knobs in packages
            for j, s in pairs
        ]
        summaries = run_cases(
            cases, jobs, label=f"trials {done + 1}-{done + len(batch)}/{trials}", progress=progress
        )
        for k, (trial, (on, knobs)) in enumerate(zip(batch, packages, strict=True)):
            res = summaries[k * len(pairs) : (k + 1) * len(pairs)]
            rec = {
                "trial": trial.number,
                "package": "+".join(on) or "(none)",
                "mechanisms": len(on),
                **knobs,
            }
            values = []
            for o, d in zip(names, senses, strict=True):
                v = np.array([r.get(o, math.nan) for r in res], dtype=float)
                rec[o] = robust_value(v, d, robust)
                rec[f"{o}.mean"] = float(np.nanmean(v)) if np.isfinite(v).any() else math.nan
                rec[f"{o}.sd"] = float(np.nanstd(v)) if np.isfinite(v).any() else math.nan
                values.append(rec[o])
            cost = np.array(
                [
                    (r["cost_funds"] - b["cost_funds"]) * per_year
                    for r, b in zip(res, baselines, strict=True)
                ],
                dtype=float,
            )
            rec["extra_cost_yuan"] = robust_value(cost, "min", robust)
            rec["extra_cost_yuan.mean"] = float(cost.mean())
            values.append(rec["extra_cost_yuan"])
            if all(np.isfinite(values)):
                study.tell(trial, values)
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            records.append(rec)
        done += len(batch)

    table = pd.DataFrame(records)
    base_rec = {"trial": -1, "package": "(baseline)", "mechanisms": 0, "extra_cost_yuan": 0.0}
    for o, d in zip(names, senses, strict=True):
        base_rec[o] = robust_value(
            np.array([b.get(o, math.nan) for b in baselines], float), d, robust
        )
    # Doing nothing is a package too: it may dominate packages, and may be the best buy.
    table = pd.concat([pd.DataFrame([base_rec]), table], ignore_index=True)
    scores = table[names + ["extra_cost_yuan"]].to_numpy(dtype=float)
    table["on_front"] = nondominated(scores, senses + ["min"])
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "trials.csv", index=False)
    front = table[table.on_front].sort_values("extra_cost_yuan").reset_index(drop=True)
    front.to_csv(out / "pareto.csv", index=False)

    best = None
    pick_sense = spec.objectives[prefer]
    if budget is not None:
        within = front[front.extra_cost_yuan <= budget]
        if not within.empty:
            best = within.sort_values(prefer, ascending=(pick_sense == "min")).iloc[0]
    meta = {
        "levers": spec.path,
        "trials": trials,
        "seeds": seeds,
        "draws": len(points),
        "posterior": posterior,
        "robust": robust,
        "budget": budget,
        "prefer": prefer,
        "overrides": overrides,
        "population": population,
        "seed": seed,
    }
    (out / "optimise.json").write_text(json.dumps(meta, indent=2) + "\n")
    if best is not None:
        knob_cols = [lv.parameter.name for lv in spec.levers]
        on = [] if best.package in ("(none)", "(baseline)") else best.package.split("+")
        lines = [*overrides, f"mechanisms=[{','.join(on)}]"] + [
            f"{c}={_val(best[c])}" for c in knob_cols if c in best and pd.notna(best[c])
        ]
        judged = f", judged on {len(points)} draws of {posterior}" if posterior else ""
        (out / "best.yaml").write_text(
            f"# The best package within the budget (cogov-sim-explore optimise{judged});\n"
            "# run it with\n"
            f"#   cogov-sim {' '.join(lines)}\n" + yaml.safe_dump({"overrides": lines})
        )
    md = markdown(front, names, senses, spec, meta, base_rec, best)
    (out / "pareto.md").write_text(md, encoding="utf-8")
    figure(table, names, senses, base_rec, best, budget, out / "pareto.png", out / "trials.csv")
    if budget is None:
        msg = f"{len(front)} packages on the Pareto front of {len(table)} tried"
    elif best is None:
        msg = (
            f"no package on the front costs at most {budget:,.0f} yuan a year; the cheapest "
            f"costs {front.extra_cost_yuan.min():,.0f}"
        )
    else:
        msg = (
            f"{len(front)} packages on the Pareto front of {len(table)}; best within "
            f"{budget:,.0f} yuan a year by {prefer}: {best.package} ({prefer} "
            f"{best[prefer]:.3f}, {best.extra_cost_yuan:,.0f} yuan)"
        )
    return {"message": msg, "table": table, "front": front, "best": best}


def _val(v):
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    return round(float(v), 4) if isinstance(v, (float, np.floating)) else v


def markdown(front, names, senses, spec, meta, base_rec, best) -> str:
    knob_cols = [lv.parameter.name for lv in spec.levers]
    head = (
        f"Pareto front of {meta['trials']} packages (NSGA-II, seed {meta['seed']}), each judged "
        f"on {meta['draws']} parameter draws x {meta['seeds']} seeds by the "
        f"{'mean' if meta['robust'] == 'mean' else '10th percentile (worst case)'}; "
        "extra cost: the model's `cost_funds` over the baseline's, yuan per year.\n\n"
    )
    cols = ["package", *names, "extra cost (yuan/yr)", "levers"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]

    def row(r, label=None) -> str:
        knobs = ", ".join(
            f"{c.split('.')[-1]}={_val(r[c])}" for c in knob_cols if c in r and pd.notna(r[c])
        )
        vals = [f"{r[o]:.3f}" for o in names]
        return (
            "| "
            + " | ".join(
                [label or r["package"], *vals, f"{r['extra_cost_yuan']:,.0f}", knobs or "–"]
            )
            + " |"
        )

    if not (front.package == "(baseline)").any():
        lines.append(row(pd.Series(base_rec), "(baseline, dominated)"))
    for _, r in front.iterrows():
        lines.append(row(r))
    tail = ""
    if meta["budget"] is not None:
        if best is None:
            tail = (
                f"\nNo package on the front fits a budget of {meta['budget']:,.0f} yuan a year.\n"
            )
        else:
            tail = (
                f"\nBest within {meta['budget']:,.0f} yuan a year by `{meta['prefer']}`: "
                f"**{best['package']}** ({best['extra_cost_yuan']:,.0f} yuan).\n"
            )
    return head + "\n".join(lines) + "\n" + tail


def figure(table, names, senses, base_rec, best, budget, path: Path, *sources: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(names)
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.6 * rows), squeeze=False)
    tried = table[table.trial >= 0]
    cost = tried.extra_cost_yuan / 1000.0
    for k, (o, d) in enumerate(zip(names, senses, strict=True)):
        ax = axes[k // cols][k % cols]
        ax.scatter(cost, tried[o], s=14, c="#BBBBBB", label="package tried")
        f = tried[tried.on_front]
        ax.scatter(f.extra_cost_yuan / 1000.0, f[o], s=22, c="#0072B2", label="Pareto front")
        ax.plot(0, base_rec[o], "s", color="#000000", ms=6, label="baseline")
        if best is not None:
            ax.plot(
                best.extra_cost_yuan / 1000.0,
                best[o],
                "*",
                color="#D55E00",
                ms=14,
                label="best within budget",
            )
        if budget is not None:
            ax.axvline(budget / 1000.0, color="#D55E00", ls="--", lw=1)
        ax.set_xlabel("extra cost (thousand yuan per year)", fontsize=8)
        ax.set_ylabel(f"{o} ({'higher' if d == 'max' else 'lower'} is better)", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    axes[0][0].legend(fontsize=7, loc="best")
    fig.suptitle("Policy packages: each objective against the yearly cost", fontsize=10)
    fig.tight_layout()
    save(fig, path, *sources)
    plt.close(fig)
