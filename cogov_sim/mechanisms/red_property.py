"""Party-led property management (红色物业).

Practice: party organisations inside property firms and party oversight of
firms through the community: higher service quality and responsiveness,
fewer resident-firm disputes, higher fee collection.

Rules in the model:
- Oversight pressure: each firm's monthly quality target rises by
  ``oversight_quality`` (the firm's quality then moves toward its target at
  ``firms.quality_adjust`` per month, as under any pressure).
- Responsiveness: the firm's response delay is multiplied by
  ``response_delay_factor`` and its daily hours by ``hours_factor``.
- Everything else follows from the model's own paths: property disputes
  occur at a rate that falls with quality; property satisfaction moves toward
  quality and with how property disputes are handled; fee payment rises with
  property satisfaction; fee income raises the quality target.

Calibrated to patterns ``red_property_satisfaction`` (62% -> 89%) and
``red_property_fees`` (+25 percentage points), Beijing and Shenzhen.
"""

from __future__ import annotations

from cogov_sim.mechanisms.base import Mechanism


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

    def setup(self, model) -> None:
        p = self.params
        model.firm_oversight[:] += p.oversight_quality
        f = model.handlers.slice("firm")
        model.handlers.hours[f] *= p.hours_factor
        model.handlers.delay[f] *= p.response_delay_factor
