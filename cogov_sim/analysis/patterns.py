"""Reported patterns and how the model is held against them.

A pattern (``cogov_sim/data/patterns.yaml`` by default) names a mechanism, an
outcome and the reported baseline -> treated values. :func:`evaluate` compares the
model's baseline and treated runs over the same seeds with them: the reported
baseline -> treated, model baseline -> treated (mean and 95% CI), the model's
paired difference with its CI, and a verdict:

- direction holds: the 95% CI of the paired difference excludes zero on the
  reported side;
- magnitude: where the report gives a change (treated - baseline, or
  ``change``), the model's mean difference is within +-30% of it; where it
  gives only the treated level, the model's treated mean is within +-10% of it;
- verdict: ``match`` (both), ``direction only``, or ``fails``.

The report that runs them (``cogov-sim-patterns``) is
:mod:`cogov_sim.analysis.pattern_report`.
"""

from __future__ import annotations

import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from cogov_sim.analysis.listfile import read_list_file
from cogov_sim.results.stats import mean_ci, paired_ci

DIFF_TOLERANCE = 0.30
LEVEL_TOLERANCE = 0.10


class PatternError(ValueError):
    """A patterns file entry is invalid; the message names the entry and the field."""


@dataclass
class Pattern:
    id: str
    mechanism: str
    outcome: str
    direction: str
    baseline: float | None
    treated: float | None
    change: float | None
    where: str
    claim: str
    note: str = ""
    weight: float = 1.0
    #: config keys whose values this pattern was used to set (calibration)
    constrains: tuple[str, ...] = ()

    @property
    def reported_change(self) -> float | None:
        if self.change is not None:
            return self.change
        if self.baseline is not None and self.treated is not None:
            return self.treated - self.baseline
        return None


_MISSING = object()


def _schema():
    from cogov_sim.core.config import default_config

    return default_config()


def constraints_table(patterns: list[Pattern]) -> str:
    """Which parameters each pattern was used to set (a markdown table)."""
    lines = ["| pattern | parameters it constrains |", "|---|---|"]
    for p in patterns:
        keys = ", ".join(f"`{k}`" for k in p.constrains) or "none (a check, not a fit)"
        lines.append(f"| `{p.id}` | {keys} |")
    return "\n".join(lines)


def default_path() -> Path:
    return Path(str(resources.files("cogov_sim") / "data" / "patterns.yaml"))


def load_patterns(path: str | os.PathLike | None = None) -> list[Pattern]:
    """Read and check a patterns file.

    Raises:
        PatternError: naming the entry and field of the first problem.
    """
    from cogov_sim.core.mechanisms import MECHANISMS
    from cogov_sim.core.outcomes import SUMMARY_KEYS

    p, _, entries = read_list_file(
        path if path is not None else default_path(), "patterns", "patterns file", PatternError
    )
    out, seen = [], set()
    for i, e in enumerate(entries):
        where = f"{p}: pattern #{i + 1}"
        if not isinstance(e, dict):
            raise PatternError(f"{where}: expected a mapping")
        pid = e.get("id")
        if not pid or not isinstance(pid, str):
            raise PatternError(f"{where}: 'id' is missing")
        where = f"{p}: pattern '{pid}'"
        if pid in seen:
            raise PatternError(f"{where}: duplicate id")
        seen.add(pid)
        mech = e.get("mechanism")
        if mech not in MECHANISMS:
            raise PatternError(
                f"{where}: unknown mechanism {mech!r} (known: {', '.join(MECHANISMS)})"
            )
        outcome = e.get("outcome")
        if outcome not in SUMMARY_KEYS:
            raise PatternError(
                f"{where}: unknown outcome {outcome!r} (known: a key of "
                "summary.json outcomes, e.g. closure_rate)"
            )
        direction = e.get("direction")
        if direction not in ("up", "down"):
            raise PatternError(f"{where}: 'direction' must be 'up' or 'down', not {direction!r}")
        vals = {}
        for field in ("baseline", "treated", "change"):
            v = e.get(field)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise PatternError(f"{where}: '{field}' must be a number or null, not {v!r}")
            vals[field] = None if v is None else float(v)
        if vals["treated"] is None and vals["change"] is None:
            raise PatternError(f"{where}: give 'treated' or 'change'")
        weight = e.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise PatternError(f"{where}: 'weight' must be a number >= 0, not {weight!r}")
        constrains = e.get("constrains") or []
        if not isinstance(constrains, list) or not all(isinstance(k, str) for k in constrains):
            raise PatternError(f"{where}: 'constrains' must be a list of config keys")
        schema = _schema()
        for key in constrains:
            if OmegaConf.select(schema, key, default=_MISSING) is _MISSING:
                raise PatternError(f"{where}: 'constrains' names an unknown config key {key!r}")
        out.append(
            Pattern(
                constrains=tuple(constrains),
                id=pid,
                mechanism=mech,
                outcome=outcome,
                direction=direction,
                where=str(e.get("where", "")),
                claim=str(e.get("claim", "")),
                note=str(e.get("note", "") or ""),
                weight=float(weight),
                **vals,
            )
        )
    return out


