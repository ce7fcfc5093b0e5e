"""Party branches, NGOs, departments, mediators and the parties themselves.

Their capacity lives in :class:`cogov_sim.core.actors.handlers.Handlers`; each set
here is a view of its slice with the fields mechanisms may change (``hours``,
``skill``, ``delay``, ``volunteer_share``, ``wage_factor``) and
its own levers.

- **Party branches (社区党委)**, one per community: staff hours, volunteer hours
  (``party.volunteer_share`` of the day before's pool); they take collective
  decisions, which are carried out as far as residents accept them (handling).
  Lever: ``visits_per_household_year`` (per community, home visits).
- **NGOs (社会组织)**, one per community. Lever: ``visits_per_household_month``
  (per community, visits to vulnerable households).
- **Departments (职能部门)**, the silos, non-spatial: ``world.n_departments``
  silos, each a district team serving ``departments.streets_per_team`` streets
  (this world's streets, and for the rest streets outside the model). A team
  works every day from one queue by priority: this world's cases and the other
  streets' cases, which arrive at ``other_cases_per_day`` per outside street
  (Poisson, ``other_case_hours`` each, severity Beta(2, 5)). A department case
  starts with a site visit (``visit_hours``); its remedy can start
  ``remedy_lag_days`` (exponential) later and waits in the queue again. Levers:
  ``single_intake`` (False in traditional governance, where a department-bound
  report may go to the wrong silo; True when one intake routes every report: an
  integrated grid, a dispatch platform), ``other_rate`` (per team: the outside
  streets' cases per day), ``remedy_lag_hours``, ``transfer_delay_hours``,
  ``committed_hours`` (a whistle's deadline on the waits a department
  controls) and the handler fields.
- **Mediators**, one pool per community, no hours unless a mechanism trains them.
- **The parties themselves**, one handler, no hours unless a mechanism sends
  private matters to them.
"""

from __future__ import annotations

import numpy as np

from cogov_sim.core.actors.handlers import HandlerGroup


class PartyBranches(HandlerGroup):
    group = "party"

    def __init__(self, handlers, cfg):
        super().__init__(handlers)
        pc = cfg.party
        self.hours = pc.hours_per_day
        self.skill = pc.skill
        self.volunteer_share = pc.volunteer_share
        self._per_participant = pc.hours_per_participant
        #: home visits per household per year, per community (a lever; visits)
        self.visits_per_household_year = np.full(self.n, float(pc.visits_per_household_year))
        #: residents of each community who took part in an activity yesterday
        self.participants = np.zeros(self.n)

    def organise(self, model) -> None:
        """Start of day: the staff hours that organising yesterday's activities took
        (``hours_per_participant`` each), as far as today's hours go."""
        need = self.participants * self._per_participant
        h, sl = self.handlers, self.slice
        h.used_today[sl] += np.minimum(need, np.maximum(h.cap_today[sl] - h.used_today[sl], 0))


class NGOs(HandlerGroup):
    group = "ngo"

    def __init__(self, handlers, cfg):
        super().__init__(handlers)
        self.hours = cfg.ngos.hours_per_day
        self.skill = cfg.ngos.skill
        self.delay = cfg.ngos.response_delay_hours
        #: contracted visits per vulnerable household per month, per community (a lever)
        self.visits_per_household_month = np.full(
            self.n, float(cfg.ngos.visits_per_household_month)
        )


