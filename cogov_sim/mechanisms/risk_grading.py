"""Risk grading (五色分级).

Practice: zones or cells are graded in five colours by their recent issue
history, and patrol effort follows risk.

Rules in the model:
- A cell is risky when a case (a dispute, fault, hazard, need or collective
  matter; not a light matter, which occur everywhere) was discovered at it in
  the last ``window_days`` (the grid system knows only discovered issues), or
  (with ``neighbourhood`` 1) at a Moore neighbour.
- A share ``risk_share`` of each worker's daily visits goes to the zone's
  risky cells, drawn uniformly among them (to any cell of the zone when none
  is risky); the rest is drawn uniformly as before (the workers'
  ``uniform_patrol_share``).

Pattern: none reported as a number; expected effect: issues found sooner
(shorter discovery lag) where they cluster — if problems cluster in lasting
hot spots. In a street without them, patrols drawn to past finds leave other
cells unpatrolled, where faults and hazards accumulate: at the defaults
discovery lag rises (tests/test_mechanisms.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.issues import LIGHT_TYPES
from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.params import param


@dataclass
class RiskGradingParams:
    """五色分级: see :mod:`cogov_sim.mechanisms.risk_grading`."""

    risk_share: float = param(
        0.5,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "share of patrol visits that follow risk",
        unit="share",
        slider=(0.0, 1.0, 0.05),
        label=("patrols that follow risk", "按风险巡查比例"),
    )
    window_days: int = param(
        60,
        1,
        10000,
        "an integer number of days in [1, 10000]",
        "issue history that sets a cell's risk",
        unit="days",
    )
    neighbourhood: int = param(
        1, 0, 10, "an integer radius in [0, 10]", "risky cells include their Moore neighbours"
    )


class RiskGrading(Mechanism):
    name = "risk_grading"
    title_zh = "五色分级"
    title_en = "Risk grading"
    pattern = ""
    expected = (
        "Patrols go where discovered issues cluster: discovery lag falls where problems "
        "cluster in lasting hot spots, and rises where patrols are drawn away from cells "
        "without them (neglect)."
    )
    limitations = (
        "Risk is recent discovered issue history only (no five-colour levels as such); the "
        "other visits are still uniform."
    )
    Params = RiskGradingParams

    def setup(self, model) -> None:
        model.workers.uniform_patrol_share = 1.0 - self.params.risk_share

    def patrol_targets(self, model, per_zone: int) -> np.ndarray | None:
        if per_zone <= 0:
            return None
        iss, w, rng, p = model.issues, model.world, model.rng, self.params
        n = iss.n
        # Only what the grid system knows: cases (not light matters, which are
        # everywhere) discovered in the window.
        recent = (iss.t_discover[:n] >= model.day_start - 24.0 * p.window_days) & (
            iss.itype[:n] < min(LIGHT_TYPES)
        )
        risky = np.zeros(model.n_households, dtype=bool)
        risky[iss.hh[:n][recent]] = True
        if p.neighbourhood >= 1 and risky.any():
            nb = w.neighbours[risky].ravel()
            risky[nb[nb >= 0]] = True
        # risky households grouped by zone, in zone order
        order = w.zone_order[risky[w.zone_order]]
        counts = np.bincount(w.zone[order], minlength=w.n_zones)
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        size = np.diff(w.zone_start)
        u = rng.random((w.n_zones, per_zone))
        use_risk = counts > 0
        out = []
        z = np.flatnonzero(use_risk)
        if z.size:
            pos = starts[z][:, None] + (u[z] * counts[z][:, None]).astype(np.int64)
            out.append(order[pos.ravel()])
        z = np.flatnonzero(~use_risk & (size > 0))
        if z.size:
            pos = w.zone_start[z][:, None] + (u[z] * size[z][:, None]).astype(np.int64)
            out.append(w.zone_order[pos.ravel()])
        return np.concatenate(out) if out else None
