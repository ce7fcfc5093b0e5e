"""Five-party social linkage (五社联动).

Practice: community, social workers, social organisations, volunteers and
charitable funds coordinated by the community: more NGO capacity and
volunteer flow, funds leveraged.

Rules in the model:
- NGO hours x ``ngo_hours_factor``; NGO skill becomes ``ngo_skill``
  (professional social workers).
- The NGO can use ``volunteer_share`` of the community's volunteer pool.
- Charitable funds cover ``funds_leverage`` of the NGO's cost (its wage bill
  in ``cost_funds`` x ``1 - funds_leverage``).
- Social workers mediate: neighbour disputes of severity up to
  ``mediation_max_severity`` that would go to a department or a grid worker go
  to the community's NGO.

Calibrated to pattern ``social_linkage_mediation`` (mediation success 81%,
community social organisations, national).
"""

from __future__ import annotations

from cogov_sim.issues import HandlerKind, IssueType
from cogov_sim.mechanisms._routing import take_small
from cogov_sim.mechanisms.base import Mechanism


class SocialLinkage(Mechanism):
    name = "social_linkage"
    title_zh = "五社联动"
    title_en = "Five-party social linkage"
    pattern = "social_linkage_mediation"
    expected = (
        "More NGO capacity and skill, volunteer hours and funds: service needs met faster, "
        "disputes mediated by social workers."
    )
    limitations = (
        "The five parties are folded into the NGO's capacity; charitable funds only lower the"
        " NGO's cost."
    )

    def setup(self, model) -> None:
        p, h, pol = self.params, model.handlers, model.policy
        s = h.slice("ngo")
        h.hours[s] *= p.ngo_hours_factor
        h.skill[s] = p.ngo_skill
        pol.ngo_volunteer_share += p.volunteer_share
        pol.wage_factor[HandlerKind.NGO] = pol.wage_factor.get(HandlerKind.NGO, 1.0) * (
            1.0 - p.funds_leverage
        )

    def route(self, model, ids, kind, target) -> None:
        take_small(
            model,
            ids,
            kind,
            target,
            [IssueType.NEIGHBOUR_DISPUTE],
            self.params.mediation_max_severity,
            "ngo",
        )
