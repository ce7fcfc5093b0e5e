"""One results table at the end of every sweep, from any launcher.

A sweep folder holds one subfolder per run (Hydra's ``hydra.sweep.subdir``),
each with ``.hydra/overrides.yaml`` and either a complete ``summary.json``, an
``error.json`` (the run failed) or neither (killed, or still running).
:func:`aggregate` streams over those folders — one small JSON file and a few
time-series columns per run, never an event log — and writes into the sweep
folder:

- ``runs.parquet``: one row per run: every swept parameter and the seed,
  every summary outcome, status (ok / failed / incomplete), error, run folder;
- ``scenarios.csv``: per scenario (the overrides other than the seed) and
  outcome: runs, mean, 95% CI; the effect against the baseline scenario with
  its 95% CI (paired by seed where both have the seed, Welch otherwise);
- ``interactions.csv``: where a sweep has a pair of mechanisms and each alone,
  the pair's effect minus the sum of the single effects, with its CI;
- ``failures.csv``: the failed and incomplete runs with their errors;
- figures: ``effects.png`` (effects with CI bars per outcome),
  ``timeseries.png`` (mean and 95% band per scenario over time) and, when the
  sweep varies one numeric parameter, ``dose_response.png``.

It runs automatically at the end of a multirun (:class:`AggregateCallback`)
and on any folder with ``cogov-sim-aggregate PATH``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cogov_sim.stats import mean_ci, paired_ci

KEY_OUTCOMES = (
    "closure_rate",
    "dispute_resolution_rate",
    "response_hours_mean",
    "participation_rate",
    "satisfaction_mean",
    "vulnerable_coverage",
    "property_satisfaction",
    "escalation_rate",
)
BAND_COLUMNS = ("closure_rate", "response_hours_mean", "participation_rate", "satisfaction_mean")
_IGNORED_KEYS = ("hydra.", "resume", "output.", "sweep.")


# ---------------------------------------------------------------- discovery
def run_dirs(sweep: Path) -> list[Path]:
    """Every run folder under ``sweep`` (those with ``.hydra/overrides.yaml``), sorted."""
    dirs = [p.parent.parent for p in sweep.rglob(".hydra/overrides.yaml")]
    return sorted(set(dirs), key=lambda p: _natural(p.relative_to(sweep)))


def _natural(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in str(path).replace("/", " / ").split()]


def _overrides(run: Path) -> list[str]:
    return list(yaml.safe_load((run / ".hydra" / "overrides.yaml").read_text()) or [])


def _split(ov: str) -> tuple[str, str]:
    key, _, value = ov.partition("=")
    return key.lstrip("+~"), value


def _parse_value(value: str):
    try:
        v = yaml.safe_load(value)
    except yaml.YAMLError:
        return value
    if isinstance(v, list):
        return "[" + ",".join(map(str, v)) + "]"
    return v


# ---------------------------------------------------------------- reading
def read_runs(sweep: Path) -> pd.DataFrame:
    """One row per run folder: parameters, seed, status, error and outcomes."""
    rows = []
    for run in run_dirs(sweep):
        ov = _overrides(run)
        row: dict = {"run": str(run.relative_to(sweep))}
        for item in ov:
            key, value = _split(item)
            if key.startswith(_IGNORED_KEYS):
                continue
            row[f"param.{key}"] = _parse_value(value)
        summary = run / "summary.json"
        error = run / "error.json"
        if summary.exists():
            data = json.loads(summary.read_text())
            row.update(
                status="ok",
                error="",
                seed=data["seed"],
                config_hash=data.get("config_hash"),
                wall_seconds=data.get("wall_seconds"),
                n_households=data.get("n_households"),
                steps=data.get("steps"),
            )
            for k, v in data["outcomes"].items():
                row[k] = math.nan if v is None else v
        elif error.exists():
            row.update(status="failed", error=json.loads(error.read_text()).get("error", ""))
        else:
            row.update(status="incomplete", error="no summary.json: killed or still running")
        if "seed" not in row or row["seed"] is None:
            seed = row.get("param.seed")
            row["seed"] = int(seed) if isinstance(seed, (int, float)) else -1
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.drop(columns=[c for c in ("param.seed",) if c in df.columns])
    varying = [
        c
        for c in df.columns
        if c.startswith("param.") and df[c].astype(str).nunique(dropna=False) > 1
    ]
    if varying:
        df.insert(
            1,
            "scenario",
            df[varying]
            .astype(str)
            .apply(
                lambda r: " ".join(f"{c.removeprefix('param.')}={v}" for c, v in r.items()), axis=1
            ),
        )
    else:
        df.insert(1, "scenario", "(all runs)")
    return df


def _series_bands(sweep: Path, runs: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per scenario and column: day-wise count, sum and sum of squares (streamed)."""
    import pyarrow.parquet as pq

    acc: dict[str, dict[str, list]] = defaultdict(dict)
    for r in runs[runs["status"] == "ok"].itertuples():
        path = sweep / r.run / "timeseries.parquet"
        if not path.exists():
            continue
        cols = [c for c in BAND_COLUMNS if c in pq.read_schema(path).names]
        table = pq.read_table(path, columns=cols)
        for c in cols:
            x = table.column(c).to_numpy(zero_copy_only=False).astype(float)
            slot = acc[r.scenario].get(c)
            if slot is None or slot[0].size < x.size:
                n = np.zeros(x.size)
                s = np.zeros(x.size)
                q = np.zeros(x.size)
                if slot is not None:
                    k = slot[0].size
                    n[:k], s[:k], q[:k] = slot
                slot = [n, s, q]
            ok = ~np.isnan(x)
            slot[0][: x.size] += ok
            slot[1][: x.size] += np.where(ok, x, 0.0)
            slot[2][: x.size] += np.where(ok, x * x, 0.0)
            acc[r.scenario][c] = slot
    return acc


