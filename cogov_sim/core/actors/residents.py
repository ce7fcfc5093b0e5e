"""Residents (居民户): one row per household, state and behaviour in bulk.

Rules (see docs/ODD.md, sections 7.6 and 7.9):

- **Feedback (反馈): problems cost residents.** Every day each open problem
  (discovered or not: its household lives with it) costs its household
  ``burden_per_day * severity`` satisfaction and each Moore neighbour
  ``neighbour_burden`` of that (they see it). When it is resolved (not falsely
  closed), the household regains ``restore_share * timeliness`` of what the
  problem cost it (timeliness ``exp(-max(0, r - e) / e)``, response ``r``
  against the expectation ``e = expected_hours_k``), the neighbours likewise;
  closed unresolved (a false closure included: the household knows) it loses
  ``fail_penalty`` more, twice that when the dispute turned criminal. A closed
  property dispute moves property satisfaction toward an outcome score at
  ``satisfaction_rate``. Every day satisfaction drifts back to the
  household's baseline at ``satisfaction_drift``; trust moves toward
  satisfaction at ``trust_rate`` and rises by ``contact_trust`` for each visit
  (a grid worker's patrol; any other contact an actor makes, ``contacted``).
- **Participation.** Each day a resident takes part in community activity
  with probability ``sigmoid(z)``, ``z = intercept + civic * (c - 0.29) +
  trust * (t - 0.55) + neighbours * (s - 0.19) + incentive * v +
  participation_bonus - time_cost * tc + party_member * p + invitation * i +
  tenure * (log(1 + years) - 2)``,
  with the share ``s`` of Moore neighbours who took part in the last
  ``window_days``, the incentive value ``v`` and the invitation ``i`` (1 when
  invited today, e.g. to a council meeting). Each activity earns
  ``points_per_activity`` points and adds ``hours_per_activity`` to the
  community's volunteer pool, which handlers can use the next day at their
  ``volunteer_share``.

Fields a mechanism may change (levers): ``report_factor``, ``incentive_value``,
``points_per_activity``, ``participation_bonus``, ``time_cost``, ``invited``,
``contacted``, ``registered``, ``literacy``. Outcome-bearing arrays
(:meth:`Residents.outcome_arrays`) are read-only while mechanisms act.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import IssueState, IssueType
from cogov_sim.core.processes.feedback import outcome_score, timeliness
from cogov_sim.core.world import HOUSING_TYPES, neighbour_share, spread_to_neighbours

NEVER = -(10**6)


class Residents:
    """Per-household state arrays (length ``n``) and the residents' behaviour."""

    def __init__(self, cfg, world, rng):
        n = world.n
        rc = cfg.residents
        k = rc.concentration

        def beta(mean):
            mean = min(max(mean, 1e-3), 1 - 1e-3)
            return rng.beta(mean * k, (1 - mean) * k, n)

        self.n = n
        sat = beta(rc.satisfaction_mean)
        #: satisfaction with local governance, 0-1 (outcome-bearing)
        self.satisfaction = sat
        #: each household's own baseline satisfaction
        self.sat_base = sat.copy()
        #: trust in local institutions, 0-1 (outcome-bearing)
        self.trust = beta(rc.trust_mean)
        # Who lives where follows the housing type of the household's compound.
        types = [getattr(cfg.housing, t) for t in HOUSING_TYPES]
        ht = world.housing.astype(np.int64)
        shift = np.array([t.civic_shift for t in types])
        civic_mean = np.clip(rc.civic_mean + shift, 1e-3, 1 - 1e-3)
        cm = civic_mean[ht]
        #: civic propensity, 0-1 (its mean shifts with the housing type)
        self.civic = rng.beta(cm * k, (1 - cm) * k)
        #: legal literacy, 0-1 (slows the growth of disputes)
        self.literacy = beta(rc.legal_literacy_mean)
        party_share = np.array([t.party_member_share for t in types])[ht]
        src = world.source  # a world from files: its compounds' own shares, where given
        if src is not None and src.block_party is not None:
            own = src.block_party[world.block]
            party_share = np.where(np.isfinite(own), own, party_share)
        self.party = rng.random(n) < party_share
        # Vulnerable households cluster: each compound's share is drawn around its type's.
        vk = cfg.housing.vulnerable_concentration
        vm = np.clip(np.array([t.vulnerable_share for t in types]), 1e-6, 1 - 1e-6)
        bm = vm[world.block_housing.astype(np.int64)]
        block_share = np.where(bm > 1e-6, rng.beta(bm * vk, (1 - bm) * vk), 0.0)
        if src is not None and src.block_vulnerable is not None:
            block_share = np.where(
                np.isfinite(src.block_vulnerable), src.block_vulnerable, block_share
            )
        self.vulnerable = rng.random(n) < block_share[world.block]
        tenure_mean = np.array([t.tenure_years for t in types])
        #: years the household has lived here (exponential around its type's mean)
        self.tenure = rng.exponential(1.0, n) * tenure_mean[ht]
        self.points = np.zeros(n)
        self.last_part = np.full(n, NEVER, dtype=np.int64)
        self.last_dispute = np.full(n, NEVER, dtype=np.int64)
        self.last_patrol = np.zeros(n, dtype=np.int64)
        #: the last day a service reached the household (a home visit, a need met)
        self.last_served = np.full(n, NEVER, dtype=np.int64)
        self.property_sat = np.full(n, np.nan)
        self.fees_billed = np.zeros(n, dtype=np.int32)
        self.fees_paid = np.zeros(n, dtype=np.int32)
        # ---- levers (documented fields mechanisms may change)
        #: a resident's report (to the community or the hotline) records type and place
        #: right with this probability (a platform's classification raises it)
        self.report_accuracy = cfg.residents.resident_report_accuracy
        #: multiplier of every resident's daily reporting propensity (channels, incentives)
        self.report_factor = 1.0
        #: value of participation incentives, enters the participation logit
        self.incentive_value = 0.0
        #: points earned per activity
        self.points_per_activity = 0.0
        #: extra participation logit: a number or one per household
        self.participation_bonus: float | np.ndarray = 0.0
        #: cost of time of an activity (0 by default)
        self.time_cost = 0.0
        #: invited today to an activity (e.g. a council meeting); cleared after participation
        self.invited = np.zeros(n, dtype=bool)
        #: visited today by an actor other than the patrol (e.g. a linked party member)
        self.contacted = np.zeros(n, dtype=bool)
        #: party members registered to serve in their residential community (双报到)
        self.registered = np.zeros(n, dtype=bool)
        self.vulnerable_idx = np.flatnonzero(self.vulnerable)
        self._part_static: np.ndarray | None = None
        self.active_count = 0

    def __len__(self) -> int:
        return self.n

    #: the arrays that outcomes are computed from: read-only during mechanism hooks, and
    #: a hook that rebinds one fails (the plug-in contract)
    OUTCOME_FIELDS = (
        "satisfaction",
        "sat_base",
        "trust",
        "points",
        "last_part",
        "last_dispute",
        "last_served",
        "property_sat",
        "fees_billed",
        "fees_paid",
    )

    def outcome_arrays(self) -> list[np.ndarray]:
        """Arrays that outcomes are computed from (read-only during mechanism hooks)."""
        return [getattr(self, f) for f in self.OUTCOME_FIELDS]

    # -------------------------------------------------------------- behaviour
    def report_propensity(self, cfg, self_report: np.ndarray, hh, vulnerable_need) -> np.ndarray:
        """Daily probability that households ``hh`` report their latent issues themselves."""
        rc = cfg.residents
        p = self_report * (rc.report_trust_floor + (1 - rc.report_trust_floor) * self.trust[hh])
        p = p * self.report_factor
        return np.where(vulnerable_need, p * rc.vulnerable_report_factor, p)

    def feel(self, model) -> None:
        """Feedback: problems cost satisfaction while open, resolution restores part of
        it; trust follows satisfaction and visits."""
        rc, iss, w = model.cfg.residents, model.issues, model.world
        sat = self.satisfaction
        sat += rc.satisfaction_drift * (self.sat_base - sat)
        # Every open problem (discovered or not: its household lives with it) costs its
        # household, and a share of that each Moore neighbour, every day.
        ids = model.open_ids[iss.state[model.open_ids] <= IssueState.ASSIGNED]
        if ids.size:
            cost = rc.burden_per_day * iss.severity[ids]
            hh = iss.hh[ids]
            # a matter seen from the street burdens its cell as it burdens the neighbours
            own = np.where(model.it_street_visible[iss.itype[ids]], rc.neighbour_burden, 1.0)
            np.subtract.at(sat, hh, own * cost)
            iss.burden[ids] += cost
            if rc.neighbour_burden > 0:
                sat -= spread_to_neighbours(w, hh, rc.neighbour_burden * cost)
        today = model.today
        closed = today.closed
        timely = timeliness(model, closed)
        today.timeliness = timely  # aligned with today.closed, as are the scores
        today.scores = outcome_score(model, closed, timely)
        if closed.size:
            st = iss.state[closed]
            hh = iss.hh[closed]
            fixed = (st == IssueState.RESOLVED) & ~iss.false_closure[closed]
            # Resolution restores part of what the problem cost, more when it was timely.
            back = np.where(fixed, rc.restore_share * timely, 0.0)
            back = back * iss.burden[closed]
            own = np.where(model.it_street_visible[iss.itype[closed]], rc.neighbour_burden, 1.0)
            np.add.at(sat, hh, own * back)
            if rc.neighbour_burden > 0:
                sat += spread_to_neighbours(w, hh, rc.neighbour_burden * back)
            lost = np.where(st == IssueState.ESCALATED, 2.0, (~fixed).astype(float))
            own = np.where(model.it_street_visible[iss.itype[closed]], rc.neighbour_burden, 1.0)
            np.subtract.at(sat, hh, rc.fail_penalty * lost * own)
            met = closed[fixed & (iss.itype[closed] == IssueType.SERVICE_NEED)]
            self.last_served[iss.hh[met]] = model.day
            prop = iss.itype[closed] == IssueType.PROPERTY_DISPUTE
            if prop.any():
                score = today.scores
                ph = hh[prop]
                ps = self.property_sat
                ok = ~np.isnan(ps[ph])
                np.add.at(ps, ph[ok], rc.satisfaction_rate * (score[prop][ok] - ps[ph[ok]]))
        np.clip(sat, 0.0, 1.0, out=sat)
        self.trust += rc.trust_rate * (sat - self.trust)
        visited = model.workers.patrolled_today
        if visited.size:
            np.add.at(self.trust, visited, rc.contact_trust)
        if self.contacted.any():
            self.trust[self.contacted] += rc.contact_trust
            self.last_served[self.contacted] = model.day
        np.clip(self.trust, 0.0, 1.0, out=self.trust)

    def participate(self, model) -> None:
        """Take part in community activity; fill the volunteer pools for tomorrow."""
        pc, w, rng = model.cfg.participation, model.world, model.rng
        day = model.day
        recent = day - self.last_part < pc.window_days
        s = neighbour_share(w, recent)
        if self._part_static is None:  # the terms that never change within a run
            self._part_static = (
                pc.intercept
                + pc.civic * (self.civic - 0.29)
                + pc.party_member * self.party
                + pc.tenure * (np.log1p(self.tenure) - 2.0)
            )
        z = pc.trust * (self.trust - 0.55)
        z += self._part_static
        s -= 0.19
        s *= pc.neighbours
        z += s
        z += pc.incentive * self.incentive_value
        z += self.participation_bonus
        z -= pc.time_cost * self.time_cost
        if self.invited.any():
            z += pc.invitation * self.invited
            self.invited[:] = False
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        p = np.reciprocal(z, out=z)
        took = np.flatnonzero(rng.random(self.n) < p)
        model.party.participants = np.bincount(w.community[took], minlength=w.n_communities).astype(
            np.float64
        )
        self.last_part[took] = day
        #: households who took part in the last ``window_days`` (today's included)
        self.active_count = int(np.count_nonzero(recent)) + int(np.count_nonzero(~recent[took]))
        self.points[took] += self.points_per_activity
        model.participations_total += took.size
        hours = np.bincount(w.community[took], minlength=w.n_communities) * pc.hours_per_activity
        model.volunteer_hours = hours
        model.volunteer_hours_total += float(hours.sum())
        h = model.handlers
        for g in ("party", "ngo"):
            s_ = h.slice(g)
            h.extra[s_] = h.volunteer_share[s_] * hours