class Departments(HandlerGroup):
    """职能部门: ``n_departments`` silos, each a team per ``streets_per_team`` streets;
    department ``i`` of the group is silo ``i % n_departments`` of team
    ``i // n_departments``. The other streets' cases wait in the same queue as this
    world's (:meth:`arrive`, :meth:`take_outside`)."""

    group = "department"

    @staticmethod
    def teams_per_silo(cfg, n_streets: int) -> int:
        return -(-int(n_streets) // int(cfg.departments.streets_per_team))

    def __init__(self, handlers, cfg, world):
        super().__init__(handlers)
        dc = cfg.departments
        #: silos per team
        self.n_silos = int(cfg.world.n_departments)
        per = int(dc.streets_per_team)
        #: the team (within a silo) of each community
        self._community_team = (world.community_street // per).astype(np.int64)
        n_teams = self.n // self.n_silos
        served = np.bincount(np.arange(world.n_streets) // per, minlength=n_teams)
        #: streets outside the model that each department's team also serves
        self.outside_streets = np.repeat(np.maximum(per - served, 0), self.n_silos)
        self.hours = dc.hours_per_day
        self.skill = dc.skill
        self.delay = dc.response_delay_hours
        #: a team's inspectors go out in pairs (8-hour days): teams working in parallel
        self.teams = np.maximum(1.0, self.hours / 16.0)
        #: one intake routes every report to the right silo (no misrouting)
        self.single_intake = False
        #: cases per day from the streets outside the model, per department (a lever)
        self.other_rate = self.outside_streets * dc.other_cases_per_day
        self._other_hours = dc.other_case_hours
        self._sigma = cfg.issues.hours_noise
        # the outside cases waiting: handler index, priority, arrival (h), hours left
        self.out_handler = np.empty(0, dtype=np.int64)
        self.out_prio = np.empty(0)
        self.out_t = np.empty(0)
        self.out_rem = np.empty(0)
        #: a whistled case's waits the department controls (from site visit to remedy, a
        #: transfer between silos) are at most this (hours)
        self.committed_hours = np.inf
        #: mean elapsed hours from a site visit to the start of the remedy (exponential)
        self.remedy_lag_hours = 24.0 * dc.remedy_lag_days
        #: hours a transferred issue waits before it is dispatched again
        self.transfer_delay_hours = dc.transfer_delay_hours
        #: outside cases finished, and their summed waiting hours (arrival to done)
        self.out_done = np.zeros(self.n)
        self.out_wait = np.zeros(self.n)
        #: outside cases finished count only in the outcome window (set by the model)
        self.counting = True

    def owning(self, silo: np.ndarray, community: np.ndarray) -> np.ndarray:
        """The department (index within the group) of silo ``silo`` serving ``community``."""
        return self._community_team[community] * self.n_silos + silo

    def wrong_silo(self, dept: np.ndarray, rng) -> np.ndarray:
        """Another silo of the same team as each of ``dept`` (a misrouted report)."""
        nd = self.n_silos
        team, silo = np.divmod(np.asarray(dept, dtype=np.int64), nd)
        return team * nd + (silo + 1 + rng.integers(0, nd - 1, silo.size)) % nd

    def arrive(self, model) -> None:
        """Today's cases from the streets outside the model join the teams' queues."""
        rng = model.rng
        n = rng.poisson(self.other_rate)
        total = int(n.sum())
        if total == 0:
            return
        dept = np.repeat(np.arange(self.n), n)
        sev = rng.beta(2.0, 5.0, total)
        s = self._sigma
        # lognormal with mean other_case_hours, scaled by severity like a street case
        hrs = self._other_hours * (0.5 + sev) / 0.7857 * rng.lognormal(-s * s / 2, s, total)
        self.out_handler = np.concatenate([self.out_handler, self.index(dept)])
        self.out_prio = np.concatenate([self.out_prio, sev])
        self.out_t = np.concatenate([self.out_t, model.day_start + rng.random(total) * 24.0])
        self.out_rem = np.concatenate([self.out_rem, hrs])

    def take_outside(self, work: np.ndarray, t_done: np.ndarray) -> None:
        """Apply today's ``work`` to the outside cases (aligned with ``out_*``); those
        finished (``t_done`` not NaN) leave the queue."""
        self.out_rem = self.out_rem - work
        done = self.out_rem <= 1e-9
        if done.any():
            if self.counting:
                d = self.out_handler[done] - self.handlers.offset[self.group]
                np.add.at(self.out_done, d, 1.0)
                np.add.at(self.out_wait, d, t_done[done] - self.out_t[done])
            keep = ~done
            self.out_handler = self.out_handler[keep]
            self.out_prio = self.out_prio[keep]
            self.out_t = self.out_t[keep]
            self.out_rem = self.out_rem[keep]


class Mediators(HandlerGroup):
    """人民调解委员会: one committee per community; a dispute is convened after
    ``convene_days`` (exponential, the handler's delay) and met in sessions
    ``session_interval_days`` apart (the handler's retry delay)."""

    group = "mediator"

    def __init__(self, handlers, cfg):
        super().__init__(handlers)
        mc = cfg.mediators
        self.hours = mc.members_per_community * mc.hours_each_per_day
        self.skill = mc.skill
        self.delay = 24.0 * mc.convene_days


class Parties(HandlerGroup):
    """The parties to a private matter settling it themselves."""

    group = "self"
