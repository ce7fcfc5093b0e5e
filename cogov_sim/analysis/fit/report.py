"""The fit report: a work-order log's statistics beside the model's on the same world.

``cogov-sim-fit report`` runs the model on the user's world for ``seeds`` seeds (the
warm-up, then as many days as the log covers), turns each run's reported issues into
work orders (:func:`cogov_sim.analysis.fit.stats.model_orders`) and computes the same
statistics of both (:func:`cogov_sim.analysis.fit.stats.statistics`). For each
statistic the report gives the log's value, the model's mean and its 90% interval
over seeds, and a verdict:

- **consistent**: the log's value lies in the model's interval;
- **close**: outside it, but within 10% of the model's mean;
- **model higher** / **model lower**: otherwise.

Files written in ``--out``: ``fit.csv`` (every statistic), ``fit.md`` and
``fit.zh.md`` (the table in English and in Chinese), ``bad_rows.csv`` (the log's
rows not used, by kind), figures ``rates.png``, ``profiles.png``, ``closure.png``
and ``map.png`` (labelled in Chinese too, ``*.zh.png``, where a font with Chinese
glyphs is installed) and ``fit.json`` (what was run). The *distance* of the model
from the log is the mean over statistics of ``|ln(model mean / log)|`` (0.69 is a
factor of two): one number to compare two parameter sets (the calibration's check).
"""

from __future__ import annotations

import json
import logging
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.analysis.fit import stats as st
from cogov_sim.analysis.fit.orders import Mapping, Orders

log = logging.getLogger("cogov_sim.analysis.fit")

#: central interval of the model's values over seeds
INTERVAL = 0.90
#: "close": within this share of the model's mean
CLOSE = 0.10

LABELS = {
    "rate_all": ("orders per 1,000 households a year", "每千户年工单数"),
    "rate": ("orders per 1,000 households a year: {t}", "每千户年工单数：{t}"),
    "close_p50": ("median hours to close: {t}", "办结时长中位数（小时）：{t}"),
    "close_p90": ("90th percentile hours to close: {t}", "办结时长90分位（小时）：{t}"),
    "weekend_share": ("share created at weekends", "周末受理占比"),
    "office_hours_share": ("share created 08:00-18:00", "工作时间（8-18时）受理占比"),
    "dispersion": ("variance / mean of daily counts", "日工单数方差/均值"),
    "closure_rate": ("share closed by the window's end", "期末办结率"),
    "reopened_share": ("share reopened", "重办率"),
    "moran_i": ("Moran's I of orders per household by grid", "网格户均工单的莫兰指数"),
    "compound_cv": ("variation of orders per household across compounds", "小区户均工单变异系数"),
}
TYPE_ZH = {
    "neighbour_dispute": "邻里纠纷",
    "property_dispute": "物业纠纷",
    "facility_fault": "设施故障",
    "safety_hazard": "安全隐患",
    "service_need": "服务需求",
    "collective_matter": "公共事务",
    "urban_matter": "市容轻微事项",
}
VERDICT_ZH = {
    "consistent": "一致",
    "close": "接近",
    "model higher": "模型偏高",
    "model lower": "模型偏低",
    "no data": "无数据",
}
HEAD = {
    "en": ("statistic", "log", "model mean", "model 90% interval", "verdict"),
    "zh": ("统计量", "工单日志", "模型均值", "模型90%区间", "判定"),
}


class FitError(ValueError):
    """A fit report or calibration that cannot run; the message says why."""


def label(stat: str, lang: str = "en") -> str:
    k = 0 if lang == "en" else 1
    if stat in LABELS:
        return LABELS[stat][k]
    for pre in st.PER_TYPE:
        if stat.startswith(pre + "_"):
            t = stat[len(pre) + 1 :]
            return LABELS[pre][k].format(t=t if lang == "en" else TYPE_ZH.get(t, t))
    return stat


