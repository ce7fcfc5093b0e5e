"""The figures of a sweep: effects, time-series bands and dose-response."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.results.stats import mean_ci
from cogov_sim.results.sweep.folders import BAND_COLUMNS

KEY_OUTCOMES = (
    "closure_rate",
    "light_closure_rate",
    "dispute_resolution_rate",
    "response_hours_mean",
    "participation_rate",
    "satisfaction_mean",
    "vulnerable_coverage",
    "property_satisfaction",
    "escalation_rate",
)


def _short(s: str, n: int = 48) -> str:
    s = s.replace("mechanism_params.", "").replace("mechanisms=", "")
    return s if len(s) <= n else s[: n - 1] + "…"


def effects_figure(table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = table[table["outcome"].isin(KEY_OUTCOMES) & table["effect"].notna()]
    outs = [o for o in KEY_OUTCOMES if o in set(t["outcome"])]
    if not outs:
        return
    scen = list(dict.fromkeys(t["scenario"]))
    cols = min(4, len(outs))
    rows = math.ceil(len(outs) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 0.35 * len(scen) * rows + 2.2), squeeze=False
    )
    for ax, o in zip(axes.ravel(), outs, strict=False):
        g = t[t["outcome"] == o].set_index("scenario").reindex(scen)
        y = np.arange(len(scen))
        err = np.vstack([g["effect"] - g["effect_lo"], g["effect_hi"] - g["effect"]])
        colors = [
            "#1b7837" if lo > 0 else "#b2182b" if hi < 0 else "#999999"
            for lo, hi in zip(g["effect_lo"], g["effect_hi"], strict=True)
        ]
        ax.barh(y, g["effect"], xerr=np.nan_to_num(err), color=colors, capsize=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, [_short(s) for s in scen], fontsize=7)
        ax.invert_yaxis()
        ax.set_title(f"{o}: effect vs baseline", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(outs) :]:
        ax.axis("off")
    fig.suptitle(f"Effects with 95% CI against: {_short(t['baseline'].iloc[0], 80)}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def timeseries_figure(bands: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not bands:
        return
    fig, axes = plt.subplots(1, len(BAND_COLUMNS), figsize=(4.2 * len(BAND_COLUMNS), 3.6))
    cmap = plt.get_cmap("tab10" if len(bands) <= 10 else "tab20")
    for i, (scen, cols) in enumerate(bands.items()):
        for ax, c in zip(axes, BAND_COLUMNS, strict=True):
            if c not in cols:
                continue
            n, s, q = cols[c]
            with np.errstate(invalid="ignore", divide="ignore"):
                m = s / n
                sd = np.sqrt(np.maximum(q / n - m * m, 0) * n / np.maximum(n - 1, 1))
                half = 1.96 * sd / np.sqrt(n)
            day = np.arange(1, m.size + 1)
            ax.plot(day, m, color=cmap(i % cmap.N), lw=1.2, label=_short(scen, 36))
            ax.fill_between(day, m - half, m + half, color=cmap(i % cmap.N), alpha=0.2)
    for ax, c in zip(axes, BAND_COLUMNS, strict=True):
        ax.set_title(c, fontsize=9)
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=6, loc="best")
    fig.suptitle("Mean and 95% band over seeds, per scenario", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def dose_figure(runs: pd.DataFrame, param: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = runs[runs["status"] == "ok"]
    outs = [o for o in KEY_OUTCOMES if o in ok.columns]
    fig, axes = plt.subplots(2, math.ceil(len(outs) / 2), figsize=(16, 6.5), squeeze=False)
    for ax, o in zip(axes.ravel(), outs, strict=False):
        pts = []
        for v, g in ok.groupby(param):
            m, lo, hi = mean_ci(g[o].to_numpy(dtype=float))
            pts.append((v, m, lo, hi))
        pts.sort()
        x, m, lo, hi = (np.array(a, dtype=float) for a in zip(*pts, strict=True))
        ax.plot(x, m, "o-", color="#2166ac")
        ax.fill_between(x, lo, hi, color="#2166ac", alpha=0.2)
        ax.set_title(o, fontsize=9)
        ax.set_xlabel(param.removeprefix("param."), fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(outs) :]:
        ax.axis("off")
    fig.suptitle("Dose-response: mean and 95% CI over seeds", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
