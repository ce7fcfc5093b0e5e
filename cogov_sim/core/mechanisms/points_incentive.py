"""Points scheme and time bank (积分制 / 时间银行).

Practice: residents earn points for taking part (volunteering, reporting,
deliberation), redeemable for goods, services or fee credits; volunteer hours
are banked and spent on small requests.

Rules in the model:
- Incentive: the value of points, ``points_value``, enters every resident's
  participation logit (times ``participation.incentive``; the residents'
  ``incentive_value``).
- Each activity earns ``points_per_activity`` points; the community pays
  ``yuan_per_point`` per point earned (settled monthly, counted in ``cost_funds``).
- Reporting earns points too: residents' reporting propensity x
  ``(1 + report_boost)`` (the residents' ``report_factor``).
- Time bank: a further ``bank_share`` of the volunteer pool is at the party
  branch's disposal for small requests.
- Fewer neighbour disputes follow only through the model's cohesion path
  (more participating neighbours), never directly.

Calibrated to pattern ``points_participation`` (participation 19% -> 73%,
Zigui county, Hubei).
"""

from __future__ import annotations

from dataclasses import dataclass

from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import param, share, yuan


@dataclass
class PointsIncentiveParams:
    """积分制 / 时间银行: see :mod:`cogov_sim.core.mechanisms.points_incentive`."""

    points_value: float = param(
        0.97,
        0.0,
        100.0,
        "a logit value in [0, 100]",
        "value of the points for one activity (enters the logit)",
        slider=(0.0, 3.0, 0.01),  # 0.01: the calibrated default lies on the grid
        label=("value of points (logit)", "积分价值 (参与倾向)"),
    )
    points_per_activity: float = param(
        10.0, 0.0, 1000000.0, "a non-negative number of points", "points earned per activity"
    )
    yuan_per_point: float = yuan(0.5, "redemption cost to the community")
    report_boost: float = param(
        0.2,
        0.0,
        10.0,
        "a relative boost in [0, 10]",
        "reporting an issue also earns points: reporting x (1 + boost)",
        slider=(0.0, 1.0, 0.05),
        label=("reporting boost", "上报积分加成"),
    )
    bank_share: float = share(0.3, "share of banked volunteer hours spent on small requests")


class PointsIncentive(Mechanism):
    name = "points_incentive"
    title_zh = "积分制 / 时间银行"
    title_en = "Points scheme and time bank"
    pattern = "points_participation"
    expected = (
        "Participation rises steeply (a tipping point through neighbours' influence); "
        "neighbour disputes fall through cohesion; funds are spent on points."
    )
    limitations = (
        "Points are valued the same by everyone; redemption is a cost, not a behaviour; the "
        "time bank only adds volunteer hours."
    )
    Params = PointsIncentiveParams
    info = {
        "en": {
            "practice": (
                "Residents earn points for volunteering, reporting problems and joining "
                "deliberation, redeemable for goods, services or fee credits; a time bank "
                "stores volunteer hours for small requests."
            ),
            "rule": (
                "Points make taking part more attractive to every resident and reporting more "
                "likely; the community pays 0.5 yuan per point. The time bank gives the party "
                "branch more volunteer hours. Fewer neighbour disputes can follow only through "
                "more neighbours taking part, never directly."
            ),
            "look_for": (
                "The fastest effect in the app: colour residents by participation and watch it "
                "spread from neighbour to neighbour; the participation chart climbs within the "
                "first month. Neighbour disputes ✖ become rarer over the months."
            ),
            "pattern": (
                "Zigui county, Hubei: a points scheme redeemable for goods and services raised "
                "the share of residents taking part from 19% to 73%."
            ),
        },
        "zh": {
            "practice": (
                "积分制与时间银行：居民参加志愿服务、反映问题、参与议事可获得积分，兑换物品、"
                "服务或抵扣物业费；时间银行存储志愿服务时长，用于居民的小需求。"
            ),
            "rule": (
                "积分提高了每位居民参与的意愿，也让居民更愿意反映问题；社区每积分支付 0.5 元。"
                "时间银行让社区党委多了可调配的志愿工时。邻里纠纷减少只能通过更多邻居参与"
                "这一途径产生，而非直接设定。"
            ),
            "look_for": (
                "课堂上见效最快的机制：按“近 30 天参与”着色，看参与从邻居传到邻居；参与率"
                "图表在第一个月内就明显上升。邻里纠纷标记✖在几个月里逐渐减少。"
            ),
            "pattern": ("湖北省秭归县：可兑换物品和服务的积分制，使居民参与率由 19% 升至 73%。"),
        },
    }

    def setup(self, model) -> None:
        p, r = self.params, model.residents
        r.incentive_value += p.points_value
        r.points_per_activity += p.points_per_activity
        r.report_factor *= 1.0 + p.report_boost
        model.party.volunteer_share += p.bank_share
        self._paid_points = 0.0

    def monthly(self, model) -> None:
        self._settle(model)

    def after_handle(self, model) -> None:
        if model.day == model.cfg.steps - 1:
            self._settle(model)

    def _settle(self, model) -> None:
        total = float(model.residents.points.sum())
        model.ledger.spend("points", (total - self._paid_points) * self.params.yuan_per_point)
        self._paid_points = total
