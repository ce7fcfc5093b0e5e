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

from dataclasses import dataclass

from cogov_sim.issues import IssueType
from cogov_sim.mechanisms._routing import take_small
from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.params import param


@dataclass
class SocialLinkageParams:
    """五社联动: see :mod:`cogov_sim.mechanisms.social_linkage`."""

    ngo_hours_factor: float = param(
        2.0,
        0.0,
        100.0,
        "a factor in [0, 100]",
        "more NGO capacity (purchase of services, funds)",
        slider=(1.0, 4.0, 0.1),
        label=("NGO hours x", "社会组织工时倍数"),
        unit="×",
    )
    ngo_skill: float = param(
        0.89,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "professional social workers",
    )
    volunteer_share: float = param(
        0.1,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "share of the volunteer pool the NGO can use",
        unit="share",
    )
    mediation_max_severity: float = param(
        0.7,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "neighbour disputes up to this go to the NGO",
        slider=(0.0, 1.0, 0.05),
        label=("NGO mediates up to severity", "社会组织调解严重度上限"),
        unit="severity",
    )
    funds_leverage: float = param(
        0.3,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "share of NGO cost covered by charitable funds",
        unit="share",
    )


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
    Params = SocialLinkageParams

    def setup(self, model) -> None:
        p, ngos = self.params, model.ngos
        ngos.hours *= p.ngo_hours_factor
        ngos.skill = p.ngo_skill
        ngos.volunteer_share += p.volunteer_share
        ngos.wage_factor *= 1.0 - p.funds_leverage

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
