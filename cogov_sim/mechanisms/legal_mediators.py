"""Legal-literate mediators (法律明白人 / 人民调解).

Practice: a few trained residents per community (3-5) mediate neighbour
disputes before they escalate.

Rules in the model:
- Each community gets ``mediators_per_community`` mediators: its residents
  with the highest legal literacy. Together they give
  ``mediators_per_community * hours_each_per_day`` hours a day, with skill
  ``skill``.
- Their Moore neighbours learn from them: legal literacy +``literacy_gain``
  (which slows dispute growth, see escalation).
- Neighbour disputes of severity up to ``max_severity`` that would go to a
  department or a grid worker go to the community's mediators.

Calibrated to pattern ``legal_mediators_success`` (mediation success 89%,
national programme).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import IssueType
from cogov_sim.mechanisms._routing import take_small
from cogov_sim.mechanisms.base import Mechanism


class LegalMediators(Mechanism):
    name = "legal_mediators"
    title_zh = "法律明白人 / 人民调解"
    title_en = "Legal-literate mediators"
    pattern = "legal_mediators_success"
    expected = (
        "Neighbour disputes are mediated early by skilled neighbours: mediation success and "
        "dispute resolution rise; literacy around mediators rises."
    )
    limitations = (
        "Mediators are the most legally literate residents; their training is not modelled; "
        "their hours are a community pool."
    )

    def setup(self, model) -> None:
        p, h, w, r = self.params, model.handlers, model.world, model.residents
        s = h.slice("mediator")
        h.hours[s] = p.mediators_per_community * p.hours_each_per_day
        h.skill[s] = p.skill
        order = np.lexsort((-r.literacy, w.community))
        comm = w.community[order]
        starts = np.r_[0, np.flatnonzero(comm[1:] != comm[:-1]) + 1]
        rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
        mediators = order[rank < p.mediators_per_community]
        r.mediator = np.zeros(model.n_households, dtype=bool)
        r.mediator[mediators] = True
        nb = w.neighbours[mediators].ravel()
        nb = np.unique(nb[nb >= 0])
        r.literacy[nb] = np.minimum(1.0, r.literacy[nb] + p.literacy_gain)

    def route(self, model, ids, kind, target) -> None:
        take_small(
            model,
            ids,
            kind,
            target,
            [IssueType.NEIGHBOUR_DISPUTE],
            self.params.max_severity,
            "mediator",
        )
