"""Property firms (物业公司): money, staff hours, service quality, fees.

Rules (docs/ODD.md, 7.7):

- **Money buys hours.** A firm's staff hours per day for the next month are
  what the fees collected this month pay for:
  ``fee_yuan_month * households paying * (staff_share + oversight * skim_share)
  / wage_firm / billing_days``. Before the first bill a firm expects the
  payment its households' initial satisfaction gives.
- **Routine service first.** Each day the firm sets aside the routine service
  its contract sets, ``service_hours_per_household * service_level`` per
  managed household (cleaning, security, upkeep), as far as a share 0.85 of its
  hours allows; repairs (facility faults in its compounds) and property
  disputes are handled from the rest.
- **Quality follows what was delivered.** Monthly, each firm's quality moves
  toward ``r / (r + quality_half)`` at ``quality_adjust``, ``r`` the routine
  service delivered over the month against the contract's standard (not the
  raised level). Skill follows quality: ``skill_base + skill_quality * quality``.
- **Residents judge the service.** Daily, a managed household's property
  satisfaction moves toward its firm's quality at ``property_sat_rate``, and a
  closed property dispute or repair of its own moves it toward the case's
  outcome score (feedback). Every ``billing_days`` each managed household
  pays with probability ``1 / (1 + exp(-fee_slope * (property_sat -
  fee_midpoint)))``.

Fields a mechanism may change (levers): ``oversight`` (per firm, 0-1: the share
of the skimmed fees that oversight turns back into staff hours),
``service_level`` (per firm: the routine service the owners hold the firm to,
a multiple of the contract's), and the handler field ``delay``.
Outcome-bearing: ``billed``, ``paid``.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.actors.handlers import HandlerGroup


class PropertyFirms(HandlerGroup):
    """The street's property firms."""

    group = "firm"

    #: the largest share of a firm's hours it sets aside for routine service
    ROUTINE_CAP = 0.85

    def __init__(self, handlers, cfg, world, residents, rng):
        super().__init__(handlers)
        fc = cfg.firms
        nf = world.n_firms
        self.world = world
        self.quality = np.clip(rng.normal(fc.quality_mean, fc.quality_sd, nf), 0.05, 0.95)
        #: share of the skimmed fees that oversight turns back into staff hours (0-1)
        self.oversight = np.zeros(nf)
        #: routine service the firm is held to, a multiple of the contract's standard
        self.service_level = np.ones(nf)
        self.billed = np.zeros(nf)
        self.paid = np.zeros(nf)
        self.billing_days = fc.billing_days
        self.delay = fc.response_delay_hours
        self.skill = np.clip(fc.skill_base + fc.skill_quality * self.quality, 0, 1)
        #: the households of managed compounds
        self.managed_idx = np.flatnonzero(world.firm >= 0)
        self._managed_firm = world.firm[self.managed_idx]
        #: managed households per firm
        self.households = np.bincount(self._managed_firm, minlength=nf).astype(np.float64)
        #: routine service hours delivered and due (at the contract's standard) this month
        self.routine_done = np.zeros(nf)
        self.routine_due = np.zeros(nf)
        self._wage = cfg.outcomes.wage_firm
        if self.managed_idx.size:
            q = self.quality[world.firm[self.managed_idx]]
            residents.property_sat[self.managed_idx] = np.clip(
                q + rng.normal(0, 0.05, q.size), 0, 1
            )
            expected = self.payment_prob(fc, residents.property_sat[self.managed_idx])
            pay = np.bincount(self._managed_firm, weights=expected, minlength=nf)
            self.hours = self._hours_paid_by(fc, pay)
        else:
            self.hours = 0.0

    #: the firms' fee ledgers, which outcomes are computed from (see Residents)
    OUTCOME_FIELDS = ("billed", "paid")

    def outcome_arrays(self) -> list[np.ndarray]:
        return [getattr(self, f) for f in self.OUTCOME_FIELDS]

    @staticmethod
    def payment_prob(fc, property_sat: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-fc.fee_slope * (property_sat - fc.fee_midpoint)))

    def _hours_paid_by(self, fc, paying: np.ndarray) -> np.ndarray:
        """Staff hours per day that ``paying`` households' fees pay for."""
        share = fc.staff_share + self.oversight * fc.skim_share
        return paying * fc.fee_yuan_month * share / max(self._wage, 1e-9) / fc.billing_days

    def set_aside_routine(self, model) -> None:
        """Start of day: set aside today's routine service from the hours left."""
        fc = model.cfg.firms
        h = self.handlers
        sl = self.slice
        want = self.households * fc.service_hours_per_household * self.service_level
        free = np.maximum(h.cap_today[sl] * self.ROUTINE_CAP - h.used_today[sl], 0.0)
        done = np.minimum(want, free)
        h.used_today[sl] += done
        self.routine_done += done
        self.routine_due += self.households * fc.service_hours_per_household

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
        """Monthly: residents pay by their satisfaction with the service; the fees pay
        next month's staff hours; quality moves toward what the month's routine service
        gave."""
        fc, r, w = model.cfg.firms, model.residents, self.world
        idx, f, ps = self.managed_idx, self._managed_firm, r.property_sat
        paid = model.rng.random(idx.size) < self.payment_prob(fc, ps[idx])
        nf = w.n_firms
        got = np.bincount(f, weights=paid, minlength=nf)
        if model.counting:
            r.fees_billed[idx] += 1
            r.fees_paid[idx] += paid
            self.billed += self.households
            self.paid += got
        self.hours = self._hours_paid_by(fc, got)
        ratio = np.divide(
            self.routine_done,
            self.routine_due,
            out=np.zeros(nf),
            where=self.routine_due > 0,
        )
        target = ratio / (ratio + fc.quality_half)
        q = self.quality
        q += fc.quality_adjust * (target - q)
        self.routine_done[:] = 0.0
        self.routine_due[:] = 0.0
        self.skill = np.clip(fc.skill_base + fc.skill_quality * q, 0.0, 1.0)
