"""The statistics of a sweep: the baseline, scenario effects and pairwise interactions."""

from __future__ import annotations

import math

import pandas as pd

from cogov_sim.core.outcomes import SUMMARY_KEYS
from cogov_sim.results.stats import mean_ci, paired_ci
from cogov_sim.results.sweep.folders import parse_value, split_override


def pick_baseline(runs: pd.DataFrame, baseline: str | None) -> str | None:
    """The baseline scenario: the one matching the given overrides (e.g.
    ``mechanisms=[emergency]``), else the one with ``mechanisms=[]``, else None."""
    scenarios = list(dict.fromkeys(runs["scenario"]))
    want = {}
    if baseline:
        for item in baseline.split():
            key, value = split_override(item)
            want[f"param.{key}"] = str(parse_value(value))
    elif "param.mechanisms" in runs.columns:
        want = {"param.mechanisms": "[]"}
    else:
        return None
    for scen in scenarios:
        row = runs[runs["scenario"] == scen].iloc[0]
        if all(k in runs.columns and str(row[k]) == v for k, v in want.items()):
            return scen
    if baseline:
        raise ValueError(
            f"baseline scenario {baseline!r} is not in this sweep "
            f"(scenarios: {'; '.join(scenarios)})"
        )
    return None


def _effect(t: pd.DataFrame, b: pd.DataFrame, outcome: str) -> tuple[float, float, float]:
    common = sorted(set(t["seed"]) & set(b["seed"]))
    if len(common) >= 2:
        tt = t.set_index("seed").loc[common, outcome]
        bb = b.set_index("seed").loc[common, outcome]
        return paired_ci(tt.to_numpy(), bb.to_numpy())
    x, y = t[outcome].dropna().to_numpy(), b[outcome].dropna().to_numpy()
    if x.size < 2 or y.size < 2:
        return (float(x.mean() - y.mean()) if x.size and y.size else math.nan, math.nan, math.nan)
    from scipy import stats

    d = x.mean() - y.mean()
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    se = math.sqrt(vx + vy)
    if se == 0:
        return float(d), float(d), float(d)
    dof = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1))
    half = stats.t.ppf(0.975, dof) * se
    return float(d), float(d - half), float(d + half)


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    return [k for k in SUMMARY_KEYS if k in runs.columns]


def scenario_table(runs: pd.DataFrame, baseline: str | None) -> pd.DataFrame:
    ok = runs[runs["status"] == "ok"]
    rows = []
    base = ok[ok["scenario"] == baseline] if baseline else None
    for scen, g in ok.groupby("scenario", sort=False):
        for outcome in outcome_columns(runs):
            m, lo, hi = mean_ci(g[outcome].to_numpy(dtype=float))
            row = {
                "scenario": scen,
                "outcome": outcome,
                "runs": int(g[outcome].notna().sum()),
                "mean": m,
                "ci_lo": lo,
                "ci_hi": hi,
                "baseline": baseline or "",
            }
            if base is not None and scen != baseline and len(base):
                e, elo, ehi = _effect(g, base, outcome)
                row.update(effect=e, effect_lo=elo, effect_hi=ehi)
            else:
                row.update(effect=math.nan, effect_lo=math.nan, effect_hi=math.nan)
            rows.append(row)
    return pd.DataFrame(rows)


def _mech_set(scenario: str) -> frozenset | None:
    """The mechanisms of a scenario that varies nothing but its mechanisms."""
    parts = scenario.split()
    if len(parts) != 1 or not parts[0].startswith("mechanisms="):
        return None
    inner = parts[0].split("=", 1)[1].strip("[]")
    return frozenset(x for x in inner.split(",") if x)


def interaction_table(runs: pd.DataFrame, baseline: str | None) -> pd.DataFrame:
    """Pair effect minus the sum of single effects (paired by seed), where all exist."""
    ok = runs[runs["status"] == "ok"]
    if not baseline:
        return pd.DataFrame()
    base_set = _mech_set(baseline) or frozenset()
    by_set = {}
    for scen in ok["scenario"].unique():
        ms = _mech_set(scen)
        if ms is not None:
            by_set[ms] = scen
    rows = []
    base = ok[ok["scenario"] == baseline].set_index("seed")
    for ms, scen in by_set.items():
        extra = ms - base_set
        if len(extra) != 2 or not base_set <= ms:
            continue
        a, b = sorted(extra)
        sa, sb = by_set.get(base_set | {a}), by_set.get(base_set | {b})
        if sa is None or sb is None:
            continue
        ab = ok[ok["scenario"] == scen].set_index("seed")
        ra = ok[ok["scenario"] == sa].set_index("seed")
        rb = ok[ok["scenario"] == sb].set_index("seed")
        seeds = sorted(set(ab.index) & set(ra.index) & set(rb.index) & set(base.index))
        if len(seeds) < 2:
            continue
        for outcome in outcome_columns(runs):
            inter = (
                ab.loc[seeds, outcome]
                - ra.loc[seeds, outcome]
                - rb.loc[seeds, outcome]
                + base.loc[seeds, outcome]
            ).to_numpy(dtype=float)
            m, lo, hi = mean_ci(inter)
            rows.append(
                {
                    "pair": f"{a}+{b}",
                    "outcome": outcome,
                    "runs": len(seeds),
                    "interaction": m,
                    "ci_lo": lo,
                    "ci_hi": hi,
                    "kind": (
                        "synergy"
                        if lo > 0
                        else "interference"
                        if hi < 0
                        else "additive (CI includes 0)"
                    ),
                }
            )
    return pd.DataFrame(rows)


def dose_parameter(runs: pd.DataFrame) -> str | None:
    """The one numeric parameter a sweep varies (besides the seed), if there is exactly one."""
    varied = []
    for c in runs.columns:
        if not c.startswith("param."):
            continue
        vals = runs[c].dropna().unique()
        if len(vals) > 1:
            varied.append(c)
    if len(varied) == 1 and pd.api.types.is_numeric_dtype(runs[varied[0]]):
        return varied[0]
    return None


#: the outcomes of :func:`scenario_markdown` by default: closure, response, disputes,
#: satisfaction and the model's own yearly cost
MARKDOWN_OUTCOMES = (
    "closure_rate",
    "response_hours_mean",
    "dispute_resolution_rate",
    "satisfaction_mean",
    "cost_funds",
)


def scenario_markdown(table: pd.DataFrame, outcomes=MARKDOWN_OUTCOMES) -> str:
    """A scenarios table (``scenarios.csv``) as Markdown: per scenario and outcome, the
    mean with its 95% CI and, beside the baseline, the paired effect with its CI."""

    def num(v: float) -> str:
        if not math.isfinite(v):
            return "–"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"

    def ci(m, lo, hi) -> str:
        if not math.isfinite(m):
            return "–"
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return num(m)
        return f"{num(m)} [{num(lo)}, {num(hi)}]"

    outcomes = [o for o in outcomes if o in set(table["outcome"])]
    lines = [
        "| scenario | outcome | runs | mean [95% CI] | effect vs baseline [95% CI] |",
        "|---|---|---:|---:|---:|",
    ]
    for scen, g in table.groupby("scenario", sort=False):
        rows = g.set_index("outcome")
        for o in outcomes:
            r = rows.loc[o]
            lines.append(
                f"| `{scen}` | `{o}` | {int(r['runs'])} | {ci(r['mean'], r['ci_lo'], r['ci_hi'])} "
                f"| {ci(r['effect'], r['effect_lo'], r['effect_hi'])} |"
            )
    return "\n".join(lines) + "\n"
