"""Property firms: quality, property satisfaction and fees.

- Daily, a managed household's property satisfaction moves toward its firm's
  quality at ``property_sat_rate``.
- Every ``billing_days`` each managed household is billed and pays with
  probability ``1 / (1 + exp(-fee_slope * (property_sat - fee_midpoint)))``.
- Then each firm's quality moves toward its target at ``quality_adjust``:
  ``target = quality_mean + income_effect * (collection - 0.6) + oversight``,
  where collection is the firm's share of this bill paid and oversight is the
  party oversight pressure (0 unless a mechanism adds it). Skill follows
  quality: ``skill_base + skill_quality * quality``.
"""

from __future__ import annotations

import numpy as np


def update(model) -> None:
    idx = model.managed_idx
    if idx.size == 0:
        return
    fc, r, w = model.cfg.firms, model.residents, model.world
    f = w.firm[idx]
    ps = r.property_sat
    ps[idx] += fc.property_sat_rate * (model.firm_quality[f] - ps[idx])
    ps[idx] = np.clip(ps[idx], 0.0, 1.0)
    if (model.day + 1) % fc.billing_days:
        return
    for m in model.mechanisms:
        m.monthly(model)
    p_pay = 1.0 / (1.0 + np.exp(-fc.fee_slope * (ps[idx] - fc.fee_midpoint)))
    paid = model.rng.random(idx.size) < p_pay
    r.fees_billed[idx] += 1
    r.fees_paid[idx] += paid
    nf = w.n_firms
    billed = np.bincount(f, minlength=nf).astype(np.float64)
    got = np.bincount(f, weights=paid, minlength=nf)
    model.firm_billed += billed
    model.firm_paid += got
    collection = np.divide(got, billed, out=np.zeros(nf), where=billed > 0)
    target = np.clip(
        fc.quality_mean + fc.income_effect * (collection - 0.6) + model.firm_oversight, 0.0, 0.98
    )
    q = model.firm_quality
    q += fc.quality_adjust * (target - q)
    h = model.handlers
    h.skill[h.slice("firm")] = np.clip(fc.skill_base + fc.skill_quality * q, 0.0, 1.0)
