"""Party branches, NGOs, departments, mediators and the parties themselves.

Their capacity lives in :class:`cogov_sim.core.actors.handlers.Handlers`; each set
here is a view of its slice with the fields mechanisms may change (``hours``,
``skill``, ``delay``, ``volunteer_share``, ``wage_factor``) and
its own levers.

- **Party branches (社区党委)**, one per community: staff hours, volunteer hours
  (``party.volunteer_share`` of the day before's pool); they take collective
  decisions, which are carried out as far as residents accept them (handling).
- **NGOs (社会组织)**, one per community.
- **Departments (职能部门)**, the silos, non-spatial: ``world.n_departments`` in
  every street (街道, ``world.communities_per_street`` communities; a district of
  ten streets has ten sets of staff). Each works its street's cases on a rota,
  one day every ``visit_interval_days``
  days (staggered), with the hours of the whole interval that day; cases wait
  for the next rota day in a queue by priority. Levers: ``single_intake`` (False
  in traditional governance, where a department-bound report may go to the
  wrong silo; True when one intake routes every report: an integrated grid, a
  dispatch platform) and ``visit_interval`` (per department: a platform that
  sends work orders daily shortens it).
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


class NGOs(HandlerGroup):
    group = "ngo"

    def __init__(self, handlers, cfg):
        super().__init__(handlers)
        self.hours = cfg.ngos.hours_per_day
        self.skill = cfg.ngos.skill
        self.delay = cfg.ngos.response_delay_hours


class Departments(HandlerGroup):
    """职能部门: ``n_departments`` silos in every street (街道); department ``i`` of the
    group is silo ``i % n_departments`` of street ``i // n_departments``."""

    group = "department"

    def __init__(self, handlers, cfg, world):
        super().__init__(handlers)
        dc = cfg.departments
        #: silos per street
        self.n_silos = int(cfg.world.n_departments)
        self._community_street = world.community_street
        self.hours = dc.hours_per_day
        self.skill = dc.skill
        self.delay = dc.response_delay_hours
        #: one intake routes every report to the right silo (no misrouting)
        self.single_intake = False
        #: days between the department's rota days in this street (1: every day)
        self.visit_interval = np.full(self.n, dc.visit_interval_days, dtype=np.int64)
        #: the rota day of each department (staggered)
        self.visit_offset = np.arange(self.n, dtype=np.int64)

    def owning(self, silo: np.ndarray, community: np.ndarray) -> np.ndarray:
        """The department (index within the group) of silo ``silo`` in the street of
        ``community``."""
        return self._community_street[community].astype(np.int64) * self.n_silos + silo

    def wrong_silo(self, dept: np.ndarray, rng) -> np.ndarray:
        """Another silo of the same street as each of ``dept`` (a misrouted report)."""
        nd = self.n_silos
        street, silo = np.divmod(np.asarray(dept, dtype=np.int64), nd)
        return street * nd + (silo + 1 + rng.integers(0, nd - 1, silo.size)) % nd

    def on_rota(self, day: int) -> np.ndarray:
        """Which departments work this street's cases today."""
        return (day - self.visit_offset) % self.visit_interval == 0

    def start_day(self, day: int) -> None:
        """A department's hours for this street come on its rota days: the hours of the
        whole interval on one day, none in between (paid hours are unchanged)."""
        on = self.on_rota(day)
        self.cap_today = np.where(on, self.cap_today * self.visit_interval, 0.0)
        self.teams = np.where(on, self.visit_interval, 1).astype(float)


class Mediators(HandlerGroup):
    group = "mediator"


class Parties(HandlerGroup):
    """The parties to a private matter settling it themselves."""

    group = "self"
