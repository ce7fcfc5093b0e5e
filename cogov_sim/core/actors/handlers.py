"""Handler capacity as one set of arrays over every handling actor.

Grid workers, property firms, NGOs, party branches, departments, mediators
(one pool per community, no hours unless a mechanism trains them) and "the
parties themselves" (one handler, no hours unless a mechanism sends private
matters to it) share one index space (in that order), so that a day's handling
of every queue is one sort and one grouped cumulative sum. The agent objects of those actors are
views onto these arrays.

Fields a mechanism may change (per handler, aligned with the index space):
``hours`` (base hours per day), ``reserved`` (hours not available for handling,
e.g. patrol), ``skill``, ``delay`` (mean scheduling delay before work starts,
hours), ``volunteer_share`` (share of its community's volunteer hours
of the day before it can use), ``wage_factor`` (multiplier of its kind's wage)
and ``review`` (the weights and response of the performance review).

The review (考核) is this set's own behaviour (:meth:`Handlers.review`): every
``period_days`` each handler that closed issues in the period gets a score
``w_c * on-time share + w_r * timeliness + w_s * surveyed outcome score``
(weights normalised to sum 1; timeliness ``exp(-max(0, r - e) / e)``; the
outcome score is the mean over the closed cases whose residents were called
back, a sample as a third-party survey takes). The review never changes paid
hours: a handler puts its effort where the review weighs,
``thoroughness = clip(d * (1 + effort_gain * (target_score - score)), -1, 1) *
max_effort_change`` with ``d = (w_s - w_r) / (w_c + w_r + w_s)``. A thorough
handler (satisfaction weighed) gives each case more hours (``x (1 +
thoroughness)``) and fails less often (``x (1 - thoroughness)``); a hurried one
(response weighed) the reverse. Closure weighed too heavily brings gaming
(handling).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import HandlerKind, IssueState

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


@dataclass
class ReviewRule:
    """The performance review in force (initialised from ``cfg.review``)."""

    period_days: int
    weight_closure: float
    weight_response: float
    weight_satisfaction: float
    target_score: float
    effort_gain: float
    max_effort_change: float
    gaming_threshold: float
    gaming_max: float

    @classmethod
    def from_config(cls, rc) -> ReviewRule:
        return cls(**{k: getattr(rc, k) for k in cls.__dataclass_fields__})

    @property
    def closure_share(self) -> float:
        """The closure weight's share of all review weights."""
        total = self.weight_closure + self.weight_response + self.weight_satisfaction
        return self.weight_closure / total if total > 0 else 0.0


