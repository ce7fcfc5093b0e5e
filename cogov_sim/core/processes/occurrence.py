"""Occurrence: issues arise per household and day.

Household *i* has an issue of type *k* on a day with probability
``rate_k / 365 * f_hk * m_ik``, ``f_hk`` the factor of the household's housing
type *h* for type *k* (:func:`cogov_sim.core.places.rate_factors`: relative rates
scaled so that the street's reference mix of housing has the configured
rates) and:

- neighbour dispute: ``m = (1 + contagion * s_d) * exp(-cohesion_effect * (s_p - ref))``,
  with ``s_d`` the share of Moore neighbours with a dispute in the last
  ``window_days`` and ``s_p`` the share who took part in community activity;
- property dispute: households of managed compounds only,
  ``m = (1 - q_f) / (1 - quality_mean)`` for the serving firm's quality ``q_f``;
- facility fault and safety hazard:
  ``m = 1 + neglect_effect * min(d, neglect_days) / neglect_days``, ``d`` the days
  since the cell was last patrolled;
- service need: vulnerable households only, ``m = 1``;
- collective matter and urban matter: every household, ``m = 1``.

Rates are multiplied by ``model.rate_multiplier`` (1 unless a scenario such
as a flood changes it). Sampling is exact thinning: a binomial number of
candidates at the bound of ``m`` among the eligible households of each
housing type, each kept with probability ``m / bound``
(duplicate candidates of one day are merged, a negligible approximation when
the daily rate is small).
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import EventKind, IssueState, IssueType
from cogov_sim.core.world import neighbour_share


def _thin(model, p: float, bound: float, eligible: np.ndarray | None, mult):
    rng = model.rng
    n_el = model.n_households if eligible is None else eligible.shape[0]
    if n_el == 0 or p <= 0:
        return np.empty(0, dtype=np.int64)
    pb = min(1.0, p * bound)
    k = rng.binomial(n_el, pb)
    if k == 0:
        return np.empty(0, dtype=np.int64)
    draws = rng.integers(0, n_el, k)
    if k * 64 > n_el:  # many draws: a bitmap is cheaper than sorting (same result)
        seen = np.zeros(n_el, dtype=bool)
        seen[draws] = True
        cand = np.flatnonzero(seen)
    else:
        cand = np.unique(draws)
    hh = cand if eligible is None else eligible[cand]
    if mult is None:
        return hh
    keep = rng.random(hh.shape[0]) * bound < mult(hh)
    return hh[keep]


def _by_housing(model, role: str):
    """Eligible households by housing type for ``role`` (``all``, ``managed``,
    ``vulnerable``): a list of index arrays, one per housing type (cached: fixed in a
    run)."""
    cache = model.__dict__.setdefault("_occurrence_groups", {})
    if role not in cache:
        el = {
            "all": np.arange(model.n_households),
            "managed": model.firms.managed_idx,
            "vulnerable": model.residents.vulnerable_idx,
        }[role]
        housing = model.world.housing[el]
        cache[role] = [el[housing == t] for t in range(model.it_housing_factor.shape[0])]
    return cache[role]


def _thin_places(model, k, p, bound, role, mult):
    """Occurrence of issue type ``k`` at daily probability ``p`` times each household's
    housing-type factor, among the ``role``'s eligible households, thinned by ``mult``."""
    out = []
    for t, idx in enumerate(_by_housing(model, role)):
        f = float(model.it_housing_factor[t, k])
        if idx.size and f > 0:
            out.append(_thin(model, p * f, bound, idx, mult))
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def occur(model) -> None:
    cfg, r, w = model.cfg, model.residents, model.world
    pc, ic = cfg.participation, cfg.issues
    day = model.day
    p_day = model.it_rate / 365.0 * model.rate_multiplier
    win = pc.window_days
    out = []

    def neighbour_mult(hh):
        s_d = neighbour_share(w, day - r.last_dispute < win, hh)
        s_p = neighbour_share(w, day - r.last_part < win, hh)
        return (1 + pc.contagion * s_d) * np.exp(
            -pc.cohesion_effect * (s_p - pc.cohesion_reference)
        )

    b = (1 + pc.contagion) * np.exp(pc.cohesion_effect * pc.cohesion_reference)
    k = IssueType.NEIGHBOUR_DISPUTE
    out.append((k, _thin_places(model, k, p_day[k], b, "all", neighbour_mult)))

    q_ref = max(1e-6, 1 - cfg.firms.quality_mean)
    firm_q = model.firms.quality

    def property_mult(hh):
        return (1 - firm_q[w.firm[hh]]) / q_ref

    b = 1.0 / q_ref
    k = IssueType.PROPERTY_DISPUTE
    out.append((k, _thin_places(model, k, p_day[k], b, "managed", property_mult)))

    def neglect_mult(hh):
        d = np.minimum(day - r.last_patrol[hh], ic.neglect_days) / ic.neglect_days
        return 1 + ic.neglect_effect * d

    b = 1 + ic.neglect_effect
    for k in (IssueType.FACILITY_FAULT, IssueType.SAFETY_HAZARD):
        out.append((k, _thin_places(model, k, p_day[k], b, "all", neglect_mult)))
    k = IssueType.SERVICE_NEED
    out.append((k, _thin_places(model, k, p_day[k], 1.0, "vulnerable", None)))
    for k in (IssueType.COLLECTIVE_MATTER, IssueType.URBAN_MATTER):
        out.append((k, _thin_places(model, k, p_day[k], 1.0, "all", None)))

    itype = np.concatenate([np.full(h.shape[0], int(k), dtype=np.int8) for k, h in out])
    hh = np.concatenate([h for _, h in out]).astype(np.int64)
    if hh.size == 0:
        return
    rng = model.rng
    k = itype.astype(np.int64)
    sev = rng.beta(model.it_sev_a[k], model.it_sev_b[k])
    t_occur = model.day_start + rng.random(hh.size) * 24.0
    create_issues(model, itype, hh, sev, t_occur)


def create_issues(model, itype, hh, sev, t_occur, parent=None) -> np.ndarray:
    """Add new LATENT issues and log their occurrence; return their ids."""
    r, w, rng = model.residents, model.world, model.rng
    k = itype.astype(np.int64)
    hours = (
        model.it_hours[k] * (0.5 + sev) * rng.lognormal(0.0, model.cfg.issues.hours_noise, hh.size)
    )
    parent = np.full(hh.size, -1, dtype=np.int64) if parent is None else parent
    disputes = itype <= IssueType.PROPERTY_DISPUTE
    # Some disputes nobody can settle by agreement: more often when severe, less when the
    # household knows the law.
    p_stuck = model.cfg.issues.dispute_intractable * (0.5 + sev) * (1.0 - 0.5 * r.literacy[hh])
    tractable = ~(disputes & (rng.random(hh.size) < p_stuck))
    ids = model.issues.add(
        itype=itype,
        hh=hh,
        zone=w.zone[hh],
        community=w.community[hh],
        firm=w.firm[hh],
        vulnerable=r.vulnerable[hh],
        severity=sev,
        state=np.int8(IssueState.LATENT),
        t_occur=t_occur,
        hours_needed=hours,
        parent=parent,
        tractable=tractable,
    )
    r.last_dispute[hh[disputes]] = model.day
    model.add_open(ids)
    model.log_events(
        ids,
        EventKind.OCCUR,
        state_from=-1,
        state_to=int(IssueState.LATENT),
        t=t_occur,
        value=sev,
        parent=parent,
    )
    return ids