# ---------------------------------------------------------------- analysis
def pick_baseline(runs: pd.DataFrame, baseline: str | None) -> str | None:
    """The baseline scenario: the one matching the given overrides (e.g.
    ``mechanisms=[emergency]``), else the one with ``mechanisms=[]``, else None."""
    scenarios = list(dict.fromkeys(runs["scenario"]))
    want = {}
    if baseline:
        for item in baseline.split():
            key, value = _split(item)
            want[f"param.{key}"] = str(_parse_value(value))
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
    from cogov_sim.outcomes import SUMMARY_KEYS

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


# ---------------------------------------------------------------- figures
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


# ---------------------------------------------------------------- entry points
def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    tmp.replace(path)


def aggregate(
    sweep: str | Path, baseline: str | None = None, figures: bool = True, quiet: bool = False
) -> dict:
    """Build the results table and figures of a sweep folder; return a short report."""
    sweep = Path(sweep)
    if not sweep.is_dir():
        raise FileNotFoundError(f"no sweep folder at {sweep}")
    runs = read_runs(sweep)
    if runs.empty:
        raise FileNotFoundError(f"no runs (folders with .hydra/overrides.yaml) under {sweep}")
    scenarios = list(dict.fromkeys(runs["scenario"]))
    base = pick_baseline(runs, baseline)
    table = scenario_table(runs, base)
    inter = interaction_table(runs, base)
    failures = runs[runs["status"] != "ok"][["run", "scenario", "seed", "status", "error"]]
    _atomic(sweep / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    _atomic(sweep / "scenarios.csv", lambda p: table.to_csv(p, index=False))
    _atomic(sweep / "failures.csv", lambda p: failures.to_csv(p, index=False))
    if not inter.empty:
        _atomic(sweep / "interactions.csv", lambda p: inter.to_csv(p, index=False))
    dose = dose_parameter(runs)
    if figures and (runs["status"] == "ok").any():
        if base is not None:
            effects_figure(table, sweep / "effects.png")
        if len(scenarios) <= 20:  # more lines than that are unreadable
            timeseries_figure(_series_bands(sweep, runs), sweep / "timeseries.png")
        if dose:
            dose_figure(runs, dose, sweep / "dose_response.png")
    n_ok = int((runs["status"] == "ok").sum())
    report = {
        "runs": len(runs),
        "ok": n_ok,
        "failed": int((runs["status"] == "failed").sum()),
        "incomplete": int((runs["status"] == "incomplete").sum()),
        "scenarios": len(scenarios),
        "baseline": base,
        "dose_parameter": dose,
        "folder": str(sweep),
    }
    if not quiet:
        print(
            f"cogov-sim-aggregate: {n_ok}/{len(runs)} runs ok, {report['failed']} failed, "
            f"{report['incomplete']} incomplete; {len(scenarios)} scenarios; baseline: "
            f"{base or 'none'}; written to {sweep}",
            file=sys.stderr,
        )
        for f in failures.itertuples():
            print(
                f"  {f.status}: {f.run} ({f.scenario}, seed {f.seed}): {f.error}", file=sys.stderr
            )
    return report


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="cogov-sim-aggregate",
        description="Collect a sweep folder into runs.parquet, scenarios.csv and figures.",
    )
    ap.add_argument("path", help="the sweep folder (hydra.sweep.dir)")
    ap.add_argument("--baseline", help="overrides of the baseline scenario, e.g. 'mechanisms=[]'")
    ap.add_argument("--no-figures", action="store_true")
    args = ap.parse_args(argv)
    try:
        aggregate(args.path, args.baseline, figures=not args.no_figures)
    except (FileNotFoundError, ValueError) as exc:
        print(f"cogov-sim-aggregate: error: {exc}", file=sys.stderr)
        sys.exit(2)


