"""Smart dispatch platform (一网统管 / 智能派单).

Practice: one platform receives all reports, detects some issues
automatically (sensors, AI) and routes each issue to the right handler at
once; its gain depends on the workers' digital literacy.

Rules in the model:
- Detection: each day a latent facility fault or safety hazard is detected
  with probability ``detect_prob`` (times ``1 - detection_bias`` at a
  vulnerable household: the optional bias against some groups), at a uniform
  time after it occurred, reported at once with accuracy
  ``detection_accuracy`` (channel PLATFORM).
- Routing: one intake, every report reaches the right silo (no misrouting by
  silo, no losses in transfer); the platform's operators classify residents'
  reports (app and hotline) with ``detection_accuracy`` at least, so fewer
  reach the wrong handler; residents report through an app as well (reporting
  propensity x ``1 + app_report_boost``).
- Dispatch: response delays of departments, firms and NGOs, the departments'
  wait from site visit to remedy and after a transfer, and grid workers'
  report delay x ``1 - delay_cut * digital_literacy`` (work orders reach
  handlers at once and are coordinated on the platform).
- Cost: ``yuan_per_household_year`` per household per year.

Calibrated to pattern ``smart_dispatch_time`` (event handling time 72 -> 8
hours, Chaoyang district, Beijing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import Channel, IssueType
from cogov_sim.core.mechanisms.base import Mechanism, Sightings
from cogov_sim.core.params import param, share, yuan


@dataclass
class SmartDispatchParams:
    """一网统管 / 智能派单: see :mod:`cogov_sim.core.mechanisms.smart_dispatch`."""

    detect_prob: float = share(
        0.3,
        "daily detection of a latent fault or hazard by sensors/AI",
        slider=(0.0, 1.0, 0.05),
        label=("daily detection by sensors/AI", "传感/AI 每日发现概率"),
    )
    detection_accuracy: float = share(0.95, "a platform report is accurate")
    detection_bias: float = share(
        0.0,
        "relative loss of detection at vulnerable households",
        slider=(0.0, 1.0, 0.05),
        label=("detection loss at vulnerable homes", "弱势户发现偏差"),
    )
    digital_literacy: float = share(0.8, "of grid workers and handlers")
    delay_cut: float = share(0.9, "response delays x (1 - delay_cut * digital_literacy)")
    app_report_boost: float = param(
        0.2,
        0.0,
        10.0,
        "a relative boost in [0, 10]",
        "residents also report through the app: reporting propensity x (1 + boost)",
    )
    yuan_per_household_year: float = yuan(5.0, "platform running cost")


class SmartDispatch(Mechanism):
    name = "smart_dispatch"
    title_zh = "一网统管 / 智能派单"
    title_en = "Smart dispatch platform"
    pattern = "smart_dispatch_time"
    expected = (
        "Faults and hazards are found automatically, reports reach the right handler at once "
        "and delays shrink with digital literacy: response time and discovery lag fall."
    )
    limitations = (
        "The platform's detection bias is a single factor against vulnerable households; "
        "'best available handler' is the right silo, not load balancing."
    )
    Params = SmartDispatchParams
    info = {
        "en": {
            "practice": (
                "One digital platform receives all reports, detects some problems "
                "automatically (sensors, AI) and sends each work order to the right handler at "
                "once; its gain depends on the staff's digital literacy."
            ),
            "rule": (
                "Sensors detect some hidden faults and hazards each day; every report reaches "
                "the right department, and residents also report through an app. The waits "
                "of departments, firms and NGOs and grid workers' report delays shrink by 56% "
                "(a 70% cut x 80% digital literacy). It costs 5 yuan per household a year."
            ),
            "look_for": (
                "Response time falls steeply and on-time closure rises within the first "
                "month. Hollow faults ■ and hazards ▲ turn solid sooner, as the sensors find "
                "them. Satisfaction barely moves at classroom scale."
            ),
            "pattern": (
                "Chaoyang district, Beijing: a smart work-order system cut event handling "
                "time from 72 to 8 hours. The model matches the size of the fall, from its own "
                "slower baseline: the 72 h are another district's starting point."
            ),
        },
        "zh": {
            "practice": (
                "一网统管（智能派单）：一个平台受理所有报告，借助传感器和 AI 自动发现部分问题，"
                "并把工单立即派给对口的处置者；效果取决于工作人员的数字素养。"
            ),
            "rule": (
                "传感器每天发现部分尚未上报的设施故障和安全隐患；每个报告都派到对口部门，"
                "居民也可通过手机应用上报。部门、物业和社会组织的等待时间以及网格员的上报延迟"
                "缩短 56%（削减 70% × 数字素养 80%）。平台每户每年花费 5 元。"
            ),
            "look_for": (
                "响应时间大幅下降，按时办结率在第一个月内上升。空心的设施故障■和安全隐患▲"
                "更快变成实心，因为传感器发现了它们。课堂规模下满意度几乎不变。"
            ),
            "pattern": (
                "北京市朝阳区：智能工单系统把事件处置时间由 72 小时缩短到 8 小时。模型再现的是"
                "缩短的幅度，起点是模型自身较慢的基线：72 小时是另一个区的起点。"
            ),
        },
    }

    def setup(self, model) -> None:
        p = self.params
        factor = 1.0 - p.delay_cut * p.digital_literacy
        for group in (model.departments, model.firms, model.ngos):
            group.delay *= factor
        model.workers.report_delay_hours *= factor
        dep = model.departments
        dep.single_intake = True
        # Work orders are tracked and coordinated on the platform: the departments' waits
        # between visit and remedy and after a transfer shrink like every other delay.
        dep.remedy_lag_hours *= factor
        dep.transfer_delay_hours *= factor
        # The platform's operators classify residents' reports (app and hotline).
        r = model.residents
        r.report_accuracy = max(r.report_accuracy, p.detection_accuracy)
        model.residents.report_factor *= 1.0 + p.app_report_boost

    def begin_step(self, model) -> None:
        model.ledger.spend(
            "platform", self.params.yuan_per_household_year * model.n_households / 365.0
        )

    def discover(self, model, ids) -> Sightings | None:
        iss, rng, p = model.issues, model.rng, self.params
        ids = ids[np.isin(iss.itype[ids], (IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD))]
        if ids.size == 0:
            return None
        prob = np.where(iss.vulnerable[ids], p.detect_prob * (1 - p.detection_bias), p.detect_prob)
        ids = ids[rng.random(ids.size) < prob]
        if ids.size == 0:
            return None
        start = np.maximum(iss.t_occur[ids], model.day_start)
        t = start + rng.random(ids.size) * (model.day_end - start)
        accurate = rng.random(ids.size) < p.detection_accuracy
        return Sightings(ids, t, t, Channel.PLATFORM, accurate)
