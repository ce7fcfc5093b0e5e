"""Home visits (入户走访): the community's own rounds, before discovery.

- The **NGO** of each community makes its contracted visits to the community's
  vulnerable households, ``ngos.visits_per_household_month`` each per month,
  ``ngos.hours_per_visit`` each.
- The **party branch**'s staff visit every household of the community,
  ``party.visits_per_household_year`` each per year, ``party.hours_per_visit``
  each.

The rates are levers of the actor sets, one per community
(``model.ngos.visits_per_household_month``,
``model.party.visits_per_household_year``), set from the config.

Each visits its households in turn (a round that starts again when it has been
through them all), as many today as the expected number (rounded at random)
and as far as 0.85 of the hours it has left allow (the rest is kept for its
cases). A visit is a contact (trust, see Residents.feel) and finds a latent
problem of the household with ``visit_find_prob`` (discovery): a vulnerable
household's service need is mostly found this way.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.issues import Channel

#: the largest share of the hours left that a round of visits takes
VISIT_CAP = 0.85


class Round:
    """One actor's round of home visits over its households, community by community."""

    def __init__(self, households: np.ndarray, community: np.ndarray, n_communities: int):
        order = np.lexsort((households, community))
        self.hh = households[order]
        self.start = np.searchsorted(community[order], np.arange(n_communities + 1))
        self.size = np.diff(self.start)
        self.next = np.zeros(n_communities, dtype=np.int64)

    def take(self, n: np.ndarray) -> np.ndarray:
        """The next ``n[c]`` households of each community's round."""
        n = np.minimum(n, self.size)
        total = int(n.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        c = np.repeat(np.arange(n.size), n)
        k = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
        pos = self.start[c] + (self.next[c] + k) % np.maximum(self.size[c], 1)
        self.next = (self.next + n) % np.maximum(self.size, 1)
        return self.hh[pos].astype(np.int64)


def _rounds(model) -> dict:
    cache = model.__dict__.get("_visit_rounds")
    if cache is None:
        w, r = model.world, model.residents
        vul = r.vulnerable_idx
        cache = {
            "ngo": Round(vul, w.community[vul], w.n_communities),
            "party": Round(np.arange(w.n), w.community, w.n_communities),
        }
        model.__dict__["_visit_rounds"] = cache
    return cache


def visit(model) -> None:
    """Today's home visits: spend the hours, mark the households visited."""
    cfg, rng, h = model.cfg, model.rng, model.handlers
    rounds = _rounds(model)
    today = model.today
    today.visited = np.empty(0, dtype=np.int64)
    today.visit_channel = np.empty(0, dtype=np.int8)
    got, chan = [], []
    for group, sec, per_day, channel in (
        ("ngo", cfg.ngos, model.ngos.visits_per_household_month / 30.0, Channel.NGO),
        ("party", cfg.party, model.party.visits_per_household_year / 365.0, Channel.PARTY),
    ):
        rnd = rounds[group]
        if not np.any(per_day > 0) or sec.hours_per_visit <= 0:
            continue
        expected = rnd.size * per_day
        n = np.floor(expected + rng.random(expected.size)).astype(np.int64)
        sl = h.slice(group)
        # the cases waiting come first: visits take what is left after yesterday's backlog
        free = np.maximum(h.cap_today[sl] - h.used_today[sl] - h.backlog[sl], 0.0) * VISIT_CAP
        n = np.minimum(n, np.floor(free / sec.hours_per_visit + 1e-9).astype(np.int64))
        hh = rnd.take(n)
        h.used_today[sl] += np.minimum(n, rnd.size) * sec.hours_per_visit
        got.append(hh)
        chan.append(np.full(hh.size, int(channel), dtype=np.int8))
    if got:
        today.visited = np.concatenate(got)
        today.visit_channel = np.concatenate(chan)
        model.residents.contacted[today.visited] = True
