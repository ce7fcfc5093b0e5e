"""A class plays the street: people in roles decide the actors' levers, round by round.

Not a policy of the catalogue (it is not registered by name): the participatory
class (:mod:`cogov_sim.frontends.play`) adds it to a street's mechanisms by its
import path, ``cogov_sim.core.mechanisms.class_play:ClassPlay``, last, so that it
acts after the street's own mechanisms. Every decision acts on the model only
through the levers the mechanism contract allows (actors' capacities, routing
on what was reported, invitations, visit rounds); outcomes follow from the
processes.

Roles (:func:`class_roles`): the street office, and for each community its grid
team (the workers of its zones), its community secretary (the party branch),
its NGO and its largest property firm. A role's levers (:data:`LEVERS`):

- **grid team** -- ``patrol_hours``: hours a day each zone's workers patrol
  (the rest of their hours handle cases; more patrol finds more issues early and
  leaves less for the backlog); ``push_up``: the severity up to which the
  workers handle what they found themselves (their silo's remit); above it the
  report goes up to the department (dispatch, on the worker's own finding).
- **community secretary** -- ``visits_per_year``: the party branch's home visits
  per household per year (staff hours; a visit is a contact and finds
  problems); ``activities_per_month``: volunteer and party-member activities,
  each inviting :data:`ACTIVITY_REACH` of the community's households on a day
  drawn with probability ``activities / 30`` (invitation raises participation;
  participants cost the branch organising hours the next day and fill the
  volunteer pool); ``council``: collective matters reported in the community go
  to the branch's deliberation (its hours, residents' acceptance) instead of the
  department.
- **property firm** -- ``reinvest``: the share of its margin (the fees'
  ``firms.skim_share``) the firm puts back into staff hours instead of profit
  (the firm's ``oversight``; its hours are set from the fees at each monthly
  bill, so the choice shows a month later: more hours deliver more of the
  routine service, quality follows what was delivered, residents' satisfaction
  follows quality, and fees paid follow satisfaction); ``service_level``:
  routine service as a multiple of the contract (hours set aside each day, as
  far as the firm's hours allow; what is left handles repairs);
  ``repair_delay_hours``: the mean delay before a repair or property dispute is
  taken up.
- **NGO** -- ``visits_per_month``: visits per vulnerable household per month (its
  hours; visits find service needs); ``volunteer_share``: the share of the
  community's volunteer hours it takes on.
- **street office** -- ``department_hours``: paid department hours a day added
  to the silo ``department_focus`` (its teams serving this street), and
  ``ngo_hours``: service hours a day bought from every community's NGO, within
  ``budget_yuan_month`` (wages of ``outcomes``: the hours' cost counts in the
  street's cost like any paid hour).

A decision is planned for a day (:meth:`ClassPlay.plan`) and applied at the start
of that day (``begin_step``), role by role, only the levers that changed. A
street that no one decides for runs exactly as without the mechanism (a test
holds this), which is the class's automatic baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cogov_sim.core.issues import IssueType
from cogov_sim.core.mechanisms._routing import movable, reroute
from cogov_sim.core.mechanisms.base import Mechanism
from cogov_sim.core.params import param

#: import path that adds the mechanism to a street's ``mechanisms``
SPEC = "cogov_sim.core.mechanisms.class_play:ClassPlay"

#: share of a community's households one activity invites (a building or two)
ACTIVITY_REACH = 0.08

ROLE_KINDS = ("office", "grid", "secretary", "firm", "ngo")


class DecisionError(ValueError):
    """A decision that is not a role's, names an unknown lever, or is out of range."""