def _run_one(args: tuple[tuple[str, ...], int, dict]) -> tuple[tuple[str, ...], int, dict]:
    mechanisms, seed, params = args
    from cogov_sim.core.model import CoGovModel

    m = CoGovModel(**params, seed=seed, mechanisms=list(mechanisms))
    m.run()
    return mechanisms, seed, m.summary()


def run_scenarios(
    patterns: list[Pattern],
    seeds: list[int],
    params: dict,
    jobs: int,
    progress: bool = True,
    extra: set | None = None,
) -> dict[tuple[tuple[str, ...], int], dict]:
    """Run the baseline, each pattern's mechanism and the ``extra`` scenarios over
    ``seeds``; return summaries."""
    scenarios = [()] + sorted({(p.mechanism,) for p in patterns} | set(extra or ()))
    tasks = [(sc, s, params) for sc in scenarios for s in seeds]
    results: dict = {}
    show = progress and sys.stderr.isatty()
    bar = None
    if show:
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("pattern runs", total=len(tasks))
    try:
        if jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for i, (sc, s, summ) in enumerate(pool.map(_run_one, tasks, chunksize=2)):
                    results[(sc, s)] = summ
                    _tick(bar, task if show else None, i, len(tasks), progress)
        else:
            for i, t in enumerate(tasks):
                sc, s, summ = _run_one(t)
                results[(sc, s)] = summ
                _tick(bar, task if show else None, i, len(tasks), progress)
    finally:
        if bar is not None:
            bar.stop()
    return results


