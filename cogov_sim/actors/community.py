"""Party branches, NGOs, departments, mediators and the parties themselves.

Their capacity lives in :class:`cogov_sim.actors.handlers.Handlers`; each set
here is a view of its slice with the fields mechanisms may change (``hours``,
``skill``, ``delay``, ``volunteer_share``, ``wage_factor``) and
its own levers.

- **Party branches (社区党委)**, one per community: staff hours, volunteer hours
  (``party.volunteer_share`` of the day before's pool); they take collective
  decisions, which are carried out as far as residents accept them (handling).
- **NGOs (社会组织)**, one per community.
- **Departments (职能部门)**, the silos, non-spatial, serving many streets: each
  works this street's cases on a rota, one day every ``visit_interval_days``
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

from cogov_sim.actors.handlers import HandlerGroup


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
    group = "department"

    def __init__(self, handlers, cfg):
        super().__init__(handlers)
        dc = cfg.departments
        self.hours = dc.hours_per_day
        self.skill = dc.skill
        self.delay = dc.response_delay_hours
        #: one intake routes every report to the right silo (no misrouting)
        self.single_intake = False
        #: days between the department's rota days in this street (1: every day)
        self.visit_interval = np.full(self.n, dc.visit_interval_days, dtype=np.int64)
        #: the rota day of each department (staggered)
        self.visit_offset = np.arange(self.n, dtype=np.int64)

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
