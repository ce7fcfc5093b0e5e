"""Risk grading (五色分级).

Practice: places are graded in five colours by their recent issue history,
and inspection follows risk: red places get more visits than green ones.

Rules in the model:
- Each compound (小区) is graded by the cases (disputes, faults, hazards, needs,
  collective matters; not light matters, which occur everywhere) *discovered*
  there in the last ``window_days``, per household: the grid system knows only
  what it has found, never the undiscovered problems.
- A share ``risk_share`` of each worker's daily visits follows risk: a
  community's risk-following visits (its zones' share together: the community
  deploys its grid workers where risk is) are drawn among its households with
  probability proportional to their compound's grade, and uniformly among the
  community's households when nothing was found there. The rest is drawn
  uniformly in each zone, as before (the workers' ``uniform_patrol_share``).
- ``by_compound=0`` grades single cells instead (a cell is risky when a case was
  discovered at it, or with ``neighbourhood`` 1 at a Moore neighbour; visits
  stay in the worker's zone): the version before places differed.

Pattern: none reported as a number (the validation list compares the
forecastability of hot spots, ``hotspot_prediction_accuracy``, with Longgang's
81%). What the model shows at the defaults: the community's patrols shift
toward old estates and urban villages (their share of visits rises from about
0.44 to 0.48), but the same hours are only reallocated: problems there are
found a few hours sooner relative to commodity housing (about -5 h on lags of
100-200 h, not significant over 12 street seeds) and the street's discovery
lag does not change. Grading single cells (``by_compound=0``) finds nothing
sooner: cases seldom recur at one household (tests/test_mechanisms.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import LIGHT_TYPES
from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import days, param, share


@dataclass
class RiskGradingParams:
    """五色分级: see :mod:`cogov_sim.core.mechanisms.risk_grading`."""

    risk_share: float = share(
        0.5,
        "share of patrol visits that follow risk",
        slider=(0.0, 1.0, 0.05),
        label=("patrols that follow risk", "按风险巡查比例"),
    )
    window_days: int = days(60, "discovered issue history that sets a compound's (or cell's) risk")
    neighbourhood: int = param(
        1,
        0,
        10,
        "an integer radius in [0, 10]",
        "with by_compound=0: risky cells include their Moore neighbours",
    )
    by_compound: int = param(
        1,
        0,
        1,
        "0 or 1",
        "1: grade compounds (小区) and send the community's risk visits there; "
        "0: grade single cells, visits stay in the zone (the rule before version 0.4)",
    )


class RiskGrading(Mechanism):
    name = "risk_grading"
    title_zh = "五色分级"
    title_en = "Risk grading"
    pattern = ""
    expected = (
        "Patrols go where discovered issues cluster: compounds with many recent finds get "
        "more visits, so faults and hazards in hot spots are found sooner."
    )
    limitations = (
        "Risk is recent discovered issue history per compound (a continuous grade, not five "
        "colour levels); the other visits are still uniform."
    )
    Params = RiskGradingParams
    info = {
        "en": {
            "practice": (
                "Places are graded in five colours by their recent record of problems, and "
                "inspection follows risk: red places get more patrol visits than green ones."
            ),
            "rule": (
                "Each compound is graded by the problems discovered there in the last 60 "
                "days, per household (never by problems nobody has found). Half of the grid "
                "workers' patrol visits go to compounds in proportion to their grade; the rest "
                "stay uniform."
            ),
            "look_for": (
                "Hardly visible at classroom scale: patrols shift only a little towards the "
                "compounds where problems were found (colour by housing type to see old "
                "estates and urban villages), problems there are found a few hours sooner at "
                "most, and the charts stay close to the baseline."
            ),
            "pattern": (
                "Not calibrated to a reported figure. Longgang, Shenzhen reports 81% accuracy "
                "in predicting high-dispute areas; the model's simple forecast from discovered "
                "disputes is compared with it, untuned, and falls short."
            ),
        },
        "zh": {
            "practice": (
                "五色分级：按近期问题记录把区域分为五种颜色（红色风险最高、绿色最低），巡查"
                "跟着风险走：红色区域比绿色区域走访更多。"
            ),
            "rule": (
                "每个小区按近 60 天在此发现的问题数（按户平均）评级，从不依据无人发现的问题。"
                "网格员一半的巡查按评级比例分配到各小区，其余仍均匀巡查。"
            ),
            "look_for": (
                "课堂规模下几乎看不出差别：巡查只略微向发现过问题的小区倾斜（按“住房类型”"
                "着色可看到老旧小区和城中村），那里的问题最多早发现几个小时，图表与基线基本"
                "一致。"
            ),
            "pattern": (
                "未按试点数据校准。深圳市龙岗区报告高发纠纷区域预测准确率为 81%；模型仅用已"
                "发现的纠纷做简单预测，未经调参与之比较，结果偏低。"
            ),
        },
    }

    def setup(self, model) -> None:
        model.workers.uniform_patrol_share = 1.0 - self.params.risk_share
        # The layout the compound grading works on (fixed in a run).
        w = model.world
        self._n_blocks = int(w.block_housing.size)
        self._block_households = np.bincount(w.block, minlength=self._n_blocks).astype(float)
        zc = w.zone_community
        lived = np.diff(w.zone_start) > 0  # zones with households (the patrolled ones)
        self._zones_in = np.bincount(zc[lived], minlength=w.n_communities)
        # zone_order is grouped by zone, hence by community (runs of zones)
        first_zone = np.searchsorted(zc, np.arange(w.n_communities))
        self._c_start = w.zone_start[first_zone]
        self._c_end = w.zone_start[np.r_[first_zone[1:], w.n_zones]]

    def patrol_targets(self, model, per_zone: int) -> np.ndarray | None:
        if per_zone <= 0:
            return None
        if self.params.by_compound:
            return self._by_compound(model, per_zone)
        return self._by_cell(model, per_zone)

    def _recent_finds(self, model) -> np.ndarray:
        """Households of the cases discovered in the window (what the grid knows)."""
        iss, p = model.issues, self.params
        recent = (iss.t_discover >= model.day_start - 24.0 * p.window_days) & (
            (iss.rtype < min(LIGHT_TYPES)) & (iss.rtype >= 0)
        )
        return iss.hh[recent]

    def _by_compound(self, model, per_zone: int) -> np.ndarray | None:
        w, rng = model.world, model.rng
        finds = np.bincount(w.block[self._recent_finds(model)], minlength=self._n_blocks)
        grade = np.where(
            self._block_households > 0, finds / np.maximum(self._block_households, 1), 0.0
        )
        weight = grade[w.block[w.zone_order]]  # per household, in zone (community) order
        cum = np.cumsum(weight)
        draws = per_zone * self._zones_in  # the community's risk-following visits
        out = []
        for c in np.flatnonzero(draws > 0):
            a, b = int(self._c_start[c]), int(self._c_end[c])
            if b <= a:
                continue
            k = int(draws[c])
            base = cum[a - 1] if a > 0 else 0.0
            total = cum[b - 1] - base
            if total > 0:
                pos = np.searchsorted(cum, base + rng.random(k) * total, side="right")
                pos = np.clip(pos, a, b - 1)
            else:  # nothing found in the community yet: uniform
                pos = a + (rng.random(k) * (b - a)).astype(np.int64)
            out.append(w.zone_order[pos])
        return np.concatenate(out).astype(np.int64) if out else None

    def _by_cell(self, model, per_zone: int) -> np.ndarray | None:
        w, rng, p = model.world, model.rng, self.params
        risky = np.zeros(model.n_households, dtype=bool)
        risky[self._recent_finds(model)] = True
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
