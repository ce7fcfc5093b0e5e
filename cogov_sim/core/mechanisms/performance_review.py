"""Performance review weights (考核).

Practice: handlers are reviewed on a weighted mix of closure rate, response
time and residents' satisfaction. Heavy weight on closure alone can reward
closing issues without resolving them.

Rules in the model:
- The review (the handlers' review rule) uses this mechanism's weights
  ``weight_closure``, ``weight_response`` and ``weight_satisfaction`` and
  ``effort_gain``: within their paid hours, handlers lean toward what the
  review weighs — satisfaction over speed makes them more thorough (more hours
  per case, fewer failures), speed over satisfaction hurried — and lean harder
  when their score falls short of the target (the review, 7.8).
- Gaming follows from the weights, not from this mechanism: when closure's
  share of the weights exceeds ``review.gaming_threshold``, handlers close
  some failed attempts as resolved (false closures); the problems stay, and
  come back when the household reports them again or a callback finds them
  (handling, callbacks). The defaults weight satisfaction
  most, so they do not game; setting ``weight_closure`` high shows the
  perverse effect.

Pattern: none reported as a number; expected effects: with satisfaction-heavy
weights, handlers take more care per case; with closure-heavy weights, false
closures and repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import param


@dataclass
class PerformanceReviewParams:
    """考核: see :mod:`cogov_sim.core.mechanisms.performance_review`."""

    weight_closure: float = param(
        0.2,
        0.0,
        1.0,
        "a weight in [0, 1]",
        "review weight of on-time closure",
        unit="share",
        slider=(0.0, 1.0, 0.05),
        label=("review weight of closure", "考核办结权重"),
    )
    weight_response: float = param(
        0.3,
        0.0,
        1.0,
        "a weight in [0, 1]",
        "review weight of timeliness",
        unit="share",
    )
    weight_satisfaction: float = param(
        0.5,
        0.0,
        1.0,
        "a weight in [0, 1]",
        "review weight of residents' outcome score",
        unit="share",
        slider=(0.0, 1.0, 0.05),
        label=("review weight of satisfaction", "考核满意度权重"),
    )
    effort_gain: float = param(
        0.6, 0.0, 10.0, "a number in [0, 10]", "handlers respond more strongly to the review"
    )


class PerformanceReview(Mechanism):
    name = "performance_review"
    title_zh = "考核"
    title_en = "Performance review weights"
    pattern = ""
    expected = (
        "Satisfaction-heavy weights make handlers more thorough within the same paid hours; "
        "closure-heavy weights lead to false closures and repeats."
    )
    limitations = (
        "Thoroughness adapts once per review period; gaming is one probability, not a strategy."
    )
    Params = PerformanceReviewParams
    info = {
        "en": {
            "practice": (
                "Handlers are reviewed on a weighted mix of on-time closure, speed and "
                "residents' satisfaction. Heavy weight on closure alone can reward closing "
                "cases on paper without solving them."
            ),
            "rule": (
                "Sets the review weights (closure 0.2, speed 0.3, satisfaction 0.5) and how "
                "strongly handlers react: within their paid hours they take more care per case "
                "when satisfaction is weighed above speed, more so below target. "
                "When closure has more than half of all weight, handlers close some failed "
                "cases as solved, and those problems come back."
            ),
            "look_for": (
                "At the defaults the charts change little; satisfaction may even slip. Then "
                "set the satisfaction weight to 0 and the closure weight to 1: false closures "
                "send the same problems back as new hollow markers, and closure looks good "
                "while satisfaction falls."
            ),
            "pattern": (
                "Not calibrated to a reported figure. The model only checks the expected "
                "direction: closure-heavy weights bring more repeat complaints."
            ),
        },
        "zh": {
            "practice": (
                "考核：按办结率、响应速度和居民满意度的加权组合考核处置者。只看办结率，可能"
                "导致“纸面办结”，问题并未解决。"
            ),
            "rule": (
                "设定考核权重（办结 0.2、时效 0.3、满意度 0.5）及处置者对考核的反应强度："
                "在带薪工时不变的前提下，满意度权重高于时效时处置者对每件案件更用心，低于目标时更甚。"
                "若办结权重超过总权重的一半，处置者会把"
                "部分未解决的案件报为办结，问题随后重新出现。"
            ),
            "look_for": (
                "默认设置下图表变化不大，满意度甚至可能略降。把“考核满意度权重”调到 0、"
                "“考核办结权重”调到 1：虚假办结使同样的问题以新的空心标记重新出现，办结率"
                "看起来不错，满意度却下降。"
            ),
            "pattern": ("未按试点数据校准。模型只检验预期方向：偏重办结率的考核使重复投诉增加。"),
        },
    }

    def setup(self, model) -> None:
        p, rule = self.params, model.handlers.review_rule
        rule.weight_closure = p.weight_closure
        rule.weight_response = p.weight_response
        rule.weight_satisfaction = p.weight_satisfaction
        rule.effort_gain = p.effort_gain
