"""Party-led property management (红色物业).

Practice: party organisations inside property firms, and party oversight of
firms through the community: higher service quality and responsiveness, fewer
resident-firm disputes, higher fee collection. Variant: party-led owners'
committees (红色业委会).

Rules in the model:
- Party oversight adds ``oversight_quality`` to each firm's quality target
  (the firms' ``oversight``); a firm's response delay is multiplied by
  ``response_delay_factor`` and its daily hours by ``hours_factor``.
- Everything else follows from the model's own paths: property disputes
  occur at a rate that falls with quality; property satisfaction moves toward
  quality and with how property disputes are handled; fee payment rises with
  property satisfaction; fee income raises the quality target.

Calibrated to patterns ``red_property_satisfaction`` (62% -> 89%) and
``red_property_fees`` (+25 percentage points), Beijing and Shenzhen.
"""

from __future__ import annotations

from dataclasses import dataclass

from cogov_sim.mechanisms.base import Mechanism
from cogov_sim.params import param


@dataclass
class RedPropertyParams:
    """红色物业: see :mod:`cogov_sim.mechanisms.red_property`."""

    oversight_quality: float = param(
        0.28,
        0.0,
        1.0,
        "a probability or share in [0, 1]",
        "added to each firm's quality target",
        unit="share",
        slider=(0.0, 0.5, 0.02),
        label=("oversight: firm quality +", "党建监督提升物业质量"),
    )
    response_delay_factor: float = param(
        0.4,
        0.0,
        100.0,
        "a factor in [0, 100]",
        "firm response delay x factor",
        slider=(0.1, 1.0, 0.05),
        label=("firm response delay x", "物业响应延迟倍数"),
        unit="×",
    )
    hours_factor: float = param(
        1.3, 0.0, 100.0, "a factor in [0, 100]", "firm hours x factor", unit="×"
    )


class RedProperty(Mechanism):
    name = "red_property"
    title_zh = "红色物业"
    title_en = "Party-led property management"
    pattern = "red_property_satisfaction"
    expected = (
        "Firm quality and responsiveness rise: property satisfaction and fee collection rise,"
        " property disputes fall."
    )
    limitations = (
        "The red owners' committee variant (红色业委会) is not modelled separately; oversight is "
        "one number for every firm."
    )
    Params = RedPropertyParams

    def setup(self, model) -> None:
        p, firms = self.params, model.firms
        firms.oversight += p.oversight_quality
        firms.hours *= p.hours_factor
        firms.delay *= p.response_delay_factor