# ---------------------------------------------------------------- Hydra callback
try:  # Hydra is a dependency, but keep this module importable without it
    from hydra.experimental.callback import Callback as _Callback
except ImportError:  # pragma: no cover
    _Callback = object


class AggregateCallback(_Callback):
    """Hydra callback: progress lines during a multirun and the results table at its end."""

    def __init__(self, baseline: str | None = None) -> None:
        self.baseline = baseline or None

    def on_multirun_start(self, config, **kwargs) -> None:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        try:
            parsed = OverridesParser.create().parse_overrides(list(config.hydra.overrides.task))
            total = 1
            for ov in parsed:
                if ov.is_sweep_override():
                    total *= len(list(ov.sweep_iterator()))
            sweep = config.hydra.sweeper.get("params") or {}
            for value in sweep.values():
                ov = OverridesParser.create().parse_overrides([f"x={value}"])[0]
                if ov.is_sweep_override():
                    total *= len(list(ov.sweep_iterator()))
        except Exception:  # progress is best effort
            total = 0
        folder = Path(config.hydra.sweep.dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".cogov_total").write_text(str(total))
        for name in (".cogov_done", ".cogov_failed"):
            (folder / name).unlink(missing_ok=True)

    def on_job_end(self, config, job_return, **kwargs) -> None:
        """Count the finished run (one byte appended to a counter file: O(1) per run)."""
        import os

        try:
            folder = Path(config.hydra.sweep.dir)
            total = int((folder / ".cogov_total").read_text() or 0)
            failed_run = (Path(config.hydra.runtime.output_dir) / "error.json").exists()
        except (OSError, ValueError, AttributeError):
            return
        counts = []
        for name, hit in ((".cogov_done", True), (".cogov_failed", failed_run)):
            path = folder / name
            if hit:
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, b".")
                finally:
                    os.close(fd)
            counts.append(path.stat().st_size if path.exists() else 0)
        of = f"/{total}" if total else ""
        print(
            f"cogov-sim sweep: {counts[0]}{of} runs finished, {counts[1]} failed",
            file=sys.stderr,
            flush=True,
        )

    def on_multirun_end(self, config, **kwargs) -> None:
        baseline = self.baseline or (config.get("sweep") or {}).get("baseline") or None
        try:
            aggregate(config.hydra.sweep.dir, baseline)
        except Exception as exc:  # never lose the sweep's runs over a table
            print(f"cogov-sim-aggregate: error: {exc}", file=sys.stderr)


if __name__ == "__main__":
    main()
