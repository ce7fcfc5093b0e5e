"""Party branches, NGOs, departments, mediators and the parties themselves.

Their capacity lives in :class:`cogov_sim.actors.handlers.Handlers`; each set
here is a view of its slice with the fields mechanisms may change (``hours``,
``skill``, ``delay``, ``volunteer_share``, ``wage_factor``) and
its own levers.

- **Party branches (社区党委)**, one per community: staff hours, volunteer hours
  (``party.volunteer_share`` of the day before's pool); they take collective
  decisions, which are carried out as far as residents accept them (handling).
- **NGOs (社会组织)**, one per community.
- **Departments (职能部门)**, the silos, non-spatial. Lever ``single_intake``:
  False in traditional governance, where a department-bound report may go to the
  wrong silo; True when one intake routes every report (an integrated grid, a
  dispatch platform).
- **Mediators**, one pool per community, no hours unless a mechanism trains them.
- **The parties themselves**, one handler, no hours unless a mechanism sends
  private matters to them.
"""

from __future__ import annotations

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


class Mediators(HandlerGroup):
    group = "mediator"


class Parties(HandlerGroup):
    """The parties to a private matter settling it themselves."""

    group = "self"
