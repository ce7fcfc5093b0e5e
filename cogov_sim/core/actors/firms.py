"""Property firms (物业公司): service quality, property satisfaction and fees.

Rules:

- Daily, a managed household's property satisfaction moves toward its firm's
  quality at ``property_sat_rate``.
- Every ``billing_days`` each managed household is billed and pays with
  probability ``1 / (1 + exp(-fee_slope * (property_sat - fee_midpoint)))``.
- Then each firm's quality moves toward its target at ``quality_adjust``:
  ``target = quality_mean + income_effect * (collection - 0.6) + oversight``,
  where collection is the firm's share of this bill paid and oversight is the
  pressure on the firm from the community and party (0 by default). Skill
  follows quality: ``skill_base + skill_quality * quality``.

Fields a mechanism may change (levers): ``oversight`` (per firm), and the
handler fields ``hours``, ``delay``. Outcome-bearing: ``billed``, ``paid``.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.actors.handlers import HandlerGroup


class PropertyFirms(HandlerGroup):
    """The street's property firms."""

    group = "firm"

    def __init__(self, handlers, cfg, world, residents, rng):
        super().__init__(handlers)
        fc = cfg.firms
        nf = world.n_firms
        self.world = world
        self.quality = np.clip(rng.normal(fc.quality_mean, fc.quality_sd, nf), 0.05, 0.95)
        #: pressure on each firm's quality target from community and party oversight
        self.oversight = np.zeros(nf)
        self.billed = np.zeros(nf)
        self.paid = np.zeros(nf)
        self.billing_days = fc.billing_days
        self.hours = fc.hours_per_day
        self.delay = fc.response_delay_hours
        self.skill = np.clip(fc.skill_base + fc.skill_quality * self.quality, 0, 1)
        #: the households of managed compounds
        self.managed_idx = np.flatnonzero(world.firm >= 0)
        self._managed_firm = world.firm[self.managed_idx]
        if self.managed_idx.size:
            q = self.quality[world.firm[self.managed_idx]]
            residents.property_sat[self.managed_idx] = np.clip(
                q + rng.normal(0, 0.05, q.size), 0, 1
            )

    #: the firms' fee ledgers, which outcomes are computed from (see Residents)
    OUTCOME_FIELDS = ("billed", "paid")

    def outcome_arrays(self) -> list[np.ndarray]:
        return [getattr(self, f) for f in self.OUTCOME_FIELDS]

    def serve(self, model) -> None:
        """Daily: residents' satisfaction with their firm moves toward its quality."""
        idx = self.managed_idx
        if idx.size == 0:
            return
        fc, r = model.cfg.firms, model.residents
        f = self._managed_firm
        ps = r.property_sat
        cur = ps[idx]
        cur += fc.property_sat_rate * (self.quality[f] - cur)
        np.clip(cur, 0.0, 1.0, out=cur)
        ps[idx] = cur

    def billing_day(self, day: int) -> bool:
        """Whether the firms bill (and are reviewed) at the end of ``day``."""
        return self.managed_idx.size > 0 and (day + 1) % self.billing_days == 0

    def bill(self, model) -> None:
        """Monthly: residents pay fees by their satisfaction with the service; each firm's
        quality moves toward a target set by its fee collection and oversight."""
        fc, r, w = model.cfg.firms, model.residents, self.world
        idx, f, ps = self.managed_idx, self._managed_firm, r.property_sat
        p_pay = 1.0 / (1.0 + np.exp(-fc.fee_slope * (ps[idx] - fc.fee_midpoint)))
        paid = model.rng.random(idx.size) < p_pay
        r.fees_billed[idx] += 1
        r.fees_paid[idx] += paid
        nf = w.n_firms
        billed = np.bincount(f, minlength=nf).astype(np.float64)
        got = np.bincount(f, weights=paid, minlength=nf)
        self.billed += billed
        self.paid += got
        collection = np.divide(got, billed, out=np.zeros(nf), where=billed > 0)
        target = np.clip(
            fc.quality_mean + fc.income_effect * (collection - 0.6) + self.oversight, 0.0, 0.98
        )
        q = self.quality
        q += fc.quality_adjust * (target - q)
        self.skill = np.clip(fc.skill_base + fc.skill_quality * q, 0.0, 1.0)
