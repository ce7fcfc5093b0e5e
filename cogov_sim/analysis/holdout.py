"""The validation list (held out from fitting), reported beside the patterns, untuned.

``cogov_sim/data/validation.yaml`` lists effects from the policy report that no
default was fitted to. The pattern report runs their scenarios with the
patterns' (same seeds, same scale) and :func:`evaluate` compares model and
reported values with the same statistics: a 95% confidence interval of the
paired change (or of the level), and a verdict — ``consistent`` when the
reported value lies within the pattern report's tolerance of the model's
(±30% of a change, ±10% of a level), ``direction only`` when only the sign of
a change agrees, ``off`` otherwise, ``not comparable`` where the model has no
such outcome (the note says why).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from cogov_sim.analysis.listfile import read_list_file
from cogov_sim.results.stats import mean_ci, paired_ci

DIFF_TOLERANCE = 0.30
LEVEL_TOLERANCE = 0.10


@dataclass(frozen=True)
class Holdout:
    id: str
    mechanism: str
    outcome: str | None
    kind: str
    reported: float
    claim: str
    note: str

    @property
    def scenario(self) -> tuple[str, ...]:
        return () if self.mechanism == "none" else (self.mechanism,)


def load(path=None) -> list[Holdout]:
    default = Path(str(resources.files("cogov_sim") / "data" / "validation.yaml"))
    p, _, entries = read_list_file(path or default, "validation", "validation list", ValueError)
    out = []
    for e in entries:
        if e["kind"] not in ("level", "change", "relative"):
            raise ValueError(f"{p}: validation item {e['id']!r}: unknown kind {e['kind']!r}")
        out.append(
            Holdout(
                id=e["id"],
                mechanism=e["mechanism"],
                outcome=e.get("outcome"),
                kind=e["kind"],
                reported=float(e["reported"]),
                claim=str(e.get("claim", "")),
                note=" ".join(str(e.get("note", "")).split()),
            )
        )
    return out


def scenarios(items: list[Holdout]) -> set[tuple[str, ...]]:
    """The scenarios the comparable items need (besides the baseline)."""
    return {h.scenario for h in items if h.outcome is not None and h.scenario}


def evaluate(items: list[Holdout], results: dict, seeds: list[int]) -> pd.DataFrame:
    """One row per validation item: model value with its 95% CI, reported value, verdict."""
    rows = []
    for h in items:
        row = {"id": h.id, "mechanism": h.mechanism, "outcome": h.outcome, "kind": h.kind}
        row.update(reported=h.reported, claim=h.claim, note=h.note)
        if h.outcome is None:
            rows.append({**row, "model": math.nan, "lo": math.nan, "hi": math.nan,
                         "verdict": "not comparable"})  # fmt: skip
            continue
        t = np.array([results[(h.scenario, s)][h.outcome] for s in seeds], dtype=float)
        if h.kind == "level":
            m, lo, hi = mean_ci(t)
            ok = abs(m - h.reported) <= LEVEL_TOLERANCE * abs(h.reported)
            sign = ok  # a level has no direction: consistent or off
        else:
            b = np.array([results[((), s)][h.outcome] for s in seeds], dtype=float)
            if h.kind == "change":
                m, lo, hi = paired_ci(list(t), list(b))
            else:
                r = t / b - 1.0
                m, lo, hi = mean_ci(list(r))
            ok = abs(m - h.reported) <= DIFF_TOLERANCE * abs(h.reported)
            sign = (lo > 0) if h.reported > 0 else (hi < 0)
        verdict = "consistent" if ok and sign else ("direction only" if sign else "off")
        rows.append({**row, "model": m, "lo": lo, "hi": hi, "verdict": verdict})
    return pd.DataFrame(rows)


def markdown_table(df: pd.DataFrame) -> str:
    lines = [
        "| item | mechanism | outcome | reported | model (95% CI) | verdict | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in df.itertuples():
        if r.verdict == "not comparable":
            model = "–"
        else:
            model = f"{r.model:.3g} [{r.lo:.3g}, {r.hi:.3g}]"
        what = {"level": "", "change": " (change)", "relative": " (relative change)"}[r.kind]
        outcome = f"`{r.outcome}`{what}" if isinstance(r.outcome, str) else "–"
        lines.append(
            f"| `{r.id}` | {r.mechanism} | {outcome} | {r.reported:.3g} | {model} | "
            f"{r.verdict} | {r.note} |"
        )
    return "\n".join(lines)
