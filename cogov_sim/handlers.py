"""Handler capacity as one set of arrays over every handling actor.

Grid workers, property firms, NGOs, party branches, departments, mediators
(one pool per community, no hours unless a mechanism trains them) and "the
parties themselves" (one handler without an hour limit, used by triage) share
one index space (in that order), so that a day's handling of every queue is one
sort and one grouped cumulative sum. The agent objects of those actors are
views onto these arrays.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.issues import HandlerKind

GROUPS = ("worker", "firm", "ngo", "party", "department", "mediator", "self")
KIND_OF_GROUP = {
    "mediator": HandlerKind.MEDIATOR,
    "self": HandlerKind.RESIDENT_SELF,
    "worker": HandlerKind.GRID_WORKER,
    "firm": HandlerKind.PROPERTY_FIRM,
    "ngo": HandlerKind.NGO,
    "party": HandlerKind.PARTY_BRANCH,
    "department": HandlerKind.DEPARTMENT,
}


class Handlers:
    """Arrays of every handler: kind, hours per day, skill, effort, delay, hours used."""

    def __init__(self, sizes: dict[str, int]):
        self.offset: dict[str, int] = {}
        self.size: dict[str, int] = {}
        start = 0
        for g in GROUPS:
            self.offset[g] = start
            self.size[g] = int(sizes[g])
            start += int(sizes[g])
        n = start
        self.n = n
        self.kind = np.empty(n, dtype=np.int8)
        self.owner = np.empty(n, dtype=np.int32)
        for g in GROUPS:
            s = self.slice(g)
            self.kind[s] = KIND_OF_GROUP[g]
            self.owner[s] = np.arange(self.size[g])
        self.hours = np.zeros(n)  # base hours per day
        self.reserved = np.zeros(n)  # hours per day not available for handling (patrol)
        self.skill = np.zeros(n)
        self.delay = np.zeros(n)  # mean response delay (hours) before work starts
        self.effort = np.ones(n)  # review-driven multiplier of hours
        self.extra = np.zeros(n)  # extra hours today (volunteers)
        self.cap_today = np.zeros(n)
        self.used_today = np.zeros(n)
        self.cap_total = np.zeros(n)
        self.used_total = np.zeros(n)
        self.max_overrun = 0.0  # max over days of used - cap; must stay <= 0
        # review accumulators (reset every review period)
        self.rev_closed = np.zeros(n)
        self.rev_on_time = np.zeros(n)
        self.rev_timeliness = np.zeros(n)
        self.rev_score = np.zeros(n)
        self.review_score = np.full(n, np.nan)

    def slice(self, group: str) -> slice:
        o = self.offset[group]
        return slice(o, o + self.size[group])

    def index(self, group: str, owner) -> np.ndarray:
        return self.offset[group] + np.asarray(owner)

    def start_day(self) -> None:
        self.cap_today = self.hours * self.effort + self.extra
        self.used_today[:] = self.reserved
        # patrol hours are part of the worker's hours: never above what it has
        np.minimum(self.used_today, self.cap_today, out=self.used_today)

    def end_day(self) -> None:
        over = float(np.max(self.used_today - self.cap_today)) if self.n else 0.0
        self.max_overrun = max(self.max_overrun, over)
        self.cap_total += self.cap_today
        self.used_total += self.used_today