@dataclass(frozen=True)
class Lever:
    """One decision a role makes: a number in ``[lo, hi]`` (in ``step``s), a switch
    (``kind="switch"``) or one of ``hi + 1`` choices ``0..hi`` (``kind="choice"``)."""

    name: str
    lo: float
    hi: float
    step: float
    unit: str
    kind: str = "number"

    def clean(self, value, where: str):
        """``value`` as this lever takes it; DecisionError naming ``where`` if not."""
        if self.kind == "switch":
            if isinstance(value, bool):
                return value
            if value in (0, 1):
                return bool(value)
            raise DecisionError(
                f"{where}: {self.name} must be on or off (true/false), not {value!r}"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise DecisionError(f"{where}: {self.name} must be a number, not {value!r}")
        try:
            x = float(value)
        except (ValueError, OverflowError):
            raise DecisionError(f"{where}: {self.name} must be a number, not {value!r}") from None
        if not np.isfinite(x) or not self.lo <= x <= self.hi:
            raise DecisionError(
                f"{where}: {self.name} = {value!r} is outside its range "
                f"[{self.lo:g}, {self.hi:g}] ({self.unit})"
            )
        if self.kind == "choice":
            if x != int(x):
                raise DecisionError(f"{where}: {self.name} must be a whole number, not {value!r}")
            return int(x)
        return x


#: each kind of role's levers
LEVERS: dict[str, tuple[Lever, ...]] = {
    "grid": (
        Lever("patrol_hours", 0.0, 3.0, 0.25, "hours a day per zone"),
        Lever("push_up", 0.0, 1.0, 0.05, "severity up to which workers handle their own finds"),
    ),
    "secretary": (
        Lever("visits_per_year", 0.0, 4.0, 0.25, "home visits per household per year"),
        Lever("activities_per_month", 0.0, 8.0, 1.0, "activities a month"),
        Lever("council", 0.0, 1.0, 1.0, "deliberation council for collective matters", "switch"),
    ),
    "firm": (
        Lever("reinvest", 0.0, 1.0, 0.05, "share of the margin spent on staff hours"),
        Lever("service_level", 0.5, 1.5, 0.05, "routine service, multiple of the contract"),
        Lever("repair_delay_hours", 1.0, 72.0, 1.0, "mean hours before a repair is taken up"),
    ),
    "ngo": (
        Lever("visits_per_month", 0.0, 3.0, 0.25, "visits per vulnerable household per month"),
        Lever("volunteer_share", 0.0, 0.6, 0.05, "share of the community's volunteer hours"),
    ),
    "office": (
        Lever("department_hours", 0.0, 48.0, 4.0, "department hours a day added"),
        Lever("department_focus", 0.0, 0.0, 1.0, "the silo that gets them", "choice"),
        Lever("ngo_hours", 0.0, 16.0, 2.0, "hours a day bought from each NGO"),
    ),
}


@dataclass(frozen=True)
class Role:
    """One role of a class: ``id`` (``office``, ``grid-2``...), its kind, and the
    community (grid, secretary, NGO), firm (firm) or -1 (office) it acts for."""

    id: str
    kind: str
    owner: int
    community: int


def _holding(lv: Lever, start) -> Lever:
    """``lv`` with its range widened to hold ``start``."""
    if lv.kind != "number" or lv.lo <= start <= lv.hi:
        return lv
    return Lever(lv.name, min(lv.lo, float(start)), max(lv.hi, float(start)), lv.step, lv.unit)


def class_roles(model) -> list[Role]:
    """The roles a street offers, in the order a class fills them: the street office,
    then community by community its grid team, secretary, property firm (the largest
    firm of the community, when it has one) and NGO."""
    w = model.world
    roles = [Role("office", "office", -1, -1)]
    firms = model.firms.households
    for c in range(w.n_communities):
        roles.append(Role(f"grid-{c}", "grid", c, c))
        roles.append(Role(f"secretary-{c}", "secretary", c, c))
        mine = np.flatnonzero(w.firm_community == c)
        if mine.size and firms[mine].max() > 0:
            f = int(mine[np.argmax(firms[mine])])
            roles.append(Role(f"firm-{c}", "firm", f, c))
        roles.append(Role(f"ngo-{c}", "ngo", c, c))
    return roles


def levers_of(model, kind: str) -> tuple[Lever, ...]:
    """The levers of a kind of role in this street (the office's silo choice spans the
    street's departments)."""
    if kind == "office":
        n = int(model.cfg.world.n_departments)
        a, focus, b = LEVERS["office"]
        return (a, Lever(focus.name, 0.0, float(n - 1), 1.0, focus.unit, "choice"), b)
    return LEVERS[kind]


@dataclass
class ClassPlayParams:
    """The class's street office budget: see :mod:`cogov_sim.core.mechanisms.class_play`."""

    budget_yuan_month: float = param(
        60000.0,
        0.0,
        1e9,
        "a budget in yuan >= 0",
        "the street office's budget a month for department and NGO hours",
        unit="yuan/month",
    )


class ClassPlay(Mechanism):
    """People in roles decide the actors' levers (see the module docstring)."""

    name = "class_play"
    title_en = "A class plays the street"
    title_zh = "课堂角色扮演"
    expected = "What the class decides, through each actor's levers; no effect of its own."
    limitations = "Only the levers of LEVERS; the catalogue's mechanisms are fixed per class."
    Params = ClassPlayParams

    def setup(self, model) -> None:
        self.roles = {r.id: r for r in class_roles(model)}
        self.levers = {k: levers_of(model, k) for k in ROLE_KINDS}
        w = model.world
        self._zones = [np.flatnonzero(w.zone_community == c) for c in range(w.n_communities)]
        self._homes = [np.flatnonzero(w.community == c) for c in range(w.n_communities)]
        self._dept_hours = model.departments.hours.copy()
        self._ngo_hours = model.ngos.hours.copy()
        self.activities = np.zeros(w.n_communities)
        self.council = np.zeros(w.n_communities, dtype=bool)
        self.defaults = {rid: self._current(model, r) for rid, r in self.roles.items()}
        #: each role's levers, their ranges widened to hold the street's own starting
        #: value (a mechanism of the street may set one outside the usual range)
        self.role_levers = {
            rid: tuple(_holding(lv, self.defaults[rid][lv.name]) for lv in self.levers[r.kind])
            for rid, r in self.roles.items()
        }
        #: the values in force, per role
        self.current = {rid: dict(v) for rid, v in self.defaults.items()}
        #: decisions waiting for their day: day -> role -> lever -> value
        self.planned: dict[int, dict[str, dict]] = {}

    # ------------------------------------------------------------ decisions
    def _current(self, model, r: Role) -> dict:
        wk, c = model.workers, r.owner
        if r.kind == "grid":
            z = self._zones[c]
            ph = np.broadcast_to(np.asarray(wk.patrol_hours, dtype=float), (model.world.n_zones,))
            st = np.broadcast_to(np.asarray(wk.small_threshold, dtype=float), ph.shape)
            return {"patrol_hours": float(ph[z].mean()), "push_up": float(st[z].mean())}
        if r.kind == "secretary":
            return {
                "visits_per_year": float(model.party.visits_per_household_year[c]),
                "activities_per_month": 0.0,
                "council": False,
            }
        if r.kind == "firm":
            return {
                "reinvest": float(model.firms.oversight[c]),
                "service_level": float(model.firms.service_level[c]),
                "repair_delay_hours": float(model.firms.delay[c]),
            }
        if r.kind == "ngo":
            return {
                "visits_per_month": float(model.ngos.visits_per_household_month[c]),
                "volunteer_share": float(model.ngos.volunteer_share[c]),
            }
        return {"department_hours": 0.0, "department_focus": 0, "ngo_hours": 0.0}

    def clean(self, model, role_id: str, values: dict) -> dict:
        """``values`` for role ``role_id`` as they will be applied (unknown role or lever,
        a value out of range, or an office plan over its budget: DecisionError)."""
        r = self.roles.get(role_id)
        if r is None:
            raise DecisionError(f"no role {role_id!r} in this street")
        if not isinstance(values, dict):
            raise DecisionError(f"{role_id}: a decision is a mapping of lever to value")
        levers = {lv.name: lv for lv in self.role_levers[role_id]}
        unknown = sorted(set(values) - set(levers))
        if unknown:
            raise DecisionError(
                f"{role_id}: no lever {unknown[0]!r} for this role (its levers: "
                f"{', '.join(levers)})"
            )
        out = {k: levers[k].clean(v, role_id) for k, v in values.items()}
        if r.kind == "office":
            plan = {**self.current[role_id], **out}
            cost, budget = self.cost(model, plan), self.params.budget_yuan_month
            if cost > budget + 1e-6:
                raise DecisionError(
                    f"{role_id}: the plan costs {cost:,.0f} yuan a month, over the budget of "
                    f"{budget:,.0f}"
                )
        return out

    @staticmethod
    def prices(model) -> dict[str, float]:
        """Yuan a month (30 days) of one unit of each office lever, at the outcome wages
        (an hour a day from each of the street's NGOs for ``ngo_hours``)."""
        oc = model.cfg.outcomes
        return {
            "department_hours": 30.0 * oc.wage_department,
            "department_focus": 0.0,
            "ngo_hours": 30.0 * oc.wage_ngo * model.world.n_communities,
        }

    @classmethod
    def cost(cls, model, plan: dict) -> float:
        """Yuan a month of an office plan's paid hours."""
        return float(sum(p * plan[k] for k, p in cls.prices(model).items()))

    def plan(self, model, day: int, decisions: dict[str, dict]) -> dict[str, dict]:
        """Apply ``decisions`` (role -> lever -> value) at the start of ``day`` (a day to
        come); returns them cleaned. Every decision is checked before any is kept."""
        if day <= model.day:
            raise DecisionError(f"day {day} has begun; decisions apply from day {model.day + 1}")
        clean = {rid: self.clean(model, rid, v) for rid, v in decisions.items()}
        slot = self.planned.setdefault(int(day), {})
        for rid, v in clean.items():
            slot.setdefault(rid, {}).update(v)
        return clean

    # ---------------------------------------------------------------- hooks
    def begin_step(self, model) -> None:
        todo = self.planned.pop(model.day, None)
        if todo:
            for rid in self.roles:  # role order, whatever order they were planned in
                if rid in todo:
                    self._apply(model, self.roles[rid], todo[rid])
        if self.activities.any():
            self._invite(model)

    def _apply(self, model, r: Role, values: dict) -> None:
        cur = self.current[r.id]
        changed = {k: v for k, v in values.items() if cur[k] != v}
        if not changed:
            return
        cur.update(changed)
        c = r.owner
        if r.kind == "grid":
            wk, n = model.workers, model.world.n_zones
            z = self._zones[c]
            if "patrol_hours" in changed:
                ph = np.array(np.broadcast_to(np.asarray(wk.patrol_hours, float), (n,)))
                ph[z] = cur["patrol_hours"]
                wk.patrol_hours = ph
                wk.reserved = ph  # the handlers' patrol hours (start of the next day)
            if "push_up" in changed:
                st = np.array(np.broadcast_to(np.asarray(wk.small_threshold, float), (n,)))
                st[z] = cur["push_up"]
                wk.small_threshold = st
        elif r.kind == "secretary":
            model.party.visits_per_household_year[c] = cur["visits_per_year"]
            self.activities[c] = cur["activities_per_month"]
            self.council[c] = cur["council"]
        elif r.kind == "firm":
            model.firms.oversight[c] = cur["reinvest"]
            model.firms.service_level[c] = cur["service_level"]
            model.firms.delay[c] = cur["repair_delay_hours"]
        elif r.kind == "ngo":
            model.ngos.visits_per_household_month[c] = cur["visits_per_month"]
            model.ngos.volunteer_share[c] = cur["volunteer_share"]
        else:
            deps = model.departments
            silo = np.arange(deps.n) % int(model.cfg.world.n_departments)
            focus = silo == cur["department_focus"]
            teams = max(int(focus.sum()), 1)
            deps.hours = self._dept_hours + np.where(focus, cur["department_hours"] / teams, 0.0)
            deps.teams = np.maximum(1.0, deps.hours / 16.0)
            model.ngos.hours = self._ngo_hours + cur["ngo_hours"]

    def _invite(self, model) -> None:
        """Today's activities: each community holding one today invites
        :data:`ACTIVITY_REACH` of its households, drawn at random."""
        rng, r = model.rng, model.residents
        held = rng.random(self.activities.size) < self.activities / 30.0
        for c in np.flatnonzero(held):
            homes = self._homes[c]
            k = int(round(ACTIVITY_REACH * homes.size))
            if k:
                r.invited[rng.choice(homes, size=k, replace=False)] = True

    def route(self, model, ids, kind, target) -> None:
        """Collective matters reported in a council's community go to its party branch."""
        if not self.council.any():
            return
        iss = model.issues
        comm = iss.community[ids]
        mask = (iss.rtype[ids] == IssueType.COLLECTIVE_MATTER) & self.council[comm] & movable(kind)
        reroute(model, kind, target, mask, "party", comm)