# ------------------------------------------------------------------- model runs
def world_model(params: dict, steps: int = 1, seed: int = 0):
    """A model of the user's world (``params``: dotted config keys, ``world.*`` among
    them), built for ``steps`` days."""
    from cogov_sim.core.model import CoGovModel

    return CoGovModel(**params, steps=steps, seed=seed)


def _simulate(job: tuple) -> dict:
    """One seed: the model's orders and their statistics (a worker's function)."""
    params, seed, days, channels, weekday, types, roles = job
    from cogov_sim.core.config import make_config
    from cogov_sim.core.model import CoGovModel

    warm = int(make_config(None, **params).outcomes.warmup_days)
    model = CoGovModel(**params, steps=warm + days, seed=seed)
    model.run()
    frame = st.model_orders(model, channels, warm, days, weekday)
    frame = frame[frame["type"].isin(types)]  # the types the log's mapping uses
    w = model.world
    waits = {}
    gap = (frame["closed_h"] - frame["created_h"]).to_numpy()
    for t in types:
        g = gap[(frame["type"] == t).to_numpy() & np.isfinite(gap)]
        waits[t] = g
    return {
        "stats": st.statistics(frame, days, w, types, roles),
        "compound": st.per_compound(frame, days, w),
        "zone": st.per_zone(frame, days, w),
        "profiles": st.profiles(frame),
        "waits": waits,
    }


def simulate(params: dict, orders: Orders, mapping: Mapping, seeds, jobs: int = 1) -> list[dict]:
    """The model's statistics for each seed (in the order of ``seeds``)."""
    types = sorted(set(orders.frame["type"]))
    weekday = int(orders.start.weekday()) if orders.start is not None else 0
    job = [
        (params, int(s), orders.days, mapping.channel_codes, weekday, types, orders.roles)
        for s in seeds
    ]
    out = []
    if jobs > 1 and len(job) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(job))) as pool:
            for i, r in enumerate(pool.map(_simulate, job)):
                out.append(r)
                _tick(i + 1, len(job))
    else:
        for i, j in enumerate(job):
            out.append(_simulate(j))
            _tick(i + 1, len(job))
    return out


