"""Mechanism effects with both uncertainties: parameters (posterior draws) and seeds.

For every mechanism ``m`` and outcome, the effect of one run pair is the paired
difference ``d = Y(m) - Y(baseline)`` (same seed, same parameters). With ``D``
posterior draws and ``S`` seeds per draw (every pair its own seed), a one-way
random-effects analysis of variance splits the spread of ``d``:

- ``var_parameters`` = max(0, (MSB - MSW) / S): how much the expected effect
  varies between parameter values the patterns leave plausible;
- ``var_seed`` = MSW: how much one street-year's effect varies by chance at
  fixed parameters;
- ``se_mean`` = sqrt(MSB / (D S)): the Monte Carlo error of the mean effect.

Reported intervals (95%):

- ``seed``: seed noise only, as a sweep at fixed parameters with the same number of
  runs would report it: mean ± 1.96 sqrt(var_seed / (D S));
- ``ci``: the Monte Carlo error of the posterior-mean effect: mean ± 1.96 se_mean;
- ``expected``: the expected (many-year) effect, given what is known about the
  parameters: mean ± t sqrt(var_parameters + se_mean²), with t the 97.5% quantile of
  Student's t with D - 1 degrees of freedom (the parameter part rests on D draws);
- ``total``: the effect one street would see in one year:
  mean ± t sqrt(var_parameters + var_seed + se_mean²);
- ``share_parameters`` / ``share_seed``: var_parameters and var_seed as shares of
  their sum (the variance of one street-year's effect, Monte Carlo error aside).

Without a posterior the parameters are the defaults: ``share_parameters`` is 0 by
construction, and the table says so. Shares are NaN where both variances are.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from cogov_sim.analysis.explore import ExploreError, check_names
from cogov_sim.analysis.explore.report import save
from cogov_sim.analysis.explore.runs import Case, run_cases

Z = 1.959963984540054


def decompose(d: np.ndarray) -> dict:
    """Variance components of paired effects ``d`` (draws x seeds), NaN-free rows only."""
    d = d[np.isfinite(d).all(axis=1)]
    n_draws, n_seeds = d.shape
    mean = float(d.mean()) if d.size else math.nan
    if n_draws == 0 or n_seeds < 2:
        return {
            "effect": mean,
            "draws_used": n_draws,
            "var_parameters": math.nan,
            "var_seed": math.nan,
            "se_mean": math.nan,
        }
    row_means = d.mean(axis=1)
    msw = float(((d - row_means[:, None]) ** 2).sum() / (n_draws * (n_seeds - 1)))
    if n_draws > 1:
        msb = float(n_seeds * ((row_means - mean) ** 2).sum() / (n_draws - 1))
        var_par = max(0.0, (msb - msw) / n_seeds)
        se = math.sqrt(msb / (n_draws * n_seeds))
    else:
        var_par = 0.0
        se = math.sqrt(msw / n_seeds)
    return {
        "effect": mean,
        "draws_used": n_draws,
        "var_parameters": var_par,
        "var_seed": msw,
        "se_mean": se,
    }


def effect_row(d: np.ndarray) -> dict:
    r = decompose(d)
    vp, vs, se = r["var_parameters"], r["var_seed"], r["se_mean"]
    m, n_draws = r["effect"], r["draws_used"]
    n_seeds = d.shape[1]
    # the parameter part rests on n_draws draws: a t quantile, not the normal's 1.96
    q = float(stats.t.ppf(0.975, n_draws - 1)) if n_draws > 1 else Z
    exp_half = q * math.sqrt(vp + se * se)
    tot_half = q * math.sqrt(vp + vs + se * se)
    seed_half = Z * math.sqrt(vs / max(1, n_draws * n_seeds))
    both = vp + vs
    ok = math.isfinite(both) and both > 0
    r.update(
        seed_lo=m - seed_half,
        seed_hi=m + seed_half,
        ci_lo=m - Z * se,
        ci_hi=m + Z * se,
        expected_lo=m - exp_half,
        expected_hi=m + exp_half,
        total_lo=m - tot_half,
        total_hi=m + tot_half,
        share_parameters=vp / both if ok else math.nan,
        share_seed=vs / both if ok else math.nan,
    )
    return r


def warn_posterior_overrides(post, extra: dict) -> None:
    """Say so when overrides change what the posterior was fitted under, or fix one of
    its parameters (the draws would overwrite it)."""
    import sys

    changed = {k: v for k, v in extra.items() if k in post.base and post.base[k] != v}
    if changed:
        print(
            f"cogov-sim-explore: warning: the posterior was fitted with "
            f"{ {k: post.base[k] for k in changed} }; these runs use {changed}",
            file=sys.stderr,
        )
    fixed = sorted(set(extra) & set(post.names))
    if fixed:
        raise ExploreError(
            f"{', '.join(fixed)}: a parameter of the posterior cannot also be an override "
            "(each draw sets it)"
        )


def run_effects(
    posterior: str | None,
    mechanisms: list[str] | None,
    outcomes: list[str],
    draws: int,
    seeds: int,
    overrides: list[str],
    out: Path,
    jobs: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    from cogov_sim.analysis.calibration.point import overrides_to_params
    from cogov_sim.analysis.calibration.posterior import Posterior, check_base
    from cogov_sim.analysis.patterns import load_patterns

    if seeds < 2:
        raise ExploreError(f"--seeds must be at least 2 (the seed variance), not {seeds}")
    if mechanisms is None:
        mechanisms = sorted({p.mechanism for p in load_patterns()})
    check_names(mechanisms, outcomes)
    if posterior:
        post = Posterior.load(posterior)
        if draws < 2:
            raise ExploreError(f"--draws must be at least 2 with a posterior, not {draws}")
        extra = overrides_to_params(overrides)
        warn_posterior_overrides(post, extra)
        base = {**post.base, **extra}
        points = post.draws(draws)
        source = f"{draws} draws of the posterior in {posterior}"
    else:
        base = overrides_to_params(overrides or ["world=street"])
        points = [{}]
        source = "the default parameters (no posterior: seed noise only)"
    check_base(base)
    scenarios = [()] + [(m,) for m in mechanisms]
    cases, owner = [], []
    for j, point in enumerate(points):
        for s in range(seeds):
            for sc in scenarios:
                cases.append(Case.make(sc, j * seeds + s, {**base, **point}))
                owner.append((j, s, sc))
    summaries = run_cases(cases, jobs, label="effects", progress=progress)
    res = {key: summ for key, summ in zip(owner, summaries, strict=True)}
    rows = []
    for m in mechanisms:
        for o in outcomes:
            d = np.array(
                [
                    [
                        res[(j, s, (m,))].get(o, math.nan) - res[(j, s, ())].get(o, math.nan)
                        for s in range(seeds)
                    ]
                    for j in range(len(points))
                ],
                dtype=float,
            )
            rows.append(
                {
                    "mechanism": m,
                    "outcome": o,
                    "draws": len(points),
                    "seeds": seeds,
                    **effect_row(d),
                }
            )
    table = pd.DataFrame(rows)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "effects.csv", index=False)
    head = (
        f"Effects of each mechanism against the baseline, from {source}, {seeds} seeds "
        f"each; overrides `{' '.join(f'{k}={v}' for k, v in sorted(base.items()))}`.\n\n"
    )
    (out / "effects.md").write_text(head + markdown(table) + "\n", encoding="utf-8")
    figure(table, out / "effects.png", out / "effects.csv")
    return table


def _f(v: float, outcome: str) -> str:
    if "hours" in outcome:
        return f"{v:+.0f} h"
    return f"{100 * v:+.1f}"


def _pct(v: float) -> str:
    return "–" if not np.isfinite(v) else f"{v:.0%}"


def markdown(table: pd.DataFrame) -> str:
    lines = [
        "Rates in percentage points. `seed-only`: the 95% CI a sweep at fixed parameters "
        "with as many runs would give; `expected`: the many-year effect given the parameter "
        "uncertainty; `one street-year`: what one street would see in one year; shares of "
        "the variance from parameters and from seeds.",
        "",
        "| mechanism | outcome | effect | seed-only 95% CI | expected (95%) | "
        "one street-year (95%) | from parameters | from seeds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        o = r.outcome
        lines.append(
            f"| {r.mechanism} | `{o}` | {_f(r.effect, o)} | "
            f"[{_f(r.seed_lo, o)}, {_f(r.seed_hi, o)}] "
            f"| [{_f(r.expected_lo, o)}, {_f(r.expected_hi, o)}] | "
            f"[{_f(r.total_lo, o)}, {_f(r.total_hi, o)}] | {_pct(r.share_parameters)} | "
            f"{_pct(r.share_seed)} |"
        )
    return "\n".join(lines)


def figure(table: pd.DataFrame, path: Path, source: Path | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table.outcome))
    mechs = list(dict.fromkeys(table.mechanism))
    fig, axes = plt.subplots(
        1,
        len(outcomes),
        figsize=(3.6 * len(outcomes), max(2.8, 0.38 * len(mechs) + 1.6)),
        squeeze=False,
    )
    for ax, o in zip(axes[0], outcomes, strict=True):
        g = table[table.outcome == o].set_index("mechanism").reindex(mechs)
        scale = 1.0 if "hours" in o else 100.0
        ys = np.arange(len(mechs))[::-1]
        ax.hlines(ys, g.total_lo * scale, g.total_hi * scale, color="#BBBBBB", lw=2)
        ax.hlines(ys, g.expected_lo * scale, g.expected_hi * scale, color="#0072B2", lw=5)
        ax.plot(g.effect * scale, ys, "o", color="#000000", ms=3)
        ax.axvline(0, color="#666666", lw=0.8)
        for y, share in zip(ys, g.share_parameters, strict=True):
            if np.isfinite(share):
                ax.annotate(
                    f"{share:.0%}",
                    (0.99, y + 0.32),
                    xycoords=("axes fraction", "data"),
                    fontsize=6,
                    ha="right",
                    va="center",
                    color="#0072B2",
                )
        ax.set_yticks(ys)
        ax.set_yticklabels(mechs if ax is axes[0][0] else [], fontsize=7)
        ax.set_title(o + (" (h)" if "hours" in o else " (points)"), fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(
        "Effects: blue = expected (parameter uncertainty), grey = one street-year "
        "(+ seed noise); % = share of the variance from parameters",
        fontsize=8,
    )
    fig.tight_layout()
    save(fig, path, *([source] if source else []))
    plt.close(fig)