def _tick(bar, task, i, n, progress) -> None:
    if bar is not None:
        bar.update(task, completed=i + 1)
    elif progress and ((i + 1) % max(1, n // 10) == 0 or i + 1 == n):
        print(f"cogov-sim-patterns: {i + 1}/{n} runs", file=sys.stderr, flush=True)


def evaluate(patterns: list[Pattern], results: dict, seeds: list[int]) -> pd.DataFrame:
    """One row per pattern: reported and model values, CIs and verdicts."""
    rows = []
    for p in patterns:
        b = [results[((), s)][p.outcome] for s in seeds]
        t = [results[((p.mechanism,), s)][p.outcome] for s in seeds]
        bm, blo, bhi = mean_ci(b)
        tm, tlo, thi = mean_ci(t)
        dm, dlo, dhi = paired_ci(t, b)
        if p.direction == "up":
            direction_ok = bool(dlo > 0)
        else:
            direction_ok = bool(dhi < 0)
        rc = p.reported_change
        if rc is not None:
            magnitude_ok = bool(abs(dm - rc) <= DIFF_TOLERANCE * abs(rc))
            criterion = f"change within ±{DIFF_TOLERANCE:.0%} of {rc:+.3g}"
        else:
            magnitude_ok = bool(abs(tm - p.treated) <= LEVEL_TOLERANCE * abs(p.treated))
            criterion = f"treated within ±{LEVEL_TOLERANCE:.0%} of {p.treated:.3g}"
        if direction_ok and magnitude_ok:
            verdict = "match"
        elif direction_ok:
            verdict = "direction only"
        else:
            verdict = "fails"
        rows.append(
            {
                "id": p.id,
                "mechanism": p.mechanism,
                "outcome": p.outcome,
                "direction": p.direction,
                "reported_baseline": p.baseline,
                "reported_treated": p.treated,
                "reported_change": rc,
                "model_baseline": bm,
                "model_baseline_lo": blo,
                "model_baseline_hi": bhi,
                "model_treated": tm,
                "model_treated_lo": tlo,
                "model_treated_hi": thi,
                "model_change": dm,
                "model_change_lo": dlo,
                "model_change_hi": dhi,
                "direction_holds": direction_ok,
                "magnitude_matches": magnitude_ok,
                "criterion": criterion,
                "verdict": verdict,
                "n_seeds": len(seeds),
                "where": p.where,
            }
        )
    return pd.DataFrame(rows)


def _fmt(v: float | None, outcome: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if "hours" in outcome or "per_1000" in outcome:
        return f"{v:.0f}"
    return f"{v:.3f}"


def markdown_table(df: pd.DataFrame) -> str:
    lines = [
        "| pattern | outcome | reported | model (95% CI) | model change (95% CI) | criterion "
        "| verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in df.itertuples():
        o = r.outcome
        rb = _fmt(r.reported_baseline, o)
        rt = _fmt(r.reported_treated, o)
        reported = (
            f"{rb} → {rt}"
            if r.reported_treated is not None
            else (f"change {r.reported_change:+.2f}")
        )
        model = (
            f"{_fmt(r.model_baseline, o)} [{_fmt(r.model_baseline_lo, o)}, "
            f"{_fmt(r.model_baseline_hi, o)}] → {_fmt(r.model_treated, o)} "
            f"[{_fmt(r.model_treated_lo, o)}, {_fmt(r.model_treated_hi, o)}]"
        )
        change = f"{r.model_change:+.3g} [{r.model_change_lo:+.3g}, {r.model_change_hi:+.3g}]"
        mark = {"match": "✅ match", "direction only": "➖ direction only", "fails": "❌ fails"}[
            r.verdict
        ]
        lines.append(
            f"| `{r.id}` | `{o}` | {reported} | {model} | {change} | {r.criterion} | {mark} |"
        )
    return "\n".join(lines)


def figure(df: pd.DataFrame, path: Path) -> None:
    """One panel per pattern: reported and model baseline -> treated (model with 95% CIs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(df)
    cols = 4
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.0 * cols, 3.1 * rows), squeeze=False)
    for ax, r in zip(axes.ravel(), df.itertuples(), strict=False):
        x = np.array([0, 1])
        mb, mt = r.model_baseline, r.model_treated
        err = np.array(
            [
                [mb - r.model_baseline_lo, mt - r.model_treated_lo],
                [r.model_baseline_hi - mb, r.model_treated_hi - mt],
            ]
        )
        color = {"match": "#1b7837", "direction only": "#e08214", "fails": "#b2182b"}[r.verdict]
        ax.errorbar(
            x,
            [mb, mt],
            yerr=np.nan_to_num(err),
            fmt="o-",
            color=color,
            capsize=4,
            label="model (95% CI)",
        )
        rb, rt = r.reported_baseline, r.reported_treated
        if rb is not None and rt is not None and not (math.isnan(rb) or math.isnan(rt)):
            ax.plot(x, [rb, rt], "D--", color="grey", label="reported")
        elif rt is not None and not math.isnan(rt):
            ax.plot([1], [rt], "D", color="grey", label="reported (treated)")
        elif r.reported_change is not None:
            ax.plot(x, [mb, mb + r.reported_change], "D--", color="grey", label="reported change")
        ax.set_xticks(x, ["baseline", r.mechanism.replace("_", " ")], fontsize=8)
        ax.set_title(f"{r.id}\n{r.outcome} — {r.verdict}", fontsize=8.5)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlim(-0.4, 1.4)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6.5, loc="best")
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    fig.suptitle("cogov-sim: model vs reported effect of each mechanism", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
