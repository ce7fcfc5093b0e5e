"""Emergency shock (应急) — a scenario, not a policy.

Practice: not a policy but a scenario: a surge of issues (a flood) for some
days; party-member volunteer teams and dual registration change how fast the
community responds.

Rules in the model:
- From day ``start_day`` for ``duration_days`` days (a flood), facility
  faults, safety hazards and service needs occur ``surge_factor`` times as
  often (the model's ``rate_multiplier``).
- Party-member volunteer teams respond: a share ``party_response_share`` of
  party-member households is mobilised (and every registered member, the
  residents' ``registered``, when dual registration has registered any), each
  giving ``volunteer_hours_each`` hours a day to its community's party branch
  during the emergency; the teams take faults, hazards and service needs of
  severity up to ``max_severity`` that would otherwise go to a department or a
  grid worker, while they have hours.
- The period is declared as the window ``emergency``: the outcome
  ``emergency_response_hours`` is the mean response time of issues that
  occurred during it.

Pattern: none; expected effect: dual registration and household linkage make
the community respond faster to the surge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import IssueType
from cogov_sim.core.mechanisms._routing import take_small
from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import days, factor, hours, param, share

SURGE_TYPES = (IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD, IssueType.SERVICE_NEED)


@dataclass
class EmergencyParams:
    """应急: see :mod:`cogov_sim.core.mechanisms.emergency`."""

    start_day: int = param(
        120,
        0,
        100000,
        "a day index in [0, 100000]",
        "day the flood starts",
        unit="days",
        slider=(0, 365, 5),
        label=("flood starts on day", "洪灾开始日"),
    )
    duration_days: int = days(10, "days the flood lasts")
    surge_factor: float = factor(
        15.0,
        "faults, hazards and service needs x factor",
        slider=(1.0, 30.0, 1.0),
        label=("issue surge x", "事件激增倍数"),
    )
    party_response_share: float = share(0.5, "share of registered volunteers mobilised")
    volunteer_hours_each: float = hours(3.0, "hours per mobilised party member per day")
    max_severity: float = share(
        0.7, "issues up to this severity handled by volunteer teams", unit="severity"
    )


class Emergency(Mechanism):
    name = "emergency"
    title_zh = "应急"
    title_en = "Emergency shock"
    pattern = ""
    scenario = True
    expected = (
        "A surge of faults, hazards and needs for a few days; with dual registration and "
        "household linkage, volunteer teams respond faster."
    )
    limitations = (
        "The flood has no spatial footprint; mobilisation happens on the first day of the "
        "emergency."
    )
    Params = EmergencyParams
    info = {
        "en": {
            "practice": (
                "Not a policy but a scenario: a flood brings a surge of problems for some "
                "days, and the question is how fast the community responds, e.g. with "
                "party-member volunteer teams."
            ),
            "rule": (
                "From day 120 (by default), for 10 days, faults, hazards and service needs "
                "occur 15x as often. Half of the party members, and every member registered "
                "by dual registration, form volunteer teams, 3 h a day each, which take such "
                "issues, all but the most severe, while they have hours."
            ),
            "look_for": (
                "The flood hits both maps, as the baseline keeps scenarios on: alone it shows "
                "no difference. Add dual registration and household linkage (preset 'Flood, "
                "party volunteers'), step to day 118 and play slowly: fewer markers pile up on "
                "the treatment map."
            ),
            "pattern": (
                "Not calibrated to a reported figure: it is a test scenario. The model only "
                "checks that party volunteer teams shorten the response to issues that arise "
                "during the flood."
            ),
        },
        "zh": {
            "practice": (
                "应急：这不是一项政策，而是一个情景。洪灾在几天内带来大量问题，考察社区响应"
                "有多快，例如党员志愿队能否顶上。"
            ),
            "rule": (
                "从第 120 天（默认）起持续 10 天，设施故障、安全隐患和民生需求的发生频率为"
                "平时的 15 倍。一半党员以及所有双报到党员组成志愿队，每人每天 3 小时，在工时"
                "允许时处置除最严重者外的这类事件。"
            ),
            "look_for": (
                "洪灾同时出现在两张地图上，因为基线保留情景；单独开启时两边没有差别。再开启"
                "双报到和党员联户（预设“洪灾，党员志愿队”），运行到第 118 天后慢速播放："
                "启用机制的地图上堆积的标记更少。"
            ),
            "pattern": (
                "未按试点数据校准：这是一个检验情景。模型只检验党员志愿队能缩短洪灾期间"
                "所发生事件的响应时间。"
            ),
        },
    }

    def setup(self, model) -> None:
        p = self.params
        self.start, self.end = p.start_day, p.start_day + p.duration_days
        model.windows[self.name] = (24.0 * self.start, 24.0 * self.end)
        self.team_hours = None

    def _teams(self, model) -> np.ndarray:
        r, w, p = model.residents, model.world, self.params
        mobilised = r.party & (model.rng.random(model.n_households) < p.party_response_share)
        mobilised |= r.registered
        per = np.bincount(w.community[mobilised], minlength=w.n_communities)
        return per * p.volunteer_hours_each

    def active(self, model) -> bool:
        return self.start <= model.day < self.end

    def begin_step(self, model) -> None:
        if not self.active(model):
            return
        if self.team_hours is None:
            self.team_hours = self._teams(model)
        model.rate_multiplier[list(SURGE_TYPES)] *= self.params.surge_factor
        model.party.add_volunteer_hours(np.arange(model.party.n), self.team_hours)

    def route(self, model, ids, kind, target) -> None:
        if not self.active(model):
            return
        take_small(model, ids, kind, target, SURGE_TYPES, self.params.max_severity, "party")
