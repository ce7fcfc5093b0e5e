"""Calibration to a community's own work-order log.

``cogov-sim-fit calibrate`` is the project's posterior calibration
(:mod:`cogov_sim.analysis.calibration.posterior`: neural posterior estimation with
``sbi``) conditioned on the log's statistics instead of the report's patterns:

1. **parameters** (:func:`log_space`): the occurrence rate of every issue type the
   log's mapping uses (``issues.<type>.rate``, from 0.25 to 10 times its default; at
   most 4 times for a type occurring more than once a household-year, the street-level
   light matters),
   and the handling times that set how long orders stay open: a department's
   elapsed days to its remedy (``departments.remedy_lag_days``), a property firm's
   and an NGO's delay before work starts (``firms.response_delay_hours``,
   ``ngos.response_delay_hours``), the days to a mediation committee's first
   session (``mediators.convene_days``) and the hours each member gives a day
   (``mediators.hours_each_per_day``; the members are the staffing file's) — each
   from 0.25 to 3 times its default;
2. **statistics**: per type, orders per 1,000 households a year and the median and
   90th percentile of hours to close (on a log scale, as the network sees them);
3. ``simulations`` points of the prior (a Sobol sequence), one run each on the
   user's world, saved as they finish (``simulations.jsonl``: a killed calibration
   resumes); NPE fitted and conditioned on the log; the posterior median is the
   calibrated parameter set (``calibrated/median.yaml``, for any run:
   ``cogov-sim -cd OUT +calibrated=median world=...``; ``median_overrides.txt``,
   the same as overrides);
4. **the check**: the fit report of the calibrated model (``check/``) beside the
   uncalibrated one (``uncalibrated/``), and ``before_after.csv``: the distance to
   the log (mean absolute log ratio, :func:`cogov_sim.analysis.fit.report.distance`)
   over the statistics fitted and over every statistic, and how many statistics moved
   closer.

**What a log cannot identify.** A log holds what was *reported*, so it pins down
occurrence times the share reported, never either alone: the calibration fits the
rates with the model's discovery (residents' ``self_report``, patrols, visits,
``residents.hotline_share``) held at its defaults, and a rate it returns is the
rate at which *that* discovery gives the log's counts. Issues nobody reported, the
share the grid worker settles on the spot before anyone calls, and who reported
(the channel, unless the log records it) are beyond any log of reports; the model's
discovery stands in for them, and a different assumption about discovery gives
different rates that fit the log as well. The weekly and daily cycles and the
over-dispersion of daily counts are reported, never fitted: the model has no
parameter for them (a disagreement to read, not to tune away).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.analysis.fit import report as rp
from cogov_sim.analysis.fit.orders import Mapping, Orders
from cogov_sim.analysis.space import Parameter, Space

log = logging.getLogger("cogov_sim.analysis.fit")

#: handling-time parameters and the issue types whose closing times they move
HANDLING = (
    "departments.remedy_lag_days",
    "firms.response_delay_hours",
    "ngos.response_delay_hours",
    "mediators.convene_days",
    "mediators.hours_each_per_day",
)
RATE_RANGE = (0.25, 10.0)
#: the upper multiplier of a type occurring more than once a household-year (street-level
#: light matters: ten times theirs would be a million issues a year on a small street)
LIGHT_RATE_HIGH = 4.0
HANDLING_RANGE = (0.25, 3.0)


def _default(key: str) -> float:
    from cogov_sim.core.config import make_config

    node = make_config(None)
    for part in key.split("."):
        node = getattr(node, part)
    return float(node)


def log_space(types: list[str]) -> Space:
    """The parameters a log can inform (see the module's docstring)."""
    params = []
    for t in types:
        d = _default(f"issues.{t}.rate")
        hi = RATE_RANGE[1] if d <= 1.0 else LIGHT_RATE_HIGH
        params.append(Parameter(f"issues.{t}.rate", d * RATE_RANGE[0], d * hi))
    for key in HANDLING:
        d = _default(key)
        params.append(Parameter(key, d * HANDLING_RANGE[0], d * HANDLING_RANGE[1]))
    return Space(parameters=params, outcomes=[])


def target_keys(types: list[str]) -> list[str]:
    return [f"{s}_{t}" for t in types for s in ("rate", "close_p50", "close_p90")]


def _transform(x: np.ndarray) -> np.ndarray:
    return np.log1p(np.maximum(x, 0.0))


def _sim(job: tuple) -> dict:
    return rp._simulate(job)["stats"]


def calibrate(
    params: dict,
    orders: Orders,
    mapping: Mapping,
    out,
    simulations: int = 160,
    draws: int = 500,
    seed: int = 0,
    jobs: int = 1,
    check_seeds: int = 8,
    figures: bool = True,
) -> dict:
    """Calibrate the model on the user's world (``params``) to the log; see the module."""
    from cogov_sim.analysis.calibration.point import write_config
    from cogov_sim.analysis.calibration.posterior import fit, prior_points
    from cogov_sim.core.config import make_config

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    make_config(None, **params)  # a bad world fails here, before any run
    world = rp.world_model(params).world
    types = sorted(set(orders.frame["type"]))
    if not types:
        raise rp.FitError("the log has no usable orders to calibrate to")
    space = log_space(types)
    keys = target_keys(types)
    setup = {
        "params": params,
        "space": [(p.name, p.low, p.high) for p in space.parameters],
        "log_days": orders.days,
        "log_orders": len(orders.frame),
        "channels": mapping.channels,
        "categories": mapping.categories,
        "files": dict(world.source.digests) if world.source is not None else {},
        "log": hashlib.sha256(orders.frame.to_csv(index=False).encode()).hexdigest(),
        "seed": seed,
    }
    key = hashlib.sha256(json.dumps(setup, sort_keys=True, default=str).encode()).hexdigest()[:16]
    sims_path = out / "simulations.jsonl"
    done: dict[int, dict] = {}
    if sims_path.is_file():
        lines = sims_path.read_text(encoding="utf-8").splitlines()
        for n_line, line in enumerate(lines):
            try:
                rec = json.loads(line)
            except ValueError:
                if n_line == len(lines) - 1:  # cut short when the calibration was killed
                    sims_path.write_text("".join(x + "\n" for x in lines[:-1]), encoding="utf-8")
                    break
                raise rp.FitError(f"{sims_path}, line {n_line + 1}: not a simulation") from None
            if rec.get("key") != key:
                raise rp.FitError(
                    f"{sims_path} holds simulations of another calibration (another world, "
                    "log or seed): choose another --out, or delete the file"
                )
            done[int(rec["i"])] = rec["stats"]
        if done:
            print(f"cogov-sim-fit: resuming, {len(done)} simulations done", file=sys.stderr)
    theta = prior_points(space, simulations, seed)
    weekday = int(orders.start.weekday()) if orders.start is not None else 0
    todo = [i for i in range(simulations) if i not in done]
    jobs_list = [
        ({**params, **space.values(theta[i])}, i, orders.days, mapping.channel_codes, weekday,
         types, orders.roles)
        for i in todo
    ]  # fmt: skip
    with open(sims_path, "a", encoding="utf-8") as fh:

        def keep(i: int, stats: dict, k: int) -> None:
            done[i] = stats
            fh.write(json.dumps({"key": key, "i": i, "stats": stats}) + "\n")
            fh.flush()
            if (k + 1) % max(1, len(todo) // 20) == 0 or k + 1 == len(todo):
                print(
                    f"cogov-sim-fit: simulations {len(done)}/{simulations}",
                    file=sys.stderr,
                    flush=True,
                )

        if jobs > 1 and len(jobs_list) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for k, (i, stats) in enumerate(zip(todo, pool.map(_sim, jobs_list), strict=True)):
                    keep(i, stats, k)
        else:
            for k, (i, job) in enumerate(zip(todo, jobs_list, strict=True)):
                keep(i, _sim(job), k)

    x = np.array([[done[i].get(k, math.nan) for k in keys] for i in range(simulations)])
    log_stats = rp.st.statistics(orders.frame, orders.days, world, types, orders.roles)
    x_obs = np.array([log_stats[k] for k in keys])
    usable = np.isfinite(x_obs)
    if not usable.any():
        raise rp.FitError("none of the log's statistics is defined (too few closed orders)")
    keys_used = [k for k, u in zip(keys, usable, strict=True) if u]
    samples, info = fit(
        theta, _transform(x[:, usable]), _transform(x_obs[usable]), space, seed, draws
    )
    post = pd.DataFrame(samples, columns=space.names)
    post.to_csv(out / "posterior.csv", index=False)
    median = {k: float(v) for k, v in post.median().items()}
    calibrated = {**params, **median}
    write_config(
        median,
        out,
        math.nan,
        name="median",
        what=f"cogov-sim-fit calibrate, posterior median fitted to {Path(orders.source).name}",
    )
    before = rp.report(
        params, orders, mapping, out / "uncalibrated", seeds=check_seeds, jobs=jobs,
        figures=figures, title="uncalibrated",
    )  # fmt: skip
    after = rp.report(
        calibrated, orders, mapping, out / "check", seeds=check_seeds, jobs=jobs,
        figures=figures, title="calibrated",
    )  # fmt: skip
    fitted = set(keys_used)

    def dist(tab, only):
        t = tab[tab["statistic"].isin(fitted)] if only else tab
        return rp.distance(t)

    def closer(only):
        b = before["table"].set_index("statistic")
        a = after["table"].set_index("statistic")
        keys = [k for k in b.index if (k in fitted or not only)]
        n = 0
        for k in keys:
            lb, la = b.loc[k, "log"], a.loc[k, "log"]
            mb, ma = b.loc[k, "model_mean"], a.loc[k, "model_mean"]
            if min(lb, mb, ma) > 0 and abs(math.log(ma / la)) < abs(math.log(mb / lb)):
                n += 1
        return n

    comparison = pd.DataFrame(
        [
            {
                "statistics": "fitted",
                "n": len(fitted),
                "uncalibrated": dist(before["table"], True),
                "calibrated": dist(after["table"], True),
                "closer": closer(True),
            },
            {
                "statistics": "all",
                "n": len(after["table"]),
                "uncalibrated": dist(before["table"], False),
                "calibrated": dist(after["table"], False),
                "closer": closer(False),
            },
        ]
    )
    comparison.to_csv(out / "before_after.csv", index=False)
    summary = []
    for p in space.parameters:
        col = post[p.name]
        prior_sd = (p.high - p.low) / math.sqrt(12.0)
        summary.append(
            {
                "name": p.name,
                "default": _default(p.name),
                "low": p.low,
                "high": p.high,
                "posterior_median": float(col.median()),
                "posterior_q05": float(col.quantile(0.05)),
                "posterior_q95": float(col.quantile(0.95)),
                "contraction": float(1.0 - (col.std() / prior_sd) ** 2),
            }
        )
    params_table = pd.DataFrame(summary)
    params_table.to_csv(out / "parameters.csv", index=False)
    (out / "parameters.md").write_text(parameters_markdown(params_table), encoding="utf-8")
    (out / "before_after.md").write_text(comparison_markdown(comparison), encoding="utf-8")
    meta = {
        "setup": setup,
        "key": key,
        "statistics_fitted": keys_used,
        "fit": info,
        "distance": comparison.to_dict(orient="records"),
    }
    (out / "calibration.json").write_text(json.dumps(meta, indent=2, default=str))
    return {"comparison": comparison, "parameters": params_table, "meta": meta}


def parameters_markdown(tab: pd.DataFrame) -> str:
    lines = [
        "| parameter | default | prior | posterior median | 90% interval | contraction |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in tab.itertuples(index=False):
        lines.append(
            f"| `{r.name}` | {r.default:.3g} | {r.low:.3g}–{r.high:.3g} | "
            f"{r.posterior_median:.3g} | {r.posterior_q05:.3g}–{r.posterior_q95:.3g} | "
            f"{r.contraction:.2f} |"
        )
    return "\n".join(lines) + "\n"


def comparison_markdown(tab: pd.DataFrame) -> str:
    lines = [
        "| statistics | how many | distance, uncalibrated | distance, calibrated | closer |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in tab.itertuples(index=False):
        lines.append(
            f"| {r.statistics} | {r.n} | {r.uncalibrated:.3f} | {r.calibrated:.3f} | "
            f"{r.closer} of {r.n} |"
        )
    return "\n".join(lines) + "\n"
