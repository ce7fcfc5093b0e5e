"""Performance review weights (考核).

Practice: handlers are reviewed on a weighted mix of closure rate, response
time and residents' satisfaction. Heavy weight on closure alone can reward
closing issues without resolving them.

Rules in the model:
- The review (see the review phase) uses this mechanism's weights
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

from cogov_sim.mechanisms.base import Mechanism


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

    def setup(self, model) -> None:
        p, rc = self.params, model.cfg.review
        rc.weight_closure = p.weight_closure
        rc.weight_response = p.weight_response
        rc.weight_satisfaction = p.weight_satisfaction
        rc.effort_gain = p.effort_gain
