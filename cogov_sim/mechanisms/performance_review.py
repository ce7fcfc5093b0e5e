"""Performance review weights (考核).

Practice: handlers are reviewed on a weighted mix of closure rate, response
time and residents' satisfaction. Heavy weight on closure alone can reward
closing issues without resolving them.

Rules in the model:
- The review (the handlers' review rule) uses this mechanism's weights
  ``weight_closure``, ``weight_response`` and ``weight_satisfaction`` and
  ``effort_gain``: handlers whose score falls short of the target work more
  hours, those above it fewer.
- Gaming follows from the weights, not from this mechanism: when closure's
  share of the weights exceeds ``review.gaming_threshold``, handlers close
  some failed attempts as resolved (false closures), and those problems come
  back as repeat complaints (see handling). The defaults weight satisfaction
  most, so they do not game; setting ``weight_closure`` high shows the
  perverse effect.

Pattern: none reported as a number; expected effects: with satisfaction-heavy
weights, handlers' effort follows residents' satisfaction; with
closure-heavy weights, more repeat complaints.
"""

from __future__ import annotations

from dataclasses import dataclass

from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.params import param


@dataclass
class PerformanceReviewParams:
    """考核: see :mod:`cogov_sim.mechanisms.performance_review`."""

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
        "Satisfaction-heavy weights make effort follow residents' outcomes; closure-heavy "
        "weights lead to false closures and repeat complaints."
    )
    limitations = "Effort adapts once per review period; gaming is one probability, not a strategy."
    Params = PerformanceReviewParams

    def setup(self, model) -> None:
        p, rule = self.params, model.handlers.review_rule
        rule.weight_closure = p.weight_closure
        rule.weight_response = p.weight_response
        rule.weight_satisfaction = p.weight_satisfaction
        rule.effort_gain = p.effort_gain
