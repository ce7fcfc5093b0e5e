"""What a mechanism's effect comes through: one pathway switched off at a time.

For a mechanism (or a package of them) on a world, each seed runs the
baseline (no mechanisms), the mechanism in full, and the mechanism with each
pathway switched off in turn (``pathways_off``; the pathways are added hours,
information and discovery, routing, residents' behaviour, money and skill:
:mod:`cogov_sim.core.mechanisms.pathways`). A pathway's share of the effect on
an outcome is

    share_p = mean_s(full_s - off_p,s) / mean_s(full_s - base_s)

(the part of the effect lost when it is off), with a 95% interval from a
bootstrap over seeds (paired); ``rest`` is 1 minus the shares' sum: what the
pathways do only together (or against each other). A pathway the mechanism
does not use has a share of exactly 0. Where the effect's own 95% interval
includes 0 (``clear`` False), the shares are ratios to noise: the tables show
"no clear effect" instead.

``cogov-sim-explore decompose`` writes ``decomposition.csv`` (one row per
mechanism, outcome and pathway), ``decomposition.md`` and ``decomposition.png``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.analysis.explore.runs import Case, run_cases
from cogov_sim.core.mechanisms.pathways import PATHWAYS

#: bootstrap resamples of the seeds for the shares' intervals
BOOTSTRAP = 2000


class DecomposeError(ValueError):
    """A decomposition that cannot run (bad mechanism, outcome or seeds)."""


def cases_for(mechanisms: Sequence[str], seeds: Sequence[int], params: dict) -> list[Case]:
    """Per seed: the baseline, the mechanisms in full, and one run per pathway off."""
    out = []
    for seed in seeds:
        out.append(Case.make((), seed, params))
        out.append(Case.make(mechanisms, seed, params))
        for p in PATHWAYS:
            out.append(Case.make(mechanisms, seed, {**params, "pathways_off": [p]}))
    return out


def _boot_share(full, base, off, rng) -> tuple[float, float, float]:
    effect = full - base
    lost = full - off
    den = effect.mean()
    share = lost.mean() / den if den != 0 else math.nan
    if not np.isfinite(share):
        return math.nan, math.nan, math.nan
    n = full.size
    idx = rng.integers(0, n, (BOOTSTRAP, n))
    d = effect[idx].mean(axis=1)
    num = lost[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(d != 0, num / d, np.nan)
    b = b[np.isfinite(b)]
    if b.size < BOOTSTRAP // 2:
        return share, math.nan, math.nan
    lo, hi = np.percentile(b, [2.5, 97.5])
    return float(share), float(lo), float(hi)


def decompose(
    mechanisms: Sequence[str],
    outcomes: Sequence[str],
    seeds: Sequence[int],
    params: dict | None = None,
    jobs: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """The pathway shares of the effect of ``mechanisms`` on each of ``outcomes``."""
    if len(seeds) < 2:
        raise DecomposeError("a decomposition needs at least 2 seeds (paired intervals)")
    params = dict(params or {})
    cases = cases_for(mechanisms, seeds, params)
    res = run_cases(cases, jobs=jobs, label="decompose " + "+".join(mechanisms), progress=progress)
    per = 2 + len(PATHWAYS)
    rows = []
    rng = np.random.default_rng(0)
    for outcome in outcomes:
        if outcome not in res[0]:
            raise DecomposeError(f"unknown outcome {outcome!r}")
        v = np.array([[r[outcome] for r in res[i : i + per]] for i in range(0, len(res), per)])
        base, full = v[:, 0], v[:, 1]
        ok = np.isfinite(base) & np.isfinite(full)
        effect = full[ok] - base[ok]
        m = effect.mean() if effect.size else math.nan
        sd = effect.std(ddof=1) if effect.size > 1 else math.nan
        half = 1.96 * sd / math.sqrt(effect.size) if effect.size > 1 else math.nan
        shares = []
        for j, p in enumerate(PATHWAYS):
            off = v[:, 2 + j]
            keep = ok & np.isfinite(off)
            if np.array_equal(off[keep], full[keep]):
                share, lo, hi = 0.0, 0.0, 0.0
            else:
                share, lo, hi = _boot_share(full[keep], base[keep], off[keep], rng)
            shares.append(share)
            rows.append(_row(mechanisms, outcome, p, m, half, share, lo, hi, len(seeds)))
        rest = 1.0 - float(np.nansum(shares)) if np.isfinite(m) and m != 0 else math.nan
        rows.append(
            _row(mechanisms, outcome, "rest", m, half, rest, math.nan, math.nan, len(seeds))
        )
    return pd.DataFrame(rows)


def _row(mechanisms, outcome, pathway, effect, half, share, lo, hi, n) -> dict:
    clear = bool(np.isfinite(half) and abs(effect) > half)
    return {
        "mechanism": "+".join(mechanisms),
        "outcome": outcome,
        "effect": effect,
        "effect_lo": effect - half,
        "effect_hi": effect + half,
        "clear": clear,
        "pathway": pathway,
        "share": share,
        "share_lo": lo,
        "share_hi": hi,
        "seeds": n,
    }


def _pct(v: float) -> str:
    return "–" if not np.isfinite(v) else f"{100 * v:+.0f}%"


def main_pathway(df: pd.DataFrame) -> pd.DataFrame:
    """Per mechanism and outcome: the pathway with the largest share."""
    named = df[(df["pathway"] != "rest") & df["share"].notna() & df["clear"]]
    idx = named.groupby(["mechanism", "outcome"])["share"].idxmax().dropna()
    return named.loc[idx, ["mechanism", "outcome", "pathway", "share"]].reset_index(drop=True)


def markdown(df: pd.DataFrame) -> str:
    """One row per mechanism and outcome: the effect and each pathway's share [CI]."""
    head = "| mechanism | outcome | effect (95% CI) | " + " | ".join(PATHWAYS) + " | rest |"
    lines = [head, "|" + "---|" * (len(PATHWAYS) + 4)]
    for (mech, outcome), g in df.groupby(["mechanism", "outcome"], sort=False):
        g = g.set_index("pathway")
        e = g["effect"].iloc[0]
        cells = [
            f"{mech}",
            f"`{outcome}`",
            f"{e:+.3g} [{g['effect_lo'].iloc[0]:+.3g}, {g['effect_hi'].iloc[0]:+.3g}]",
        ]
        if not bool(g["clear"].iloc[0]):
            cells += ["no clear effect"] + [""] * len(PATHWAYS)
            lines.append("| " + " | ".join(cells) + " |")
            continue
        for p in PATHWAYS:
            s, lo, hi = g.loc[p, ["share", "share_lo", "share_hi"]]
            bare = s == 0 or not np.isfinite(lo)
            cells.append(_pct(s) if bare else f"{_pct(s)} [{_pct(lo)}, {_pct(hi)}]")
        cells.append(_pct(g.loc["rest", "share"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def figure(df: pd.DataFrame, path: Path) -> None:
    """Stacked bars: each mechanism-outcome's effect split into pathway shares."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(df.groupby(["mechanism", "outcome"], sort=False))
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(groups) + 1.6))
    colours = plt.get_cmap("tab10").colors
    for i, (_key, g) in enumerate(groups):
        if not bool(g["clear"].iloc[0]):
            continue  # no clear effect: no bar
        g = g.set_index("pathway")
        left_pos = left_neg = 0.0
        for j, p in enumerate([*PATHWAYS, "rest"]):
            s = float(g.loc[p, "share"]) if p in g.index else 0.0
            if not np.isfinite(s) or s == 0:
                continue
            if s > 0:
                ax.barh(i, s, left=left_pos, color=colours[j % 10], label=p if i == 0 else None)
                left_pos += s
            else:
                ax.barh(i, s, left=left_neg, color=colours[j % 10], label=p if i == 0 else None)
                left_neg += s
    ax.set_yticks(range(len(groups)))
    ax.set_yticklabels([f"{m}: {o}" for (m, o), _ in groups], fontsize=8)
    ax.axvline(0, color="black", lw=0.6)
    ax.axvline(1, color="grey", lw=0.6, ls="--")
    ax.set_xlabel("share of the effect lost when the pathway is off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[j % 10]) for j in range(len(PATHWAYS) + 1)]
    ax.legend(handles, [*PATHWAYS, "rest"], loc="lower right", fontsize=7, ncol=4)
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write(df: pd.DataFrame, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "decomposition.csv", index=False)
    (out / "decomposition.md").write_text(
        "# What each effect comes through\n\n"
        "Share of the effect lost when one pathway is switched off (95% bootstrap interval "
        "over seeds); `rest` is what the pathways do only together.\n\n" + markdown(df),
        encoding="utf-8",
    )
    figure(df, out / "decomposition.png")