def _tick(i: int, n: int) -> None:
    print(f"cogov-sim-fit: model runs {i}/{n}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------- the table
def verdict(value: float, lo: float, hi: float, mean: float) -> str:
    if not (math.isfinite(value) and math.isfinite(mean)):
        return "no data"
    if lo <= value <= hi:
        return "consistent"
    if mean != 0 and abs(value - mean) <= CLOSE * abs(mean):
        return "close"
    return "model higher" if mean > value else "model lower"


def table(log_stats: dict, runs: list[dict]) -> pd.DataFrame:
    rows = []
    q = (1 - INTERVAL) / 2
    for k, v in log_stats.items():
        vals = np.array([r["stats"].get(k, math.nan) for r in runs], dtype=float)
        ok = vals[np.isfinite(vals)]
        mean = float(ok.mean()) if ok.size else math.nan
        lo = float(np.quantile(ok, q)) if ok.size else math.nan
        hi = float(np.quantile(ok, 1 - q)) if ok.size else math.nan
        rows.append(
            {
                "statistic": k,
                "label": label(k),
                "label_zh": label(k, "zh"),
                "log": v,
                "model_mean": mean,
                "model_lo": lo,
                "model_hi": hi,
                "verdict": verdict(v, lo, hi, mean),
            }
        )
    return pd.DataFrame(rows)


def distance(tab: pd.DataFrame) -> float:
    """Mean over statistics of ``|ln(model mean / log)|`` (those positive on both sides):
    0 when they agree, 0.69 for a factor of two either way; scale-free, so a count per
    1,000 households and a time in hours weigh alike, and symmetric, so being twice too
    high costs what being half too low does."""
    ok = np.isfinite(tab["log"]) & np.isfinite(tab["model_mean"])
    ok &= (tab["log"] > 0) & (tab["model_mean"] > 0)
    ratio = np.log(tab["model_mean"][ok].to_numpy() / tab["log"][ok].to_numpy())
    return float(np.abs(ratio).mean()) if ok.any() else math.nan


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def markdown(tab: pd.DataFrame, lang: str = "en") -> str:
    head = HEAD[lang]
    lines = ["| " + " | ".join(head) + " |", "|---|---:|---:|---:|---|"]
    for r in tab.itertuples(index=False):
        name = r.label if lang == "en" else r.label_zh
        ver = r.verdict if lang == "en" else VERDICT_ZH[r.verdict]
        interval = f"{_fmt(r.model_lo)} – {_fmt(r.model_hi)}"
        lines.append(f"| {name} | {_fmt(r.log)} | {_fmt(r.model_mean)} | {interval} | {ver} |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- figures
def _figures(out: Path, orders: Orders, world, tab, runs, lang: str) -> list[Path]:
    from matplotlib.figure import Figure

    from cogov_sim.results.fonts import cjk_font

    zh = lang == "zh"
    if zh and not cjk_font():
        return []
    fam = [cjk_font(), "DejaVu Sans"] if zh else ["DejaVu Sans"]
    suffix = ".zh.png" if zh else ".png"
    L = (lambda en, cn: cn) if zh else (lambda en, cn: en)  # noqa: E731
    paths = []
    types = sorted(set(orders.frame["type"]))
    tname = (lambda t: TYPE_ZH.get(t, t)) if zh else (lambda t: t.replace("_", " "))  # noqa: E731
    import matplotlib

    with matplotlib.rc_context({"font.family": fam}):
        # Rates by type.
        fig = Figure(figsize=(7.5, 4.0))
        ax = fig.subplots()
        rows = tab.set_index("statistic")
        y = np.arange(len(types))
        lv = [rows.loc[f"rate_{t}", "log"] for t in types]
        mm = np.array([rows.loc[f"rate_{t}", "model_mean"] for t in types])
        lo = np.array([rows.loc[f"rate_{t}", "model_lo"] for t in types])
        hi = np.array([rows.loc[f"rate_{t}", "model_hi"] for t in types])
        ax.barh(y + 0.2, lv, height=0.4, color="#4d4d4d", label=L("log", "工单日志"))
        ax.barh(y - 0.2, mm, height=0.4, color="#1b9e77", label=L("model (mean)", "模型（均值）"))
        ax.errorbar(mm, y - 0.2, xerr=[mm - lo, hi - mm], fmt="none", ecolor="k", lw=1)
        ax.set_yticks(y, [tname(t) for t in types])
        ax.set_xlabel(L("orders per 1,000 households a year", "每千户年工单数"))
        ax.legend(frameon=False, fontsize=8)
        ax.set_title(L("Orders by type: log and model (90% interval over seeds)",
                       "分类工单量：日志与模型（种子间90%区间）"), fontsize=10)  # fmt: skip
        fig.tight_layout()
        paths.append(out / f"rates{suffix}")
        fig.savefig(paths[-1], dpi=110)

        # Weekly and daily profiles.
        fig = Figure(figsize=(9.0, 3.6))
        a1, a2 = fig.subplots(1, 2)
        wk, hr = st.profiles(orders.frame)
        mwk = np.array([r["profiles"][0] for r in runs])
        mhr = np.array([r["profiles"][1] for r in runs])
        days = L(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], list("一二三四五六日"))
        a1.plot(range(7), wk, "o-", color="#4d4d4d", label=L("log", "工单日志"))
        a1.plot(range(7), mwk.mean(axis=0), "s--", color="#1b9e77", label=L("model", "模型"))
        a1.set_xticks(range(7), days)
        a1.set_ylabel(L("share of orders", "工单占比"))
        a1.set_title(L("by weekday", "按星期"), fontsize=10)
        a1.legend(frameon=False, fontsize=8)
        a2.plot(range(24), hr, "-", color="#4d4d4d")
        a2.plot(range(24), mhr.mean(axis=0), "--", color="#1b9e77")
        a2.set_xlabel(L("hour of creation", "受理时刻"))
        a2.set_title(L("by hour of the day", "按时段"), fontsize=10)
        fig.tight_layout()
        paths.append(out / f"profiles{suffix}")
        fig.savefig(paths[-1], dpi=110)

        # Time to close, quantiles by type.
        fig = Figure(figsize=(7.5, 4.0))
        ax = fig.subplots()
        qs = np.array([0.1, 0.25, 0.5, 0.75, 0.9])
        gap = (orders.frame["closed_h"] - orders.frame["created_h"]).to_numpy()
        for k, t in enumerate(types):
            g = gap[(orders.frame["type"] == t).to_numpy() & np.isfinite(gap)]
            m = np.concatenate([r["waits"][t] for r in runs]) if runs else np.empty(0)
            for vals, dx, col in ((g, 0.15, "#4d4d4d"), (m, -0.15, "#1b9e77")):
                if vals.size >= 5:
                    p = np.quantile(vals, qs)
                    ax.plot([p[0], p[4]], [k + dx, k + dx], color=col, lw=1)
                    ax.plot([p[1], p[3]], [k + dx, k + dx], color=col, lw=5, alpha=0.6)
                    ax.plot([p[2]], [k + dx], "o", color=col)
        ax.set_xscale("log")
        ax.set_yticks(range(len(types)), [tname(t) for t in types])
        ax.set_xlabel(L("hours from creation to closure (10/25/50/75/90%)",
                        "受理到办结的小时数（10/25/50/75/90分位）"))  # fmt: skip
        ax.set_title(L("Time to close: log (grey) and model (green)",
                       "办结时长：日志（灰）与模型（绿）"), fontsize=10)  # fmt: skip
        fig.tight_layout()
        paths.append(out / f"closure{suffix}")
        fig.savefig(paths[-1], dpi=110)

        # Map: orders per 1,000 households by grid.
        fig = Figure(figsize=(9.0, 4.0))
        axes = fig.subplots(1, 2)
        lz = st.per_zone(orders.frame, orders.days, world)
        mz = np.mean([r["zone"] for r in runs], axis=0)
        vmax = float(np.nanmax([lz.max(), mz.max()])) or 1.0
        cell = world.cell_hh >= 0
        for ax, vals, title in (
            (axes[0], lz, L("log", "工单日志")),
            (axes[1], mz, L("model (mean over seeds)", "模型（种子均值）")),
        ):
            img = np.where(cell, vals[world.zone_of_cell], np.nan)
            im = ax.imshow(img, origin="lower", cmap="viridis", vmin=0, vmax=vmax,
                           interpolation="nearest")  # fmt: skip
            ax.set_title(title, fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
        fig.colorbar(im, ax=list(axes), fraction=0.04,
                     label=L("orders per 1,000 households a year, by grid",
                             "各网格每千户年工单数"))  # fmt: skip
        paths.append(out / f"map{suffix}")
        fig.savefig(paths[-1], dpi=110)
    return paths


# ------------------------------------------------------------------- the report
def report(
    params: dict,
    orders: Orders,
    mapping: Mapping,
    out,
    seeds: int = 8,
    jobs: int = 1,
    figures: bool = True,
    title: str = "",
) -> dict:
    """Write the fit report of ``orders`` against the model with ``params`` (dotted keys,
    the world's among them) into ``out``; returns the table and the distance."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model = world_model(params)
    world = model.world
    if world.source is None:
        raise FitError("the fit report needs a world built from files (world.compounds)")
    types = sorted(set(orders.frame["type"]))
    log_stats = st.statistics(orders.frame, orders.days, world, types, orders.roles)
    runs = simulate(params, orders, mapping, range(seeds), jobs=jobs)
    tab = table(log_stats, runs)
    d = distance(tab)
    tab.to_csv(out / "fit.csv", index=False)
    orders.bad_table().to_csv(out / "bad_rows.csv", index=False)
    lc = st.per_compound(orders.frame, orders.days, world)
    mc = np.mean([r["compound"] for r in runs], axis=0)
    corr = float(np.corrcoef(lc, mc)[0, 1]) if lc.std() > 0 and mc.std() > 0 else math.nan
    counts = tab["verdict"].value_counts().to_dict()
    meta = {
        "title": title,
        "log": orders.source,
        "log_rows": orders.rows,
        "orders_used": len(orders.frame),
        "ignored_rows": orders.ignored,
        "orders_without_place": orders.no_place,
        "bad_rows": orders.bad,
        "days": orders.days,
        "first_day": str(orders.start.date()) if orders.start is not None else None,
        "seeds": seeds,
        "params": {k: v for k, v in params.items()},
        "channels": mapping.channels,
        "distance": d,
        "compound_correlation": corr,
        "verdicts": counts,
    }
    (out / "fit.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str))
    for lang in ("en", "zh"):
        text = page(meta, tab, lang)
        (out / ("fit.md" if lang == "en" else "fit.zh.md")).write_text(text, encoding="utf-8")
    paths = []
    if figures:
        for lang in ("en", "zh"):
            paths += _figures(out, orders, world, tab, runs, lang)
    return {"table": tab, "distance": d, "meta": meta, "figures": paths}


def page(meta: dict, tab: pd.DataFrame, lang: str) -> str:
    """``fit.md`` (``lang`` en) or ``fit.zh.md`` (zh) of a report's record and table."""
    bad = sum(meta["bad_rows"].values())
    c = meta["verdicts"]
    if lang == "en":
        head = [
            f"## Fit report{': ' + meta['title'] if meta['title'] else ''}",
            "",
            f"Log: `{Path(meta['log']).name}`, {meta['log_rows']:,} rows from {meta['first_day']}"
            f" over {meta['days']} days: {meta['orders_used']:,} orders used, "
            f"{meta['ignored_rows']:,} ignored by the mapping, {bad:,} bad rows "
            f"(bad_rows.csv), {meta['orders_without_place']:,} without a place.",
            f"Model: {meta['seeds']} seeds, the same days after the warm-up, orders = issues "
            f"reported through {', '.join(meta['channels'])}.",
            "",
            f"Verdicts: {c.get('consistent', 0)} consistent, {c.get('close', 0)} close, "
            f"{c.get('model higher', 0)} model higher, {c.get('model lower', 0)} model lower. "
            f"Distance (mean absolute log ratio) {meta['distance']:.3f}; correlation of "
            f"orders per household across compounds {meta['compound_correlation']:.2f}.",
            "",
        ]
    else:
        head = [
            f"## 拟合报告{'：' + meta['title'] if meta['title'] else ''}",
            "",
            f"工单日志：`{Path(meta['log']).name}`，自 {meta['first_day']} 起 {meta['days']} 天，"
            f"共 {meta['log_rows']:,} 行：使用 {meta['orders_used']:,} 条，按映射忽略 "
            f"{meta['ignored_rows']:,} 条，问题行 {bad:,} 条（见 bad_rows.csv），无位置 "
            f"{meta['orders_without_place']:,} 条。",
            f"模型：{meta['seeds']} 个随机种子，预热期后同样天数；工单 = 经 "
            f"{'、'.join(meta['channels'])} 渠道上报的事项。",
            "",
            f"判定：一致 {c.get('consistent', 0)} 项，接近 {c.get('close', 0)} 项，模型偏高 "
            f"{c.get('model higher', 0)} 项，模型偏低 {c.get('model lower', 0)} 项。"
            f"距离（平均绝对对数比）{meta['distance']:.3f}；各小区户均工单的相关系数 "
            f"{meta['compound_correlation']:.2f}。",
            "",
        ]
    return "\n".join(head) + "\n" + markdown(tab, lang)