class Handlers:
    """Arrays of every handler: kind, hours per day, skill, effort, delay, hours used."""

    def __init__(self, sizes: dict[str, int], review: ReviewRule | None = None):
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
        self.effort = np.ones(n)  # multiplier of hours (a lever; the review leaves it)
        self.thoroughness = np.zeros(n)  # review-driven care per case (handling)
        self.util_yesterday = np.zeros(n)  # hours used / hours on duty, the day before
        self.teams = np.ones(n)  # teams working in parallel (a department's inspectors)
        self.retry_delay = np.zeros(n)  # hours from a failed attempt to the next one
        self.backlog = np.zeros(n)  # hours of available work left undone at the end of today
        self.staff_today = np.zeros(n)  # paid staff hours added today (e.g. sent by a department)
        self.paid_total = np.zeros(n)  # staff hours on duty (paid, used or not)
        self.volunteer_share = np.zeros(n)  # share of the community's volunteer hours
        self.wage_factor = np.ones(n)  # multiplier of the kind's wage
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
        self.rev_surveyed = np.zeros(n)
        self.review_score = np.full(n, np.nan)
        self.review_rule = review
        #: hours added during the run are refused (a decomposition with ``hours`` off)
        self.hours_locked = False
        self._paid_mask = np.isin(self.kind, self.PAID_KINDS)

    def slice(self, group: str) -> slice:
        o = self.offset[group]
        return slice(o, o + self.size[group])

    def index(self, group: str, owner) -> np.ndarray:
        return self.offset[group] + np.asarray(owner)

    #: handler kinds whose staff are paid for the hours they are on duty (volunteers,
    #: trained resident mediators and the parties themselves are not)
    PAID_KINDS = (
        HandlerKind.GRID_WORKER,
        HandlerKind.PROPERTY_FIRM,
        HandlerKind.NGO,
        HandlerKind.PARTY_BRANCH,
        HandlerKind.DEPARTMENT,
    )

    def start_day(self) -> None:
        self.cap_today = self.hours * self.effort + self.extra
        self.staff_today[:] = 0.0
        self.used_today[:] = self.reserved
        # patrol hours are part of the worker's hours: never above what it has
        np.minimum(self.used_today, self.cap_today, out=self.used_today)

    def end_day(self, counting: bool = True) -> None:
        """Close the day's books; totals count only in the outcome window (``counting``)."""
        over = float(np.max(self.used_today - self.cap_today)) if self.n else 0.0
        self.max_overrun = max(self.max_overrun, over)
        if counting:
            self.cap_total += self.cap_today
            self.used_total += self.used_today
            paid = self._paid_mask
            self.paid_total += np.where(paid, self.hours * self.effort, 0.0) + self.staff_today
        np.divide(
            self.used_today,
            self.cap_today,
            out=self.util_yesterday,
            where=self.cap_today > 0,
        )
        self.util_yesterday[self.cap_today <= 0] = 0.0

    #: the handlers' totals and review tallies, which outcomes are computed from
    OUTCOME_FIELDS = (
        "cap_total",
        "used_total",
        "paid_total",
        "rev_closed",
        "rev_on_time",
        "rev_timeliness",
        "rev_score",
        "rev_surveyed",
        "review_score",
    )

    def outcome_arrays(self) -> list[np.ndarray]:
        """Arrays that outcomes are computed from (read-only during mechanism hooks)."""
        return [getattr(self, f) for f in self.OUTCOME_FIELDS]

    def review(self, model) -> None:
        """考核: tally today's closures; every ``period_days`` score handlers and set their
        thoroughness (never their paid hours)."""
        rc, iss = self.review_rule, model.issues
        today = model.today
        ids = today.closed
        if ids.size:
            hd = iss.handler[ids]
            ok = hd >= 0
            ids, hd = ids[ok], hd[ok]
            # the outcome scores of the cases whose residents were called back (a survey)
            score = today.scores[ok]
            surveyed = today.surveyed[ok]
            resolved = iss.state[ids] == IssueState.RESOLVED
            on_time = resolved & (iss.t_close[ids] <= iss.deadline[ids])
            timely = np.where(resolved, today.timeliness[ok], 0.0)
            self.rev_closed += np.bincount(hd, minlength=self.n)
            self.rev_on_time += np.bincount(hd, weights=on_time, minlength=self.n)
            self.rev_timeliness += np.bincount(hd, weights=timely, minlength=self.n)
            self.rev_score += np.bincount(hd, weights=score * surveyed, minlength=self.n)
            self.rev_surveyed += np.bincount(hd, weights=surveyed, minlength=self.n)
        if (model.day + 1) % rc.period_days:
            return
        n = self.rev_closed
        has = n > 0
        wsum = rc.weight_closure + rc.weight_response + rc.weight_satisfaction
        if wsum <= 0:
            wsum = 1.0
        s = np.full(self.n, np.nan)
        # the survey's mean score; where nobody was surveyed, the review weighs the rest
        sat = np.divide(
            self.rev_score, self.rev_surveyed, out=np.zeros(self.n), where=self.rev_surveyed > 0
        )
        w_s = np.where(self.rev_surveyed > 0, rc.weight_satisfaction, 0.0)
        wsum_h = np.maximum(rc.weight_closure + rc.weight_response + w_s, 1e-12)
        s[has] = (
            rc.weight_closure * self.rev_on_time[has] / n[has]
            + rc.weight_response * self.rev_timeliness[has] / n[has]
            + w_s[has] * sat[has]
        ) / wsum_h[has]
        self.review_score = s
        d = (rc.weight_satisfaction - rc.weight_response) / wsum
        lean = np.clip(d * (1 + rc.effort_gain * (rc.target_score - s[has])), -1.0, 1.0)
        self.thoroughness[has] = lean * rc.max_effort_change
        for arr in (
            self.rev_closed,
            self.rev_on_time,
            self.rev_timeliness,
            self.rev_score,
            self.rev_surveyed,
        ):
            arr[:] = 0.0


class HandlerGroup:
    """One kind of handler (grid workers, firms, NGOs, party branches, departments,
    mediators, the parties themselves): views onto its slice of :class:`Handlers`.

    ``group.hours *= 1.5`` changes the handlers' arrays in place.
    """

    group = ""

    def __init__(self, handlers: Handlers):
        self.handlers = handlers
        self.slice = handlers.slice(self.group)
        self.n = handlers.size[self.group]

    def index(self, owner) -> np.ndarray:
        """Handler indices of owners ``owner`` (zone, firm, community, department...)."""
        return self.handlers.index(self.group, owner)

    def _view(name):  # noqa: N805 - a descriptor factory used in the class body
        def get(self):
            return getattr(self.handlers, name)[self.slice]

        def set_(self, value):
            getattr(self.handlers, name)[self.slice] = value

        return property(get, set_, doc=f"``Handlers.{name}`` of this group (a view).")

    hours = _view("hours")
    reserved = _view("reserved")
    skill = _view("skill")
    delay = _view("delay")
    volunteer_share = _view("volunteer_share")
    wage_factor = _view("wage_factor")
    effort = _view("effort")
    extra = _view("extra")
    teams = _view("teams")
    retry_delay = _view("retry_delay")
    used_today = _view("used_today")
    cap_today = _view("cap_today")
    del _view

    def hours_left(self, owner) -> np.ndarray:
        """Hours still free today of owners ``owner``."""
        h, i = self.handlers, self.index(owner)
        return h.cap_today[i] - h.used_today[i]

    def add_staff_hours(self, owner, hours) -> None:
        """Paid staff hours for today on top of the group's own (e.g. sent by a department)."""
        if self.handlers.hours_locked:
            return
        i = self.index(owner)
        np.add.at(self.handlers.cap_today, i, hours)
        np.add.at(self.handlers.staff_today, i, hours)

    def add_volunteer_hours(self, owner, hours) -> None:
        """Unpaid volunteer hours for today (e.g. party members' teams)."""
        if self.handlers.hours_locked:
            return
        np.add.at(self.handlers.cap_today, self.index(owner), hours)

    def spend_hours(self, owner, hours) -> None:
        """Use ``hours`` of today's capacity of owners ``owner`` (repeats add up)."""
        np.add.at(self.handlers.used_today, self.index(owner), hours)
